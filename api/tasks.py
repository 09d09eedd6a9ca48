"""``GET /tasks``: the steps waiting for the token's holder, in every year's cycle, country
coalition and silence procedure, with their deadlines and the dashboard page where each is
taken (:func:`reading.tasks.tasks_of`, which the dashboard's front page shows too)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from api.auth import SignedIn
from api.problems import documented
from api.streams import LedgerOf
from reading.tasks import Task, tasks_of

router = APIRouter(tags=["people"])


@router.get("/tasks", responses=documented(401, 503))
async def get_tasks(person: SignedIn, ledger: LedgerOf) -> list[Task]:
    """The steps waiting for you now, soonest deadline first: each step your role takes and
    the record gives you on today's date (the President presiding, a committee member sitting,
    a coordinator in office; a delegate for their own State)."""
    return await run_in_threadpool(tasks_of, ledger, person, datetime.now(UTC).date())
