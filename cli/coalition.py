"""``intersessional coalition …``: a country coalition (7MSP, CK-1 … CK-8), each step taken by
the person whose token is given (``--token`` or ``INTERSESSIONAL_TOKEN``).

The Coordination Committee opens one (its members or its chair, CK-7) for an affected State
with a donor or lead State (CK-2) and a focus within the committee's thematic areas (CK-5);
the two States' delegates agree, the affected State registers its strategy (CK-3), and so on.
A charter without an affected State, or a focus outside CK-5, is refused by the rules, with
the rule's id — never by a missing option. ``status`` and ``list`` read the ledger.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cli import documents, taking
from cli.common import (
    FILE,
    JSON,
    TOKEN,
    all_recorded,
    authenticate,
    fail,
    load_file,
    recorded,
    tell_refusal,
)
from cli.process_status import show_coalition, show_coalitions
from i18n import N_

if TYPE_CHECKING:
    from domain.kinds import Kind
    from stepping import KindStep


coalition = typer.Typer(no_args_is_help=True, help="Country coalitions (7MSP, CK-1 … CK-8): "
                        "an affected State and a donor or lead State, and all who help.")
workshop = typer.Typer(no_args_is_help=True, help="The coalition's country workshops (CK-7).")
coalition.add_typer(workshop, name="workshop")

ID = typer.Option(..., "--coalition", metavar="ID", help="the coalition, e.g. coalition-lao-1")
WHAT = "coalition"
AFFECTED = typer.Option(None, "--affected", metavar="ISO3", help="the affected State (CK-1)")
DONOR = typer.Option(None, "--donor", metavar="ISO3",
                     help="the donor State co-coordinating (CK-2)")
LEAD = typer.Option(None, "--lead", metavar="ISO3",
                    help="the lead State co-coordinating, instead of a donor")
FOCUS = typer.Option([], "--focus", metavar="AREA", help="a thematic area (CK-5); repeatable")
CHALLENGES = typer.Option([], "--challenge", metavar="CHALLENGE",
                          help="a challenge it identified; repeatable")
ACTIVITIES = typer.Option([], "--activity", metavar="ACTIVITY",
                          help="an activity to overcome them; repeatable")
ACTORS = typer.Option([], "--actor", metavar="ACTOR", help="an actor to carry them out; repeatable")
FLAGS = {"records_reference": "--records", "msp_year": "--msp-year"}


def _kind() -> Kind[Any]:
    from domain.kinds import COALITION

    return COALITION


def _the_step(name: str) -> KindStep:
    """The coalition's step ``name``, as every command takes it."""
    from domain.kinds import COALITION
    from stepping import STEPS

    return STEPS[COALITION.name][name]


def _step(step: str, coalition_id: str, token: str | None, as_json: bool,
          data: dict[str, Any], *, source: str = taking.OPTIONS, **extra: Any) -> None:
    person = authenticate(token)
    given = taking.request(_the_step(step), data, source, FLAGS)
    taking.take(_the_step(step), coalition_id, person, given, as_json=as_json,
                **extra)


def _refusing(check: Any, *args: Any) -> Any:
    """``check(*args)``; a rule's refusal is one line, exit 1 (nothing is sent)."""
    from domain.errors import RuleViolation

    try:
        return check(*args)
    except RuleViolation as refusal:
        raise tell_refusal(refusal) from None


@coalition.command("open")
def open_(*, affected: str | None = AFFECTED, donor: str | None = DONOR,
          lead: str | None = LEAD, focus: list[str] = FOCUS, token: str | None = TOKEN,
          as_json: bool = JSON) -> None:
    """Identify a candidate country (committee member or President, CK-7); prints its id."""
    from domain.coalition import identification
    from domain.coalitions import parse_focus
    from domain.convention import shipped_registry
    from domain.errors import RuleViolation
    from stepping import command, permitted

    person = authenticate(token)
    step = _the_step("identify_candidate")
    # the committee's step (CK-7), before its data
    _refusing(permitted, _kind(), step.name, person)
    if donor and lead:
        raise tell_refusal(RuleViolation("CK-2", "a coalition has one donor or lead State; "
                                         "give --donor or --lead, not both."))
    charter = {"affected_state": affected.strip().upper() if affected else None,
               "partner_state": (donor or lead or "").strip().upper() or None,
               "partner_role": "lead" if lead else "donor",
               "focus": [f.value for f in _refusing(parse_focus, focus)]}
    given = taking.request(step, {"charter": charter})
    # judged on the shipped registry now (CK-1, CK-2, CK-5), so a refusal needs no engine
    _refusing(identification, "coalition-?", command(_kind(), step.name, person, given),
              shipped_registry(),
              datetime.now(UTC))
    taking.begin(step, person, given, as_json=as_json)


@coalition.command("agree")
def agree(*, coalition_id: str = ID, token: str | None = TOKEN, as_json: bool = JSON) -> None:
    """Agree to co-coordinate, for the State you are a delegate of (CK-2)."""
    _step("agree_to_co_coordinate", coalition_id, token, as_json, {})


