"""Every command's ``--help`` reads at the terminal's width with its values said in words
(cli/helptext.py): at 60 and 120 columns no line is wider than the terminal, no paragraph
keeps the source's line breaks, and no option or argument shows a generic type — Typer's
``<bool>``, ``<str>``, ``<int>``, ``<file>``… or Click's ``TEXT``, ``INTEGER`` — but a word
that says what it takes (``YEAR``, ``FILE.toml|json``, ``SHA256``…); a flag shows none."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.core import TyperArgument, TyperOption
from typer.testing import CliRunner

from cli.app import COMMANDS, app, loaded

#: a type label as Typer or Click would print it for a value with no metavar of its own
GENERIC = re.compile(r"<(?:bool|str|int|float|file|dir|path|datetime|uuid)\b[^>]*>|<list\[|"
                     r"\b(?:TEXT|INTEGER|FLOAT|BOOLEAN|FILENAME|DIRECTORY|PATH)\b")
WIDTHS = (60, 120)


def _walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _walk(sub, (*path, name))


COMMAND_PATHS = [path for name in COMMANDS for path, _ in _walk(loaded(name), (name,))]
CLI_PATHS = [(), *COMMAND_PATHS]


def _help(path: tuple[str, ...], width: int) -> str:
    done = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": str(width)},
                              prog_name="intersessional")
    assert done.exit_code == 0, done.output
    return done.output


def test_the_walk_finds_every_command() -> None:
    """The tests below could pass on nothing: they see the nested commands too."""
    assert len(COMMAND_PATHS) > 80
    assert ("coalition", "workshop", "held") in COMMAND_PATHS


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", CLI_PATHS, ids=lambda p: " ".join(p) or "intersessional")
def test_help_fits_the_terminal_and_says_its_values_in_words(path: tuple[str, ...],
                                                             width: int) -> None:
    shown = _help(path, width)
    assert "Usage: intersessional" in shown
    wide = [line for line in shown.splitlines() if len(line) > width]
    assert wide == [], "\n".join(wide)
    generic = [line for line in shown.splitlines() if GENERIC.search(line)]
    assert generic == [], "\n".join(generic)


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=" ".join)
def test_every_value_has_a_word_and_every_text_flows(path: tuple[str, ...]) -> None:
    command = loaded(path[0])
    for name in path[1:]:
        command = command.commands[name]
    for paragraph in (command.help or "").split("\n\n"):
        assert "\n" not in paragraph or paragraph.startswith("\b"), paragraph
    for param in command.get_params(typer.Context(command)):
        assert isinstance(param, TyperOption | TyperArgument)
        if isinstance(param, TyperOption) and (param.is_flag or param.count):
            continue
        assert param.metavar, f"{' '.join(path)} {param.opts}: no metavar"
        assert not GENERIC.search(param.metavar), param.metavar


def test_the_check_would_see_a_generic_type() -> None:
    """Typer's own rendering of an option without a metavar is what the pattern refuses."""
    bare = typer.Typer()

    @bare.command()
    def command(name: str = typer.Option(..., "--name"), n: int = typer.Option(1)) -> None:
        """A command."""

    shown = CliRunner().invoke(bare, ["--help"], env={"COLUMNS": "80"}).output
    assert GENERIC.search(shown)


@pytest.mark.parametrize("args", [("--help",), ("audit", "report", "--help"),
                                  ("coalition", "workshop", "held", "--help")])
def test_the_installed_command_wraps_at_the_terminal_width(args: tuple[str, ...]) -> None:
    """The real process, as a person runs it: its lines fit 60 columns."""
    done = subprocess.run([str(Path(sys.executable).parent / "intersessional"), *args],
                          capture_output=True, text=True, timeout=60, check=False,
                          env={**os.environ, "COLUMNS": "60"})
    assert done.returncode == 0, done.stderr
    assert max(len(line) for line in done.stdout.splitlines()) <= 60
    assert not GENERIC.search(done.stdout)
