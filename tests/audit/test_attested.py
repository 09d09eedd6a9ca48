"""Who stood behind each step, checked by ``audit verify`` and, offline, by ``audit
verify-bundle``, on the five simulated years: every person's step attested, the engine's own
events by the engine; an attestation removed, altered or signed by a key the deployment does
not publish makes the audit fail naming the event."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHistory

from attesting import Signer, keyring_path, published_keyring
from attesting.keyring import Keyring, write_keyring
from audit.bundle import export_bundle
from audit.bundle_format import ATTESTED, MANIFEST
from audit.offline import verify_bundle
from audit.report import report_html
from audit.verification import verify_ledger
from ledger import Ledger, create_ledger_engine
from ledger.checkpoints import checkpoint_public_key
from settings import Settings
from tests.audit.conftest import YEARS, World, audit_cli
from tests.audit.tamper import execute


def _keyring(settings: Settings) -> Keyring:
    keyring = published_keyring(settings.effective_attestation_key)
    assert keyring is not None
    return keyring


def test_every_step_of_five_years_is_attested(world: World, five_years_ledger: Ledger
                                              ) -> None:
    engine = five_years_ledger.engine
    result = verify_ledger(engine, checkpoint_public_key(world.public_key), None,
                           _keyring(world.settings))
    found = result.attestations
    assert found is not None
    assert result.intact, result.sentence()
    assert found.problems == []
    assert found.attested > 5 * 8  # every person's step of five years, and the processes'
    assert found.attested + found.by_engine == result.events
    assert found.before_attestations == 0
    # the simulation's people are scripted, not registered: the audit lists every one
    assert len(found.unregistered) == found.attested
    assert "attested" in result.sentence()


def _first_attested(settings: Settings) -> dict[str, Any]:
    engine = create_ledger_engine(settings.effective_ledger_url)
    with engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT a.event_id, a.statement, e.position FROM attestations a JOIN events e "
            "ON e.event_id = a.event_id ORDER BY e.position LIMIT 1").one()
    return {"event_id": row[0], "statement": row[1], "position": row[2], "engine": engine}


def _verify_fails_naming(settings: Settings, event_id: str, said: str) -> None:
    done = audit_cli(settings, "verify", "--json")
    assert done.returncode == 1, done.stdout + done.stderr
    found = json.loads(done.stdout)
    assert found["intact"] is False
    [first, *_] = found["attestations"]["problems"]
    assert first["event_id"] == event_id
    assert said in first["problem"]


def test_a_removed_attestation_is_named(world_copy: Settings) -> None:
    first = _first_attested(world_copy)
    execute(first["engine"], "DELETE FROM attestations WHERE event_id = :e",
            e=first["event_id"])
    _verify_fails_naming(world_copy, first["event_id"], "no attestation")


def test_an_altered_attestation_is_named(world_copy: Settings) -> None:
    first = _first_attested(world_copy)
    statement = json.loads(first["statement"])
    statement["name"] = "Someone Else"
    altered = json.dumps(statement, sort_keys=True, separators=(",", ":"))
    execute(first["engine"], "UPDATE attestations SET statement = :s WHERE event_id = :e",
            s=altered, e=first["event_id"])
    _verify_fails_naming(world_copy, first["event_id"], "signature does not verify")


def test_a_key_the_keyring_does_not_publish_is_named(world_copy: Settings) -> None:
    first = _first_attested(world_copy)
    write_keyring(keyring_path(world_copy.effective_attestation_key), Keyring())
    _verify_fails_naming(world_copy, first["event_id"], "does not publish")


def test_the_cli_says_how_many_steps_are_attested(world_copy: Settings) -> None:
    done = audit_cli(world_copy, "verify")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "step(s) attested" in " ".join(done.stdout.split())


def _rewritten(bundle: Path, out: Path, edit: Any) -> None:
    """A copy of ``bundle`` whose attestations.json ``edit`` changed, re-hashed in the
    manifest (as a forger would): only the signatures can tell."""
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(out, "w") as target:
        held = json.loads(source.read(ATTESTED))
        edit(held)
        data = json.dumps(held).encode()
        manifest = json.loads(source.read(MANIFEST))
        manifest["files"][ATTESTED] = hashlib.sha256(data).hexdigest()
        for item in source.infolist():
            if item.filename == ATTESTED:
                target.writestr(item.filename, data)
            elif item.filename == MANIFEST:
                target.writestr(item.filename, json.dumps(manifest))
            else:
                target.writestr(item, source.read(item.filename))


def test_a_bundle_proves_its_attestations_offline(
        world: World, five_years_ledger: Ledger, histories: Sequence[WorkflowHistory],
        tmp_path: Path) -> None:
    engine, bundle = five_years_ledger.engine, tmp_path / "bundle.zip"
    export_bundle(engine, world.public_key.read_bytes(), histories, YEARS[0], YEARS[-1],
                  bundle, keyring=_keyring(world.settings))
    report = verify_bundle(bundle)
    assert report.intact, report.problem
    assert report.attestations is not None
    assert report.attestations.attested > 0
    assert report.attestations.problems == []

    def alter(held: dict[str, Any]) -> None:
        statement = json.loads(held["attestations"][0]["statement"])
        statement["represents"] = "NZL"
        held["attestations"][0]["statement"] = json.dumps(statement, sort_keys=True,
                                                          separators=(",", ":"))

    forged = tmp_path / "forged.zip"
    _rewritten(bundle, forged, alter)
    refused = verify_bundle(forged)
    assert refused.problem is not None
    assert refused.problem.kind == "attestation"
    assert "signature does not verify" in refused.problem.detail

    # the auditor's own keyring pinned: one of another deployment believes nothing here
    other = published_keyring(Path(tmp_path / "other" / "attestation-signing-key.pem"))
    assert other is None
    Signer.of(tmp_path / "other" / "attestation-signing-key.pem")
    stranger = published_keyring(tmp_path / "other" / "attestation-signing-key.pem")
    pinned = verify_bundle(bundle, keyring=stranger)
    assert pinned.problem is not None
    assert "does not publish" in pinned.problem.detail
    assert verify_bundle(bundle, keyring=_keyring(world.settings)).intact

    removed = tmp_path / "removed.zip"
    _rewritten(bundle, removed, lambda held: held["attestations"].pop(0))
    gone = verify_bundle(removed)
    assert gone.problem is not None
    assert gone.problem.kind == "attestation"
    assert "no attestation" in gone.problem.detail


def test_the_review_conference_report_says_who_acted(world: World,
                                                     five_years_ledger: Ledger) -> None:
    engine = five_years_ledger.engine
    verification = verify_ledger(engine, checkpoint_public_key(world.public_key), None,
                                 _keyring(world.settings))
    assert verification.attestations is not None
    html = report_html(five_years_ledger, YEARS[0], YEARS[-1], verification)
    assert f"{verification.attestations.attested} by" in html
    assert "Who acted" in html
    some = next(iter(verification.attestations.by_person))
    assert some.split(" (")[0] in html
