"""``audit export`` and ``audit verify-bundle`` as a person runs them (the two functions on a
typer app of their own, as ``audit_cli`` registers them): with Temporal, and without it."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from audit.bundle_format import MANIFEST
from cli import audit_bundle as bundle_cli
from settings import Settings
from tests.audit.conftest import PROCESSES, YEARS, World

YEAR_FLAGS = ["--from-year", str(YEARS[0]), "--to-year", str(YEARS[-1])]


@pytest.fixture
def cli(world_copy: Settings, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run ``export`` or ``verify-bundle`` on the copied ledger, none of the developer's own
    INTERSESSIONAL_ settings in the way; ``address``: where Temporal is."""
    for name in [n for n in os.environ if n.startswith("INTERSESSIONAL_")]:
        monkeypatch.delenv(name)
    app = typer.Typer()
    app.command("export")(bundle_cli.export)
    app.command("verify-bundle")(bundle_cli.verify_bundle)

    def invoke(*args: str, address: str = "127.0.0.1:1") -> Any:
        return CliRunner().invoke(app, list(args), env={
            "INTERSESSIONAL_DATA_DIR": str(world_copy.data_dir),
            "INTERSESSIONAL_TEMPORAL_ADDRESS": address})
    return invoke


def _manifest(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as bundle:
        manifest: dict[str, Any] = json.loads(bundle.read(MANIFEST))
    return manifest


def test_export_fetches_the_histories_and_the_bundle_verifies(cli: Any, world: World,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "five-years.zip"
    address = world.client.service_client.config.target_host
    done = cli("export", *YEAR_FLAGS, "--out", str(out), address=address)
    assert done.exit_code == 0, done.output
    assert "bundle written" in done.output
    assert "(1 country coalition and 2 silence procedures)" in done.output.replace("\n", " ")
    assert "warning" not in done.output
    manifest = _manifest(out)
    assert [h["workflow_id"] for h in manifest["histories"]] == [
        *(f"cycle-{y}" for y in YEARS), *PROCESSES]
    checked = cli("verify-bundle", str(out))
    assert checked.exit_code == 0, checked.output
    said = checked.output.replace("\n", " ")
    assert f"bundle intact: {manifest['events']} events of {YEARS[0]}–{YEARS[-1]}" in said
    assert (f"{len(YEARS) + len(PROCESSES)} history(ies) with {manifest['events']} "
            "recording(s)") in said
    assert all(f"{y} closed" in said for y in YEARS)
    assert ("folded 1 country coalition and 2 silence procedures: coalition-lao-1 closed · "
            "silence-2027-1 adopted · silence-2028-1 withdrawn") in said


def test_without_temporal_the_bundle_says_which_histories_it_lacks(cli: Any,
                                                                   tmp_path: Path) -> None:
    out = tmp_path / "no-histories.zip"
    done = cli("export", *YEAR_FLAGS, "--out", str(out))
    assert done.exit_code == 0, done.output
    assert done.output.count("warning") == len(YEARS) + len(PROCESSES)
    missing = _manifest(out)["histories_missing"]
    assert [m["workflow_id"] for m in missing] == sorted(
        [*(f"cycle-{y}" for y in YEARS), *PROCESSES])
    assert all(m["reason"].startswith("no Temporal server answers at ") for m in missing)
    checked = cli("verify-bundle", str(out))
    assert checked.exit_code == 0, checked.output
    assert f"no history of cycle-{YEARS[0]}" in checked.output


def test_a_pinned_key_is_said(cli: Any, world_copy: Settings, tmp_path: Path) -> None:
    out = tmp_path / "bundle.zip"
    assert cli("export", *YEAR_FLAGS, "--out", str(out)).exit_code == 0
    key = world_copy.effective_signing_key
    checked = cli("verify-bundle", str(out), "--public-key", str(key.with_name(key.name + ".pub")))
    assert checked.exit_code == 0, checked.output
    assert "(pinned)" in checked.output


@pytest.mark.parametrize("args", [
    ["export", "--from-year", "2031", "--to-year", "2027", "--out", "x.zip"],
    ["verify-bundle", "x.zip", "--public-key", "no-such-key.pem"]])
def test_unusable_arguments_exit_2_in_one_sentence(cli: Any, args: list[str],
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    done = cli(*args)
    assert done.exit_code == 2, done.output
    assert done.output.count("\n") == 1
    assert not (tmp_path / "x.zip").exists()