@coalition.command("strategy")
def strategy(*, coalition_id: str = ID, reference: str = typer.Option(..., "--reference",
                                                                      metavar="REFERENCE"),
             file: Path | None = documents.DOCUMENT, sha256: str | None = documents.SHA256,
             token: str | None = TOKEN, as_json: bool = JSON) -> None:
    """Register the national strategy document (the affected State's delegate, CK-3)."""
    text = documents.document(reference, file, sha256)
    _step("register_strategy", coalition_id, token, as_json, {"document": text},
          sha256=text["sha256"])


@coalition.command("join")
def join(*, coalition_id: str = ID,
         kind: str = typer.Option(..., "--kind", metavar="state|international_organisation|"
                                  "operator|expert"),
         name: str = typer.Option(..., "--name", metavar="NAME"), token: str | None = TOKEN,
         as_json: bool = JSON) -> None:
    """Admit a participant (a co-coordinating State's delegate, CK-4)."""
    from domain.coalitions import check_participant

    _refusing(check_participant, kind, name, ())
    _step("admit_participant", coalition_id, token, as_json,
          {"participant": {"kind": kind, "name": name}})


@coalition.command("leave")
def leave(*, coalition_id: str = ID, name: str = typer.Option(..., "--name", metavar="NAME"),
          token: str | None = TOKEN, as_json: bool = JSON) -> None:
    """Record that a participant left (a co-coordinating State's delegate, CK-4)."""
    _step("record_departure", coalition_id, token, as_json, {"name": name})


@workshop.command("plan")
def plan(*, coalition_id: str = ID, place: str = typer.Option(..., "--place", metavar="PLACE"),
         starts: str = typer.Option(..., "--starts", metavar="YYYY-MM-DD"),
         ends: str = typer.Option(..., "--ends", metavar="YYYY-MM-DD"),
         token: str | None = TOKEN, as_json: bool = JSON) -> None:
    """Plan a country workshop (the affected State's delegate or a coordinator, CK-7)."""
    _step("plan_workshop", coalition_id, token, as_json,
          {"workshop": {"place": place, "starts": starts, "ends": ends}})


@workshop.command("held")
def held(*, coalition_id: str = ID,
         challenge: list[str] = CHALLENGES, activity: list[str] = ACTIVITIES,
         actor: list[str] = ACTORS,
         records: str | None = typer.Option(None, "--records", metavar="RECORDS",
                                            help="where its records are"),
         file: Path | None = FILE, token: str | None = TOKEN, as_json: bool = JSON) -> None:
    """Record the planned workshop as held, with what it identified (7MSP ¶8): the flags, or
    a file of challenges, activities, actors and records_reference."""
    if file is not None:
        if challenge or activity or actor or records:
            raise fail(N_("give the outcomes either in --file or by flags, not both."))
        found = load_file(file)
        outcomes = found["outcomes"] if set(found) == {"outcomes"} else found
        _step("hold_workshop", coalition_id, token, as_json, {"outcomes": outcomes},
              source=str(file))
        return
    _step("hold_workshop", coalition_id, token, as_json, {"outcomes": {
        "challenges": challenge, "activities": activity, "actors": actor,
        "records_reference": records or ""}})


@coalition.command("activity")
def activity(*, coalition_id: str = ID, reference: str = typer.Option(..., "--reference",
                                                                      metavar="REFERENCE"),
             kind: str = typer.Option(..., "--kind", metavar="bilateral|multilateral|"
                                      "international"),
             description: str = typer.Option(..., "--description", metavar="DESCRIPTION"),
             token: str | None = TOKEN,
             as_json: bool = JSON) -> None:
    """Record an existing activity as coordinated, never twice (CK-6)."""
    _step("coordinate_activity", coalition_id, token, as_json, {"activity": {
        "reference": reference, "kind": kind, "description": description}})


@coalition.command("report")
def report(*, coalition_id: str = ID, msp_year: int = typer.Option(..., "--msp-year",
                                                                   metavar="YEAR"),
           summary: str = typer.Option(..., "--summary", metavar="SUMMARY"),
           token: str | None = TOKEN,
           as_json: bool = JSON) -> None:
    """Report the year's progress to the MSP, against the strategy (CK-3)."""
    _step("report_progress", coalition_id, token, as_json,
          {"msp_year": msp_year, "summary": summary})


@coalition.command("close")
def close(*, coalition_id: str = ID, reason: str = typer.Option(..., "--reason", metavar="REASON"),
          token: str | None = TOKEN, as_json: bool = JSON) -> None:
    """Close the coalition (a co-coordinating State's delegate, or the committee)."""
    _step("close_coalition", coalition_id, token, as_json, {"reason": reason})


@coalition.command("status")
def status(*, coalition_id: str = ID, as_json: bool = JSON) -> None:
    """The coalition as the ledger records it: phase, co-coordinators, strategy, participants,
    workshops, activities, progress reports."""
    chosen = coalition_id.strip().lower()
    show_coalition(chosen, recorded(_kind(), chosen), as_json)


@coalition.command("list")
def list_(*, as_json: bool = JSON) -> None:
    """Every coalition the ledger records, with its phase."""
    show_coalitions(all_recorded(_kind()), as_json)
