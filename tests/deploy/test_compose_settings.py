"""The environment docker-compose.yml gives the services built from the Dockerfile, read by
the settings model exactly as ``intersessional worker``, ``api`` and ``db upgrade`` read it:
every ``INTERSESSIONAL_*`` name a field of ``settings.Settings``, every value valid, and the
values agreeing with the rest of the topology (the Temporal service, the ledger's database,
the signing-key secret, the ports the health checks probe)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

import settings
from tests.deploy.files import (
    built_services,
    environment,
    interpolated_compose,
    service_settings,
    unknown_settings,
)

COMPOSE = interpolated_compose()
BUILT = built_services(COMPOSE)
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]


@pytest.fixture
def existing_file(tmp_path: Path) -> Path:
    path = tmp_path / "present.pem"
    path.write_text("a file that exists\n")
    return path


def test_engine_services_are_configured_through_settings_variables() -> None:
    assert set(BUILT) == {"ledger-migrate", "worker", "api"}
    for name, service in BUILT.items():
        assert any(n.startswith(settings.PREFIX) for n in environment(service)), name


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_intersessional_variable_names_a_setting(name: str) -> None:
    assert unknown_settings(environment(SERVICES[name])) == []


@pytest.mark.parametrize("name", sorted(BUILT))
def test_environment_loads_as_valid_settings(name: str, existing_file: Path) -> None:
    loaded = service_settings(environment(BUILT[name]), existing_file)
    assert loaded.temporal_address == "temporal:7233"
    assert loaded.log_format == "json"
    assert loaded.data_dir == Path("/var/lib/intersessional")


def test_a_misspelt_setting_is_caught(existing_file: Path) -> None:
    env = environment(BUILT["worker"])
    env["INTERSESSIONAL_TEMPORAL_ADRESS"] = env.pop("INTERSESSIONAL_TEMPORAL_ADDRESS")
    assert unknown_settings(env) == ["INTERSESSIONAL_TEMPORAL_ADRESS"]
    # not a stop (pydantic ignores it; the CLI warns of it with the name meant)
    assert settings.unknown_variables(env) == ["INTERSESSIONAL_TEMPORAL_ADRESS"]
    assert settings.nearest("INTERSESSIONAL_TEMPORAL_ADRESS") == \
        "INTERSESSIONAL_TEMPORAL_ADDRESS"
    assert service_settings(env, existing_file).temporal_address == "127.0.0.1:7233"


def test_a_wrong_value_is_caught(existing_file: Path) -> None:
    env = {**environment(BUILT["api"]), "INTERSESSIONAL_API_PORT": "eighty"}
    with pytest.raises(settings.SettingsError, match="INTERSESSIONAL_API_PORT"):
        service_settings(env, existing_file)


def test_a_tls_file_setting_is_checked_against_a_file_that_exists(existing_file: Path) -> None:
    env = {**environment(BUILT["worker"]),
           "INTERSESSIONAL_TEMPORAL_TLS_CA": "/run/secrets/temporal_ca"}
    loaded = service_settings(env, existing_file)
    assert loaded.temporal_tls_ca == existing_file
    assert loaded.uses_tls


def test_ledger_url_names_the_ledger_database_on_the_postgresql_service(
        existing_file: Path) -> None:
    for name, service in BUILT.items():
        url = make_url(service_settings(environment(service), existing_file).effective_ledger_url)
        assert (url.drivername, url.host, url.port, url.database, url.username) == (
            "postgresql+psycopg", "postgresql", 5432, "ledger", "ledger"), name
        assert url.host in SERVICES


def test_every_engine_service_reads_one_signing_key_from_its_secret(existing_file: Path) -> None:
    keys = set()
    for name, service in BUILT.items():
        key = service_settings(environment(service), existing_file).signing_key
        assert key is not None, name
        assert key.parent == Path("/run/secrets"), name
        assert key.name in service.get("secrets", []), name
        keys.add(key.name)
    (secret,) = keys
    assert COMPOSE["secrets"][secret]["file"] == "./secrets/checkpoint-signing-key.pem"


def test_engine_uses_the_namespace_the_namespace_service_creates(existing_file: Path) -> None:
    created = environment(SERVICES["temporal-namespace"])
    assert created["TEMPORAL_ADDRESS"] == "temporal:7233"
    for service in BUILT.values():
        loaded = service_settings(environment(service), existing_file)
        assert loaded.temporal_namespace == created["NAMESPACE"]


def _probed_port(service: dict[str, Any]) -> int:
    test = " ".join(service["healthcheck"]["test"])
    (port,) = re.findall(r"http://127\.0\.0\.1:(\d+)/health", test)
    return int(port)


def test_health_checks_probe_the_ports_the_settings_open(existing_file: Path) -> None:
    worker = service_settings(environment(SERVICES["worker"]), existing_file)
    api = service_settings(environment(SERVICES["api"]), existing_file)
    assert worker.worker_health_port > 0
    assert _probed_port(SERVICES["worker"]) == worker.worker_health_port
    assert _probed_port(SERVICES["api"]) == api.api_port
    assert worker.worker_health_host == api.api_host == "0.0.0.0"
    # reached by the proxy and Prometheus over the compose networks, published nowhere
    assert "ports" not in SERVICES["api"]


def test_health_checks_require_status_200() -> None:
    for name in ("worker", "api"):
        test = SERVICES[name]["healthcheck"]["test"]
        assert test[0] == "CMD", name
        assert "urllib.request" in test[-1], name
        assert ".status != 200" in test[-1], name
