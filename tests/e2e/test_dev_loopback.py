"""`intersessional dev` is reachable from this machine only: Temporal's frontend, its web UI,
its HTTP and metrics ports, its cluster's own ports and the API all listen on 127.0.0.1, and an
address on another host is refused before anything starts (runtime/embedded.py)."""

from __future__ import annotations

import time

import pytest

from runtime.embedded import loopback_ip
from tests.e2e.conftest import STARTUP, Dev
from tests.listening import Listening, group_pids, listening


@pytest.mark.parametrize(("address", "ip"), [
    ("127.0.0.1:7233", "127.0.0.1"), ("localhost:7233", "127.0.0.1"),
    ("LOCALHOST:7233", "127.0.0.1"), ("127.0.0.2:7233", "127.0.0.2"),
    ("0.0.0.0:7233", None), ("[::]:7233", None), ("::1:7233", None), ("10.0.0.5:7233", None),
    ("temporal:7233", None), ("192.168.1.20:7233", None)])
def test_only_a_loopback_address_is_one_the_embedded_server_binds(address: str,
                                                                   ip: str | None) -> None:
    assert loopback_ip(address) == ip


def sockets_once_serving(dev: Dev) -> list[Listening]:
    """The listening sockets of the dev process's group, once Temporal's frontend, its UI and
    the API are all among them."""
    expected = {dev.temporal_port, dev.ui_port, dev.api_port}
    deadline = time.monotonic() + STARTUP
    while True:
        found = listening(group_pids(dev.process.pid))
        if expected <= {s.port for s in found}:
            return found
        assert dev.process.poll() is None, dev.output()
        assert time.monotonic() < deadline, f"{expected} not all listening: {found}"
        time.sleep(0.1)


async def test_dev_listens_on_loopback_only_and_refuses_any_other_address(dev: Dev) -> None:
    for wide in ("0.0.0.0", "192.0.2.1"):  # every interface; another host's address
        done = dev.cli("dev", exit_code=2, env={
            "INTERSESSIONAL_TEMPORAL_ADDRESS": f"{wide}:{dev.temporal_port}"})
        (line,) = [x for x in (done.stdout + done.stderr).splitlines() if x.strip()]
        assert line.startswith(f"wrong setting: INTERSESSIONAL_TEMPORAL_ADDRESS (got "
                               f"'{wide}:{dev.temporal_port}')"), line
        assert "listens on this machine only" in line
        assert "docs/SECURITY.md" in line
        assert not dev.data_dir.exists()  # no server started, no ledger made

    dev.start()  # the next valid start works
    await dev.client()
    dev.ready()
    found = sockets_once_serving(dev)
    processes = {s.pid for s in found}
    assert len(processes) >= 2, found  # the dev process (API) and its Temporal server
    assert len(found) >= 5, found  # frontend, UI, API, and the server's HTTP/metrics/cluster
    wide_open = [s for s in found if not s.loopback]
    assert wide_open == [], f"listening beyond this machine: {wide_open}"
    assert {s.ip for s in found} == {"127.0.0.1"}, found
