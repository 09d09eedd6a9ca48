"""Help a person reads at any terminal width: :func:`worded` readies a command (and its
subcommands) for Typer's Rich help.

- Its texts flow: a docstring's line breaks are the source's, kept at 100 columns; Typer's Rich
  help keeps single line breaks, which at another width leaves ragged lines. Each paragraph
  becomes one line that Rich wraps at the terminal's width (a paragraph that starts with
  ``\\b`` keeps its lines, as Click's own help does).
- Its values are said in words: a flag takes no value, so it shows no type (Typer would show
  ``<bool>``); an argument with a metavar shows that word alone, not Typer's ``<int>`` beside
  it. Every other option carries a metavar of its own (``YEAR``, ``FILE.toml|json``…);
  tests/unit/test_help.py checks that no generic type is left.
"""

from __future__ import annotations

from typing import Any

from typer import Context
from typer.core import TyperArgument


def flowed(text: str | None) -> str | None:
    """``text`` with the line breaks inside each paragraph made spaces."""
    if not text:
        return text
    paragraphs = text.strip().split("\n\n")
    return "\n\n".join(p if p.lstrip().startswith("\b") else " ".join(p.split())
                       for p in paragraphs)


class _Named(TyperArgument):
    """An argument whose metavar says what it is: shown alone, without Typer's type."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def worded_params(params: list[Any]) -> list[Any]:
    """``params`` with flags showing no type and named arguments no type beside the name."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""  # Typer shows a metavar in place of the type
        if isinstance(param, TyperArgument) and param.metavar:
            param.__class__ = _Named
        param.help = flowed(getattr(param, "help", None))
    return params


def worded(command: Any) -> Any:
    """``command`` and every subcommand of it, their texts flowed and values in words."""
    command.help = flowed(command.help)
    command.short_help = flowed(command.short_help)
    worded_params(command.get_params(Context(command)))
    for sub in getattr(command, "commands", {}).values():
        worded(sub)
    return command
