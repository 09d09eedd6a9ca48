"""``intersessional elect|president|meeting|workplan|msp …``: every step of a cycle after its
opening, taken by the person whose token is given (``--token`` or ``INTERSESSIONAL_TOKEN``).

The actor and role the ledger records come from the token, never from the command line or a
file. The data of a step comes from flags or from a TOML/JSON ``--file``, checked against the
step's request model (:data:`stepping.REQUESTS`) before anything is sent; the rules are the
domain's, through :mod:`stepping`. A step on the work plan without ``--hash`` names the work
plan the cycle holds now, and prints its hash with the result. ``pending`` (``pending_cli``)
says what may be done now.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cli import committee, deciding, taking
from cli.common import (
    FILE,
    JSON,
    TOKEN,
    YEAR,
    authenticate,
    connect_engine,
    console,
    fail,
    recorded_cycle,
    run,
)
from cli.deciding import YES
from cli.taking import OPTIONS, file_request, report, request, send
from i18n import N_

if TYPE_CHECKING:
    import stepping
    from identities import Person
    from stepping import KindStep


president = typer.Typer(no_args_is_help=True, help="The presidency the MSP designates.")
meeting = typer.Typer(no_args_is_help=True, help="The year's intersessional meeting.")
workplan = typer.Typer(no_args_is_help=True, help="The ISU's work plan and budget.")
msp = typer.Typer(no_args_is_help=True, help="The MSP's decision on the work plan.")

REQUIRED_FILE = typer.Option(..., "--file", dir_okay=False, metavar="FILE.toml|json",
                             help="the step's data, as TOML or JSON")
HASH = typer.Option(None, "--hash", metavar="SHA256",
                    help="the work plan's content hash; default: the one the cycle holds now")
#: the flag that gives each field, for a field error's sentence
FLAGS = {"content_hash": "--hash", "reasons": "--reasons", "reason": "--reason",
         "records_reference": "--records", "decided_by": "--decided-by",
         "present": "--present", "by_silence": "--by-silence"}
BY_SILENCE = typer.Option(None, "--by-silence", metavar="PROCEDURE",
                          help="the silence procedure among the committee's members that "
                               "decided it (CC-5), e.g. silence-2027-1, instead of --present")


def _step(step: str) -> KindStep:
    """The cycle's step ``step``, as every command takes it."""
    from domain.kinds import CYCLE
    from stepping import STEPS

    return STEPS[CYCLE.name][step]


def _take(step: str, year: int, person: Person, given: stepping.StepRequest, as_json: bool,
          **extra: str) -> None:
    from contracts import cycle_id

    taking.take(_step(step), cycle_id(year), person, given, as_json=as_json, **extra)


def _from_file(step: str, year: int, file: Path, token: str | None, as_json: bool) -> None:
    from contracts import cycle_id

    person = authenticate(token)
    taking.take(_step(step), cycle_id(year), person, file_request(_step(step), file),
                as_json=as_json)


def _on_workplan(step: str, year: int, token: str | None, content_hash: str | None,
                 as_json: bool, *, yes: bool, present: tuple[str, ...] | None = None,
                 **fields: str) -> None:
    """A step naming the work plan by its hash: the one given, or the one the ledger records
    as the cycle's current one. A decision of the committee (``present`` given, CC-5) refuses
    a code naming no one sitting today, then shows a person at a terminal the committee sitting
    today, those present marked, before the step is sent."""
    import stepping
    from contracts import cycle_id
    from domain.errors import RuleViolation
    from domain.kinds import CYCLE
    from domain.steps import BY_STEP
    from settings import Settings

    person = authenticate(token)
    collective = {} if present is None else {"present": present}
    # the other fields are checked now, with a stand-in for a hash still to be read
    given = request(_step(step), {"content_hash": content_hash or "0" * 64, **fields,
                                  **collective}, OPTIONS, FLAGS)

    async def work() -> None:
        stepping.permitted(CYCLE, step, person)
        chosen = content_hash
        if present is not None and (held := committee.recorded(year)) is not None:
            today = datetime.now(UTC).date()  # the engine judges the step on its clock's day
            committee.check_sitting(held, today, present)
            if not as_json and console.is_terminal:  # to a person; a script reads one line
                committee.show(year, held, today, present)
        if chosen is None:
            state = recorded_cycle(year)
            if state.draft_hash is None:
                rule = BY_STEP[step]
                raise RuleViolation(rule.rule_id, "{label} needs a work plan, and the {year} "
                                                  "cycle holds none (it is in its {phase} "
                                                  "phase).",
                                                  label=rule.label, year=year,
                                                  phase=state.phase.value.replace('_', ' '))
            chosen = state.draft_hash
        deciding.confirm(BY_STEP[step].label, year, chosen, yes)
        taken = given.model_copy(update={"content_hash": chosen})
        client = await connect_engine(Settings())
        receipt = await send(client, _step(step), cycle_id(year), person, taken)
        found = deciding.kept(receipt)
        report(_step(step), cycle_id(year), receipt, person, as_json, content_hash=chosen,
               **(deciding.receipt_fields(found) if as_json else {}))
        if not as_json:
            deciding.print_receipt(found)
    run(work(), taking.missing_of(_step(step), f"{year} cycle"))


