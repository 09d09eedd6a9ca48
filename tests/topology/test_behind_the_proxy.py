"""The way in and the backup, on the production topology as processes (``conftest.Topology``):
Temporal, the ledger's migration and signing key, a worker and the API started as compose
starts them — the API believing ``INTERSESSIONAL_TRUSTED_PROXIES=127.0.0.1`` as compose's api
believes the proxy's address — and compose's ``proxy``, the real Caddy on
deploy/caddy/Caddyfile with its own local CA (:mod:`tests.topology.proxy`). Started once for
the module; each test asks it something else:

- over https through the proxy, the API answers (its certificate is of Caddy's local CA and
  of no public one); plain http is redirected to https;
- ``/metrics`` is answered by the proxy, and never passed to the API (which serves its own
  to Prometheus directly once ``api.metrics`` exists);
- a sign-in through the proxy gets a ``Secure`` session cookie — the proxy's
  ``X-Forwarded-Proto: https`` believed by the API — where one made to the API directly over
  plain http does not;
- compose's ``backup`` job, ``deploy/backup/backup.sh once``, dumps the topology's own ledger
  with the step just recorded in it, and ``backup.sh check`` then finds it fresh.
"""

from __future__ import annotations

import importlib.util
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import httpx
import pytest
from sqlalchemy import make_url

from scenarios.scripted import first_presidency
from tests.backends import client_tools
from tests.deploy.backups import BACKUP, libpq, run_script
from tests.deploy.files import environment, interpolated_compose
from tests.topology.conftest import Topology, ledger_database, topology_at
from tests.topology.proxy import Proxy, start_proxy, wait_proxy

YEAR = 2027
ISU = "Isabel Unit"


@dataclass
class Running:
    topology: Topology
    proxy: Proxy
    isu: str  # the ISU's token


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """The topology behind the proxy, started once for this module, every process killed at
    its end (failed or not), its ledger's database dropped."""
    with ledger_database() as url, topology_at(tmp_path_factory.mktemp("topology"),
                                               url) as topology:
        temporal = topology.start_temporal()
        topology.wait_temporal(temporal)
        topology.run("db", "upgrade")  # ledger-migrate
        topology.run("db", "keygen", "--out", str(topology.signing_key))
        isu = topology.register(ISU, "isu")
        worker = topology.start_worker("worker", 0)
        api = topology.start_api(trusted_proxies="127.0.0.1")
        proxy = start_proxy(topology, upstream=f"127.0.0.1:{topology.api_port}")
        topology.wait_worker(worker)
        topology.wait_api(api)
        wait_proxy(proxy)
        yield Running(topology, proxy, isu)


def cookie_of(answer: httpx.Response) -> SimpleCookie:
    cookie: SimpleCookie = SimpleCookie()
    cookie.load(answer.headers["set-cookie"])
    return cookie


def test_the_api_answers_through_the_proxy_over_https_only(running: Running) -> None:
    proxy = running.proxy
    with proxy.client() as https:
        health = https.get("/health")
    assert health.status_code == 200, health.text
    assert health.json()["temporal"] == running.topology.temporal_address  # the API's answer
    assert health.headers["strict-transport-security"] == "max-age=31536000"  # the proxy's
    assert "server" not in health.headers
    # the certificate is of Caddy's local CA: a client trusting the public CAs only refuses it
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{proxy.url}/health", timeout=10)

    plain = httpx.get(f"http://{proxy.domain}:{proxy.http_port}/health?from=http", timeout=10)
    assert plain.status_code == 308
    # to https's standard port: Caddy takes CADDY_HTTPS_PORT for the inside of a port mapping
    # (compose's 443:443) and names no port in the redirect
    assert plain.headers["location"] == f"https://{proxy.domain}/health?from=http"
    with proxy.client() as https:  # what 443 reaches
        assert https.get("/health?from=http").status_code == 200


