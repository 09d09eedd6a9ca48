"""The dashboard's templates in the reader's language: Jinja2's i18n extension with the
catalogs' ``_``/``ngettext`` (new style: ``{{ _("{n} steps").format(n=n) }}`` or
``{% trans %}``), and the globals every page's ``<html>`` and language switcher need:

- ``lang``: the language of the moment (``<html lang="{{ lang }}">``);
- ``dir``: ``rtl`` or ``ltr`` for it (``<html dir="{{ dir }}">``);
- ``languages``: ``(code, its own name, direction)`` of the six, in the UN's order.

``lang`` and ``dir`` are read when a template prints them, so one environment serves every
request in its own language.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

import i18n


class _Now:
    """A value read when printed or compared: the language of the moment, or its direction."""

    def __init__(self, read: Any) -> None:
        self._read = read

    def __str__(self) -> str:
        return str(self._read())

    def __html__(self) -> str:  # markupsafe: the code is a plain word, nothing to escape
        return str(self)

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


def install(env: Environment) -> Environment:
    """Add the i18n extension, the catalogs' callables and ``lang``/``dir``/``languages``."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(i18n._, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["lang"] = _Now(i18n.current)
    env.globals["dir"] = _Now(i18n.direction)
    env.globals["languages"] = [(code, own, way) for code, (own, way) in i18n.LANGUAGES.items()]
    return env
