"""A work plan's attachments are part of its text (ISU-3 compares hashes), and a plan without
any keeps the form and hash it had before attachments existed."""

from __future__ import annotations

import hashlib
import json

import pytest
from pydantic import ValidationError

from domain.attachments import referenced
from domain.workplan import Workplan
from scenarios.scripted import workplan
from tests.documents import samples

ANNEX = {"sha256": hashlib.sha256(samples.pdf()).hexdigest(), "filename": "annex.pdf",
         "media_type": "application/pdf", "size": len(samples.pdf())}


def test_a_plan_without_attachments_keeps_its_form_and_hash() -> None:
    plan = workplan(2028, "612000.00")
    body = plan.model_dump(mode="json")
    assert "attachments" not in body
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert plan.content_hash() == hashlib.sha256(canonical.encode()).hexdigest()
    assert Workplan.model_validate(body) == plan


def test_an_attachment_is_part_of_the_plans_text() -> None:
    plan = workplan(2028, "612000.00")
    attached = Workplan.model_validate({**plan.model_dump(mode="json"), "attachments": [ANNEX]})
    assert attached.content_hash() != plan.content_hash()
    assert list(referenced({"workplan": attached.model_dump(mode="json")})) == [
        (ANNEX["sha256"], True)]


def test_the_same_document_attached_twice_is_refused() -> None:
    with pytest.raises(ValidationError, match="attached twice"):
        Workplan.model_validate({**workplan(2028, "1.00").model_dump(mode="json"),
                                 "attachments": [ANNEX, ANNEX]})


@pytest.mark.parametrize("wrong", [{"sha256": "ABC"}, {"media_type": "image/png"},
                                   {"size": 0}, {"filename": ""}])
def test_an_attachment_names_a_document_the_store_could_hold(wrong: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Workplan.model_validate({**workplan(2028, "1.00").model_dump(mode="json"),
                                 "attachments": [{**ANNEX, **wrong}]})


def test_a_document_named_by_reference_is_carried_where_held_not_required() -> None:
    payload = {"text": {"reference": "CCM/MSP/2027/WP.1", "sha256": "a" * 64}}
    assert list(referenced(payload)) == [("a" * 64, False)]
