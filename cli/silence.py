"""``intersessional silence …``: the silence procedure — a documented **extension** (later
practice of the Convention, not in the seed papers; rules SP-1 … SP-4, source "extension").

The President circulates a draft decision (its reference and the SHA-256 of its text) with a
deadline (SP-1); a State Party's delegate may break silence before it, by an objection (SP-2);
at the deadline the engine records the decision as adopted, or — silence broken — as not
adopted (SP-3); the President may recirculate or withdraw the text (SP-4). Each step is taken
by the person whose token is given; ``status`` and ``list`` read the ledger.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from domain.kinds import Kind
    from stepping import KindStep

from cli import documents, taking
from cli.common import JSON, TOKEN, all_recorded, authenticate, recorded
from cli.process_status import show_procedures, show_silence

silence = typer.Typer(no_args_is_help=True, help=(
    "The silence procedure: a documented extension (later practice, not in the seed papers; "
    "rules SP-1 … SP-4). A text circulated with a deadline is adopted at the deadline unless a "
    "State Party breaks silence before it."))

PROCEDURE = typer.Option(..., "--procedure", metavar="ID",
                         help="the procedure, e.g. silence-2027-1")
REFERENCE = typer.Option(..., "--reference", metavar="REFERENCE",
                         help="the text's reference, e.g. CCM/MSP/2027/1")
WHAT = "silence procedure"


def _kind() -> Kind[Any]:
    from domain.kinds import SILENCE

    return SILENCE


def _step(name: str) -> KindStep:
    """The silence's step ``name``, as every command takes it."""
    from domain.kinds import SILENCE
    from stepping import STEPS

    return STEPS[SILENCE.name][name]


def _take(step: str, procedure: str, token: str | None, as_json: bool,
          data: dict[str, object]) -> None:
    person = authenticate(token)
    given = taking.request(_step(step), data)
    taking.take(_step(step), procedure, person, given, as_json=as_json)


@silence.command("circulate")
def circulate_text(*, subject: str = typer.Option(..., "--subject", metavar="SUBJECT"),
                   reference: str = REFERENCE,
                   file: Path | None = documents.DOCUMENT, sha256: str | None = documents.SHA256,
                   deadline: str | None = documents.DEADLINE, within: str | None = documents.WITHIN,
                   token: str | None = TOKEN, as_json: bool = JSON) -> None:
    """Circulate a draft decision under silence until a deadline (President, SP-1); prints
    the procedure's id. An extension: later practice, not in the seed papers."""
    person = authenticate(token)
    until = documents.deadline(deadline, within)
    step = _step("circulate_text")
    given = taking.request(step, {"subject": subject, "deadline": until,
                                  "text": documents.document(reference, file, sha256)})
    taking.begin(step, person, given, as_json=as_json,
                 deadline=until.isoformat())


@silence.command("break")
def break_silence(*, procedure: str = PROCEDURE,
                  objection: str = typer.Option(..., "--objection", metavar="OBJECTION",
                                                help="why, in a sentence"),
                  token: str | None = TOKEN, as_json: bool = JSON) -> None:
    """Break silence before the deadline, by an objection (a State Party's delegate, SP-2)."""
    _take("break_silence", procedure, token, as_json, {"objection": objection})


@silence.command("recirculate")
def recirculate(*, procedure: str = PROCEDURE, reference: str = REFERENCE,
                file: Path | None = documents.DOCUMENT, sha256: str | None = documents.SHA256,
                deadline: str | None = documents.DEADLINE, within: str | None = documents.WITHIN,
                token: str | None = TOKEN, as_json: bool = JSON) -> None:
    """Circulate the (revised) text again with a new deadline (President, SP-4); objections
    to the earlier circulation no longer stand."""
    until = documents.deadline(deadline, within)
    _take("recirculate_text", procedure, token, as_json, {
        "text": documents.document(reference, file, sha256), "deadline": until})


@silence.command("withdraw")
def withdraw(*, procedure: str = PROCEDURE, reason: str = typer.Option(..., "--reason",
                                                                       metavar="REASON"),
             token: str | None = TOKEN, as_json: bool = JSON) -> None:
    """Withdraw the text: the procedure ends without a decision (President, SP-4)."""
    _take("withdraw_text", procedure, token, as_json, {"reason": reason})


@silence.command("status")
def status(*, procedure: str = PROCEDURE, as_json: bool = JSON) -> None:
    """The procedure as the ledger records it: under silence, silence broken, adopted, not
    adopted or withdrawn; its text, deadline and objections."""
    chosen = procedure.strip().lower()
    show_silence(chosen, recorded(_kind(), chosen), as_json)


@silence.command("list")
def list_(*, as_json: bool = JSON) -> None:
    """Every silence procedure the ledger records, with its phase."""
    show_procedures(all_recorded(_kind()), as_json)
