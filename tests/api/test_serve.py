"""``api.serve.run``, as ``intersessional dev`` runs it beside the worker: it serves on the
settings' port until its stop event is set, leaves the signals alone, and when its port is
taken it says so and returns, so that the engine beside it runs on."""

from __future__ import annotations

import asyncio
import signal
import socket
from pathlib import Path

import httpx
import pytest

from api.serve import config, run
from settings import Settings
from tests.ports import free_port


def settings_for(tmp_path: Path, port: int) -> Settings:
    (tmp_path / "data").mkdir(exist_ok=True)
    return Settings(data_dir=tmp_path / "data", temporal_address=f"127.0.0.1:{free_port()}",
                    api_host="127.0.0.1", api_port=port)


async def test_run_serves_until_stopped_and_leaves_the_signals_alone(tmp_path: Path) -> None:
    port = free_port()
    before = signal.getsignal(signal.SIGINT)
    stop = asyncio.Event()
    server = asyncio.create_task(run(settings_for(tmp_path, port), stop))
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        async with asyncio.timeout(20):
            while True:
                try:
                    answer = await http.get("/openapi.json")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
        assert answer.status_code == 200
        assert signal.getsignal(signal.SIGINT) is before
        health = await http.get("/health")  # no Temporal at that address
    assert health.status_code == 503
    stop.set()
    async with asyncio.timeout(10):
        assert await server


async def test_run_returns_when_its_port_is_taken(tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with asyncio.timeout(10):
            assert not await run(settings_for(tmp_path, port), asyncio.Event())
    assert "not served" in caplog.text


@pytest.mark.parametrize("proxies", ["127.0.0.1", "10.0.0.5,10.0.0.6"])
def test_the_server_believes_forwarded_headers_from_the_trusted_proxies_only(
        tmp_path: Path, proxies: str) -> None:
    """Behind a TLS proxy the scheme is https (a ``Secure`` cookie) and the address is the
    client's (sign-ins counted per client), as the proxies of the setting say — no others."""
    settings = settings_for(tmp_path, free_port()).model_copy(
        update={"trusted_proxies": proxies})
    served = config(settings)
    assert served.proxy_headers is True
    assert served.forwarded_allow_ips == proxies
