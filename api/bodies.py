"""No request body larger than :data:`domain.limits.REQUEST_BYTES` is read: :class:`BodyLimit`,
a pure ASGI middleware, answers 413 before any route authenticates, parses or validates it.

A body that says its length (``Content-Length``) is refused before a byte of it is read; one
sent in chunks, without a length, is counted as it arrives and refused at the first chunk past
the limit — nothing more of it is read, nor kept. The largest body a route takes is a step's
request, itself at most :data:`domain.limits.STEP_BYTES` as JSON — except an upload to the
document store (:func:`is_upload`), which may be as large as the store's limit and a little
more for its multipart envelope.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem
from domain.limits import REQUEST_BYTES

#: what a multipart envelope adds to an uploaded file: its boundaries and part headers
ENVELOPE = 64 * 1024


def is_upload(scope: Scope) -> bool:
    """``POST /documents``, or a dashboard page's upload (``…/documents``)."""
    path = str(scope.get("path", ""))
    return scope.get("method") == "POST" and (
        path == "/documents" or (path.startswith("/dashboard/") and path.endswith("/documents")))


class BodyTooLarge(HTTPException):
    """Raised by the counted ``receive`` at the first chunk past the limit: FastAPI and
    Starlette let an ``HTTPException`` through while reading a body, to the app's handler
    (a 413 problem) or, failing that, to :class:`BodyLimit`."""

    def __init__(self, most: int) -> None:
        super().__init__(413, too_large(most))


def too_large(most: int, size: int | None = None) -> str:
    """The sentence of a 413: the limit, and the body's size where it said it."""
    said = f"of {size:,} bytes " if size is not None else ""
    return (f"the request's body {said}is larger than the API takes: at most "
            f"{most / 1024 / 1024:g} MiB ({most:,} bytes); nothing of it was read further.")


class BodyLimit:
    """Refuse with 413 an HTTP request whose body is over ``most`` bytes."""

    def __init__(self, app: ASGIApp, most: int = REQUEST_BYTES, uploads: int = REQUEST_BYTES
                 ) -> None:
        self.app, self.most, self.uploads = app, most, max(most, uploads + ENVELOPE)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        most = self.uploads if is_upload(scope) else self.most
        declared = Headers(scope=scope).get("content-length", "")
        if declared.strip().isdigit() and int(declared) > most:
            await refuse(scope, receive, send, too_large(most, int(declared)))
            return
        received, started = 0, False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > most:
                    raise BodyTooLarge(most)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge as error:
            if started:  # the app answered before it read the rest: nothing more to say
                raise
            await refuse(scope, receive, send, error.detail)


async def refuse(scope: Scope, receive: Receive, send: Send, detail: str) -> None:
    """Answer 413 as problem+json, closing the connection: the rest of the body is never
    read."""
    await problem(413, "too-large", detail, {"Connection": "close"})(scope, receive, send)
