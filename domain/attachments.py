"""A document attached to a step, named by its SHA-256: the ledger records the hash (and the
filename, media type and size it was uploaded with), never the bytes, which the document store
keeps (``documents``). The entry points refuse an attachment the store does not hold before
anything is sent; a workflow never reads the store.

:func:`referenced` finds, in any recorded payload, the documents it names: each attachment
(which the audit bundle must carry), and each document a step named by reference and hash —
a coalition's strategy, a silence procedure's text — which the bundle carries where the store
holds it (such a hash may have been recorded from a file never uploaded).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.limits import NAME, Most

#: the types the document store takes (``documents.sniffing``), judged there by content
MediaType = Literal["application/pdf",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "application/vnd.oasis.opendocument.text", "text/plain; charset=utf-8"]


class Attachment(BaseModel):
    """A document in the store, as a step names it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of its bytes, in hex")
    filename: Annotated[str, Most(NAME)] = Field(min_length=1)
    media_type: MediaType
    size: int = Field(ge=1)


def attachments_in(payload: Any) -> Iterator[dict[str, Any]]:
    """Each attachment (as JSON) that ``payload``, a step's or an event's JSON, holds."""
    for named, required in _named(payload):
        if required:
            yield named


def referenced(payload: Any) -> Iterator[tuple[str, bool]]:
    """``(sha256, required)`` of each document ``payload`` names: an attachment is required,
    a document named by ``reference`` and ``sha256`` is carried where held."""
    for named, required in _named(payload):
        yield named["sha256"], required


def _named(payload: Any) -> Iterator[tuple[dict[str, Any], bool]]:
    if isinstance(payload, dict):
        for key, value in payload.items():
            if key == "attachments" and isinstance(value, list):
                yield from ((a, True) for a in value
                            if isinstance(a, dict) and isinstance(a.get("sha256"), str))
            else:
                yield from _named(value)
        if isinstance(payload.get("reference"), str) and isinstance(payload.get("sha256"), str):
            yield payload, False
    elif isinstance(payload, list):
        for value in payload:
            yield from _named(value)
