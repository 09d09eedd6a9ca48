"""The headers every answer carries, so that a browser holds the dashboard to what it is: a
page of this site that runs no script, loads nothing from elsewhere and is framed by no one.

- ``Content-Security-Policy`` (:data:`PAGES`): scripts, styles, images and connections from
  this site only, no inline script or style, forms posted to this site only,
  ``frame-ancestors 'none'``; the dashboard's templates hold no ``<script>``, ``on*=`` handler
  or ``style=`` attribute, so none is needed.
- ``X-Frame-Options: DENY`` beside ``frame-ancestors``, for browsers that know only it: the
  approve button cannot be framed and clicked through.
- ``X-Content-Type-Options: nosniff``; ``Referrer-Policy: same-origin`` (not ``no-referrer``,
  under which Chromium sends a form's ``Origin`` as ``null``, and :func:`api.pages.same_origin`
  could no longer tell this site's forms from another's).

The API's own documentation (``/docs``, ``/redoc``) loads Swagger UI and ReDoc from this site
(:data:`DOCS_ASSETS`, the files the ``fastapi-offline`` package ships: no CDN, so the pages
work offline and tell no third party who reads them) and starts Swagger UI with one inline
script: :func:`docs_html` serves those pages with a policy of their own (:func:`docs_policy`)
that allows this site and exactly that script, by its hash; the audit report, a
self-contained page with its own ``<style>``, allows that style by its hash
(:func:`styled_policy`).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import fastapi_offline
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: the policy of every answer that sets none of its own
PAGES = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
         "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
#: where the API serves Swagger UI's and ReDoc's scripts, style sheet and icon
DOCS_ASSETS = "/docs-assets"
#: Swagger UI asks swagger.io's online validator about the document (a badge) unless told not
#: to: a request elsewhere, which the policy would refuse anyway
_SWAGGER = {"validatorUrl": None}
_FIXED: tuple[tuple[bytes, bytes], ...] = (
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)
_CSP = b"content-security-policy"


def _hashes(html: str, tag: str) -> str:
    """The CSP sources of each inline ``<tag>`` of ``html``, by its SHA-256."""
    return " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.DOTALL))


def styled_policy(html: str) -> str:
    """:data:`PAGES` for a self-contained page ``html`` (the audit report, which must read the
    same offline): its own inline ``<style>`` allowed by its hash, nothing else."""
    return PAGES.replace("style-src 'self'", f"style-src {_hashes(html, 'style')}")


def docs_policy(html: str) -> str:
    """The policy of a documentation page ``html``: scripts, styles, images and fonts of this
    site only, and each of its inline scripts by its SHA-256 (never ``'unsafe-inline'`` for
    scripts); inline styles, which Swagger UI and ReDoc set as they draw, ``data:`` images
    (Swagger UI's icons) and ``blob:`` workers (ReDoc's search); still framed by no one."""
    scripts = " ".join(filter(None, ("'self'", _hashes(html, "script"))))
    return (f"default-src 'none'; script-src {scripts}; "
            "style-src 'self' 'unsafe-inline'; font-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; worker-src blob:; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")


def docs_assets() -> StaticFiles:
    """Swagger UI's and ReDoc's files as ``fastapi-offline`` ships them (swagger-ui-bundle.js,
    swagger-ui.css, redoc.standalone.js, favicon.png), to mount at :data:`DOCS_ASSETS`."""
    return StaticFiles(directory=Path(fastapi_offline.__file__).parent / "static")


def docs_html(title: str, openapi_url: str, redoc: bool = False) -> HTMLResponse:
    """Swagger UI (or ReDoc) of ``openapi_url`` from :data:`DOCS_ASSETS`, with
    :func:`docs_policy` for its page."""
    icon = f"{DOCS_ASSETS}/favicon.png"
    page = (get_redoc_html(openapi_url=openapi_url, title=f"{title} - ReDoc",
                           redoc_js_url=f"{DOCS_ASSETS}/redoc.standalone.js",
                           redoc_favicon_url=icon, with_google_fonts=False) if redoc else
            get_swagger_ui_html(openapi_url=openapi_url, title=f"{title} - Swagger UI",
                                swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
                                swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
                                swagger_favicon_url=icon, swagger_ui_parameters=_SWAGGER))
    html = bytes(page.body).decode()
    return HTMLResponse(html, headers={"Content-Security-Policy": docs_policy(html)})


class SecurityHeaders:
    """ASGI middleware: :data:`_FIXED` on every HTTP answer, and :data:`PAGES` as its
    ``Content-Security-Policy`` unless it sets its own (:func:`docs_html`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in dict(_FIXED)]
                headers += _FIXED
                if not any(k.lower() == _CSP for k, _ in headers):
                    headers.append((_CSP, PAGES.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
