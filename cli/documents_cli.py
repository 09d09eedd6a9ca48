"""``intersessional documents upload|get``: the document store from the command line.

``upload FILE`` keeps a document (PDF, DOCX, ODT or plain UTF-8 text, judged by content) for a
person with a token who takes steps, and prints its SHA-256 — what a step names (a work plan's
``attachments``); ``get SHA256 --out FILE`` writes a document back, byte for byte, to anyone
(reading is open, G-1). A refused file is one line, exit 2, nothing stored.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape

from cli.common import JSON, TOKEN, authenticate, console, fail
from i18n import _

documents = typer.Typer(no_args_is_help=True, help="The document store: upload a document "
                        "(PDF, DOCX, ODT, plain text; its SHA-256 is what a step names), get "
                        "one back by its SHA-256.")


@documents.command("upload")
def upload(file: Path = typer.Argument(..., dir_okay=False, metavar="FILE",  # noqa: B008 - typer's idiom
                                       help="the document: PDF, DOCX, ODT or plain text"),
           token: str | None = TOKEN, as_json: bool = JSON) -> None:
    """Keep a document in the store; print its SHA-256, size, media type and filename."""
    from cli.documents import attached
    from domain.convention import Role

    person = authenticate(token)
    if person.role is Role.AUDITOR:
        raise fail(_("an auditor reads the record and takes no step, so uploads no "
                     "document."))
    stored = attached([file])[0]
    if as_json:
        typer.echo(json.dumps(stored.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    console.print(f"[green]stored[/green] {stored.sha256} {escape(stored.filename)} "
                  f"({stored.media_type}, {stored.size:,} bytes)", highlight=False)


@documents.command("get")
def get(sha256: str = typer.Argument(..., metavar="SHA256", help="the document's SHA-256"),
        out: Path = typer.Option(..., "--out", dir_okay=False,  # noqa: B008 - typer's idiom
                                 help="where to write it")) -> None:
    """Write the document of that SHA-256 to --out, byte for byte."""
    import os
    import tempfile

    from documents import NotHeld
    from runtime.documents import document_store
    from settings import Settings

    store = document_store(Settings())
    try:
        chunks = store.open(sha256.strip().lower())
        handle, partial = tempfile.mkstemp(dir=out.resolve().parent, prefix=f".{out.name}.")
        with os.fdopen(handle, "wb") as written:
            for chunk in chunks:
                written.write(chunk)
        os.replace(partial, out)
    except NotHeld as error:
        raise fail(str(error)) from None
    except OSError as error:
        raise fail(f"{out} cannot be written: {error.strerror or error}.") from None
    console.print(f"[green]written[/green] {escape(str(out))}", highlight=False)
