"""What a document is, judged by its content and never by its name: a PDF (``%PDF-``), a
Word document (a ZIP holding ``[Content_Types].xml`` and a ``word/`` part), an OpenDocument
text (a ZIP whose first entry, ``mimetype``, says ``application/vnd.oasis.opendocument.text``)
or plain UTF-8 text without NUL. Anything else is refused, saying what it seems to be.

``filetype`` (magic numbers) recognises PDFs and names what is refused (a PNG, a Windows
program…); the insides of a ZIP are read here with :mod:`zipfile`, since an office document
and any other ZIP begin alike.
"""

from __future__ import annotations

import io
import zipfile

import filetype

from documents.errors import DocumentRefused
from i18n import _

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
TEXT = "text/plain; charset=utf-8"
#: each accepted media type, by the name people know it by
ACCEPTED = {PDF: "PDF", DOCX: "DOCX", ODT: "ODT", TEXT: "plain text (UTF-8)"}
ACCEPTED_NAMES = ", ".join(ACCEPTED.values())


def _zipped(data: bytes) -> str | None:
    """DOCX or ODT by the ZIP's entries; ``None`` for any other ZIP (or a damaged one)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            # ODF 1.2 §3.3: the first entry, stored uncompressed, is the media type itself
            first = entries[0] if entries else None
            if (first is not None and first.filename == "mimetype" and first.file_size < 100
                    and archive.read(first).strip() == ODT.encode()):
                return ODT
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                return DOCX
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return None
    return None


def _text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def media_type(data: bytes) -> str:
    """The media type of ``data`` if it is a document the store takes; otherwise
    :class:`DocumentRefused` saying what it seems to be and what is accepted."""
    if not data:
        raise DocumentRefused(_("the file is empty; a document is one of {types}.").format(
            types=ACCEPTED_NAMES))
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04") and (zipped := _zipped(data)) is not None:
        return zipped
    guess = filetype.guess(data)
    if guess is None and _text(data):
        return TEXT
    seems = f"{guess.mime} (.{guess.extension})" if guess is not None else _("not one of them")
    raise DocumentRefused(_("the file's content is {seems}, whatever its name; a document is "
                            "one of {types}.").format(seems=seems, types=ACCEPTED_NAMES))
