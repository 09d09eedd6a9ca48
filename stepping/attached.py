"""A step that names documents by hash is sent only if the document store holds each of them,
as named: judged by every entry point (the API, the CLI, the dashboard) before the step is
attested or sent, so that the ledger never records an attachment nobody can download. The
workflow never reads the store; it records the hash it is given."""

from __future__ import annotations

from pydantic import BaseModel

from documents import NotHeld, Store
from domain.attachments import attachments_in
from i18n import _


class AttachmentNotHeld(LookupError):  # noqa: N818 - what is wrong with the step
    """An attachment the store does not hold, or holds as another file: one sentence."""


def check_attachments(store: Store, request: BaseModel) -> None:
    """Refuse ``request`` (:class:`AttachmentNotHeld`) if it attaches a document the store
    does not hold, or names it with another size or media type than the store's."""
    for attachment in attachments_in(request.model_dump(mode="json")):
        sha256, name = attachment["sha256"], attachment.get("filename", "")
        try:
            held = store.stat(sha256)
        except NotHeld:
            raise AttachmentNotHeld(_(
                "the attachment {name} (sha256 {sha}…) is not in the document store; upload "
                "it first (POST /documents, `intersessional documents upload`)."
            ).format(name=repr(name), sha=sha256[:12])) from None
        if (held.size, held.media_type) != (attachment.get("size"), attachment.get("media_type")):
            raise AttachmentNotHeld(_(
                "the attachment {name} (sha256 {sha}…) is named as {named_type}, {named_size} "
                "bytes; the store holds it as {media_type}, {size} bytes."
            ).format(name=repr(name), sha=sha256[:12], named_type=attachment.get("media_type"),
                     named_size=attachment.get("size"), media_type=held.media_type,
                     size=held.size))
