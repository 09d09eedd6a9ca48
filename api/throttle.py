"""How often one may sign in to the dashboard: per address and per person, with the ``limits``
library's moving window, in this process's memory (one API process serves a deployment; a
restart forgets the counts, which only gives back tries).

Every try counts against the address it came from (behind a trusted proxy, the one the proxy
names: ``settings.trusted_proxies``), a wrong token included, before the token is looked at; a
sign-in that opens a session also counts against its person, so that a token in someone
else's hands cannot open sessions without end.
"""

from __future__ import annotations

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from settings import Settings


class SignInLimits:
    """The two limits of ``settings`` (``signin_limit_address``, ``signin_limit_person``)."""

    def __init__(self, settings: Settings) -> None:
        self._window = MovingWindowRateLimiter(MemoryStorage())
        self._address = parse(settings.signin_limit_address)
        self._person = parse(settings.signin_limit_person)

    def _hit(self, limit: RateLimitItem, counted: str, who: str, words: str) -> str | None:
        if self._window.hit(limit, counted, who):
            return None
        return (f"Too many sign-ins {words}: at most {limit.amount} every {_span(limit)}; "
                "try again later.")

    def address(self, address: str) -> str | None:
        """Count a try from ``address``; the sentence refusing it, if over its limit."""
        return self._hit(self._address, "address", address, "from this address")

    def person(self, person_id: int) -> str | None:
        """Count a sign-in of a person; the sentence refusing it, if over its limit."""
        return self._hit(self._person, "person", str(person_id), "with this token")


def _span(limit: RateLimitItem) -> str:
    unit = limit.GRANULARITY.name
    return unit if limit.multiples == 1 else f"{limit.multiples} {unit}s"