def test_metrics_are_answered_by_the_proxy_never_passed_to_the_api(running: Running) -> None:
    with running.proxy.client() as https:
        proxied = [https.get(path) for path in ("/metrics", "/metrics/", "/metrics/x")]
    direct = httpx.get(f"{running.topology.api_url}/metrics", timeout=10)
    # every answer of the API carries its Content-Security-Policy (api/headers.py)
    assert "content-security-policy" in direct.headers
    for answer in proxied:
        assert answer.status_code == 404, answer.request.url
        assert answer.text == "Not Found"
        assert "content-security-policy" not in answer.headers  # the API never saw it
    if importlib.util.find_spec("api.metrics") is not None:  # the API's own GET /metrics
        assert direct.status_code == 200, direct.text
        assert "# TYPE" in direct.text
    else:  # not on this branch yet: the API's own 404, not the proxy's
        assert direct.status_code == 404
        assert direct.text != "Not Found"


def test_a_sign_in_through_the_proxy_gets_a_secure_cookie(running: Running) -> None:
    form = {"token": running.isu, "next": "/"}
    with running.proxy.client() as https:
        proxied = https.post("/signin", data=form)
        front = https.get("/")  # the cookie, sent back over https, opens the session
    with httpx.Client(base_url=running.topology.api_url, timeout=10) as http:
        direct = http.post("/signin", data=form)
    assert proxied.status_code == direct.status_code == 303, (proxied.text, direct.text)
    assert proxied.headers["location"] == "/"
    (through,) = cookie_of(proxied).values()
    (plain,) = cookie_of(direct).values()
    assert through["secure"] is True, proxied.headers["set-cookie"]
    assert through["httponly"] is True
    assert through["samesite"].lower() == "strict"
    assert not plain["secure"], direct.headers["set-cookie"]  # plain http, no proxy said https
    assert front.status_code == 200
    assert ISU in front.text


def test_the_backup_job_once_against_the_topologys_ledger(running: Running,
                                                          tmp_path: Path) -> None:
    client_tools()  # the job's pg_dump: skipped without it, failed under CI
    with running.proxy.client() as https:
        opened = https.post("/cycles", headers={"Authorization": f"Bearer {running.isu}"},
                            json={"year": YEAR, "carried_presidencies": [
                                first_presidency(YEAR).model_dump(mode="json")]})
    assert opened.status_code == 201, opened.text
    receipt = opened.json()

    ledger = make_url(running.topology.ledger_url).database
    assert ledger
    documents = Path(running.topology.settings("api")["data_dir"]) / "documents"  # its store
    backups = tmp_path / "backups"
    # compose's backup service, its addresses this machine's: the server of the topology's
    # ledger; no Temporal databases (the topology's Temporal keeps SQLite)
    compose = environment(interpolated_compose()["services"]["backup"])
    assert {"BACKUP_DIR", "BACKUP_DATABASES", "BACKUP_DOCUMENTS_DIR"} <= set(compose)
    env = {name: value for name, value in compose.items() if not name.startswith("PG")} | (
        libpq() | {"BACKUP_DIR": str(backups), "BACKUP_DATABASES": ledger,
                   "BACKUP_DOCUMENTS_DIR": str(documents)})

    assert run_script(BACKUP, "check", **env).returncode == 1  # none yet
    ran = run_script(BACKUP, "once", **env)
    assert ran.returncode == 0, ran.stderr
    (taken,) = backups.iterdir()
    assert f"backup: {taken} written" in ran.stdout
    written = {p.name for p in taken.iterdir()}
    assert written - {"documents.tar.gz"} == {f"{ledger}.dump", "BACKUP", "SHA256SUMS"}
    assert ("documents.tar.gz" in written) == documents.is_dir()
    assert f"databases={ledger}" in (taken / "BACKUP").read_text()
    # the dump holds the step just recorded, by its hash
    rows = subprocess.run(["pg_restore", "--data-only", "--table=events", "--file=-",
                           str(taken / f"{ledger}.dump")], capture_output=True, text=True,
                          timeout=60, check=False)
    assert rows.returncode == 0, rows.stderr
    assert receipt["hash"] in rows.stdout

    checked = run_script(BACKUP, "check", **env)
    assert checked.returncode == 0, checked.stderr
    assert f"backup: {taken} is fresh" in checked.stdout
