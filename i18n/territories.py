"""A State's name in the language of the moment.

In English, the name the Convention's record keeps (``domain/data/states.csv``, the UN's short
names: "Lao People's Democratic Republic"). In the five other languages, the Unicode CLDR's
name for the territory (through Babel, which maps the record's ISO 3166 alpha-3 codes to the
alpha-2 codes CLDR names territories by): the UN's own terminology database is not reachable
from here, and CLDR's names are those its translators keep for each language. A code CLDR does
not know keeps the record's English name.
"""

from __future__ import annotations

from functools import cache

import i18n


@cache
def _alpha2(iso3: str) -> str | None:
    from babel.core import get_global

    aliases = get_global("territory_aliases").get(iso3.upper())
    return aliases[0] if aliases else None


def state_name(iso3: str, english: str) -> str:
    """The State ``iso3`` by name in the language of the moment; ``english`` is the record's."""
    code = i18n.current()
    if code == i18n.SOURCE or (alpha2 := _alpha2(iso3)) is None:
        return english
    from babel import Locale

    return str(Locale.parse(code).territories.get(alpha2, english))
