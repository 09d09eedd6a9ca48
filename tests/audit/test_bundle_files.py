"""A bundle tampered with after export (its members edited, the manifest's hashes recomputed or
not), a pinned key that is not the signer's, and files that are no bundle at all."""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from temporalio.client import WorkflowHistory
from typer.testing import CliRunner

from audit.bundle import export_bundle
from audit.bundle_format import CHECKPOINTS, EVENTS, KEY, MANIFEST, PROOFS, BundleKind
from audit.offline import NotABundle, verify_bundle
from cli import audit_bundle as bundle_cli
from ledger import create_ledger_engine
from ledger.checkpoints import key_id, load_public_key, public_pem
from ledger.problems import ProblemKind
from tests.audit.conftest import YEARS, World

Edit = Callable[[Callable[[str], bytes]], dict[str, bytes]]  # read(member) -> replacements


@pytest.fixture(scope="module")
async def bundle(world: World, histories: list[WorkflowHistory],
                 tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An intact bundle of the five years, which tests copy and tamper with."""
    out = tmp_path_factory.mktemp("bundle") / "bundle.zip"
    export_bundle(create_ledger_engine(f"sqlite:///{world.ledger_file}"),
                  world.public_key.read_bytes(), histories, YEARS[0],
                  YEARS[-1], out)
    return out


def rewrite(source: Path, target: Path, replace: Mapping[str, bytes | None],
            rehash: bool = True) -> None:
    """``source`` with members replaced (``None``: removed, a new name: added); with
    ``rehash``, the manifest lists them with their new SHA-256, as a careful forger would."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as new:
        manifest = json.loads(replace.get(MANIFEST) or old.read(MANIFEST))
        for name in [*old.namelist(), *(n for n in replace if n not in old.namelist())]:
            data = replace[name] if name in replace else old.read(name)
            if name == MANIFEST or data is None:
                continue
            new.writestr(name, data)
            if rehash and name in replace and name in manifest["files"]:
                manifest["files"][name] = hashlib.sha256(data).hexdigest()
        new.writestr(MANIFEST, json.dumps(manifest))


def _line(read: Callable[[str], bytes], n: int) -> tuple[list[bytes], int, str, int]:
    lines = read(EVENTS).split(b"\n")
    fields = lines[n].split(b"\x1f")
    return lines, int(fields[1]), fields[3].decode(), int(fields[4])


def _events_byte(read: Callable[[str], bytes]) -> tuple[dict[str, bytes], tuple[Any, ...]]:
    lines, position, stream, version = _line(read, 20)
    lines[20] = lines[20].replace(b'"year":', b'"yeaR":', 1)  # one byte of its payload
    return {EVENTS: b"\n".join(lines)}, (ProblemKind.ALTERED, position, stream, version)


def _cut_last_events(read: Callable[[str], bytes]) -> tuple[dict[str, bytes], tuple[Any, ...]]:
    lines, position, stream, version = _line(read, -4)  # the last three of the last year
    manifest = json.loads(read(MANIFEST))
    manifest["events"] -= 3
    return ({EVENTS: b"\n".join([*lines[:-4], b""]), MANIFEST: json.dumps(manifest).encode()},
            (ProblemKind.TRUNCATED, position, stream, version))


def _records(marker: dict[str, Any]) -> bool:
    """Whether a local activity marker is a recording (not, say, a read of the ledger)."""
    data = marker["details"]["data"]["payloads"][0]["data"]
    return bool(json.loads(base64.b64decode(data)).get("activity_type") == "record_event")


def _history_hash(read: Callable[[str], bytes]) -> tuple[dict[str, bytes], tuple[Any, ...]]:
    """The receipt of one recording, in a bundled history, given another hash."""
    name = next(n for n in json.loads(read(MANIFEST))["files"] if n.startswith("histories/"))
    history = json.loads(read(name))
    marker = next(e["markerRecordedEventAttributes"] for e in history["events"]
                  if e.get("markerRecordedEventAttributes", {}).get("markerName")
                  == "core_local_activity" and _records(e["markerRecordedEventAttributes"]))
    payload = marker["details"]["result"]["payloads"][0]
    receipt = json.loads(base64.b64decode(payload["data"]))
    payload["data"] = base64.b64encode(json.dumps({**receipt, "hash": "0" * 64}).encode()
                                       ).decode()
    return ({name: json.dumps(history).encode()},
            (BundleKind.HISTORY, receipt["position"], receipt["stream"], receipt["version"]))


def _signature(read: Callable[[str], bytes]) -> tuple[dict[str, bytes], tuple[Any, ...]]:
    checkpoints = json.loads(read(CHECKPOINTS))
    signature = bytearray(base64.b64decode(checkpoints[1]["signature"]))
    signature[0] ^= 1
    checkpoints[1]["signature"] = base64.b64encode(signature).decode()
    return ({CHECKPOINTS: json.dumps(checkpoints).encode()},
            (ProblemKind.CHECKPOINT, checkpoints[1]["tree_size"], None, None))


def _leaves(read: Callable[[str], bytes]) -> tuple[dict[str, bytes], tuple[Any, ...]]:
    size = json.loads(read(CHECKPOINTS))[2]["tree_size"]
    stored = bytearray(read(f"checkpoints/{size}.leaves"))
    stored[5] ^= 1
    return {f"checkpoints/{size}.leaves": bytes(stored)}, (ProblemKind.CHECKPOINT, size, None,
                                                           None)


def _inclusion(read: Callable[[str], bytes]) -> tuple[dict[str, bytes], tuple[Any, ...]]:
    proofs = json.loads(read(PROOFS))
    gone = proofs["inclusion"].pop(0)
    return ({PROOFS: json.dumps(proofs).encode()},
            (BundleKind.PROOF, gone["position"], gone["stream"], None))


def _consistency(read: Callable[[str], bytes]) -> tuple[dict[str, bytes], tuple[Any, ...]]:
    proofs = json.loads(read(PROOFS))
    proofs["consistency"][0]["path"][0] = "00" * 32
    return ({PROOFS: json.dumps(proofs).encode()},
            (BundleKind.PROOF, proofs["consistency"][0]["second"], None, None))


def _garbled_line(read: Callable[[str], bytes]) -> tuple[dict[str, bytes], tuple[Any, ...]]:
    lines = read(EVENTS).split(b"\n")
    lines[7] = b"not an event record"
    return {EVENTS: b"\n".join(lines)}, (BundleKind.FILE, None, None, None)


def _swapped_lines(read: Callable[[str], bytes]) -> tuple[dict[str, bytes], tuple[Any, ...]]:
    """Two neighbouring events of one stream swapped (from the eleventh line on)."""
    streams = [line.split(b"\x1f")[3] for line in read(EVENTS).split(b"\n")[:-1]]
    n = next(i for i in range(10, len(streams) - 1) if streams[i] == streams[i + 1])
    lines, position, stream, version = _line(read, n + 1)  # it comes first now
    lines[n], lines[n + 1] = lines[n + 1], lines[n]
    return {EVENTS: b"\n".join(lines)}, (ProblemKind.REORDERED, position, stream, version)


FORGERIES = {"events-byte": _events_byte, "garbled-line": _garbled_line,
             "swapped-lines": _swapped_lines, "cut-last-events": _cut_last_events,
             "history-hash": _history_hash, "signature": _signature, "leaves": _leaves,
             "inclusion-proof": _inclusion, "consistency-proof": _consistency}


@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_forged_bundle_with_its_manifest_rehashed_is_named(forge: Any, bundle: Path,
                                                             tmp_path: Path) -> None:
    with zipfile.ZipFile(bundle) as source:
        replace, (kind, position, stream, version) = forge(source.read)
    rewrite(bundle, tmp_path / "forged.zip", replace)
    problem = verify_bundle(tmp_path / "forged.zip").problem
    assert problem is not None
    assert (problem.kind, problem.position) == (kind, position), problem
    if stream is not None:
        assert problem.stream == stream
    if version is not None:
        assert problem.version == version


@pytest.mark.parametrize(("replace", "named"), [
    ({EVENTS: b"not the events\n"}, EVENTS),  # edited, manifest not rehashed
    ({"checkpoints/": None}, "checkpoints/"),  # listed, but gone: below
    ({"notes.txt": b"an extra member"}, "notes.txt"),  # held, but not listed
    ({"histories/": None}, "histories/")])  # a history edited: below
def test_a_member_that_is_not_what_the_manifest_hashed_is_named(
        replace: dict[str, bytes | None], named: str, bundle: Path, tmp_path: Path) -> None:
    if named == "checkpoints/":
        with zipfile.ZipFile(bundle) as source:
            named = next(n for n in source.namelist() if n.startswith(named))
            replace = {named: None}  # the first checkpoint's leaves
    if named == "histories/":
        with zipfile.ZipFile(bundle) as source:
            named = next(n for n in source.namelist() if n.startswith(named))
            replace = {named: source.read(named) + b" "}  # still the same JSON
    rewrite(bundle, tmp_path / "edited.zip", replace, rehash=False)
    problem = verify_bundle(tmp_path / "edited.zip").problem
    assert problem is not None
    assert problem.kind is BundleKind.FILE
    assert problem.detail.startswith(f"{named}:")


def test_a_wrong_hash_in_the_manifest_is_named(bundle: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(bundle) as source:
        manifest = json.loads(source.read(MANIFEST))
    manifest["files"][CHECKPOINTS] = "0" * 64
    rewrite(bundle, tmp_path / "edited.zip", {MANIFEST: json.dumps(manifest).encode()})
    problem = verify_bundle(tmp_path / "edited.zip").problem
    assert problem is not None
    assert (problem.kind, problem.detail[:len(CHECKPOINTS)]) == (BundleKind.FILE, CHECKPOINTS)


def _cli(*args: str) -> Any:
    app = typer.Typer()
    app.command()(bundle_cli.verify_bundle)
    return CliRunner().invoke(app, list(args))


def test_another_pinned_key_is_named(bundle: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.pem"
    other.write_bytes(public_pem(Ed25519PrivateKey.generate().public_key()))
    done = _cli(str(bundle), "--public-key", str(other))
    assert done.exit_code == 1, done.output
    assert done.output.startswith("bundle NOT intact: key: the bundle's public key")


def test_a_bundle_whose_key_is_replaced_is_caught_by_the_signatures(
        bundle: Path, tmp_path: Path) -> None:
    """A forger swapping in their own key (manifest rehashed) still cannot sign."""
    forger = public_pem(Ed25519PrivateKey.generate().public_key())
    with zipfile.ZipFile(bundle) as source:
        manifest = json.loads(source.read(MANIFEST))
    rewrite(bundle, tmp_path / "keyed.zip", {KEY: forger})
    swapped = verify_bundle(tmp_path / "keyed.zip").problem
    assert swapped is not None
    assert swapped.kind is BundleKind.KEY  # not the key the manifest names
    manifest["key_id"] = key_id(load_public_key(_written(tmp_path / "k.pem", forger)))
    manifest["files"][KEY] = hashlib.sha256(forger).hexdigest()
    rewrite(tmp_path / "keyed.zip", tmp_path / "rekeyed.zip",
            {MANIFEST: json.dumps(manifest).encode()})
    problem = verify_bundle(tmp_path / "rekeyed.zip").problem
    assert problem is not None
    assert problem.kind is ProblemKind.CHECKPOINT


def _written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("content", "said"), [
    (b"PK but not a zip", "is not a ZIP file"), (None, "without manifest.json"),
    ({"format": "something-else/2"}, "holds no readable audit bundle manifest")])
def test_a_file_that_is_no_bundle_exits_2_in_one_sentence(content: Any, said: str,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "file.zip"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("events.log", b"")
            if content is not None:
                archive.writestr(MANIFEST, json.dumps(content))
    with pytest.raises(NotABundle, match=said):
        verify_bundle(path)
    done = _cli(str(path))
    assert done.exit_code == 2, done.output
    assert said in done.output
    assert done.output.count("\n") == 1
