"""``intersessional end-term``: record that a coordinator's term ended before its time (CO-10),
why, who decided it, and the State that serves the rest of it, if one was chosen.

The step is the cycle's ``end_term_early`` (President or ISU), taken like every other step
(:mod:`cli.taking`): the request checked before anything is sent, the rules the domain's. The
term is named as the record holds it (State, mandate, first and last year); the replacement's
term is the domain's to derive: same mandate, same last year, from the day the term ended.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from cli.common import JSON, TOKEN, YEAR, authenticate, errors_of, fail
from i18n import N_, _

if TYPE_CHECKING:
    from stepping import KindStep, StepRequest

STEP = "end_term_early"
RULE = "CO-10"
#: the flag that gives each field, for a field error's sentence
FLAGS = {"term": "the term (--state, --mandate, --first-year, --last-year)",
         "ended_on": "--ended-on", "reason": "--reason", "decided_by": "--decided-by",
         "replacement": "--replacement"}


def end_term(
    *, year: int = YEAR,
    state: str = typer.Option(..., "--state", metavar="ISO3",
                              help="the State whose term ended"),
    mandate: str = typer.Option(..., "--mandate", metavar="MANDATE",
                                help="the mandate's key, e.g. clearance"),
    first_year: int = typer.Option(..., "--first-year", metavar="YEAR",
                                   help="the term's first year"),
    last_year: int = typer.Option(..., "--last-year", metavar="YEAR", help="the term's last year"),
    ended_on: str = typer.Option(..., "--ended-on", metavar="YYYY-MM-DD",
                                 help="the day the term ended"),
    reason: str = typer.Option(..., "--reason", metavar="REASON", help="why it ended"),
    decided_by: str = typer.Option(..., "--decided-by", metavar="DECISION",
                                   help="the body or decision that ended it"),
    replacement: str | None = typer.Option(None, "--replacement", metavar="ISO3",
                                           help="the State that serves the rest of the term"),
    token: str | None = TOKEN, as_json: bool = JSON,
) -> None:
    """Record that a coordinator's term ended early (President or ISU, CO-10): the term, the
    day, why, who decided it and, if chosen, the State that serves the rest of it."""
    from cli import taking
    from contracts import cycle_id

    person = authenticate(token)
    data: dict[str, Any] = {
        "term": {"state": state.strip().upper(), "mandate": mandate.strip(),
                 "first_year": first_year, "last_year": last_year},
        "ended_on": ended_on, "reason": reason, "decided_by": decided_by,
        "replacement": replacement.strip().upper() if replacement else None}
    taking.take(_step(), cycle_id(year), person, _request(data), as_json=as_json)


def _step() -> KindStep:
    """The cycle's ``end_term_early`` step, as every command takes it."""
    from domain.kinds import CYCLE
    from stepping import STEPS

    return STEPS[CYCLE.name][STEP]


def _request(data: dict[str, Any]) -> StepRequest:
    """``data`` as the step's request; a field error is one sentence naming the rule and the
    flags, exit 2, nothing sent."""
    from pydantic import ValidationError

    step = _step()
    try:
        return step.request.model_validate(data)
    except ValidationError as error:
        raise fail(N_("{rule}: the options given are not valid for {step}: {errors}."),
                   rule=RULE, step=_(step.rule.label), errors=errors_of(error, FLAGS)) from None
