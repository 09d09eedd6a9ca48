"""The dashboard's Jinja environment speaks the language of the moment (``i18n``): the i18n
extension, with ``_``/``gettext``/``ngettext`` the catalogs' own (new style: placeholders by
name, ``{{ _("{state} was elected", state=name) }}``). One function, so that everyone who
extends the environment's language set-up does it here."""

from __future__ import annotations

from jinja2 import Environment

import i18n


def install(env: Environment) -> None:
    """Give ``env`` the i18n extension and the catalogs' callables (idempotent)."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the extension
        i18n._, i18n.ngettext, newstyle=True)
