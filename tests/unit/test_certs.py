"""`intersessional engine certs` (runtime/certs.py): a CA, Temporal's server certificate and one
client certificate per client, each signed by the CA for its purpose, every file owner-only,
nothing ever overwritten, a CA already there kept for the renewal."""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID

from runtime.certs import CLIENTS, make_certificates

INTERSESSIONAL = Path(sys.executable).parent / "intersessional"


def certificate(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def usages(cert: x509.Certificate) -> set[x509.ObjectIdentifier]:
    return set(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)


def test_every_certificate_is_signed_by_the_ca_for_its_purpose(tmp_path: Path) -> None:
    out = tmp_path / "temporal"
    issued = make_certificates(out, ["temporal.example.org", "10.0.0.7"])
    assert [i.name for i in issued] == ["ca", "server", *CLIENTS]
    ca = certificate(out / "ca.pem")
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    for one in issued[1:]:
        cert = certificate(one.certificate)
        cert.verify_directly_issued_by(ca)  # raises if not
        assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    server = certificate(out / "server.pem")
    names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["temporal", "localhost",
                                                        "temporal.example.org"]
    assert names.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1"),
                                                          ipaddress.ip_address("10.0.0.7")]
    # the cluster's services present it to each other: a client certificate as well
    assert usages(server) == {ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH}
    for client in CLIENTS:
        cert = certificate(out / f"{client}.pem")
        assert usages(cert) == {ExtendedKeyUsageOID.CLIENT_AUTH}  # never a server's
        assert cert.subject.rfc4514_string() == f"CN=intersessional-{client},O=intersessional"


def test_every_file_is_owner_only(tmp_path: Path) -> None:
    out = tmp_path / "secrets" / "temporal"
    make_certificates(out)
    assert out.stat().st_mode & 0o777 == 0o700
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 2 * (2 + len(CLIENTS))
    for path in out.iterdir():
        assert path.stat().st_mode & 0o777 == 0o600, path


def test_nothing_is_overwritten_and_a_ca_already_there_signs_the_renewal(
        tmp_path: Path) -> None:
    out = tmp_path / "temporal"
    make_certificates(out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(FileExistsError, match=r"server\.pem exists"):
        make_certificates(out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # nothing written

    for path in out.iterdir():  # renewal: the old certificates moved away, the CA kept
        if not path.name.startswith("ca."):
            path.unlink()
    issued = make_certificates(out)
    assert "ca" not in [i.name for i in issued]
    assert (out / "ca.pem").read_bytes() == before["ca.pem"]
    assert (out / "server.pem").read_bytes() != before["server.pem"]
    certificate(out / "worker.pem").verify_directly_issued_by(certificate(out / "ca.pem"))


def test_the_command_writes_them_once_and_refuses_in_one_sentence(tmp_path: Path) -> None:
    out = tmp_path / "temporal"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("INTERSESSIONAL_")},
           "INTERSESSIONAL_DATA_DIR": str(tmp_path / "data")}

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(INTERSESSIONAL), "engine", "certs", "--out", str(out)],
                              env=env, capture_output=True, text=True, timeout=60, check=False)

    made = run()
    assert made.returncode == 0, made.stdout + made.stderr
    assert f"worker: {out / 'worker.pem'} and {out / 'worker.key'}, until " in made.stdout
    before = (out / "ca.key").read_bytes()
    again = run()
    assert again.returncode == 2
    lines = [line for line in (again.stdout + again.stderr).splitlines() if line.strip()]
    assert lines == [f"refused: {out / 'server.pem'} exists; certificates are never "
                     "overwritten (move the old ones away to renew them)"]
    assert (out / "ca.key").read_bytes() == before
    assert not (tmp_path / "data").exists()
