"""What each notice says, in the language of the moment (``i18n``): its subject and its body.

The texts are made when a notice is planned and kept with it, so that what was sent can be
shown as it was sent; the ledger's events are never translated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.events import Deadline
from domain.procedure import PendingStep
from i18n import N_, _

#: each watched deadline in plain words
DEADLINES: dict[Deadline, str] = {
    Deadline.INTERSESSIONAL_MEETING: N_("the intersessional meeting"),
    Deadline.COMMITTEE_APPROVAL: N_("the Coordination Committee's approval of the work plan"),
    Deadline.SUBMISSION_TO_MSP: N_("the submission of the work plan to the Meeting of States "
                                   "Parties"),
}


@dataclass(frozen=True)
class Dated:
    """A deadline of the ``year`` cycle, and the steps of the person's that it watches."""

    deadline: Deadline
    due: date
    year: int
    steps: tuple[PendingStep, ...]
    link: str


def _steps(steps: tuple[PendingStep, ...]) -> str:
    lines = []
    for step in steps:
        if step.due is None:
            lines.append("- " + _(step.label))
        else:
            lines.append("- " + _("{step}, due by {due}").format(step=_(step.label),
                                                                 due=step.due.isoformat()))
    return "\n".join(lines)


def _closing(link: str) -> str:
    return _("Take it on the dashboard: {link}\n\nThis message was sent by the intersessional "
             "engine of the Convention on Cluster Munitions; replies are not read.").format(
        link=link)


def reminder(name: str, dated: Dated) -> tuple[str, str]:
    """The reminder of a deadline to a person whose steps it awaits."""
    deadline, due, year, steps, link = (dated.deadline, dated.due, dated.year, dated.steps,
                                        dated.link)
    what = _(DEADLINES[deadline])
    subject = _("Reminder: {deadline} is due by {due}").format(deadline=what,
                                                               due=due.isoformat())
    body = _("Dear {name},\n\nIn the {year} cycle, {deadline} is due by {due}. These steps "
             "are yours to take:\n{steps}").format(name=name, year=year, deadline=what,
                                                   due=due.isoformat(), steps=_steps(steps))
    return subject, body + "\n\n" + _closing(link)


def escalation(name: str, dated: Dated) -> tuple[str, str]:
    """The missed deadline, to the President in office and to whom its steps await."""
    deadline, due, year, steps, link = (dated.deadline, dated.due, dated.year, dated.steps,
                                        dated.link)
    what = _(DEADLINES[deadline])
    subject = _("Missed deadline: {deadline} was due by {due}").format(deadline=what,
                                                                       due=due.isoformat())
    body = _("Dear {name},\n\nIn the {year} cycle, {deadline} was due by {due} and has not "
             "been done; it is escalated to the President (G-1: nothing passes silently).").format(
        name=name, year=year, deadline=what, due=due.isoformat())
    if steps:
        body += "\n\n" + _("Still open:\n{steps}").format(steps=_steps(steps))
    return subject, body + "\n\n" + _closing(link)


def awaits(name: str, *, year: int, steps: tuple[PendingStep, ...], link: str) -> tuple[str, str]:
    """The steps a state change opened for a person."""
    subject = _("A step awaits you in the {year} cycle").format(year=year)
    body = _("Dear {name},\n\nThe {year} cycle has moved on, and these steps now await "
             "you:\n{steps}").format(name=name, year=year, steps=_steps(steps))
    return subject, body + "\n\n" + _closing(link)
