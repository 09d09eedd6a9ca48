"""The dashboard's Jinja environment speaks the language of the moment (``i18n``): the i18n
extension, with ``_``/``gettext``/``ngettext`` the catalogs' own (new style: in a template,
placeholders by name, ``{{ _("%(state)s was elected", state=name) }}``, or the sentence
formatted after, ``{{ _("{state} was elected").format(state=name) }}``). One function, so
that everyone who extends the environment's language set-up does it here.

It also gives the globals every page's ``<html>`` and language switcher need:

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


def install(env: Environment) -> None:
    """Give ``env`` the i18n extension, the catalogs' callables and ``lang``/``dir``/
    ``languages`` (idempotent)."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the extension
        i18n._, i18n.ngettext, newstyle=True)
    env.globals["lang"] = _Now(i18n.current)
    env.globals["dir"] = _Now(i18n.direction)
    env.globals["languages"] = [(code, own, way) for code, (own, way) in i18n.LANGUAGES.items()]
