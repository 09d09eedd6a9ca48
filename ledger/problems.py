"""What verify() reports: the first problem found, and what was checked."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class ProblemKind(StrEnum):
    ALTERED = "altered"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    TRUNCATED = "truncated"
    CHECKPOINT = "checkpoint"
    #: a stored snapshot that is not the fold of its stream's events (``audit.snapshots``)
    SNAPSHOT = "snapshot"
    #: a checkpoint's stored frontier that is not the right edge of its events' Merkle tree
    #: (``ledger.checkpoints``)
    FRONTIER = "frontier"


class Problem(BaseModel):
    """The first problem found: where (position, stream, version) and what differs."""

    model_config = ConfigDict(frozen=True)

    kind: ProblemKind
    position: int
    stream: str | None = None
    version: int | None = None
    detail: str

    def __str__(self) -> str:
        where = f"position {self.position}"
        if self.stream is not None:
            where += f" (stream {self.stream}, version {self.version})"
        return f"{self.kind.value} at {where}: {self.detail}"


class Report(BaseModel):
    """The outcome: how many events, streams and checkpoints were checked, and the problem."""

    model_config = ConfigDict(frozen=True)

    events: int
    streams: int
    checkpoints: int = 0
    signatures_checked: bool = False
    problem: Problem | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None
