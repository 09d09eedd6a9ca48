"""``intersessional notices``: the notices the engine owes people — pending, sent, or unsent and
why — read from the ledger's database; ``--send`` sends the pending ones now (those kept while
no SMTP server was set) through the server the settings name, as the worker's activity does."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from cli.common import JSON, Exit, console, fail
from i18n import _

if TYPE_CHECKING:
    from ledger.notices import Notice

_STATUSES = ("pending", "sent", "unsent")


def _row(notice: Notice, names: dict[int, str]) -> tuple[str, ...]:
    return (notice.created_at[:19].replace("T", " "), _(notice.status), notice.kind,
            escape(names.get(notice.person_id, str(notice.person_id))), escape(notice.subject),
            str(notice.attempts), escape(notice.reason or ""))


def notices(
    as_json: bool = JSON,
    status: str | None = typer.Option(None, "--status", metavar="pending|sent|unsent",
                                      help="pending, sent or unsent only"),
    send: bool = typer.Option(False, "--send", help="send the pending notices now through "
                              "INTERSESSIONAL_SMTP_HOST"),
) -> None:
    """The notices owed to people: pending, sent, or unsent and why (newest first)."""
    from cli.db import ledger_engine
    from identities import People
    from ledger import notices as kept
    from ledger import upgrade
    from runtime.mail import Mailer, NotSent, deliver
    from settings import Settings

    if status is not None and status not in _STATUSES:
        raise fail(_("{status!r} is not a status of a notice: choose pending, sent or "
                     "unsent.").format(status=status))
    settings = Settings()
    engine = ledger_engine(settings)
    try:
        upgrade(engine)
        if send:
            mailer = Mailer.of(settings)
            if not mailer.configured:
                raise fail(_("no SMTP server is set (INTERSESSIONAL_SMTP_HOST, "
                             "INTERSESSIONAL_SMTP_FROM): the notices stay pending."))
            for notice in kept.listed(engine, "pending"):
                try:
                    deliver(engine, notice.key, mailer)
                except NotSent as error:  # the mail server failed, not the command
                    raise fail(str(error), code=Exit.unreachable) from None
        shown = kept.listed(engine, status)  # type: ignore[arg-type]  # checked above
        names = {p.id: p.name for p in People(engine).list()}
    finally:
        engine.dispose()
    if as_json:
        from cli.output import emit

        emit([{**n.model_dump(mode="json"), "person": names.get(n.person_id)} for n in shown])
        return
    if not shown:
        console.print(_("no notice is kept."))
        return
    table = Table(_("Planned (UTC)"), _("Status"), _("Kind"), _("To"), _("Subject"),
                  _("Attempts"), _("Why"), title=_("Notices"))
    for notice in shown:
        table.add_row(*_row(notice, names))
    console.print(table)
