"""The arrows of the house point one way (docs/ARCHITECTURE.md): import-linter's contracts in
pyproject.toml hold for the code, and a backward import added on purpose breaks the contract
it crosses — so the test below could fail, and says which arrow was crossed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).parent / "lint-imports"
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter over the packages under ``root`` (found there first, before the
    installed project)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT), "--no-cache", str(root / "pyproject.toml")], cwd=root,
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def test_every_contract_is_kept() -> None:
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    contracts = len(CONFIG["contracts"])
    assert f"Contracts: {contracts} kept, 0 broken." in done.stdout


@pytest.mark.parametrize(("module", "backward", "crossed"), [
    ("workflows/core.py", "import ledger", "workflows import the domain and the contracts"),
    ("workflows/cycle.py", "import sqlalchemy", "workflows import the domain and the contracts"),
    ("domain/rules.py", "import contracts", "domain imports nothing of ours"),
    ("api/streams.py", "import worker", "the API and the CLI never import the worker"),
    ("audit/verification.py", "import cli.common", "the audit never imports the CLI"),
    ("contracts/__init__.py", "import ledger", "contracts import the domain only"),
])
def test_a_backward_import_breaks_the_contract_it_crosses(tmp_path: Path, module: str,
                                                          backward: str, crossed: str) -> None:
    for package in CONFIG["root_packages"]:
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "settings.py", "worker.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    with (tmp_path / module).open("a") as source:
        source.write(f"\n{backward}  # the backward import this test adds\n")
    done = _lint(tmp_path)
    assert done.returncode == 1, done.stdout
    broken = done.stdout.split("Broken contracts", 1)[1]
    assert crossed in broken
    assert module.removesuffix(".py").removesuffix("/__init__").replace("/", ".") in broken
