"""The CLI's lazy command table (cli/app.py) says what its commands say, and the CLI starts
without the engine's heavy libraries: ``--help`` loads none of them, and a group's ``--help``
loads only what its commands' options need. Start-up is measured by bench/startup.py, not
timed here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.app import COMMANDS, loaded

HEAVY = ("temporalio", "sqlalchemy", "alembic", "fastapi", "uvicorn", "jinja2",
         "cryptography", "pydantic_settings", "structlog", "opentelemetry")


def _first_paragraph(text: str | None) -> str:
    return " ".join((text or "").strip().split("\n\n")[0].split())


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_entry_of_the_table_is_the_command_it_describes(name: str) -> None:
    command = loaded(name)
    assert command.name == name
    assert _first_paragraph(command.help) == _first_paragraph(COMMANDS[name].help)


def _loaded_by(*args: str, env: dict[str, str] | None = None) -> set[str]:
    """The top-level modules loaded by ``intersessional ARGS`` run in a fresh interpreter."""
    script = ("import sys, json\n"
              f"sys.argv = ['intersessional', *{list(args)!r}]\n"
              "from cli.app import app\n"
              "try:\n    app()\nexcept SystemExit:\n    pass\n"
              "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})), "
              "file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=False, env=env)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [("--help",), ("states",), ("cycle", "--help"),
                                  ("audit", "--help"), ("workplan", "--help"),
                                  ("coalition", "--help")])
def test_the_cli_starts_without_the_engines_libraries(args: tuple[str, ...]) -> None:
    assert _loaded_by(*args).isdisjoint(HEAVY)


def test_a_command_that_runs_does_load_what_it_needs(tmp_path: Path) -> None:
    """The check above could fail: a command that runs loads the settings and the ledger."""
    env = {**os.environ, "INTERSESSIONAL_DATA_DIR": str(tmp_path)}
    assert {"sqlalchemy", "pydantic_settings"} <= _loaded_by("db", "upgrade", env=env)


def test_an_unknown_command_is_one_sentence_and_exit_2() -> None:
    done = subprocess.run([sys.executable, "-m", "cli", "no-such-command"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "python -m cli: no such command 'no-such-command'; `python -m cli --help` says how it "
        "is used."]
