"""The API with no engine to ask: a uvicorn server whose Temporal address answers nothing, over
a migrated ledger. It still starts, reads what the ledger holds, and answers every question for
the engine with a 503 problem — never a 500 — recording nothing."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ledger import create_ledger_engine, upgrade
from tests.api.conftest import YEAR, Api
from tests.e2e.conftest import STARTUP, Dev
from tests.ports import free_port


@pytest.fixture(scope="module")
def lonely(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """An API server whose engine is not running (Dev never started), the ledger migrated."""
    base: Path = tmp_path_factory.mktemp("lonely")
    dev = Dev(data_dir=base / "data", temporal_port=free_port(), ui_port=free_port())
    dev.data_dir.mkdir(parents=True)
    engine = create_ledger_engine(dev.settings.effective_ledger_url)
    upgrade(engine)
    engine.dispose()
    server = Api(dev=dev, port=free_port())
    server.register()
    server.start()
    try:
        deadline = time.monotonic() + STARTUP
        while True:
            with contextlib.suppress(httpx.TransportError):
                httpx.get(f"{server.url}/openapi.json", timeout=2).raise_for_status()
                break
            assert server.process is not None
            assert server.process.poll() is None, server.output()
            assert time.monotonic() < deadline, server.output()
            time.sleep(0.1)
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize(("method", "path", "who", "body"), [
    ("GET", "/health", None, None), ("GET", f"/cycles/{YEAR}", None, None),
    ("GET", f"/cycles/{YEAR}/pending", None, None),
    ("POST", "/cycles", "isu", {"year": YEAR}),
    ("POST", f"/cycles/{YEAR}/hold_meeting", "isu", {"records_reference": "ISU/2027/IM"}),
])
def test_what_needs_the_engine_is_503(lonely: Api, method: str, path: str, who: str | None,
                                      body: dict[str, object] | None) -> None:
    with lonely.client(who) as http:
        answer = http.request(method, path, json=body)
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == "/problems/engine-unavailable"
    assert lonely.head() == 0


def test_what_the_ledger_holds_is_still_read(lonely: Api) -> None:
    with lonely.client("auditor") as http:
        me, timeline, page = http.get("/me"), http.get(f"/cycles/{YEAR}/timeline"), http.get(
            f"/dashboard/{YEAR}")
    assert me.status_code == 200
    assert me.json()["role"] == "auditor"
    assert timeline.status_code == 404  # no such cycle in this ledger
    assert page.status_code == 503
    assert "could not be reached" in page.text
