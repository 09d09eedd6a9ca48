"""``GET /me``: the person a token belongs to, and the steps of each kind of process their role
may take."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.auth import SignedIn
from api.problems import documented
from domain.convention import Role
from domain.kinds import COALITION, CYCLE, SILENCE, Kind
from domain.steps import Step

router = APIRouter(tags=["people"])


class Me(BaseModel):
    """The person the token belongs to, and the steps their role may take."""

    id: int
    name: str
    role: Role
    represents: str | None
    description: str
    email: str | None = Field(description="where your notices are sent; none: you are sent "
                              "none (shown to you and the ISU only)")
    steps: list[Step] = Field(description="the steps of the annual cycle the role may take, "
                              "in the order of the year")
    coalition_steps: list[str] = Field(description="the steps of a country coalition the "
                                       "role may take")
    silence_steps: list[str] = Field(description="the steps of a silence procedure (an "
                                     "extension) the role may take")


def steps_of(kind: Kind[Any], role: Role) -> list[str]:
    """The steps of ``kind`` a person in ``role`` may take, in the order of its life."""
    return [step for step in kind.commands if role in kind.by_step[step].roles]


@router.get("/me", responses=documented(401, 503))
async def get_me(person: SignedIn) -> Me:
    """Who the token belongs to, and which steps their role may take."""
    return Me(id=person.id, name=person.name, role=person.role, represents=person.represents,
              description=person.describe(), email=person.email, steps=steps_of(CYCLE, person.role),
              coalition_steps=steps_of(COALITION, person.role),
              silence_steps=steps_of(SILENCE, person.role))
