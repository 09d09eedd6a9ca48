"""TX-1 (domain.limits): what a text a person sends may hold — NFC, no control character (a
text longer than a title may break lines), no bidirectional embedding, override or isolate —
judged for every field of a step's request, at any depth, and for a person's name."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from domain.limits import BIDI_CONTROLS, TEXT_RULE, normal, unwritable
from domain.rules import RULES
from identities import InvalidPerson, check_person
from stepping import REQUESTS


def test_tx_1_is_an_engine_rule_of_the_catalogue() -> None:
    assert TEXT_RULE == "TX-1"
    assert RULES["TX-1"][0] == "engine"


@pytest.mark.parametrize("char", [*sorted(BIDI_CONTROLS), "\x00", "\x1b", "\x7f", "\x85",
                                  "\ud800"])
def test_every_control_bidi_override_and_lone_surrogate_is_refused(char: str) -> None:
    refused = unwritable(f"a{char}b", ("subject",))
    assert refused is not None
    assert str(refused).startswith(f"TX-1 (engine): subject holds U+{ord(char):04X} (")
    assert refused.field == ("subject",)


def test_line_breaks_only_where_lines_are_allowed_and_direction_marks_everywhere() -> None:
    assert unwritable("first line\nsecond\tline\r\n", ("reasons",)) is None
    assert unwritable("two\nlines", ("title",), lines=False) is not None
    assert unwritable("\u200fالأمم المتحدة\u200e (UN)", ("name",), lines=False) is None


def test_every_text_of_a_request_is_nfc_at_any_depth() -> None:
    decomposed = "Re\u0301union"
    assert normal({"a": [decomposed, {"b": (decomposed,)}], "n": 3}) == {
        "a": ["Réunion", {"b": ("Réunion",)}], "n": 3}
    returned = REQUESTS["cycle"]["return_workplan"].model_validate(
        {"content_hash": "0" * 64, "reasons": decomposed})
    assert getattr(returned, "reasons") == "Réunion"  # noqa: B009


def test_a_request_holding_an_override_is_invalid_naming_the_field_and_the_rule() -> None:
    with pytest.raises(ValidationError) as raised:
        REQUESTS["cycle"]["return_workplan"].model_validate(
            {"content_hash": "0" * 64, "reasons": "costs \u2066hidden\u2069"})
    [error] = raised.value.errors()
    assert error["type"] == "over_limit"
    assert error["msg"].startswith("TX-1 (engine): reasons holds U+2066 (LEFT-TO-RIGHT ISOLATE)")


def test_a_persons_name_is_nfc_and_holds_no_override() -> None:
    name, _, _ = check_person("Chloe\u0301 Coordinator", "auditor", None)
    assert name == "Chloé Coordinator"
    with pytest.raises(InvalidPerson, match=r"^TX-1 \(engine\): name holds U\+202E "):
        check_person("Petra \u202eatnediserP", "auditor", None)
