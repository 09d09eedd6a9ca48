"""docker-compose.yml's Temporal is not an open door: its frontend requires mutual TLS, its port
is published nowhere, and every service that reaches it presents a client certificate of its
own, made by `intersessional engine certs` (runtime/certs.py) and mounted as a secret; the CA's
key is mounted nowhere. The file is read as Compose reads it (no Docker here); the mutual TLS
itself is exercised with real processes in tests/e2e/test_temporal_mtls.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

from runtime.certs import CLIENTS, make_certificates
from tests.deploy.files import (
    DOCKERIGNORE,
    ROOT,
    built_services,
    environment,
    interpolated_compose,
    service_settings,
)

COMPOSE = interpolated_compose()
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
SECRETS: dict[str, dict[str, str]] = COMPOSE["secrets"]
SECRET_DIR = Path("/run/secrets")
FRONTEND = "temporal:7233"
#: each service that reaches Temporal's frontend, the certificate it presents, and the
#: variables (CA, certificate, key, server name) it names them in
CLIENT_OF: dict[str, tuple[str, tuple[str, str, str, str | None]]] = {
    "worker": ("worker", ("INTERSESSIONAL_TEMPORAL_TLS_CA", "INTERSESSIONAL_TEMPORAL_TLS_CERT",
                          "INTERSESSIONAL_TEMPORAL_TLS_KEY", None)),
    "api": ("api", ("INTERSESSIONAL_TEMPORAL_TLS_CA", "INTERSESSIONAL_TEMPORAL_TLS_CERT",
                    "INTERSESSIONAL_TEMPORAL_TLS_KEY", None)),
    "temporal-ui": ("ui", ("TEMPORAL_TLS_CA", "TEMPORAL_TLS_CERT", "TEMPORAL_TLS_KEY",
                           "TEMPORAL_TLS_SERVER_NAME")),
    "temporal-namespace": ("admin", ("TLS_CA", "TLS_CERT", "TLS_KEY", "TLS_SERVER_NAME")),
}


def mounted_file(service: str, path: str) -> str:
    """The host file behind ``path`` in ``service``: a secret the service mounts."""
    secret = Path(path)
    assert secret.parent == SECRET_DIR, f"{service}: {path} is not a secret"
    assert secret.name in SERVICES[service].get("secrets", []), (
        f"{service} names {path} but does not mount the secret {secret.name}")
    return SECRETS[secret.name]["file"]


def made_by_certs(file: str) -> str:
    """The name (``ca``, ``server``, a client) of a file `engine certs --out secrets/temporal`
    writes, and whether it is a certificate or a key: ``worker.pem``, ``ca.pem``…"""
    path = Path(file)
    assert path.parent == Path("secrets/temporal"), file
    return path.name


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("certs") / "temporal"
    make_certificates(out)
    return out


def test_the_frontend_requires_a_client_certificate_of_the_deployments_ca() -> None:
    env = environment(SERVICES["temporal"])
    assert env["TEMPORAL_TLS_REQUIRE_CLIENT_AUTH"] == "true"
    files = {name: made_by_certs(mounted_file("temporal", env[name])) for name in (
        "TEMPORAL_TLS_FRONTEND_CERT", "TEMPORAL_TLS_FRONTEND_KEY", "TEMPORAL_TLS_SERVER_CERT",
        "TEMPORAL_TLS_SERVER_KEY", "TEMPORAL_TLS_SERVER_CA_CERT",
        "TEMPORAL_TLS_CLIENT1_CA_CERT", "TEMPORAL_TLS_CLIENT2_CA_CERT")}
    assert files == {"TEMPORAL_TLS_FRONTEND_CERT": "server.pem",
                     "TEMPORAL_TLS_FRONTEND_KEY": "server.key",
                     "TEMPORAL_TLS_SERVER_CERT": "server.pem",
                     "TEMPORAL_TLS_SERVER_KEY": "server.key",
                     "TEMPORAL_TLS_SERVER_CA_CERT": "ca.pem",
                     "TEMPORAL_TLS_CLIENT1_CA_CERT": "ca.pem",
                     "TEMPORAL_TLS_CLIENT2_CA_CERT": "ca.pem"}
    # the cluster's own connections check the name the server certificate carries
    assert env["TEMPORAL_TLS_INTERNODE_SERVER_NAME"] == "temporal"
    assert env["TEMPORAL_TLS_FRONTEND_SERVER_NAME"] == "temporal"
    assert env["TEMPORAL_TLS_INTERNODE_DISABLE_HOST_VERIFICATION"] == "false"
    assert env["TEMPORAL_TLS_FRONTEND_DISABLE_HOST_VERIFICATION"] == "false"


def _container_port(mapping: Any) -> str:
    if isinstance(mapping, dict):
        return str(mapping.get("target"))
    return str(mapping).split("/")[0].rsplit(":", 1)[-1]


def test_the_frontend_port_is_published_nowhere() -> None:
    assert "ports" not in SERVICES["temporal"]
    for name, service in SERVICES.items():
        published = [_container_port(p) for p in service.get("ports", [])]
        assert "7233" not in published, name
        assert service.get("network_mode") != "host", name


@pytest.mark.parametrize("name", sorted(CLIENT_OF))
def test_every_client_of_temporal_presents_its_own_certificate(name: str) -> None:
    client, (ca, cert, key, server_name) = CLIENT_OF[name]
    env = environment(SERVICES[name])
    assert env.get("TEMPORAL_ADDRESS", env.get("INTERSESSIONAL_TEMPORAL_ADDRESS")) == FRONTEND
    assert made_by_certs(mounted_file(name, env[ca])) == "ca.pem"
    assert made_by_certs(mounted_file(name, env[cert])) == f"{client}.pem"
    assert made_by_certs(mounted_file(name, env[key])) == f"{client}.key"
    if server_name is not None:
        assert env[server_name] == "temporal"


def test_every_service_that_reaches_the_frontend_is_a_known_client() -> None:
    """No service names Temporal's address without being one of the clients above."""
    for name, service in SERVICES.items():
        env = environment(service)
        if FRONTEND in (env.get("TEMPORAL_ADDRESS"), env.get("INTERSESSIONAL_TEMPORAL_ADDRESS")):
            assert name in CLIENT_OF or name == "ledger-migrate", name
    assert {client for client, _ in CLIENT_OF.values()} == set(CLIENTS)


