"""Notices that arrive: a deadline's reminder reaches a real SMTP server (aiosmtpd) with the
right recipient, subject and body; with the server down the year still records and the notice
waits, retried, until the server is back — and then arrives once."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest
from temporalio.service import RPCError

from contracts import cycle_id
from contracts.notices import notices_id
from domain import commands as c
from identities import People, Person
from ledger import notices
from ledger.notices import Notice
from scenarios import scripted
from settings import Settings
from tests.cycles import take_step
from tests.mailbox import MailServer, eventually, mail_server
from tests.workflows.conftest import Engine, to_the_meeting

YEAR = 2027
REMINDED = datetime(YEAR, 6, 16, 0, 0, 1, tzinfo=UTC)  # 14 days before the meeting's 30 June
SUBJECT = "Reminder: the intersessional meeting is due by 2027-06-30"


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    with mail_server() as server:
        yield server


@pytest.fixture
async def engine(engine_parts: Engine, smtp: MailServer) -> AsyncIterator[Engine]:
    """The worker sends through ``smtp`` (no STARTTLS: a local test server)."""
    engine_parts.settings = Settings(
        data_dir=engine_parts.settings.data_dir, smtp_host="127.0.0.1", smtp_port=smtp.port,
        smtp_starttls=False, smtp_from="isu@ccm.example.org",
        public_url="https://ccm.example.org")
    async with engine_parts.worker():
        yield engine_parts


def _register(engine: Engine) -> tuple[Person, Person]:
    """The President of the year, with an address, and the ISU, without one."""
    people = People(engine.ledger.engine)
    chair = scripted.president(YEAR)
    president, _ = people.add("Petra Presidenta", "president", chair.represents,
                              "petra@example.org")
    isu, _ = people.add("Isabel Unit", "isu", None)
    return president, isu



def _reminders(engine: Engine, person: Person) -> list[Notice]:
    return [n for n in notices.listed(engine.ledger.engine, person_id=person.id)
            if n.kind == "reminder"]


async def _every_notice_sent(engine: Engine) -> None:
    """Until the ``Notices`` workflow of every event recorded so far has ended (an event that
    owes nothing has none)."""
    for event in engine.ledger.read_stream(cycle_id(YEAR)):
        with contextlib.suppress(RPCError):  # no such workflow: the event owed nothing
            await engine.client.get_workflow_handle(notices_id(event.event_id)).result()
    assert notices.listed(engine.ledger.engine, "pending") == []


async def _sleep_until(engine: Engine, moment: datetime) -> None:
    await engine.env.sleep(moment - await engine.env.get_current_time())


async def test_a_deadline_reminder_reaches_the_president(engine: Engine, smtp: MailServer
                                                         ) -> None:
    president, isu = _register(engine)
    await to_the_meeting(engine, YEAR)
    # each step opened the next for the President: "a step awaits you", sent at once
    awaited = await eventually(lambda: smtp.inbox.with_subject("A step awaits you in the 2027"),
                               "the President told a step awaits them")
    assert {str(m["To"]) for m in awaited} == {"petra@example.org"}

    await _sleep_until(engine, REMINDED)
    [message] = await eventually(lambda: smtp.inbox.with_subject(SUBJECT), "the reminder")
    assert str(message["To"]) == "petra@example.org"
    assert str(message["From"]) == "isu@ccm.example.org"
    body = message.get_content()
    assert body.startswith("Dear Petra Presidenta,")
    assert "recording that the intersessional meeting was held, due by 2027-06-30" in body
    assert "https://ccm.example.org/dashboard/2027" in body
    # the server holds the message before the activity records it sent: wait for the row
    [kept] = await eventually(lambda: [n for n in _reminders(engine, president)
                                       if n.status == "sent"], "the reminder recorded sent")
    assert (kept.message_id, kept.attempts) == (message["Message-ID"], 1)
    assert len(_reminders(engine, president)) == 1
    # the ISU may hold the meeting too, but has no address: a row that says so, no mail
    [unsent] = _reminders(engine, isu)
    assert (unsent.status, unsent.reason, unsent.recipient) == ("unsent", "no e-mail address",
                                                                None)
    assert len(smtp.inbox.with_subject(SUBJECT)) == 1
    assert smtp.inbox.envelopes[-1] == ("petra@example.org",)

    # the day after the due date, the missed deadline goes to the President in office
    await _sleep_until(engine, datetime(YEAR, 7, 1, 0, 0, 1, tzinfo=UTC))
    [missed] = await eventually(lambda: smtp.inbox.with_subject(
        "Missed deadline: the intersessional meeting was due by 2027-06-30"), "the escalation")
    assert str(missed["To"]) == "petra@example.org"
    assert "it is escalated to the President" in missed.get_content()
    assert missed["Message-ID"] != message["Message-ID"]


async def test_an_unreachable_server_delays_the_reminder_and_blocks_nothing(
        engine: Engine, smtp: MailServer) -> None:
    president, _ = _register(engine)
    await to_the_meeting(engine, YEAR)
    await _every_notice_sent(engine)
    assert smtp.inbox.with_subject("A step awaits you")
    smtp.stop()

    await _sleep_until(engine, REMINDED)
    recorded = engine.ledger.read_stream(cycle_id(YEAR))
    assert recorded[-1].type == "DeadlineReminderSent"  # the year recorded it all the same
    tried = await eventually(lambda: [n for n in _reminders(engine, president)
                                      if n.attempts > 0], "an attempt to send the reminder")
    assert tried[0].status == "pending"
    assert "127.0.0.1" in (tried[0].reason or "") or "refused" in (tried[0].reason or "")
    # the year goes on while the server is down: the next step records
    await take_step(engine.client, YEAR, c.HoldMeeting(actor=scripted.ISU,
                                                       records_reference="ISU/IM"))
    assert engine.ledger.read_stream(cycle_id(YEAR))[-1].type == "IntersessionalMeetingHeld"
    assert smtp.inbox.with_subject(SUBJECT) == []

    smtp.start()  # back on the same port: the next retry sends it
    [message] = await eventually(lambda: smtp.inbox.with_subject(SUBJECT), "the reminder")
    [kept] = await eventually(lambda: [n for n in _reminders(engine, president)
                                       if n.status == "sent"], "the reminder marked sent")
    assert kept.message_id == message["Message-ID"]
    assert kept.attempts >= 2
    await _sleep_until(engine, datetime(YEAR, 6, 17, tzinfo=UTC))  # and nothing sends it again
    assert len(smtp.inbox.with_subject(SUBJECT)) == 1


async def _notices_workflows(engine: Engine) -> list[str]:
    """The events of the year whose ``Notices`` workflow was started."""
    started = []
    for event in engine.ledger.read_stream(cycle_id(YEAR)):
        with contextlib.suppress(RPCError):  # never started: the event owed no mail
            await engine.client.get_workflow_handle(notices_id(event.event_id)).describe()
            started.append(event.type)
    return started


async def test_an_event_that_owes_no_mail_starts_no_workflow(engine: Engine, smtp: MailServer
                                                             ) -> None:
    people = People(engine.ledger.engine)
    isu, _ = people.add("Isabel Unit", "isu", None)  # owed steps, but no address
    await to_the_meeting(engine, YEAR)
    last = engine.ledger.read_stream(cycle_id(YEAR))[-1]  # it opened the meeting's record
    await eventually(lambda: [n for n in notices.listed(engine.ledger.engine, person_id=isu.id)
                              if n.event_id == str(last.event_id)], "the last event planned")
    kept = notices.listed(engine.ledger.engine, person_id=isu.id)
    assert {n.status for n in kept} == {"unsent"}  # planned, shown, not mailed
    assert await _notices_workflows(engine) == []
    assert smtp.inbox.envelopes == []

    # someone with an address whom the next step awaits (the work plan's draft): that
    # event's workflow mails them
    people.add("Ivan Unit", "isu", None, "ivan@example.org")
    await take_step(engine.client, YEAR, c.HoldMeeting(actor=scripted.ISU,
                                                       records_reference="ISU/IM"))
    awaited = await eventually(lambda: smtp.inbox.with_subject("A step awaits you in the 2027"),
                               "the ISU told a step awaits them")
    assert {str(m["To"]) for m in awaited} == {"ivan@example.org"}
    assert await _notices_workflows(engine) == ["IntersessionalMeetingHeld"]
