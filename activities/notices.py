"""The notices' activities: plan what a recorded event owes whom, and send one notice.

``plan_notices`` reads the cycle's stream up to the event (the ledger is the authority), folds
the state before and after it, and keeps one notice per (event, person, kind): the deadline's
reminder or escalation to the people whose steps it awaits (and, when missed, to the President
in office), and "a step awaits you" to the people who may take a step the event opened — each
judged by role and by the record of the cycle on the event's day (``domain.awaiting``). A person
without an e-mail address gets a row that says so, and no mail. ``send_notice`` sends one kept
notice (``runtime.mail.deliver``): sent once, retried by its workflow while the server fails.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

import structlog
from temporalio import activity
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError

from activities import notice_texts as texts
from activities.beating import heartbeating
from contracts.notices import (
    NOTICES_WORKFLOW,
    PLAN_NOTICES,
    SEND_NOTICE,
    START_NOTICES,
    NoticeOutcome,
    NoticesPlanned,
    PlanNotices,
    SendNotice,
    notices_id,
)
from domain.awaiting import may_take, newly_pending, presides, watched_by
from domain.cycle import apply, fold
from domain.events import DeadlineMissed, DeadlineReminderSent, parse_event
from domain.kinds import CYCLE, kind_of
from domain.procedure import PendingStep
from domain.state import CycleState
from i18n import speaking
from identities import People, Person
from ledger import Ledger, notices
from ledger.notices import NO_ADDRESS, Kind, Notice
from runtime.mail import Mailer, NotSent, deliver
from settings import Settings


def _log(**bound: object) -> structlog.stdlib.BoundLogger:
    info = activity.info()
    logger: structlog.stdlib.BoundLogger = structlog.get_logger("intersessional.notices")
    return logger.bind(workflow_id=info.workflow_id, run_id=info.workflow_run_id,
                       activity=info.activity_type, attempt=info.attempt, **bound)


def _language(person: Person) -> AbstractContextManager[object]:
    """The person's language (``users language``), else the source language."""
    return speaking(person.language) if person.language else nullcontext()


