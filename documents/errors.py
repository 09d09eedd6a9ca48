"""What the store refuses, and what it does not hold: one sentence each."""

from __future__ import annotations

from i18n import _


class DocumentRefused(ValueError):  # noqa: N818 - what happened to the file
    """A file the store does not take (its type by content, its size); nothing was stored."""


class TooLarge(DocumentRefused):
    """A file over the store's size limit."""


class NotHeld(LookupError):  # noqa: N818 - what the store says of a hash
    """No document of that SHA-256 is in the store."""

    def __init__(self, sha256: str) -> None:
        super().__init__(_("the document store holds no document of SHA-256 {sha256}.").format(
            sha256=sha256))
        self.sha256 = sha256
