"""``intersessional documents upload|get``: the document store from the command line.

``upload FILE`` keeps a document (PDF, DOCX, ODT or plain UTF-8 text, judged by content) for a
person with a token who takes steps, and prints its SHA-256 — what a step names (a work plan's
``attachments``); ``get SHA256 --out FILE`` writes a document back, byte for byte, to anyone
(reading is open, G-1). A refused file is one line, exit 2, nothing stored.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from cli.common import JSON, TOKEN, Exit, authenticate, console, fail
from cli.output import emit
from i18n import N_, _
from i18n.formats import format_number

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
                     "document."), code=Exit.refused)
    stored = attached([file])[0]
    if as_json:
        emit(stored.model_dump(mode="json"))
        return
    console.print(_("[green]stored[/green] {sha256} {file} ({type}, {size} bytes)").format(
        sha256=stored.sha256, file=escape(stored.filename), type=stored.media_type,
        size=format_number(stored.size)), highlight=False)


@documents.command("get")
def get(sha256: str = typer.Argument(..., metavar="SHA256", help="the document's SHA-256"),
        out: Path = typer.Option(..., "--out", metavar="FILE", dir_okay=False,  # noqa: B008 - typer's idiom
                                 help="where to write it"),
        as_json: bool = JSON) -> None:
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
        raise fail(str(error), code=Exit.not_found) from None
    except OSError as error:
        raise fail(N_("{out} cannot be written: {why}."), out=out,
                   why=error.strerror or error) from None
    if as_json:
        from cli.output import written as described

        emit({"sha256": sha256.strip().lower(), "written": described(out)})
        return
    console.print(_("[green]written[/green] {out}").format(out=escape(str(out))),
                  highlight=False)
