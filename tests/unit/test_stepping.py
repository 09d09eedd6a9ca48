"""A person's step, before it reaches the engine: the request carries no actor, the actor comes
from the person, and a role that never takes the step is refused with the step's rule id."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import stepping
from domain.commands import COMMANDS, ApproveWorkplan, OpenCycle
from domain.convention import Role
from domain.kinds import CYCLE
from domain.steps import Step
from identities import Person
from scenarios import scripted

HASH = "ab" * 32


def _person(role: Role, represents: str | None = None, name: str = "Ana Díaz") -> Person:
    return Person(id=7, name=name, role=role, represents=represents,
                  created_at="2026-09-07T09:00:00.000000Z", revoked_at=None)


def test_every_step_a_person_takes_has_a_request_without_an_actor() -> None:
    assert set(stepping.REQUESTS[CYCLE.name]) == {Step.OPEN_CYCLE, *COMMANDS}
    for step, request in stepping.REQUESTS[CYCLE.name].items():
        assert "actor" not in request.model_fields, step
        assert request.__name__.endswith("Request")
    approve = stepping.REQUESTS[CYCLE.name][Step.APPROVE_WORKPLAN]
    assert set(approve.model_fields) == {"content_hash", "present", "by_silence"}


def test_a_request_naming_its_own_actor_is_refused() -> None:
    request = stepping.REQUESTS[CYCLE.name][Step.APPROVE_WORKPLAN]
    with pytest.raises(ValidationError, match="actor"):
        request.model_validate({"content_hash": HASH,
                                "actor": {"name": "Someone", "role": "president"}})
    with pytest.raises(ValidationError, match="content_hash"):
        request.model_validate({"content_hash": "not a hash"})


def test_the_actor_is_the_person_who_sent_the_request() -> None:
    president = _person(Role.PRESIDENT, "CHL", name="María Pérez")
    approve = stepping.REQUESTS[CYCLE.name][Step.APPROVE_WORKPLAN]
    request = approve.model_validate({"content_hash": HASH})
    command = stepping.command(CYCLE, Step.APPROVE_WORKPLAN, president, request)
    assert command == ApproveWorkplan(actor=president.actor, content_hash=HASH)
    assert command.actor.name == "María Pérez"
    assert command.actor.role is Role.PRESIDENT
    assert command.actor.represents == "CHL"


def test_the_isu_opens_a_cycle_with_its_data() -> None:
    request = stepping.REQUESTS[CYCLE.name][Step.OPEN_CYCLE].model_validate(
        {"year": 2027, "carried_presidencies": (scripted.first_presidency(2027),)})
    command = stepping.command(CYCLE, Step.OPEN_CYCLE, _person(Role.ISU), request)
    assert isinstance(command, OpenCycle)
    assert command.year == 2027
    assert command.carried_presidencies == (scripted.first_presidency(2027),)


@pytest.mark.parametrize(("role", "step", "rule_id"), [
    (Role.AUDITOR, Step.APPROVE_WORKPLAN, "ISU-3"),
    (Role.ISU, Step.APPROVE_WORKPLAN, "ISU-3"),
    (Role.COMMITTEE_MEMBER, Step.ELECT_COORDINATORS, "CO-2"),
    (Role.AUDITOR, Step.OPEN_CYCLE, "ISU-2"),
])
def test_a_role_that_never_takes_the_step_is_not_permitted(role: Role, step: Step,
                                                           rule_id: str) -> None:
    person = _person(role, "CHL" if role is Role.COMMITTEE_MEMBER else None)
    request = stepping.REQUESTS[CYCLE.name][step].model_construct()  # its data is not looked at
    with pytest.raises(stepping.NotPermitted) as refused:
        stepping.command(CYCLE, step, person, request)
    assert refused.value.rule_id == rule_id
    assert "Ana Díaz acted as" in refused.value.message


def test_a_request_of_another_step_is_a_programming_error() -> None:
    send = stepping.REQUESTS[CYCLE.name][Step.SEND_WORKPLAN_TO_MSP]
    request = send.model_validate({"content_hash": HASH})
    with pytest.raises(TypeError, match="ApproveWorkplanRequest"):
        stepping.command(CYCLE, Step.APPROVE_WORKPLAN, _person(Role.PRESIDENT, "CHL"), request)


def test_a_misspelt_field_anywhere_in_a_request_is_refused_not_dropped() -> None:
    """A typo in a file (``descripton``) must not vanish silently from what is recorded."""
    plan = scripted.workplan(2028, "612000.00").model_dump(mode="json")
    request = stepping.REQUESTS[CYCLE.name][Step.DRAFT_WORKPLAN]
    assert request.model_validate({"workplan": plan}).workplan == scripted.workplan(  # type: ignore[attr-defined]
        2028, "612000.00")
    item = plan["items"][0]
    plan["items"][0] = {**item, "descripton": item.get("description", "x")}
    with pytest.raises(ValidationError, match="descripton"):
        request.model_validate({"workplan": plan})
    presidency = scripted.first_presidency(2027).model_dump(mode="json")
    with pytest.raises(ValidationError, match="presides_untill"):
        stepping.REQUESTS[CYCLE.name][Step.DESIGNATE_PRESIDENT].model_validate(
            {"presidency": {**presidency, "presides_untill": "2028-09-01"}})
