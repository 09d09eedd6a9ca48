"""The plain words a person reads for the engine's names: roles, phases, the ISU's mandate
letters (2MSP P4.4 (a)–(i)), a deadline's kind, a State by name; money and days formatted for
the language of the moment (Babel's ``numbers`` and ``dates``).

Every text is marked for the catalogs (``N_``) and translated where it is shown (``_``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from domain.convention import COMMITTEE_ORGANISATIONS, Registry, Role, shipped_registry
from domain.state import Phase, WorkplanStatus
from domain.workplan import MandateLetter
from i18n import N_, _, current
from i18n.territories import state_name

ROLES: dict[str, str] = {
    Role.ISU: N_("the Implementation Support Unit"), Role.PRESIDENT: N_("the President"),
    Role.PRESIDENT_DESIGNATE: N_("the President-designate"),
    Role.COORDINATOR: N_("a coordinator"), Role.COMMITTEE_MEMBER: N_("a committee member"),
    Role.DELEGATE: N_("a State's delegate"), Role.AUDITOR: N_("an auditor"),
    Role.ENGINE: N_("the engine"),
}
PHASES: dict[str, str] = {
    Phase.NOT_OPENED: N_("not opened"), Phase.ELECTION: N_("election of coordinators"),
    Phase.INTERSESSIONAL_MEETING: N_("intersessional meeting"),
    Phase.WORKPLAN: N_("work plan and budget"), Phase.SUBMISSION: N_("submission to the MSP"),
    Phase.MSP_DECISION: N_("the MSP's decision"), Phase.CLOSING: N_("closing"),
    Phase.CLOSED: N_("closed"),
}
STATUSES: dict[str, str] = {
    WorkplanStatus.DRAFT: N_("draft"),
    WorkplanStatus.WITH_COMMITTEE: N_("with the Coordination Committee"),
    WorkplanStatus.RETURNED: N_("returned for revision"),
    WorkplanStatus.APPROVED: N_("approved by the Coordination Committee"),
    WorkplanStatus.SUBMITTED: N_("submitted to the MSP"),
    WorkplanStatus.ADOPTED: N_("adopted by the MSP"),
    WorkplanStatus.REJECTED: N_("rejected by the MSP"),
}
#: ISU-2: the ISU's mandate, 2MSP P4.4 (a)–(i), in words
LETTERS: dict[str, str] = {
    MandateLetter.A: N_("prepare, support and follow up formal and informal meetings"),
    MandateLetter.B: N_("support the President, the President-designate and the coordinators"),
    MandateLetter.C: N_("advise and support States Parties"),
    MandateLetter.D: N_("facilitate communication among States Parties"),
    MandateLetter.E: N_("communicate about the Convention to non-States Parties and the "
                        "public"),
    MandateLetter.F: N_("keep the records of formal and informal meetings"),
    MandateLetter.G: N_("liaise with the CMC, the ICRC, the UN and the GICHD"),
    MandateLetter.H: N_("submit a committee-approved work plan and budget to each MSP"),
    MandateLetter.I: N_("report on its activities to each MSP"),
}
DEADLINES: dict[str, str] = {
    "committee_approval": N_("the Coordination Committee's approval of the work plan"),
    "submission_to_msp": N_("the work plan's submission to the MSP"),
    "intersessional_meeting": N_("the intersessional meeting")}
ORGANISATIONS: dict[str, str] = {
    "ICRC": N_("the International Committee of the Red Cross"), "UN": N_("the United Nations"),
    "CMC": N_("the Cluster Munition Coalition")}


def role(value: str) -> str:
    """``president`` → ``the President``; an unknown value in words, its underscores gone."""
    return _(ROLES[value]) if value in ROLES else value.replace("_", " ")


def phase(value: str) -> str:
    return _(PHASES[value]) if value in PHASES else value.replace("_", " ")


def status(value: str | None) -> str:
    return _("not drafted") if value is None else (
        _(STATUSES[value]) if value in STATUSES else value.replace("_", " "))


def deadline(value: str) -> str:
    return _(DEADLINES[value]) if value in DEADLINES else value.replace("_", " ")


def letter(value: str) -> str:
    """``h`` → ``(h) submit a committee-approved work plan and budget to each MSP``."""
    words = _(LETTERS[value]) if value in LETTERS else ""
    return f"({value}) {words}".strip()


@cache
def _registry() -> Registry:
    return shipped_registry()


def state(code: str | None) -> str:
    """A State or an organisation by name (``Austria``); an unknown code as it is."""
    if not code:
        return "—"
    if code in COMMITTEE_ORGANISATIONS:
        return _(ORGANISATIONS.get(code, code))
    found = _registry().get(code)
    return state_name(found.iso3, found.name) if found is not None else code


def _locale() -> str:
    return current().replace("-", "_")


def money(amount: Decimal | str | int, currency: str | None) -> str:
    """``CHF 1,250,000.00`` in English, ``1 250 000,00 CHF`` in French."""
    value = Decimal(str(amount))
    if not currency:
        return str(format_decimal(value, locale=_locale()))
    return str(format_currency(value, currency, locale=_locale()))


def day(value: date | str | None) -> str:
    """A day as the language of the moment writes it in full: ``15 September 2027``."""
    if value is None or value == "":
        return "—"
    when = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return str(format_date(when, format="long", locale=_locale()))
