"""The documents of a bundle, checked offline: every attachment a bundled event names is in
the bundle (``documents/<sha256>``), and every document there has the SHA-256 it is named by
— recomputed from its bytes, whatever the manifest says. A document named only by reference
(a coalition's strategy, a silence procedure's text) may be absent: its hash may have been
recorded from a file never uploaded; if present, it is checked the same way."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterable, Mapping

from pydantic_core import from_json

from audit.bundle_format import (
    DOCUMENTS,
    UNREADABLE,
    BundleKind,
    BundleProblem,
    Stop,
    document_file,
)
from domain.attachments import attachments_in
from i18n import _

#: (position, version, payload) of each event, by stream (``audit.walk.Walked.payloads``)
Payloads = Mapping[bytes, Iterable[tuple[int, int, bytes]]]


def _problem(detail: str, position: int | None = None, stream: str | None = None,
             version: int | None = None) -> Stop:
    return Stop(BundleProblem(kind=BundleKind.DOCUMENT, position=position, stream=stream,
                              version=version, detail=detail))


def check_documents(archive: zipfile.ZipFile, payloads: Payloads) -> int:
    """Stop at the first attachment missing or document altered; the documents checked."""
    held = {name.removeprefix(DOCUMENTS) for name in archive.namelist()
            if name.startswith(DOCUMENTS)}
    for stream, events in payloads.items():
        for position, version, payload in events:
            if b'"attachments"' not in payload:
                continue
            for attachment in attachments_in(from_json(payload)):
                if attachment["sha256"] not in held:
                    raise _problem(_(
                        "the attachment {name} (document {sha256}) is not in the bundle"
                    ).format(name=repr(attachment.get("filename")), sha256=attachment["sha256"]),
                        position, stream.decode(), version)
    for sha256 in sorted(held):
        try:
            actual = hashlib.sha256(archive.read(document_file(sha256))).hexdigest()
        except UNREADABLE as error:
            raise _problem(_("document {sha256} cannot be read ({why})").format(
                sha256=sha256, why=error)) from None
        if actual != sha256:
            raise _problem(_("document {sha256} has been altered: its bytes hash to "
                             "{actual}…").format(sha256=sha256, actual=actual[:16]))
    return len(held)
