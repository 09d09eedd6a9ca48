"""The document store over HTTP, the CLI and the audit bundle, on a real engine: uploaded
documents come back byte-identical; a bad file is refused (413/415) with nothing stored and
nothing recorded, and the next upload works; a work plan attaching a document the store does
not hold is refused at the edge (422), one it holds is recorded by hash; the exported bundle
carries the document and verifies offline in a fresh process with no engine — and fails,
naming the document, once a byte of it is altered or it is gone."""

from __future__ import annotations

import hashlib
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from audit.bundle_format import MANIFEST
from documents import FileStore
from domain.convention import shipped_registry
from scenarios.scripted import election, first_presidency, meeting, presidency, workplan
from tests.api.conftest import YEAR, Api
from tests.documents import samples
from tests.e2e.conftest import COMMAND, INTERSESSIONAL

LIMIT = 20 * 1024 * 1024  # the default INTERSESSIONAL_DOCUMENT_MAX_BYTES


def stored(api: Api) -> list[str]:
    """Every document the engine's store holds (the filesystem's, in its data directory)."""
    return list(FileStore(api.dev.settings.effective_documents_dir))


def upload(api: Api, data: bytes, name: str, who: str | None = "isu") -> Any:
    with api.client(who) as http:
        return http.post("/documents", files={"file": (name, data, "application/pdf")})


@pytest.mark.parametrize(("data", "name", "media_type"), [
    (samples.pdf(), "annex.pdf", "application/pdf"),
    (samples.docx(), "annex.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (samples.odt(), "annexe.odt", "application/vnd.oasis.opendocument.text"),
    ("Rapport annuel — 年度报告\n".encode(), "rapport.txt", "text/plain; charset=utf-8")])
def test_an_uploaded_document_downloads_byte_identical(api: Api, data: bytes, name: str,
                                                       media_type: str) -> None:
    answer = upload(api, data, name)
    assert answer.status_code == 201, answer.text
    assert answer.json() == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
                             "media_type": media_type, "filename": name}
    with api.client() as http:  # reading is open (G-1)
        got = http.get(f"/documents/{answer.json()['sha256']}")
    assert got.status_code == 200
    assert got.content == data
    assert got.headers["content-type"] == media_type
    assert got.headers["content-disposition"].startswith("attachment;")
    assert name in got.headers["content-disposition"] or "rapport" in got.headers[
        "content-disposition"]


@pytest.mark.parametrize(("data", "name", "status", "said"), [
    (samples.png(), "chart.pdf", 415, "image/png"),
    (samples.exe(), "report.pdf", 415, "application/x-msdownload"),
    (b"%PDF-" + b"0" * LIMIT, "huge.pdf", 413, f"at most 20.0 MiB ({LIMIT:,} bytes)"),
    (b"a" * (LIMIT + 128 * 1024), "larger.txt", 413, "larger than the API takes")])
def test_a_bad_file_is_refused_nothing_stored_nothing_recorded(
        api: Api, data: bytes, name: str, status: int, said: str) -> None:
    before, head = stored(api), api.head()
    answer = upload(api, data, name)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert said in answer.json()["detail"]
    assert stored(api) == before
    assert api.head() == head
    with api.client() as http:
        assert http.get(f"/documents/{hashlib.sha256(data).hexdigest()}").status_code == 404
    fine = upload(api, samples.text(f"after {name}\n"), "next.txt")
    assert fine.status_code == 201, fine.text


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("auditor", 403), ("revoked", 401)])
def test_only_a_person_who_takes_steps_uploads(api: Api, who: str | None, status: int) -> None:
    before = stored(api)
    data = samples.text(f"from {who}\n")
    assert upload(api, data, "note.txt", who).status_code == status
    assert stored(api) == before


def test_an_unknown_document_is_a_404(api: Api) -> None:
    with api.client() as http:
        for sha in ("0" * 64, "not-a-hash"):
            answer = http.get(f"/documents/{sha}")
            assert answer.status_code == 404
            assert answer.json()["type"] == "/problems/no-such-document"


def _to_the_draft(api: Api) -> None:
    """Over HTTP: the ISU opens YEAR; the President records the election and designation and
    convenes the meeting; the ISU records it held — the work plan may now be drafted."""
    with api.client("isu") as http:
        opened = http.post("/cycles", json={"year": YEAR, "carried_presidencies": [
            first_presidency(YEAR).model_dump(mode="json")]})
    assert opened.status_code == 201, opened.text
    state = api.state()
    cal = state.calendar
    assert cal is not None
    api.step("president", "elect_coordinators", {
        "election": election(YEAR, state, shipped_registry()).model_dump(mode="json")})
    api.step("president", "designate_president", {"presidency": presidency(
        YEAR, cal.opening_msp, cal.closing_msp).model_dump(mode="json")})
    api.step("president", "convene_meeting", {"meeting": meeting(YEAR).model_dump(mode="json")})
    api.step("isu", "hold_meeting", {"records_reference": f"ISU/{YEAR}/IM"})


def _verify(bundle: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``audit verify-bundle`` in a fresh process, with no engine and no data of its own."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "INTERSESSIONAL_DATA_DIR": str(tmp_path / "nothing"),
           "INTERSESSIONAL_TEMPORAL_ADDRESS": "127.0.0.1:1"}
    return subprocess.run([str(INTERSESSIONAL), "audit", "verify-bundle", str(bundle)], env=env,
                          capture_output=True, text=True, timeout=COMMAND, check=False)


