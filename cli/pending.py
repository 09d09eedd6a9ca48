"""``intersessional pending``: what may be done now in a year's cycle, by whom, by when — and,
given a token, which of those steps are the person's to take, and with which command. Read from
the ledger (the cycle's events folded by the rules), so it answers with the engine down."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.markup import escape
from rich.table import Table

from cli.common import JSON, TOKEN, YEAR, authenticate, console, recorded_cycle
from i18n import _
from i18n.refusals import word

#: the command that takes each step a person takes
#: the command that takes each step, by the step's name
COMMAND_OF: dict[str, str] = {
    "open_cycle": "cycle open", "elect_coordinators": "elect --file …",
    "designate_president": "president designate --file …",
    "convene_meeting": "meeting convene", "dispense_with_meeting": "meeting dispense",
    "hold_meeting": "meeting held --records …", "draft_workplan": "workplan draft --file …",
    "submit_workplan_to_committee": "workplan submit",
    "approve_workplan": "workplan approve --present …",
    "return_workplan": "workplan return --reasons … --present …",
    "send_workplan_to_msp": "workplan send-to-msp", "adopt_workplan": "msp adopt",
    "reject_workplan": "msp reject --reason …", "close_cycle": "",
    "end_term_early": "end-term --state … --mandate … --ended-on …",
}


def pending(year: int = YEAR, token: str | None = TOKEN, as_json: bool = JSON) -> None:
    """What may be done now in the year's cycle, who may do it and by when; with a token, the
    steps that are yours are marked."""
    from domain.kinds import CYCLE
    from reading.tasks import may_take

    person = authenticate(token) if token else None
    state = recorded_cycle(year)
    steps = CYCLE.pending(state)
    today = datetime.now(UTC).date()
    yours = {s.step: person is not None and may_take(s, person, state, today) for s in steps}
    if as_json:
        from cli.output import emit

        emit({"year": year, "phase": state.phase.value,
              "person": person.model_dump(mode="json") if person else None,
              "pending": [{**s.model_dump(mode="json"), "yours": yours[s.step],
                           "command": f"intersessional {COMMAND_OF.get(s.step, '')} "
                                      f"--year {year}"} for s in steps]})
        return
    phase = word(state.phase.value.replace("_", " "))
    title = (_("The {year} cycle ({phase} phase): what may be done now, for {person}").format(
        year=year, phase=phase, person=escape(person.describe())) if person else
        _("The {year} cycle ({phase} phase): what may be done now").format(year=year,
                                                                             phase=phase))
    table = Table(_("Yours") if person else "", _("Step"), _("Who may take it"), _("Due"),
                  _("Rule"), _("Command"), title=title)
    for s in steps:
        due = str(s.due or "—") if not s.due or s.due >= today else (
            f"[red]{s.due} ({_('overdue')})[/red]")
        table.add_row("✔" if yours[s.step] else "", _(s.label),
                      word(" or ".join(r.value.replace("_", " ") for r in s.roles), "roles"),
                      due, s.rule_id, COMMAND_OF.get(s.step, ""))
    if steps:
        console.print(table)
    else:
        console.print(_("nothing may be done in the {year} cycle now (phase {phase})").format(
            year=year, phase=phase))
