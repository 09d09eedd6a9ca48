"""``intersessional history`` as a person runs it (SQLite in a data directory of its own):
the import, its dry run and its refusals, then ``audit verify`` and ``audit replay``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from history.format import schema_text
from tests.history.conftest import THREE_YEARS, line_of, three_years

INTERSESSIONAL = Path(sys.executable).parent / "intersessional"


def _run(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERSESSIONAL_")}
    env["INTERSESSIONAL_DATA_DIR"] = str(data)
    return subprocess.run([str(INTERSESSIONAL), *args], env=env, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, str]:
    """A data directory with an ISU person registered, and their token."""
    added = _run(tmp_path, "users", "add", "Ida Archivist", "--role", "isu")
    assert added.returncode == 0, added.stdout + added.stderr
    token = next(line.split()[1] for line in added.stdout.splitlines()
                 if line.startswith("token:"))
    return tmp_path, token


def test_schema_prints_the_published_schema(tmp_path: Path) -> None:
    done = _run(tmp_path, "history", "schema")
    assert done.returncode == 0, done.stderr
    assert done.stdout == schema_text()


def test_import_then_audit(data: tuple[Path, str]) -> None:
    where, token = data
    dry = _run(where, "history", "import", str(THREE_YEARS), "--dry-run", "--json")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    said = json.loads(dry.stdout)
    assert [y["outcome"] for y in said["years"]] == ["would be recorded"] * 3
    verified = _run(where, "audit", "verify", "--json")
    assert json.loads(verified.stdout)["events"] == 0  # the dry run recorded nothing

    done = _run(where, "history", "import", str(THREE_YEARS), "--token", token)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2014: recorded (6 events)" in done.stdout
    again = _run(where, "history", "import", str(THREE_YEARS), "--token", token)
    assert again.returncode == 0
    assert again.stdout.count("already recorded") == 3

    verified = _run(where, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "ledger intact: 18 events" in verified.stdout
    assert "18 step(s) attested, by 1 person(s)" in verified.stdout.replace("\n", " ")
    replayed = _run(where, "audit", "replay", "--year", "2013", "--as-of", "2013-06-01")
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert "2013 cycle" in replayed.stdout


def test_a_refusal_is_one_sentence_with_the_line_and_the_rule(data: tuple[Path, str],
                                                              tmp_path: Path) -> None:
    where, token = data
    bad = three_years().replace("{state: SWE,", "{state: XYZ,")
    file = tmp_path / "bad.yaml"
    file.write_text(bad, encoding="utf-8")
    done = _run(where, "history", "import", str(file), "--token", token)
    assert done.returncode == 1  # refused by a rule
    line = line_of(bad, "{state: XYZ,")
    [said] = done.stderr.splitlines()
    assert f"refused HI-1: {file}, line {line}: " in said
    assert "unknown State 'XYZ'" in said


def test_only_the_isu_imports(data: tuple[Path, str]) -> None:
    where, _token = data
    added = _run(where, "users", "add", "Pat President", "--role", "president", "--state",
                 "NOR")
    token = next(line.split()[1] for line in added.stdout.splitlines()
                 if line.startswith("token:"))
    done = _run(where, "history", "import", str(THREE_YEARS), "--token", token)
    assert done.returncode == 1  # refused: the ISU's step
    assert "imported by the ISU" in done.stderr