def test_each_client_certificate_is_mounted_by_its_own_service_only() -> None:
    for secret, given in SECRETS.items():
        file = Path(given["file"]).name
        holders = sorted(n for n, s in SERVICES.items() if secret in s.get("secrets", []))
        if file == "ca.pem":
            continue
        if file.startswith("server."):
            assert holders == ["temporal"], secret
        for name, (client, _) in CLIENT_OF.items():
            if file.startswith(f"{client}."):
                assert holders == [name], secret


def test_the_cas_key_is_mounted_nowhere() -> None:
    assert not [s for s, given in SECRETS.items() if Path(given["file"]).name == "ca.key"]
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            assert "secrets" not in str(volume), (name, volume)


def test_the_secrets_are_the_files_engine_certs_writes(certificates: Path) -> None:
    expected = {p.name for p in certificates.iterdir()} - {"ca.key"}
    mounted = {Path(g["file"]).name for g in SECRETS.values()
               if Path(g["file"]).parent == Path("secrets/temporal")}
    assert mounted == expected


def test_the_server_certificate_carries_the_name_every_client_checks(
        certificates: Path) -> None:
    server = x509.load_pem_x509_certificate((certificates / "server.pem").read_bytes())
    names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "temporal" in names.get_values_for_type(x509.DNSName)
    assert FRONTEND.rsplit(":", 1)[0] == "temporal"


@pytest.mark.parametrize("name", sorted(built_services(COMPOSE)))
def test_the_engines_services_load_tls_settings(name: str, tmp_path: Path) -> None:
    present = tmp_path / "present.pem"
    present.write_text("a file that exists\n")
    loaded = service_settings(environment(SERVICES[name]), present)
    assert loaded.uses_tls
    assert loaded.temporal_tls_ca == present
    if name in CLIENT_OF:
        assert loaded.temporal_tls_cert == loaded.temporal_tls_key == present
    else:  # the migration reaches the ledger only
        assert loaded.temporal_tls_cert is None


def test_every_secret_stays_out_of_the_image_and_of_version_control() -> None:
    ignored = {line.strip().rstrip("/") for path in (DOCKERIGNORE, ROOT / ".gitignore")
               for line in path.read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    for secret, given in SECRETS.items():
        assert Path(given["file"]).parts[0] in ignored, secret  # secrets/…
