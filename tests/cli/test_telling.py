"""How an RPC the engine did not answer is told (``cli.telling.engine_failed``): the status of
the way to the engine is the unreachable sentence with the address, never the transport's text;
another status is named. Both exit 3, and with --json the error object is on stdout."""

from __future__ import annotations

import json

import pytest
from temporalio.service import RPCError, RPCStatusCode

from cli.output import ASKED, Exit
from cli.telling import engine_failed

TRANSPORT = "Connection refused: tonic::transport::Error(Transport, hyper::Error(Connect))"


@pytest.fixture
def asked_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ASKED, "json", True)
    monkeypatch.setenv("INTERSESSIONAL_TEMPORAL_ADDRESS", "127.0.0.1:7999")


@pytest.mark.usefixtures("asked_json")
@pytest.mark.parametrize("status", [RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED])
def test_the_way_to_the_engine_failing_is_the_unreachable_sentence(
        status: RPCStatusCode, capsys: pytest.CaptureFixture[str]) -> None:
    told = engine_failed(RPCError(TRANSPORT, status, b""))
    assert told.exit_code == Exit.unreachable
    out, err = capsys.readouterr()
    assert err == ("no Temporal server answers at 127.0.0.1:7999; start one with "
                   "`intersessional dev`, or set INTERSESSIONAL_TEMPORAL_ADDRESS to one that "
                   "runs.\n")
    assert json.loads(out)["error"] == {"kind": "unreachable", "exit": 3,
                                        "message": err.strip()}


@pytest.mark.usefixtures("asked_json")
def test_another_status_is_named_not_its_text(capsys: pytest.CaptureFixture[str]) -> None:
    told = engine_failed(RPCError(TRANSPORT, RPCStatusCode.PERMISSION_DENIED, b""))
    assert told.exit_code == Exit.unreachable
    out, err = capsys.readouterr()
    assert "PERMISSION_DENIED" in err
    assert "tonic" not in err + out
