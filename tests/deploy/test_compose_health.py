"""Every service of docker-compose.yml says when it is ready: a health check with a command its
image has (each named below, with why), or — a one-shot job — an exit code; and every service
waits for what it needs to be healthy (``service_healthy``) or done
(``service_completed_successfully``), never merely started."""

from __future__ import annotations

from typing import Any

import pytest

from tests.deploy.files import interpolated_compose

SERVICES: dict[str, dict[str, Any]] = interpolated_compose()["services"]
ONE_SHOT = {"temporal-schema", "temporal-namespace", "ledger-migrate"}

#: the program each image's health check runs, and why the image has it
PROBES = {
    "postgresql": "pg_isready",  # the postgres image's own client tools
    "temporal": "nc",  # Alpine's busybox; the server image has no Temporal CLI
    "temporal-ui": "wget",  # Alpine's busybox; GET /healthz of the UI server
    "worker": "python",  # the slim Python image: no curl, no wget
    "api": "python",
    "proxy": "wget",  # caddy:*-alpine, busybox; Caddy's admin endpoint
    "prometheus": "wget",  # prom/prometheus is busybox-based; GET /-/healthy
    "backup": "/bin/sh",  # the postgres image (Debian); backup.sh check
}


def test_every_long_running_service_has_a_health_check_and_one_shots_none() -> None:
    assert set(SERVICES) == set(PROBES) | ONE_SHOT
    for name, service in SERVICES.items():
        if name in ONE_SHOT:
            assert "healthcheck" not in service, name
            assert service["restart"] == "no", name
        else:
            assert "healthcheck" in service, name


@pytest.mark.parametrize("name", sorted(PROBES))
def test_health_check_runs_a_program_its_image_has(name: str) -> None:
    check = SERVICES[name]["healthcheck"]
    assert check["test"][0] == "CMD", name  # no shell assumed: the program itself
    assert check["test"][1] == PROBES[name], name
    for field in ("interval", "timeout", "retries"):
        assert field in check, (name, field)


def test_every_dependency_waits_for_health_or_completion() -> None:
    for name, service in SERVICES.items():
        for target, how in service.get("depends_on", {}).items():
            expected = ("service_completed_successfully" if target in ONE_SHOT
                        else "service_healthy")
            assert how == {"condition": expected}, (name, target)


def test_the_namespace_job_waits_for_a_healthy_server() -> None:
    assert SERVICES["temporal-namespace"]["depends_on"] == {
        "temporal": {"condition": "service_healthy"}}


def test_the_servers_frontend_listens_where_its_health_check_asks() -> None:
    temporal = SERVICES["temporal"]
    assert temporal["environment"]["BIND_ON_IP"] == "0.0.0.0"
    assert temporal["healthcheck"]["test"][-2:] == ["127.0.0.1", "7233"]


def test_the_backup_health_check_is_the_backup_scripts_own() -> None:
    test = SERVICES["backup"]["healthcheck"]["test"]
    assert test[-2:] == ["/etc/intersessional/backup.sh", "check"]
    assert SERVICES["backup"]["entrypoint"][1] == test[-2]
