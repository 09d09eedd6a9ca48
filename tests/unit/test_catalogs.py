"""No catalog is incomplete: every text marked in the current sources (a fresh extraction,
babel.cfg with the Makefile's keywords) has a translation in each of the five catalogs — not
empty, not fuzzy — that keeps the same ``{placeholders}``, so ``.format`` never breaks in any
language. A new untranslated text fails here, saying what to do.

Also: the paragraph file a refusal quotes holds every paragraph the rules cite, in the six
languages; the refusal helpers translate templates and word values, and fall back to English
when a translation would not format.
"""

from __future__ import annotations

import pickle
import re
import string
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import i18n
from domain.errors import RuleViolation
from domain.rules import RULES
from i18n.formats import format_currency, format_date, format_number
from i18n.refusals import paragraph_ids, say, source_text, told

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = ("ar", "zh", "fr", "ru", "es")
#: the Makefile's KEYWORDS, as babel's extractor takes them
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "RuleViolation": (2,),
            "RuleWarning.of": (2,)}
TODO = ("run `make catalogs` and translate the new texts in "
        "i18n/locales/<lang>/LC_MESSAGES/messages.po")


def _method_map() -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    """babel.cfg read as pybabel reads it."""
    with (ROOT / "babel.cfg").open() as cfg:
        mapping: tuple[list[tuple[str, str]], dict[str, dict[str, str]]] = \
            parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    return mapping


Msgid = str | tuple[str, str]


def _extracted() -> set[Msgid]:
    """Every msgid the current sources mark (a plural as its singular and plural)."""
    method_map, options_map = _method_map()
    found: set[Msgid] = set()
    keywords = {k: v if v is not None else (1,) for k, v in KEYWORDS.items()}
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords):
        if isinstance(message, tuple):
            singular, plural = message[0], message[1]
            if singular and plural:
                found.add((singular, plural))
        elif message:
            found.add(message)
    return found


@pytest.fixture(scope="module")
def extracted() -> set[Msgid]:
    return _extracted()


def _catalog(lang: str) -> Catalog:
    path = i18n.LOCALES / lang / "LC_MESSAGES" / "messages.po"
    assert path.exists(), f"there is no catalog for {lang}: {TODO}"
    with path.open("rb") as po:
        return read_po(po, locale=lang)


def _fields(text: str) -> set[str]:
    """The names ``.format`` fills in ``text`` (with their conversion: ``{key!r}``), and the
    ``%(name)s`` Jinja's new-style gettext fills in a template's texts."""
    named = {f"%({name})" for name in re.findall(r"%\((\w+)\)s", text)}
    try:
        return named | {f"{name}!{conv}" if conv else name for _lit, name, _spec, conv
                        in string.Formatter().parse(text) if name is not None}
    except ValueError:  # a %-style text with a lone brace: its %(names) are what count
        return named


def test_the_extraction_finds_the_marked_texts(extracted: set[Msgid]) -> None:
    # a marker per kind: a template, a refusal template, a rule summary, a word value, a CLI text
    assert "Country coalitions" in extracted  # api/templates (jinja2)
    assert "{name} does not take part in this coalition." in extracted  # RuleViolation:2
    assert RULES["CO-7"][1] in extracted  # domain/rules.py N_
    assert "under silence" in extracted  # i18n/refusals.py WORDS
    assert "The paragraph the rule comes from:" in extracted  # cli/common.py
    assert not any("{escape(" in str(m) for m in extracted)  # f-strings are not texts


def incomplete(lang: str, extracted: set[Msgid]) -> tuple[list[str], list[str], list[str]]:
    """The texts of ``extracted`` the catalog of ``lang`` lacks, holds fuzzy, or translates
    with other placeholders."""
    catalog = _catalog(lang)
    missing: list[str] = []
    fuzzy: list[str] = []
    broken: list[str] = []
    for wanted in sorted(extracted, key=str):
        msgid = wanted[0] if isinstance(wanted, tuple) else wanted
        english = wanted[-1] if isinstance(wanted, tuple) else wanted  # the plural's names
        message = catalog.get(msgid)
        given = None if message is None else message.string
        strings: list[str] = [str(s or "") for s in given] if isinstance(given, (tuple, list)) \
            else [str(given or "")]
        if message is None or not all(strings):
            missing.append(msgid)
        elif message.fuzzy:
            fuzzy.append(msgid)
        elif any(_fields(s) != _fields(english) for s in strings):
            broken.append(msgid)
    return missing, fuzzy, broken


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_text_is_translated_with_the_same_placeholders(lang: str, extracted: set[Msgid]
                                                            ) -> None:
    missing, fuzzy, broken = incomplete(lang, extracted)
    assert not missing, f"{len(missing)} text(s) untranslated in {lang}, e.g. {missing[:3]}: {TODO}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy translation(s) in {lang}, e.g. {fuzzy[:3]}: {TODO}"
    assert not broken, (f"{len(broken)} translation(s) in {lang} name other placeholders than "
                        f"their English, e.g. {broken[:3]}; keep every {{name}} as it is")


