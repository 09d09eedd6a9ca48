"""Fill the five catalogs from a JSON of translations: ``{msgid: {lang: text, …}, …}``; a
plural is keyed by its singular msgid and gives a list of the language's forms.

    .venv/bin/python scripts/fill_catalogs.py translations.json

Run ``make catalogs`` first (it extracts every marked text and updates the catalogs); this
writes each translation given into ``i18n/locales/<lang>/LC_MESSAGES/messages.po`` for the
msgids the catalog holds, clears their fuzzy flag, and says which msgids of the JSON no
catalog holds (stale) and how many of each catalog stay untranslated.
``tests/unit/test_catalogs.py`` then checks that none is incomplete.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parents[1] / "i18n" / "locales"
LANGS = ("ar", "zh", "fr", "ru", "es")


def fill(translations: dict[str, dict[str, str]]) -> int:
    unknown: set[str] = set(translations)
    for lang in LANGS:
        path = LOCALES / lang / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as po:
            catalog = read_po(po, locale=lang)
        for message in catalog:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            if not key or key not in translations:
                continue
            unknown.discard(key)
            text = translations[key].get(lang)
            if text:
                message.string = tuple(text) if isinstance(text, list) else text
                message.flags.discard("fuzzy")
        left = sum(1 for m in catalog if m.id and not (
            all(m.string) if isinstance(m.string, tuple) else m.string))
        with path.open("wb") as po:
            write_po(po, catalog, width=0, omit_header=False, sort_output=True,
                     ignore_obsolete=True)
        print(f"{lang}: {len([m for m in catalog if m.id])} msgids, {left} untranslated")
    for msgid in sorted(unknown):
        print(f"stale (no catalog holds it): {msgid!r}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: fill_catalogs.py TRANSLATIONS.json")
    sys.exit(fill(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
