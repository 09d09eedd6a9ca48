"""Sending a kept notice through the SMTP server the settings name (``INTERSESSIONAL_SMTP_*``).

The standard library's :mod:`smtplib` and :mod:`email.message`, not ``aiosmtplib``: the
activities are synchronous, run on the worker's thread pool, as every other activity does, and
one blocking connection per notice needs no event loop and no dependency. :func:`deliver` is
what the ``send_notice`` activity does and what ``intersessional notices send`` does for the
notices kept while no server was set: a notice already sent is not sent again, a failure is
noted on the notice (attempts, the reason) and raised as :class:`NotSent` for the caller to
retry, and a refusal for good (the server rejects the recipient, 5xx) marks it unsent.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from sqlalchemy import Engine

from ledger import notices
from ledger.notices import Notice
from settings import Settings

_TIMEOUT = 30  # seconds for the connection and each command


class NotSent(Exception):  # noqa: N818 - what happened, in the words of the notice's state
    """The server could not be reached or refused for now; the notice stays pending."""


@dataclass(frozen=True)
class Mailer:
    """Where notices go out: the server, how to reach it, who they are from."""

    host: str | None
    port: int
    starttls: bool
    sender: str | None
    user: str | None = None
    password: str | None = None

    @classmethod
    def of(cls, settings: Settings) -> Mailer:
        return cls(host=settings.smtp_host, port=settings.smtp_port,
                   starttls=settings.smtp_starttls, sender=settings.smtp_from,
                   user=settings.smtp_user, password=settings.effective_smtp_password)

    @property
    def configured(self) -> bool:
        return self.host is not None and self.sender is not None

    @property
    def domain(self) -> str:
        """The domain of the sender's address (the right side of every Message-ID)."""
        return (self.sender or "intersessional.invalid").rpartition("@")[2]

    def send(self, message: EmailMessage) -> None:
        assert self.host is not None
        with smtplib.SMTP(self.host, self.port, timeout=_TIMEOUT) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.user is not None:
                smtp.login(self.user, self.password or "")
            smtp.send_message(message)


def compose(notice: Notice, sender: str) -> EmailMessage:
    """The message of ``notice``: plain text in UTF-8, under its own Message-ID."""
    assert notice.recipient is not None
    message = EmailMessage()
    message["From"] = sender
    message["To"] = notice.recipient
    message["Subject"] = notice.subject
    message["Message-ID"] = notice.message_id
    message["Date"] = formatdate(usegmt=True)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to it
    message.set_content(notice.body)
    return message


def _for_good(error: smtplib.SMTPException) -> bool:
    """Whether the server refused the message for good (a 5xx for the recipient or the
    message itself), so that sending it again would be refused again."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError | smtplib.SMTPSenderRefused) and \
        error.smtp_code >= 500


def deliver(engine: Engine, key: str, mailer: Mailer) -> Notice:
    """Send the pending notice ``key`` and mark it sent; a notice sent (or unsendable) already
    is left as it is, and so is every notice while no server is set."""
    notice = notices.get(engine, key)
    if notice is None:
        raise LookupError(f"no notice is kept under {key!r}")
    if notice.status != "pending" or not mailer.configured:
        return notice
    assert mailer.sender is not None
    try:
        mailer.send(compose(notice, mailer.sender))
    except smtplib.SMTPException as error:
        if _for_good(error):
            notices.refused(engine, key, str(error))
        else:
            notices.tried(engine, key, str(error) or type(error).__name__)
            raise NotSent(f"{mailer.host}:{mailer.port} did not take it ({error})") from error
    except OSError as error:  # refused, unreachable, timed out, a TLS failure
        notices.tried(engine, key, str(error) or type(error).__name__)
        raise NotSent(f"{mailer.host}:{mailer.port} could not be reached ({error})") from error
    else:
        notices.sent(engine, key)
    found = notices.get(engine, key)
    assert found is not None
    return found
