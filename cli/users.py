"""``intersessional users …``: register people, list them, revoke their tokens, give them an
e-mail address for their notices and the address of their private calendar.

The people live in the ledger's database (``INTERSESSIONAL_LEDGER_URL``, default SQLite under
``INTERSESSIONAL_DATA_DIR``), opened as ``intersessional db`` opens it and migrated to the
latest schema first. A refusal is one red line on stderr and exit 2 (a person not found, 4),
with nothing written; a token is printed once, by ``users add``, and never again (only its
SHA-256 is kept).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cli.output import Exit
from i18n import N_, _

if TYPE_CHECKING:
    from identities import IdentityError, People, Person
    from settings import Settings

users = typer.Typer(no_args_is_help=True, help="People: who holds which role, and their tokens.")
JSON = typer.Option(False, "--json", help="print the result as JSON, for scripts")
console = Console(soft_wrap=True)  # one sentence, and a token, stay one line in a pipe


def _refuse(error: IdentityError) -> typer.Exit:
    """One sentence on stderr: exit 4 for a person the ledger does not hold, else 2."""
    from cli.telling import tell
    from identities import UnknownPerson

    return tell(Exit.not_found if isinstance(error, UnknownPerson) else Exit.usage, str(error))


@contextmanager
def _people() -> Iterator[People]:
    with _people_and_settings() as (people, _settings):
        yield people


@contextmanager
def _people_and_settings() -> Iterator[tuple[People, Settings]]:
    """The people of the ledger the settings point at, the schema migrated to the latest
    revision first (a no-op when it is there already); the connections closed afterwards. A
    database that cannot be reached is one sentence, exit 3."""
    from sqlalchemy.exc import SQLAlchemyError

    from cli.db import ledger_engine
    from cli.telling import unreadable_ledger
    from identities import People
    from ledger import upgrade
    from settings import Settings

    settings = Settings()
    engine = ledger_engine(settings)
    try:
        upgrade(engine)
        yield People(engine), settings
    except SQLAlchemyError as error:
        raise unreadable_ledger(engine, error) from None
    finally:
        engine.dispose()


@users.command("add")
def users_add(
    name: str = typer.Argument(..., metavar="NAME",
                               help="the person's name, as the ledger will record it"),
    role: str = typer.Option(..., "--role", metavar="ROLE",
                             help="isu, president, president_designate, "
                             "coordinator, committee_member, delegate or auditor"),
    state: str | None = typer.Option(None, "--state", "--represents", metavar="ISO3",
                                     help="whom they represent: a State's alpha-3 code (a "
                                     "delegate's or a coordinator's State), or ICRC, UN or "
                                     "CMC for a committee member"),
    email: str | None = typer.Option(None, "--email", metavar="ADDR",
                                     help="where their notices (reminders, escalations, steps "
                                     "that await them) are sent; none: they are sent nothing"),
    as_json: bool = JSON,
) -> None:
    """Register a person in a role and print their token, once."""
    from identities import IdentityError, check_email, check_person

    try:
        check_person(name, role, state)  # before the database is opened, let alone written
        if email is not None:
            check_email(email)
        with _people() as people:
            person, token = people.add(name, role, state, email)
    except IdentityError as error:
        raise _refuse(error) from None
    if as_json:  # the token, once, as the line below gives it
        from cli.output import emit

        emit({"person": _as_json(person), "token": token})
        return
    console.print(_("added person {id}: {person}").format(id=person.id,
                                                          person=escape(person.describe())))
    # the label stays English in every language: scripts (the README's `sed`) read the token
    # after it
    console.print(f"token: {token}", highlight=False)
    console.print(_("[bold]This token will not be shown again[/bold]: hand it to {name} now; "
                    "only its SHA-256 is kept.").format(name=escape(person.name)))


def _as_json(person: Person) -> dict[str, object]:
    return person.model_dump(mode="json")


def _emitted(person: Person, as_json: bool) -> bool:
    """With ``--json``, the person as the ledger now records them, emitted."""
    if as_json:
        from cli.output import emit

        emit(_as_json(person))
    return as_json


def _moment(canonical: str | None) -> str:
    """``2025-06-02 09:00:00`` from the canonical ``2025-06-02T09:00:00.000000Z``."""
    return canonical[:19].replace("T", " ") if canonical else ""


@users.command("list")
def users_list(
    as_json: bool = typer.Option(False, "--json", help="one JSON array, for scripts"),
) -> None:
    """Everyone registered, revoked or not (tokens are never shown)."""
    with _people() as people:
        everyone = people.list()
    if as_json:
        from cli.output import emit

        emit([_as_json(p) for p in everyone])
        return
    table = Table(_("Id"), _("Name"), _("Role"), _("Represents"), _("E-mail"), _("Added (UTC)"),
                  _("Revoked (UTC)"), title=_("People"))
    for p in everyone:
        table.add_row(str(p.id), escape(p.name), p.role.value.replace("_", " "),
                      p.represents or "", escape(p.email or ""), _moment(p.created_at),
                      _moment(p.revoked_at))
    console.print(table)


@users.command("revoke")
def users_revoke(person_id: int = typer.Argument(..., metavar="ID", help="the person's id"),
                 as_json: bool = JSON) -> None:
    """Revoke a person's token; the person stays on record, marked revoked."""
    from identities import IdentityError

    try:
        with _people() as people:
            person = people.revoke(person_id)
    except IdentityError as error:
        raise _refuse(error) from None
    if _emitted(person, as_json):
        return
    console.print(_("revoked person {id}: {person}, at {at}; their token opens nothing from "
                    "now on").format(id=person.id, person=escape(person.describe()),
                                     at=person.revoked_at))