def elect(year: int = YEAR, file: Path = REQUIRED_FILE, token: str | None = TOKEN,
          as_json: bool = JSON) -> None:
    """Record the MSP's election of coordinators (President): the election result in a file
    (msp_year, terms, necessity)."""
    _from_file("elect_coordinators", year, file, token, as_json)


@president.command("designate")
def designate(year: int = YEAR, file: Path = REQUIRED_FILE, token: str | None = TOKEN,
              as_json: bool = JSON) -> None:
    """Record the MSP's designation of the next President (President): the presidency in a
    file (state, meeting, designated_on, presides_from)."""
    _from_file("designate_president", year, file, token, as_json)


@meeting.command("convene")
def convene(
    *, year: int = YEAR, file: Path | None = FILE,
    first_day: str | None = typer.Option(None, "--first-day", metavar="YYYY-MM-DD"),
    last_day: str | None = typer.Option(None, "--last-day", metavar="YYYY-MM-DD"),
    place: str = typer.Option("Geneva", "--place", metavar="PLACE"),
    back_to_back_with: str | None = typer.Option(None, "--back-to-back-with",
                                                 metavar="APMBC|CCW"),
    token: str | None = TOKEN, as_json: bool = JSON,
) -> None:
    """Convene the intersessional meeting (President): a file, or the flags (then the agenda
    is the default one: one slot per working group, spread over the days)."""
    from domain.meetings import MAX_DAYS, default_agenda
    person = authenticate(token)
    if file is not None:
        if first_day or last_day or back_to_back_with:
            raise fail(N_("give the meeting either in --file or by flags, not both."))
        _take("convene_meeting", year, person, file_request(_step("convene_meeting"), file),
              as_json)
        return
    if not (first_day and last_day):
        raise fail(N_("give the meeting in --file, or its --first-day and --last-day."))
    try:
        days = (date.fromisoformat(last_day) - date.fromisoformat(first_day)).days + 1
    except ValueError:
        days = 0  # the request's own check names the date that is not one
    data: dict[str, Any] = {"year": year, "place": place, "first_day": first_day,
                            "last_day": last_day, "back_to_back_with": back_to_back_with,
                            "agenda": default_agenda(days) if 1 <= days <= MAX_DAYS else ()}
    _take("convene_meeting", year, person,
          request(_step("convene_meeting"), {"meeting": data}, OPTIONS), as_json)


@meeting.command("dispense")
def dispense(*, year: int = YEAR, file: Path | None = FILE,
             decided_by: str | None = typer.Option(None, "--decided-by", metavar="DECISION",
                                                   help="the decision that dispensed with it"),
             reason: str = typer.Option("", "--reason", metavar="REASON"),
             token: str | None = TOKEN,
             as_json: bool = JSON) -> None:
    """Record that this cycle holds no intersessional meeting (President)."""
    person = authenticate(token)
    if file is not None:
        given = file_request(_step("dispense_with_meeting"), file)
    else:
        given = request(_step("dispense_with_meeting"), {"decided_by": decided_by or "",
                                                     "reason": reason}, OPTIONS, FLAGS)
    _take("dispense_with_meeting", year, person, given, as_json)


@meeting.command("held")
def held(year: int = YEAR,
         records: str = typer.Option(..., "--records", metavar="RECORDS",
                                     help="where its records are kept"),
         token: str | None = TOKEN, as_json: bool = JSON) -> None:
    """Record that the intersessional meeting was held (ISU or President)."""
    person = authenticate(token)
    given = request(_step("hold_meeting"), {"records_reference": records}, OPTIONS, FLAGS)
    _take("hold_meeting", year, person, given, as_json)


