"""The report as a United Nations document: its symbol, its date, its language, and what it
says of the ledger's attestations and signatures.

A symbol is the Secretariat's (``--symbol`` or ``INTERSESSIONAL_REPORT_SYMBOL``); without one the
report carries a provisional symbol derived from its years, ``CCM/AUDIT/2027-2031``, which says
what it is without pretending to be a number the Secretariat issued.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from pydantic import BaseModel, ConfigDict

import i18n
from audit.review import ReportError
from audit.verification import Verification
from i18n import _, ngettext
from settings import REPORT_SYMBOL


class Document(BaseModel):
    """What makes the report a document: its symbol, its date and its language."""

    model_config = ConfigDict(frozen=True)

    symbol: str
    issued: date
    language: str = i18n.SOURCE


def default_symbol(from_year: int, to_year: int) -> str:
    """The provisional symbol of the report of ``from_year``…``to_year``."""
    years = str(from_year) if from_year == to_year else f"{from_year}-{to_year}"
    return f"CCM/AUDIT/{years}"


def checked_symbol(symbol: str) -> str:
    """``symbol`` if it reads as a document symbol (``CCM/CONF/2025/WP.1``); otherwise
    ``ReportError`` in one sentence."""
    if not re.fullmatch(REPORT_SYMBOL, symbol):
        raise ReportError(_("{symbol!r} is not a document symbol: capital letters and digits "
                            "separated by '/', e.g. CCM/CONF/2025/WP.1.").format(symbol=symbol))
    return symbol


def document(from_year: int, to_year: int, symbol: str | None = None,
             issued: date | None = None) -> Document:
    """The report's :class:`Document` in the language of the moment: ``symbol`` (checked) or
    the provisional one, dated ``issued`` or today (UTC)."""
    return Document(symbol=checked_symbol(symbol) if symbol else default_symbol(from_year,
                                                                               to_year),
                    issued=issued or datetime.now(UTC).date(), language=i18n.current())


def _words(event_type: str) -> str:
    """``DeadlineReminderSent`` → ``deadline reminder sent``: a kind of event for a reader."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", event_type).lower()


def coverage(verification: Verification) -> list[str]:
    """The attestation and signature coverage in sentences: how many events a person's signed
    attestation stands behind, how many carry none and of which kinds, and which key signed
    the checkpoint the verification rests on."""
    said: list[str] = []
    found = verification.attestations
    if found is None:
        said.append(_("Attestations were not checked: no keyring was given."))
    else:
        people = found.attested + len(found.problems)
        said.append(ngettext("{attested} of {steps} step taken by a person is attested.",
                             "{attested} of {steps} steps taken by people are attested.",
                             people).format(attested=found.attested, steps=people))
        unsigned = found.by_engine + found.before_attestations
        if unsigned:
            kinds = "; ".join(f"{_words(kind)} ({count})"
                              for kind, count in sorted(found.unsigned_kinds.items()))
            said.append(ngettext(
                "{unsigned} of {events} event carries no person's attestation, of the kinds: "
                "{kinds}.",
                "{unsigned} of {events} events carry no person's attestation, of the kinds: "
                "{kinds}.", unsigned).format(unsigned=unsigned, events=verification.events,
                                             kinds=kinds))
            said.append((_("Recorded by the engine itself: {engine}; by people before "
                           "attestations were kept: {before}.") if found.before_attestations
                         else _("Recorded by the engine itself: {engine}.")).format(
                engine=found.by_engine, before=found.before_attestations))
    if verification.root_hash is None:
        said.append(_("No checkpoint is signed yet."))
    else:
        signed = (_("The checkpoint of {size} of {events} events is signed by key {key}.")
                  if verification.signatures_checked else
                  _("The checkpoint of {size} of {events} events carries a signature of key "
                    "{key}, NOT checked: no public key was given."))
        said.append(signed.format(size=verification.tree_size, events=verification.events,
                                  key=verification.key_id))
    return said
