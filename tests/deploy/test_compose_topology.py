"""docker-compose.yml's topology: pinned images, the start-up order (PostgreSQL healthy, the
schemas laid and the ledger migrated, the namespace created, then the engine), two workers,
the databases the init script creates, required passwords, and the files it mounts."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.files import (
    COMPOSE,
    DOCKERIGNORE,
    ROOT,
    MissingVariableError,
    built_services,
    compose_text,
    environment,
    image_tag,
    interpolated,
    interpolated_compose,
    load_compose,
    pyproject,
    references,
)

DOCUMENT = interpolated_compose()
SERVICES: dict[str, dict[str, Any]] = DOCUMENT["services"]
ONE_SHOT = ("temporal-schema", "temporal-namespace", "ledger-migrate")
INIT_SCRIPT = ROOT / "deploy" / "postgres" / "10-create-databases.sh"


@pytest.mark.parametrize("name", sorted(n for n, s in SERVICES.items() if "image" in s))
def test_every_image_is_pinned_to_an_explicit_tag(name: str) -> None:
    tag = image_tag(SERVICES[name]["image"])
    assert tag, f"{name}: {SERVICES[name]['image']} has no tag"
    assert tag != "latest"
    assert re.search(r"\d", tag), f"{name}: {tag} names no version"


def test_every_service_has_an_image_or_is_built() -> None:
    for name, service in SERVICES.items():
        assert "image" in service or "build" in service, name


def test_admin_tools_belong_with_the_server_version() -> None:
    server = image_tag(SERVICES["temporal"]["image"])
    for name in ("temporal-schema", "temporal-namespace"):
        image = SERVICES[name]["image"]
        assert image.startswith("temporalio/admin-tools:"), name
        # since 1.30 the admin tools are tagged with the server's version alone
        assert image_tag(image) == server, name


def test_engine_services_are_built_from_the_dockerfile_and_tagged_with_the_version() -> None:
    version = pyproject()["project"]["version"]
    built = built_services(DOCUMENT)
    assert set(built) == {"ledger-migrate", "worker", "api"}
    for name, service in built.items():
        assert service["build"] == {"context": ".", "dockerfile": "Dockerfile"}, name
        assert (ROOT / service["build"]["dockerfile"]).is_file()
        assert service["image"] == f"intersessional:{version}", name


def test_engine_services_run_commands_the_cli_has() -> None:
    from cli.app import COMMANDS, loaded  # noqa: PLC0415 - the CLI, only for this test

    for name in ("ledger-migrate", "worker", "api"):
        first, *rest = SERVICES[name]["command"]
        assert first in COMMANDS, name
        command: Any = loaded(first)
        for word in rest:
            command = command.commands[word]
        assert command.callback is not None, name


def test_commands_are_the_expected_ones() -> None:
    assert SERVICES["ledger-migrate"]["command"] == ["db", "upgrade"]
    assert SERVICES["worker"]["command"] == ["worker"]
    assert SERVICES["api"]["command"] == ["api"]


def test_two_workers_run() -> None:
    assert SERVICES["worker"]["deploy"]["replicas"] == 2
    assert "container_name" not in SERVICES["worker"]  # a fixed name allows one replica
    assert "ports" not in SERVICES["worker"]  # two replicas cannot publish one host port


@pytest.mark.parametrize("name", ["worker", "api"])
def test_engine_waits_for_the_migration_and_the_namespace(name: str) -> None:
    depends = SERVICES[name]["depends_on"]
    assert depends["ledger-migrate"] == {"condition": "service_completed_successfully"}
    assert depends["temporal-namespace"] == {"condition": "service_completed_successfully"}


def test_startup_order_is_schema_then_server_then_namespace() -> None:
    assert SERVICES["temporal-schema"]["depends_on"]["postgresql"]["condition"] == (
        "service_healthy")
    assert SERVICES["ledger-migrate"]["depends_on"]["postgresql"]["condition"] == (
        "service_healthy")
    assert SERVICES["temporal"]["depends_on"]["temporal-schema"]["condition"] == (
        "service_completed_successfully")
    assert "temporal" in SERVICES["temporal-namespace"]["depends_on"]


def test_every_dependency_exists_and_healthy_ones_have_a_healthcheck() -> None:
    for name, service in SERVICES.items():
        for target, how in service.get("depends_on", {}).items():
            assert target in SERVICES, f"{name} depends on unknown {target}"
            if how["condition"] == "service_healthy":
                assert "healthcheck" in SERVICES[target], f"{name} waits on {target}"
            if how["condition"] == "service_completed_successfully":
                assert target in ONE_SHOT, f"{name} waits for {target} to exit"


def test_one_shot_services_are_never_restarted_and_the_rest_are() -> None:
    for name, service in SERVICES.items():
        expected = "no" if name in ONE_SHOT else "unless-stopped"
        assert service.get("restart") == expected, name


def test_postgresql_has_a_healthcheck_over_tcp_and_a_named_volume() -> None:
    postgresql = SERVICES["postgresql"]
    test = postgresql["healthcheck"]["test"]
    assert "pg_isready" in test
    assert "127.0.0.1" in test
    data = [v for v in postgresql["volumes"] if v.endswith(":/var/lib/postgresql/data")]
    assert len(data) == 1
    assert data[0].split(":")[0] in DOCUMENT["volumes"]


def test_init_script_creates_every_database_the_system_uses() -> None:
    mounts = [v.split(":") for v in SERVICES["postgresql"]["volumes"]]
    assert ["./deploy/postgres/10-create-databases.sh",
            "/docker-entrypoint-initdb.d/10-create-databases.sh", "ro"] in mounts
    # executable: the image runs it in a shell of its own instead of sourcing it into its own
    assert os.access(INIT_SCRIPT, os.X_OK)
    created = set(re.findall(r"CREATE DATABASE (\w+)", INIT_SCRIPT.read_text()))
    temporal = environment(SERVICES["temporal"])
    assert {temporal["DBNAME"], temporal["VISIBILITY_DBNAME"], "ledger"} <= created
    assert re.search(r"CREATE DATABASE ledger OWNER ledger;", INIT_SCRIPT.read_text())


def test_schema_service_and_server_read_the_same_databases() -> None:
    schema = environment(SERVICES["temporal-schema"])
    server = environment(SERVICES["temporal"])
    for name in ("DB", "DB_PORT", "POSTGRES_SEEDS", "POSTGRES_USER", "POSTGRES_PWD", "DBNAME",
                 "VISIBILITY_DBNAME"):
        assert schema[name] == server[name], name
    assert server["DB"] == "postgres12"
    assert server["POSTGRES_SEEDS"] in SERVICES
    assert server["POSTGRES_USER"] == environment(SERVICES["postgresql"])["POSTGRES_USER"]


def test_server_reads_the_mounted_dynamic_config() -> None:
    path = environment(SERVICES["temporal"])["DYNAMIC_CONFIG_FILE_PATH"]
    assert f"./deploy/temporal/dynamicconfig.yaml:{path}:ro" in SERVICES["temporal"]["volumes"]
    config = yaml.safe_load((ROOT / "deploy" / "temporal" / "dynamicconfig.yaml").read_text())
    assert config
    for key, values in config.items():
        assert isinstance(values, list), key
        assert values, key
        for value in values:
            assert set(value) == {"value", "constraints"}, key


def test_the_password_must_be_set_and_says_where_to_read_why() -> None:
    uses = [r for r in references(compose_text()) if r.name == "POSTGRES_PASSWORD"]
    assert len(uses) >= 2  # the server's own and the ledger's URL
    for use in uses:
        assert use.op == ":?", use
        assert "README" in (use.arg or ""), use
    with pytest.raises(MissingVariableError, match="POSTGRES_PASSWORD"):
        interpolated(load_compose(), {})
    assert interpolated(load_compose(), {"POSTGRES_PASSWORD": "x", "SITE_DOMAIN": "x.org"})


def test_no_password_is_written_in_the_file() -> None:
    for name, value in environment(SERVICES["postgresql"]).items():
        if "PASSWORD" in name:
            assert value.startswith("sample-"), name  # came from the operator's variable


def test_bind_mounted_files_exist() -> None:
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert (COMPOSE.parent / source).is_file(), f"{name}: {source}"


def test_the_signing_key_file_stays_out_of_the_image() -> None:
    ignored = [line.strip() for line in DOCKERIGNORE.read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    secret = Path(DOCUMENT["secrets"]["checkpoint_signing_key"]["file"])
    assert secret.parts[0] in ignored  # secrets/…
    assert "**/*.pem" in ignored


@pytest.mark.skipif(shutil.which("sh") is None, reason="no POSIX sh")
@pytest.mark.parametrize("script", sorted((ROOT / "deploy").rglob("*.sh")),
                         ids=lambda p: p.name)
def test_deploy_scripts_are_valid_posix_sh(script: Path) -> None:
    assert script.read_text().startswith("#!/bin/sh\n")
    result = subprocess.run(["sh", "-n", str(script)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", ["temporal-schema", "temporal-namespace"])
def test_admin_tools_services_run_a_mounted_script(name: str) -> None:
    entrypoint = SERVICES[name]["entrypoint"]
    assert entrypoint[0] == "/bin/sh"
    mounted = {v.split(":")[1]: v.split(":")[0] for v in SERVICES[name]["volumes"]}
    script = (COMPOSE.parent / mounted[entrypoint[1]]).read_text()
    for variable in re.findall(r"\$\{(\w+):\?\}", script):
        assert variable in environment(SERVICES[name]), f"{name} does not set {variable}"