ATTACH = typer.Option(None, "--attach", dir_okay=False, metavar="FILE",
                      help="a document to attach (PDF, DOCX, ODT, plain text), stored in the "
                           "document store and named in the plan by its SHA-256; repeatable")


@workplan.command("draft")
def draft(year: int = YEAR, file: Path = REQUIRED_FILE,
          attach: list[Path] | None = ATTACH, token: str | None = TOKEN,
          as_json: bool = JSON) -> None:
    """Draft (or redraft) the work plan and budget (ISU): the plan in a file (for_year, items,
    budget, attachments by SHA-256), and each --attach document uploaded and added to it;
    prints its content hash."""
    from cli.documents import attached

    person = authenticate(token)
    given = file_request(_step("draft_workplan"), file)
    plan = getattr(given, "workplan")  # noqa: B009 - a field of a model made at import
    if attach:
        plan = plan.model_copy(update={"attachments": (*plan.attachments, *attached(attach))})
        given = request(_step("draft_workplan"), {"workplan": plan.model_dump(mode="json")},
                        f"{file} with --attach")
    _take("draft_workplan", year, person, given, as_json, content_hash=plan.content_hash())


workplan.command("show")(deciding.show)


@workplan.command("submit")
def submit(year: int = YEAR, content_hash: str | None = HASH, token: str | None = TOKEN,
           as_json: bool = JSON, yes: bool = YES) -> None:
    """Submit the drafted work plan to the Coordination Committee (ISU)."""
    _on_workplan("submit_workplan_to_committee", year, token, content_hash, as_json, yes=yes)


@workplan.command("approve")
def approve(*, year: int = YEAR, content_hash: str | None = HASH,
            present: str | None = committee.PRESENT, by_silence: str | None = BY_SILENCE,
            token: str | None = TOKEN, as_json: bool = JSON, yes: bool = YES) -> None:
    """Approve the work plan for the Coordination Committee (its chair, the President, with
    the members present, or on a silence procedure among them; a member, where the profile
    has no quorum). Shows the committee sitting today first."""
    _on_workplan("approve_workplan", year, token, content_hash, as_json, yes=yes,
                 present=committee.present_of(present),
                 **({"by_silence": by_silence} if by_silence else {}))


@workplan.command("return")
def send_back(*, year: int = YEAR, reasons: str = typer.Option(..., "--reasons", metavar="REASONS"),
              content_hash: str | None = HASH, present: str | None = committee.PRESENT,
              by_silence: str | None = BY_SILENCE, token: str | None = TOKEN,
              as_json: bool = JSON, yes: bool = YES) -> None:
    """Return the work plan to the ISU for revision (its chair, the President, with the
    members present, or on a silence procedure among them in which a member objected; a
    member, where the profile has no quorum). Shows the committee sitting today first."""
    _on_workplan("return_workplan", year, token, content_hash, as_json, yes=yes,
                 present=committee.present_of(present), reasons=reasons,
                 **({"by_silence": by_silence} if by_silence else {}))


@workplan.command("send-to-msp")
def send_to_msp(year: int = YEAR, content_hash: str | None = HASH, token: str | None = TOKEN,
                as_json: bool = JSON, yes: bool = YES) -> None:
    """Submit the committee-approved work plan to the MSP (President)."""
    _on_workplan("send_workplan_to_msp", year, token, content_hash, as_json, yes=yes)


@msp.command("adopt")
def adopt(year: int = YEAR, content_hash: str | None = HASH, token: str | None = TOKEN,
          as_json: bool = JSON, yes: bool = YES) -> None:
    """Record the MSP's adoption of the work plan (President)."""
    _on_workplan("adopt_workplan", year, token, content_hash, as_json, yes=yes)


@msp.command("reject")
def reject(*, year: int = YEAR, reason: str = typer.Option(..., "--reason", metavar="REASON"),
           content_hash: str | None = HASH, token: str | None = TOKEN,
           as_json: bool = JSON, yes: bool = YES) -> None:
    """Record the MSP's rejection of the work plan (President)."""
    _on_workplan("reject_workplan", year, token, content_hash, as_json, yes=yes, reason=reason)


# the MSP's adoption, also among the work plan's commands, where a President looks for it
workplan.command("adopt")(adopt)
