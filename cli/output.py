"""What a command promises scripts: its exit code, and with ``--json`` exactly one JSON document
on stdout — the result, or an error object — with every other line on stderr.

The exit codes (docs/CLI.md lists them; ``tests/cli`` keeps them):

====  ==============  =====================================================================
0     ``done``        the command did what it was asked, or read what was asked
1     ``refused``     a rule refused the step (its id and paragraph are said), or a check
                      found the record wrong (``audit verify``: a broken chain)
2     ``usage``       the command line, a file, a date or a token is wrong: nothing was sent
3     ``unreachable`` the engine (Temporal) or the ledger's database could not be reached
4     ``not_found``   the record holds no such year, process, person or document
5     ``out_of_step`` the ledger holds a process open whose workflow is not running;
                      ``intersessional engine recover`` repairs it
====  ==============  =====================================================================

The error object (``docs/schemas/error.schema.json``)::

    {"error": {"kind": "refused", "exit": 1, "message": "…one sentence…",
               "rule_id": "CO-7", "source": "2MSP P2.6"}}

``rule_id`` and ``source`` only for a refusal; ``message`` in the CLI's language.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, IntEnum
from pathlib import Path
from typing import Any, TextIO


class Exit(IntEnum):
    """The CLI's exit codes; each name is the error object's ``kind``."""

    done = 0
    refused = 1
    usage = 2
    unreachable = 3
    not_found = 4
    out_of_step = 5


#: whether this run asked for ``--json`` (set by cli.app as the command is resolved), so that an
#: error raised deep in a helper is written as the error object the caller expects
ASKED: dict[str, bool] = {"json": False}

#: where the run's one document goes once :func:`reserve` has sent everything else to stderr
_DOCUMENT: list[TextIO | None] = [None]


def reserve(as_json: bool) -> None:
    """Keep stdout for the run's one document when ``as_json``: ``sys.stdout`` becomes
    stderr for everything else (``print``, Rich consoles, ``typer.echo``), and :func:`emit`
    writes to the stdout the run was given. Called on every resolution (the tests run many
    commands in one process, each with its own stdout)."""
    if not as_json:
        _DOCUMENT[0] = None
        return
    if sys.stdout is not sys.stderr:  # not already reserved in this run
        _DOCUMENT[0] = sys.stdout
    sys.stdout = sys.stderr


def reserve_descriptor() -> None:
    """For a whole process asking for ``--json`` (:func:`cli.app.main`): file descriptor 1
    becomes stderr too, so that what writes there below Python — a server the command
    starts, such as Temporal's dev server with its banner — reaches stderr; ``sys.stdout``
    is then the original stdout, which :func:`reserve` keeps for the document."""
    sys.stdout.flush()
    kept = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = open(kept, "w", encoding="utf-8", closefd=True)  # noqa: SIM115 - the run's life


def _plain(value: Any) -> Any:
    """What :func:`json.dumps` cannot write by itself, as the API writes it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # an amount keeps its digits
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json")
    raise TypeError(f"{type(value).__name__} is not JSON")


def emit(document: Any) -> None:
    """Write ``document`` as the run's one JSON document on stdout (UTF-8, indented)."""
    out = _DOCUMENT[0] or sys.stdout
    out.write(json.dumps(document, ensure_ascii=False, indent=2, default=_plain) + "\n")
    out.flush()


def written(path: Path) -> dict[str, Any]:
    """What a command says of a file it wrote: its path, size and SHA-256."""
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as read:
        for chunk in iter(lambda: read.read(1 << 20), b""):
            digest.update(chunk)
    return {"path": str(path), "bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def error_document(kind: Exit, message: str, **extra: Any) -> dict[str, Any]:
    """The error object for ``kind`` and its one-sentence ``message``."""
    return {"error": {"kind": kind.name, "exit": int(kind), "message": message,
                      **{k: v for k, v in extra.items() if v is not None}}}
