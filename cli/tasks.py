"""``intersessional tasks``: the steps waiting for the token's holder now, in every year's
cycle, country coalition and silence procedure the ledger records, with their deadlines and
the dashboard page where each is taken (:func:`reading.tasks.tasks_of`: the same list as the
dashboard's front page and ``GET /tasks``). Read from the ledger, so it answers with the
engine down."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.markup import escape
from rich.table import Table

from cli.common import JSON, TOKEN, authenticate, console, ledger


def tasks(token: str | None = TOKEN, as_json: bool = JSON) -> None:
    """The steps waiting for you now, soonest deadline first, and where each is taken."""
    from i18n import _
    from reading.tasks import tasks_of
    from reading.words import day

    person = authenticate(token)
    today = datetime.now(UTC).date()
    with ledger() as held:
        found = tasks_of(held, person, today)
    if as_json:
        from cli.output import emit

        emit({"person": person.model_dump(mode="json"),
              "tasks": [t.model_dump(mode="json") for t in found]})
        return
    if not found:
        console.print(_("No step waits for {who} now.").format(who=escape(person.describe())),
                      highlight=False)
        return
    table = Table(_("Step"), _("Where"), _("Due"), _("Rule"), _("Page"),
                  title=_("Waiting for {who}").format(who=escape(person.describe())))
    for t in found:
        due = day(t.due) if t.due else "—"
        table.add_row(escape(_(t.label)), t.stream,
                      f"[red]{due} ({_('overdue')})[/red]" if t.overdue else due, t.rule_id,
                      t.page)
    console.print(table)