@users.command("set-email")
def users_set_email(
    person_id: int = typer.Argument(..., metavar="ID", help="the person's id"),
    address: str | None = typer.Argument(None, metavar="ADDR", help="their e-mail address"),
    clear: bool = typer.Option(False, "--clear", help="remove the address: they are sent "
                               "nothing from now on"),
    as_json: bool = JSON,
) -> None:
    """Set (or, with --clear, remove) the address a person's notices are sent to."""
    from identities import IdentityError, check_email

    if (address is None) == (not clear):
        from cli.telling import fail

        raise fail(N_("give an e-mail address, or --clear to remove one."))
    try:
        if address is not None:
            check_email(address)  # before the database is opened, let alone written
        with _people() as people:
            person = people.set_email(person_id, address)
    except IdentityError as error:
        raise _refuse(error) from None
    if _emitted(person, as_json):
        return
    said = (_("notices to {person} now go to {address}").format(
        person=person.describe(), address=person.email) if person.email else
        _("{person} has no e-mail address now, and is sent no notices").format(
            person=person.describe()))
    console.print(escape(said))


@users.command("calendar-url")
def users_calendar_url(
    person_id: int = typer.Argument(..., metavar="ID", help="the person's id"),
    as_json: bool = JSON,
) -> None:
    """Make the address of a person's private calendar of deadlines (iCalendar) and print it,
    once; an address made before opens nothing from now on."""
    from identities import IdentityError, new_calendar

    try:
        with _people_and_settings() as (people, settings):
            person = people.get(person_id)
            secret = new_calendar(people.engine, person.id)
    except IdentityError as error:
        raise _refuse(error) from None
    url = f"{settings.effective_public_url}/calendar/{secret}.ics"
    if as_json:  # the address, once, as the lines below give it
        from cli.output import emit

        emit({"person": _as_json(person), "url": url})
        return
    console.print(escape(_("the calendar of {person}:").format(person=person.describe())))
    console.print(url, highlight=False)
    console.print(escape(_("This address will not be shown again: only its SHA-256 is kept. "
                           "Anyone holding it can read these deadlines; run this again to "
                           "replace it.")))
@users.command("language")
def users_language(person_id: int = typer.Argument(..., metavar="ID", help="the person's id"),
                   language: str = typer.Argument(
                       ..., metavar="ar|zh|en|fr|ru|es|none",
                       help="one of the UN's six languages, or `none` for the browser's own"),
                   as_json: bool = JSON) -> None:
    """Set the language a person reads the dashboard and the refusals in (issue 21)."""
    from i18n import _
    from identities import IdentityError

    try:
        with _people() as people:
            person = people.set_language(person_id, None if language == "none" else language)
    except IdentityError as error:
        raise _refuse(error) from None
    if _emitted(person, as_json):
        return
    console.print(_("person {id} reads in {language} from now on").format(
        id=person.id, language=person.language or _("their browser's language")))
