"""Why the ledger refused an append. Each message is one sentence naming what was wrong."""

from __future__ import annotations


class LedgerError(Exception):
    """Base of the ledger's refusals."""


class WrongExpectedVersion(LedgerError):  # noqa: N818 - the event-sourcing term of art
    """Optimistic concurrency: the stream is not at the version the writer expected."""

    def __init__(self, stream: str, expected: int, actual: int) -> None:
        self.stream, self.expected, self.actual = stream, expected, actual
        super().__init__(f"stream {stream!r} is at version {actual}, not {expected} as the "
                         "writer expected; re-read it and decide again.")


class EventIdConflict(LedgerError):  # noqa: N818 - names the situation, as the SDKs do
    """A different event was offered under an event id the ledger already holds."""

    def __init__(self, event_id: str, position: int) -> None:
        self.event_id, self.position = event_id, position
        super().__init__(f"event id {event_id} is already recorded at position {position} with "
                         "different content; an event id names one event forever.")


class AttestationReused(LedgerError):  # noqa: N818 - names the situation
    """An attestation the ledger keeps beside another event was offered again (AT-3)."""

    def __init__(self, stream: str) -> None:
        self.stream = stream
        super().__init__(f"an attestation offered with an event of {stream} is kept beside "
                         "another event already; each is used once.")