def test_a_new_untranslated_text_is_caught(extracted: set[Msgid]) -> None:
    # a text marked in a source file tomorrow is missing from every catalog until translated
    new = "a text nobody translated yet, {year}"
    missing, _fuzzy, _broken = incomplete("fr", {*extracted, new})
    assert missing == [new]


def test_each_rule_paragraph_is_quoted_in_the_six_languages() -> None:
    cited = {pid for source, _summary in RULES.values() for pid in paragraph_ids(source)}
    assert {"2MSP P2.6", "7MSP ¶5"} <= cited
    for pid in sorted(cited):
        for lang in i18n.LANGUAGES:
            quoted = source_text(pid, lang)
            assert quoted is not None, (pid, lang)
            assert quoted[lang].strip(), (pid, lang)
    # the Chinese is the seeds' own text
    zh = source_text("2MSP P2.6", "fr")
    assert zh is not None
    assert "紧随其后的任期" in zh["zh"]
    assert "mandat" in zh["fr"]
    assert source_text("extension") is None
    assert source_text("engine, docs/SECURITY.md") is None


def test_paragraph_ids_split_a_source() -> None:
    assert paragraph_ids("2MSP P4.2, ¶17") == ["2MSP P4.2", "2MSP ¶17"]
    assert paragraph_ids("7MSP ¶1, ¶4") == ["7MSP ¶1", "7MSP ¶4"]
    assert paragraph_ids("2MSP P3.1, P4.4(h); extension") == ["2MSP P3.1", "2MSP P4.4(h)"]
    assert paragraph_ids("engine, docs/HISTORY.md") == []


def test_a_refusal_in_each_language_keeps_its_values() -> None:
    refusal = RuleViolation("CO-4", "a coordinator of {name} serves {term_years} year(s); "
                            "{state} was given {first_year}–{last_year} ({length} year(s)).",
                            name="victim assistance", term_years=2, state="AUT",
                            first_year=2020, last_year=2022, length=3)
    assert told(refusal) == str(refusal)  # English: the domain's own sentence
    for lang in TRANSLATED:
        with i18n.speaking(lang):
            said = told(refusal)
        assert said.startswith("CO-4 (2MSP P2.5): ")
        assert said != str(refusal), lang
        assert "AUT" in said, said
        assert "2022" in said, said


def test_word_values_are_translated_and_a_broken_translation_falls_back() -> None:
    with i18n.speaking("fr"):
        said = say("CC-5", "silence procedure {procedure} is {phase}: the committee decides by "
                   "silence once the procedure's deadline has passed.",
                   {"procedure": "silence-2027-1", "phase": "under silence"})
        assert "silence-2027-1" in said
        assert "under silence" not in said
        # a template no catalog knows, naming a value the values lack: English, never a crash
        assert say("CC-5", "{missing} and {here}", {"here": "x", "missing": "y"}) == \
            "CC-5: y and x"


def test_a_refusal_survives_pickling_and_details() -> None:
    refusal = RuleViolation("CK-4", "{name} does not take part in this coalition.", name="ICRC")
    again = pickle.loads(pickle.dumps(refusal))
    assert (again.template, again.values, again.message) == (
        refusal.template, {"name": "ICRC"}, "ICRC does not take part in this coalition.")
    sent = RuleViolation.sent(refusal.details())
    assert str(sent) == str(refusal)
    old = RuleViolation.sent({"rule_id": "CK-4", "message": "odd {braces} kept"})
    assert old.message == "odd {braces} kept"


def test_formats_follow_the_language() -> None:
    day = date(2026, 12, 5)
    assert format_date(day, lang="en") == "December 5, 2026"
    assert format_date(day, lang="fr") == "5 décembre 2026"
    assert format_date(day, lang="zh") == "2026年12月5日"
    assert format_number(Decimal("1234.5"), lang="fr") in ("1\u202f234,5", "1\xa0234,5")
    with i18n.speaking("es"):
        assert re.search(r"1\.?234,50\s?CHF", format_currency(Decimal("1234.5")))


def test_placeholders_of_both_styles_are_compared() -> None:
    assert _fields("Review, %(years)s; {name!r} and {n}") == {"%(years)", "name!r", "n"}
    assert _fields("%(years)s, a lone { brace") == {"%(years)"}
    assert _fields("Examen, %(year)s") != _fields("Review, %(years)s")
