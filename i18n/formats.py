"""Dates, times, numbers and money as the reader's language writes them (Babel's CLDR data).

Each function takes the language of the moment (:func:`i18n.current`) unless ``lang`` is
given; they are for display only — the ledger keeps ISO dates and plain numbers.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from i18n import current


def _locale(lang: str | None) -> str:
    return lang or current()


def format_date(day: date, form: str = "long", lang: str | None = None) -> str:
    """``5 December 2026``, ``5 décembre 2026``, ``2026年12月5日`` …"""
    from babel.dates import format_date as babel_date

    return str(babel_date(day, format=form, locale=_locale(lang)))


def format_datetime(moment: datetime, form: str = "medium", lang: str | None = None,
                    tzinfo: str = "UTC") -> str:
    """A moment in ``tzinfo`` (UTC unless given), as the language writes it."""
    from zoneinfo import ZoneInfo

    from babel.dates import format_datetime as babel_datetime

    return str(babel_datetime(moment, format=form, tzinfo=ZoneInfo(tzinfo), locale=_locale(lang)))


def format_number(number: int | float | Decimal, lang: str | None = None) -> str:
    """``1,234.5``, ``1 234,5``, ``١٬٢٣٤٫٥`` …"""
    from babel.numbers import format_decimal

    return str(format_decimal(number, locale=_locale(lang)))


def format_currency(amount: int | float | Decimal, currency: str = "CHF",
                    lang: str | None = None) -> str:
    """An amount of ``currency`` (the ISU budgets in Swiss francs unless told)."""
    from babel.numbers import format_currency as babel_currency

    return str(babel_currency(amount, currency, locale=_locale(lang)))
