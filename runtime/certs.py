"""Certificates for mutual TLS between the engine and its Temporal cluster
(``intersessional engine certs``; docs/OPERATIONS.md, *Certificates for Temporal*).

One private CA signs:

- ``server``: the certificate Temporal's frontend presents, named for the compose service
  ``temporal``, ``localhost`` and 127.0.0.1 (and any name given). The cluster's own services
  present it to each other too, so it serves as a client certificate as well;
- one client certificate for each of :data:`CLIENTS`: the workers, the API (and every CLI
  command run in its container), Temporal's web UI, and the admin tools (the namespace's
  creation, an operator's ``temporal`` CLI). A frontend that requires client certificates
  answers these and nothing else.

Keys are ECDSA P-256 and signatures SHA-256: what Go's TLS (the server, its UI and CLI) and
rustls (the Python SDK's core) both accept. Every file is written owner-only (0600) in a
directory made owner-only; no file is ever overwritten. A CA already in the directory (``ca.pem``
with ``ca.key``) is kept and signs the new certificates, so that renewing the others is:
move them away, run the command again.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from i18n import _

#: the clients that reach Temporal's frontend, one certificate each
CLIENTS = ("worker", "api", "ui", "admin")
#: the names the server certificate always carries: the compose service, this machine
SERVER_NAMES = ("temporal", "localhost", "127.0.0.1")
ORGANISATION = "intersessional"
LEAF_DAYS = 397  # about thirteen months: renewed each year, with a month to spare
CA_DAYS = 3650
_SKEW = timedelta(minutes=5)  # valid from a little before now, for clocks a little behind


@dataclass(frozen=True)
class Issued:
    """One certificate written: its name (``ca``, ``server``, a client), its files, and the
    day it expires."""

    name: str
    certificate: Path
    key: Path
    expires: datetime


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _alternative(names: Iterable[str]) -> x509.SubjectAlternativeName:
    general: list[x509.GeneralName] = []
    for name in dict.fromkeys(names):  # once each, in order
        try:
            general.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            general.append(x509.DNSName(name))
    return x509.SubjectAlternativeName(general)


def _write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file readable by its owner only (never over an existing one)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _certificate(subject: x509.Name, key: ec.EllipticCurvePrivateKey,
                 issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None,
                 start: datetime, days: int) -> x509.CertificateBuilder:
    issuer_name = subject if issuer is None else issuer[0].subject
    issuer_key = key if issuer is None else issuer[1]
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start - _SKEW).not_valid_after(start + timedelta(days=days))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                issuer_key.public_key()), critical=False))


def _load_ca(out: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None:
    cert, key = out / "ca.pem", out / "ca.key"
    if not (cert.exists() and key.exists()):
        return None
    loaded = serialization.load_pem_private_key(key.read_bytes(), password=None)
    if not isinstance(loaded, ec.EllipticCurvePrivateKey):
        raise ValueError(_("{key} is not the ECDSA key of a CA made by this command").format(
            key=key))
    return x509.load_pem_x509_certificate(cert.read_bytes()), loaded


def make_certificates(out: Path, server_names: Sequence[str] = (), days: int = LEAF_DAYS,
                      now: datetime | None = None) -> list[Issued]:
    """Write the CA (unless ``out`` holds one), the server's and every client's certificate
    and key into ``out``. Raises :class:`FileExistsError` naming the first file that exists
    (before writing anything), :class:`ValueError` for a CA that is not one of ours."""
    start = now or datetime.now(UTC)
    ca = _load_ca(out)
    names = ["server", *CLIENTS] + ([] if ca else ["ca"])
    for name in names:
        for path in (out / f"{name}.pem", out / f"{name}.key"):
            if path.exists():
                raise FileExistsError(_("{path} exists; certificates are never overwritten "
                                        "(move the old ones away to renew them)").format(
                                            path=path))
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    issued: list[Issued] = []

    def keep(name: str, certificate: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> None:
        paths = out / f"{name}.pem", out / f"{name}.key"
        _write_new(paths[1], _pem_key(key))
        _write_new(paths[0], certificate.public_bytes(serialization.Encoding.PEM))
        issued.append(Issued(name, paths[0], paths[1], certificate.not_valid_after_utc))

    if ca is None:
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_cert = (_certificate(_name(f"{ORGANISATION} Temporal CA"), ca_key, None, start,
                                max(days, CA_DAYS))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                   .add_extension(x509.KeyUsage(
                       digital_signature=True, content_commitment=False, key_encipherment=False,
                       data_encipherment=False, key_agreement=False, key_cert_sign=True,
                       crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
                   .sign(ca_key, hashes.SHA256()))
        keep("ca", ca_cert, ca_key)
        ca = ca_cert, ca_key

    leaf_usage = x509.KeyUsage(
        digital_signature=True, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
        encipher_only=False, decipher_only=False)
    server_key = ec.generate_private_key(ec.SECP256R1())
    keep("server", _certificate(_name("temporal"), server_key, ca, start, days)
         .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
         .add_extension(leaf_usage, critical=True)
         .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                               ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
         .add_extension(_alternative([*SERVER_NAMES, *server_names]), critical=False)
         .sign(ca[1], hashes.SHA256()), server_key)
    for client in CLIENTS:
        key = ec.generate_private_key(ec.SECP256R1())
        keep(client, _certificate(_name(f"{ORGANISATION}-{client}"), key, ca, start, days)
             .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
             .add_extension(leaf_usage, critical=True)
             .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]),
                            critical=False)
             .sign(ca[1], hashes.SHA256()), key)
    return issued
