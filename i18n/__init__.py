"""The six languages of the United Nations, for every text a person reads.

Contract for every entry point (dashboard, CLI, refusals, report, e-mail):
- mark a text with ``_("…")`` (``ngettext`` for plurals); put values in by name,
  ``_("{state} was elected").format(state=name)``, never by concatenation, so a translator
  sees the whole sentence;
- texts defined at import time (tables, labels) are marked with ``N_("…")`` and passed
  through ``_`` where they are shown;
- the language of the moment is a context variable: ``with speaking("fr"): …``; the API sets
  it per request (the person's setting, else ``Accept-Language``), the CLI from
  ``INTERSESSIONAL_LANGUAGE`` or ``--lang``.

Catalogs are the ``.po`` files under ``i18n/locales/<lang>/LC_MESSAGES/messages.po``, kept in
version control and read directly (no compiled ``.mo`` to go stale); English is the source
language and needs no catalog entries.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # babel is imported only when a catalog is first read
    from babel.support import NullTranslations

#: language code -> (its own name, direction of writing); the order of the UN's usage
LANGUAGES: Final[dict[str, tuple[str, str]]] = {
    "ar": ("العربية", "rtl"),
    "zh": ("中文", "ltr"),
    "en": ("English", "ltr"),
    "fr": ("Français", "ltr"),
    "ru": ("Русский", "ltr"),
    "es": ("Español", "ltr"),
}
SOURCE: Final = "en"
LOCALES: Final = Path(__file__).parent / "locales"

_speaking: ContextVar[str] = ContextVar("intersessional_language", default=SOURCE)


class UnknownLanguage(ValueError):  # noqa: N818 - a refusal of input, read by people
    """A language that is not one of the six; the message is one sentence naming them."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(_("unknown language {code!r}: choose one of {languages} (the six "
                           "languages of the United Nations).").format(
                               code=code, languages=", ".join(LANGUAGES)))


def known(code: str) -> str:
    """``code`` normalised (``"FR"``, ``"fr-CH"``, ``"zh_Hans"`` → its base), or
    ``UnknownLanguage``."""
    base = code.strip().replace("_", "-").split("-")[0].lower()
    if base not in LANGUAGES:
        raise UnknownLanguage(code)
    return base


def current() -> str:
    """The language of the moment."""
    return _speaking.get()


def direction(code: str | None = None) -> str:
    """``"rtl"`` or ``"ltr"`` for ``code`` (default: the language of the moment)."""
    return LANGUAGES[code or current()][1]


@contextmanager
def speaking(code: str) -> Iterator[str]:
    """Within the block, texts are given in ``code`` (validated by :func:`known`)."""
    token = _speaking.set(known(code))
    try:
        yield _speaking.get()
    finally:
        _speaking.reset(token)


def use(code: str) -> str:
    """Set the language for the rest of this context (a CLI command, a request's task)."""
    _speaking.set(known(code))
    return _speaking.get()


@cache
def catalog(code: str) -> NullTranslations:
    """The translations of ``code``, read from its ``.po`` file (``NullTranslations`` for the
    source language or a missing file)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import NullTranslations, Translations

    path = LOCALES / code / "LC_MESSAGES" / "messages.po"
    if code == SOURCE or not path.exists():
        return NullTranslations()
    with path.open("rb") as po:
        messages = read_po(po, locale=code)
    compiled = io.BytesIO()
    write_mo(compiled, messages, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled)


def _(message: str) -> str:
    """``message`` in the language of the moment (itself where no translation is kept)."""
    code = _speaking.get()
    return message if code == SOURCE else str(catalog(code).ugettext(message))


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the language of the moment."""
    code = _speaking.get()
    if code == SOURCE:
        return singular if n == 1 else plural
    return str(catalog(code).ungettext(singular, plural, n))


def N_(message: str) -> str:  # noqa: N802 - gettext's own name for the marker
    """Mark ``message`` for the catalogs without translating it now (for import-time texts)."""
    return message