def _rewrite(bundle: Path, out: Path, change: dict[str, bytes | None]) -> None:
    """A copy of ``bundle`` with members replaced (``None``: removed), its manifest rehashed:
    only recomputing each document's SHA-256 can find the change."""
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(out, "w") as copy:
        manifest = json.loads(source.read(MANIFEST))
        for name in source.namelist():
            if name == MANIFEST:
                continue
            data = change.get(name, source.read(name))
            if data is None:
                manifest["files"].pop(name)
                continue
            manifest["files"][name] = hashlib.sha256(data).hexdigest()
            copy.writestr(name, data)
        copy.writestr(MANIFEST, json.dumps(manifest))


def test_a_work_plan_attachment_is_recorded_by_hash_and_verified_in_the_bundle(
        api: Api, tmp_path: Path) -> None:
    _to_the_draft(api)
    annex = samples.pdf("Annex: budget notes")
    held = upload(api, annex, "annex.pdf").json()
    plan = workplan(YEAR + 1, "612000.00").model_dump(mode="json")

    # an attachment the store does not hold: refused at the edge, nothing recorded
    head = api.head()
    absent = {**held, "sha256": "f" * 64}
    with api.client("isu") as http:
        refused = http.post(f"/cycles/{YEAR}/draft_workplan",
                            json={"workplan": {**plan, "attachments": [absent]}})
        assert refused.status_code == 422, refused.text
        assert refused.json()["type"] == "/problems/attachment-not-held"
        assert "upload it first" in refused.json()["detail"]
        misnamed = http.post(f"/cycles/{YEAR}/draft_workplan", json={
            "workplan": {**plan, "attachments": [{**held, "size": held["size"] + 1}]}})
        assert misnamed.status_code == 422, misnamed.text
    assert api.head() == head

    receipt = api.step("isu", "draft_workplan", {"workplan": {**plan, "attachments": [held]}})
    drafted = api.events(head)
    assert [e.type for e in drafted] == ["WorkplanDrafted"]
    assert drafted[0].payload["workplan"]["attachments"] == [held]
    assert api.state().workplan is not None
    assert api.state().workplan.attachments[0].sha256 == held["sha256"]  # type: ignore[union-attr]
    assert receipt["position"] == drafted[0].position

    bundle = tmp_path / "bundle.zip"
    api.dev.cli("audit", "export", "--from-year", str(YEAR), "--to-year", str(YEAR),
                "--out", str(bundle))
    with zipfile.ZipFile(bundle) as archive:
        assert archive.read(f"documents/{held['sha256']}") == annex
    intact = _verify(bundle, tmp_path)
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "1 document(s), each its own SHA-256" in intact.stdout

    member = f"documents/{held['sha256']}"
    altered = tmp_path / "altered.zip"
    _rewrite(bundle, altered, {member: annex[:-2] + b"X\n"})
    failed = _verify(altered, tmp_path)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert f"document {held['sha256']} has been altered" in failed.stdout.replace("\n", "")

    gone = tmp_path / "gone.zip"
    _rewrite(bundle, gone, {member: None})
    missing = _verify(gone, tmp_path)
    assert missing.returncode == 1, missing.stdout + missing.stderr
    assert "'annex.pdf'" in missing.stdout
    assert held["sha256"] in missing.stdout.replace("\n", "")


def test_the_cli_uploads_and_gets_a_document(api: Api, tmp_path: Path) -> None:
    source = tmp_path / "report.odt"
    source.write_bytes(samples.odt("CLI"))
    token = {"INTERSESSIONAL_TOKEN": api.tokens["isu"]}
    done = api.dev.cli("documents", "upload", str(source), "--json", env=token)
    uploaded = json.loads(done.stdout)
    assert uploaded["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    out = tmp_path / "back.odt"
    api.dev.cli("documents", "get", uploaded["sha256"], "--out", str(out))
    assert out.read_bytes() == source.read_bytes()

    renamed = tmp_path / "program.pdf"
    renamed.write_bytes(samples.exe())
    before = stored(api)
    refused = api.dev.cli("documents", "upload", str(renamed), env=token, exit_code=2)
    assert "application/x-msdownload" in refused.stderr
    assert stored(api) == before
    api.dev.cli("documents", "get", "0" * 64, "--out", str(tmp_path / "x"), exit_code=4)
    assert not (tmp_path / "x").exists()


def test_the_cli_drafts_the_work_plan_with_an_attachment_it_uploads(api: Api, tmp_path: Path
                                                                     ) -> None:
    token = {"INTERSESSIONAL_TOKEN": api.tokens["isu"]}
    plan = workplan(YEAR + 1, "650000.00").model_dump(mode="json")
    unheld = tmp_path / "unheld.json"
    unheld.write_text(json.dumps({**plan, "attachments": [{
        "sha256": "e" * 64, "filename": "ghost.pdf", "media_type": "application/pdf",
        "size": 10}]}))
    head = api.head()
    refused = api.dev.cli("workplan", "draft", "--year", str(YEAR), "--file", str(unheld),
                          env=token, exit_code=2)
    assert "'ghost.pdf'" in refused.stderr
    assert "upload it first" in refused.stderr
    assert api.head() == head

    plain = tmp_path / "plan.json"
    plain.write_text(json.dumps(plan))
    notes = tmp_path / "notes.txt"
    notes.write_text("Notes on the budget lines.\n")
    api.dev.cli("workplan", "draft", "--year", str(YEAR), "--file", str(plain), "--attach",
                str(notes), env=token)
    [drafted] = api.events(head)
    assert drafted.payload["workplan"]["attachments"] == [{
        "sha256": hashlib.sha256(notes.read_bytes()).hexdigest(), "filename": "notes.txt",
        "media_type": "text/plain; charset=utf-8", "size": notes.stat().st_size}]