class NoticeActivities:
    """The notices of ``ledger``'s cycles, sent through the server ``settings`` name."""

    def __init__(self, ledger: Ledger, settings: Settings) -> None:
        self.ledger = ledger
        self.mailer = Mailer.of(settings)
        self.public_url = settings.effective_public_url
        self.people = People(ledger.engine)

    def _owed(self, request: PlanNotices) -> tuple[CycleState, CycleState, object]:
        recorded = self.ledger.read_stream(request.stream)[:request.version]
        if len(recorded) < request.version or recorded[-1].event_id != request.event_id:
            raise ApplicationError(f"the ledger holds no event {request.event_id} at version "
                                   f"{request.version} of {request.stream}",
                                   type="NoSuchEvent", non_retryable=True)
        events = [parse_event(e.payload) for e in recorded]
        before = fold(events[:-1])  # the stream folded once: the event applied onto it
        return before, apply(before, events[-1]), events[-1]

    @activity.defn(name=START_NOTICES)
    async def start_notices(self, request: PlanNotices) -> None:
        """Start the event's ``Notices`` workflow on this worker's task queue, to plan and
        send its notices — a workflow of its own, not a child: the year's history learns
        nothing of how its notices go, so no notice's end can race the year's own (a child's
        completion arriving as the year fails would turn an update's answer into an
        unhandled-command retry). Where no one registered has an address, no mail can be
        owed: the notices are planned here (kept, each saying why it is not sent) and no
        workflow is started — a workflow for every event that opened a step made each step
        about three times as heavy where most owed no mail. Where that check fails, the
        workflow is started all the same and plans on its own, retried. Started already (a
        retried start), it is left as it is."""
        try:
            mailable = await asyncio.to_thread(self._mailable, request)
        except Exception as error:  # the workflow plans on its own, retried
            _log(stream=request.stream).warning("notices_not_planned", reason=str(error),
                                                event_id=str(request.event_id))
            mailable = True
        if not mailable:
            return
        try:
            await activity.client().start_workflow(
                NOTICES_WORKFLOW, request, id=notices_id(request.event_id),
                task_queue=activity.info().task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
        except WorkflowAlreadyStartedError:
            _log(stream=request.stream).info("notices_started_already",
                                             event_id=str(request.event_id))

    def _mailable(self, request: PlanNotices) -> bool:
        """Whether anyone registered has an address; if not, the event's notices are kept
        here (none of them to send). One query while someone has one: the step's answer
        waits for this activity, and the workflow plans them off that path."""
        people = self._registered()
        if any(p.email for p in people):
            return True
        self._plan(request, people)
        return False

    @activity.defn(name=PLAN_NOTICES)
    @heartbeating
    def plan_notices(self, request: PlanNotices) -> NoticesPlanned:
        """Keep the notices the event owes (again: nothing changes), and name those to send."""
        return self._plan(request, self._registered())

    def _registered(self) -> list[Person]:
        """The people registered, without those whose token was revoked."""
        return [p for p in self.people.list() if not p.revoked]

    def _plan(self, request: PlanNotices, people: list[Person]) -> NoticesPlanned:
        """:meth:`plan_notices` for ``people`` (:meth:`_registered`, read once by the caller)."""
        if kind_of(request.stream) is not CYCLE or not people:
            return NoticesPlanned()  # no one to owe anything: the stream is not read
        before, after, event = self._owed(request)
        day = event.occurred_at.date()  # type: ignore[attr-defined]  # every event has one
        year = int(request.stream.removeprefix("cycle-"))
        link = f"{self.public_url}/dashboard/{year}"
        planned: list[Notice] = []

        def owe(person: Person, kind: Kind, words: Callable[[], tuple[str, str]]) -> None:
            with _language(person):
                subject, body = words()
            key = notices.key(str(request.event_id), person.id, kind)
            planned.append(Notice(
                key=key, message_id=notices.message_id(key, self.mailer.domain),
                stream=request.stream, event_id=str(request.event_id), kind=kind,
                person_id=person.id, recipient=person.email, subject=subject, body=body,
                status="pending" if person.email else "unsent",
                reason=None if person.email else NO_ADDRESS, created_at=notices.now()))

        opened = newly_pending(before, after)
        deadline = event if isinstance(event, DeadlineReminderSent | DeadlineMissed) else None
        for person in people:
            def theirs(steps: list[PendingStep], who: Person = person
                       ) -> tuple[PendingStep, ...]:
                return tuple(s for s in steps if may_take(s, who.actor, after, day))

            if deadline is not None:
                dated = texts.Dated(deadline=deadline.deadline, due=deadline.due, year=year,
                                    steps=theirs(watched_by(deadline.deadline, after)),
                                    link=link)
                if isinstance(deadline, DeadlineReminderSent) and dated.steps:
                    owe(person, "reminder", functools.partial(texts.reminder, person.name,
                                                              dated))
                elif isinstance(deadline, DeadlineMissed) and (
                        dated.steps or presides(person.actor, after, day)):
                    owe(person, "escalation", functools.partial(texts.escalation, person.name,
                                                                dated))
            if waiting := theirs(opened):
                owe(person, "awaits", functools.partial(texts.awaits, person.name, year=year,
                                                        steps=waiting, link=link))
        kept = notices.keep(self.ledger.engine, planned)
        for notice in kept:
            _log(notice=notice.key).info("notice_planned", kind=notice.kind,
                                         person_id=notice.person_id, status=notice.status,
                                         reason=notice.reason)
        return NoticesPlanned(keys=tuple(n.key for n in kept if n.status == "pending"))

    @activity.defn(name=SEND_NOTICE)
    @heartbeating
    def send_notice(self, request: SendNotice) -> NoticeOutcome:
        """Send the kept notice unless it was sent already; a failure is noted on it and
        raised, for the workflow to retry."""
        log = _log(notice=request.key)
        try:
            notice = deliver(self.ledger.engine, request.key, self.mailer)
        except LookupError as error:
            raise ApplicationError(str(error), type="NoSuchNotice", non_retryable=True) from None
        except NotSent as error:
            log.warning("notice_not_sent", reason=str(error))
            raise
        if notice.status == "pending":
            log.info("notice_kept", reason="no SMTP server is set (INTERSESSIONAL_SMTP_HOST)")
        else:
            log.info("notice_" + notice.status, kind=notice.kind, person_id=notice.person_id,
                     message_id=notice.message_id, attempts=notice.attempts)
        return NoticeOutcome(status=notice.status, attempts=notice.attempts)
