"""The document store over HTTP: ``POST /documents`` uploads a file (multipart, field
``file``) for a person with a token who takes steps (an auditor takes none), answering 201
with its SHA-256, size, media type and filename; ``GET /documents/{sha256}`` streams it back
with its media type, to anyone — reading is open (G-1), as the ledger that names it.

A file is judged by its content and size before a byte is kept (``documents``): too large is
a 413 naming the limit, another type a 415 naming the types taken, either way nothing stored.
The body of an upload may be as large as the store's limit (``api.bodies``); every other
request keeps the API's own.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Request, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from api.auth import SignedIn, guarded
from api.problems import ProblemError, documented
from documents import DocumentRefused, NotHeld, Store, Stored, TooLarge, is_sha256
from domain.convention import Role
from i18n import _
from identities import Person
from stepping import NotPermitted

router = APIRouter(tags=["documents"])
Sha256 = Annotated[str, Path(description="the document's SHA-256, in hex")]


class StoredDocument(BaseModel):
    """A document the store holds: only its ``sha256`` goes into a step, and the ledger."""

    sha256: str = Field(description="SHA-256 of its bytes, in hex")
    size: int = Field(description="bytes")
    media_type: str = Field(description="its type, judged by its content")
    filename: str = Field(description="the name it was first uploaded with")

    @classmethod
    def of(cls, stored: Stored) -> StoredDocument:
        return cls(sha256=stored.sha256, size=stored.size, media_type=stored.media_type,
                   filename=stored.filename)


def store_of(request: Request) -> Store:
    store: Store = request.app.state.documents
    return store


def _uploads(person: Person) -> None:
    if person.role is Role.AUDITOR:
        raise NotPermitted("G-1", _("an auditor reads the record and takes no step, so "
                                    "uploads no document."))


def refusal(error: DocumentRefused) -> ProblemError:
    """The problem of a file the store refused: 413 too large, 415 another type."""
    detail = _("{why} Nothing was stored.").format(why=error)
    if isinstance(error, TooLarge):
        return ProblemError(413, "too-large", detail)
    return ProblemError(415, "document-refused", detail)


async def keep(store: Store, upload: UploadFile) -> Stored:
    """``upload`` kept in ``store``, or the problem of its refusal (nothing kept). At most
    one byte past the limit is read from the spooled upload."""
    data = await upload.read(store.max_bytes + 1)
    try:
        return await run_in_threadpool(store.put, data, upload.filename or "")
    except DocumentRefused as error:
        raise refusal(error) from None


async def upload(request: Request, file: UploadFile, _person: SignedIn) -> StoredDocument:
    """Upload a document (PDF, DOCX, ODT or plain UTF-8 text, judged by its content) to the
    document store; a step then names it by its `sha256` (a work plan's `attachments`). The
    same bytes again change nothing and answer the same."""
    return StoredDocument.of(await keep(store_of(request), file))


router.add_api_route("/documents", upload, methods=["POST"], status_code=201,
                     response_model=StoredDocument, responses=documented(401, 403, 413, 415, 422),
                     route_class_override=guarded(_uploads), summary="Upload a document")


def disposition(filename: str) -> str:
    """``attachment`` with ``filename`` (RFC 6266: an ASCII fallback and the UTF-8 name)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_"
                       for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@router.get("/documents/{sha256}", response_class=StreamingResponse,
            responses={200: {"content": {"application/octet-stream": {}},
                             "description": "the document's bytes"}, **documented(404)})
async def download(request: Request, sha256: Sha256) -> StreamingResponse:
    """The document of that SHA-256, byte for byte, with its media type and filename."""
    store = store_of(request)
    sha256 = sha256.lower()
    try:
        if not is_sha256(sha256):
            raise NotHeld(sha256)
        stored = await run_in_threadpool(store.stat, sha256)
        chunks = await run_in_threadpool(store.open, sha256)
    except NotHeld as error:
        raise ProblemError(404, "no-such-document", str(error)) from None
    return StreamingResponse(iterate_in_threadpool(chunks), media_type=stored.media_type,
                             headers={"Content-Disposition": disposition(stored.filename),
                                      "Content-Length": str(stored.size),
                                      "X-Content-Type-Options": "nosniff"})
