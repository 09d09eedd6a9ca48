"""The language of each request: one of the UN's six, chosen in this order —

1. ``?lang=xx`` on this request (the dashboard's language switcher), kept in a ``lang``
   cookie for the next pages; an unknown ``xx`` is a 400 of one sentence, nothing else done;
2. the ``lang`` cookie: the choice made on this browser;
3. the person's setting (``identities``: ``people.language``), once they are known — a
   bearer token's person (:func:`api.auth.authenticate`) or the session's
   (:func:`api.pages.signed_in_person`) — which follows them from browser to browser;
4. ``Accept-Language`` (Babel's ``negotiate_locale``, by ``q``);
5. English.

A choice made on this browser comes before the person's setting: the cookie exists only
because the person chose on this browser, after the setting was made.
"""

from __future__ import annotations

from babel.core import negotiate_locale
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import i18n
from api.problems import problem

COOKIE = "lang"
_YEAR = 365 * 24 * 3600


def negotiated(header: str | None) -> str | None:
    """The best of the six for an ``Accept-Language`` header, or ``None``."""
    if not header:
        return None

    asked: list[tuple[float, int, str]] = []
    for n, part in enumerate(header.split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0:
            asked.append((-quality, n, tag.strip().replace("_", "-")))
    preferred = [tag for _q, _n, tag in sorted(asked)]
    chosen = negotiate_locale(preferred, list(i18n.LANGUAGES), sep="-")
    return str(chosen) if chosen else None


def explicit(request: Request) -> bool:
    """Whether this request's language was chosen on this browser (``?lang`` or the cookie),
    so that a person's setting does not override it."""
    return bool(request.scope.get("state", {}).get("language_chosen"))


def follow_person(request: Request, language: str | None) -> None:
    """Speak the person's own language for the rest of the request, unless this browser
    chose one."""
    if language and not explicit(request) and language in i18n.LANGUAGES:
        i18n.use(language)


class Language:
    """ASGI middleware: the request's language (above) for everything it renders."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        asked = request.query_params.get("lang")
        cookie = request.cookies.get(COOKIE)
        fallback = negotiated(request.headers.get("accept-language")) or i18n.SOURCE
        if asked is not None:
            try:
                code = i18n.known(asked)
            except i18n.UnknownLanguage as unknown:
                await _refuse(scope, receive, send, fallback, unknown)
                return
        elif cookie and cookie.split("-")[0].lower() in i18n.LANGUAGES:
            code = i18n.known(cookie)
        else:
            code = fallback
        scope.setdefault("state", {})["language_chosen"] = code != fallback or asked is not None \
            or bool(cookie)

        async def keeping(message: Message) -> None:
            if asked is not None and message["type"] == "http.response.start":
                cookie_line = f"{COOKIE}={code}; Path=/; Max-Age={_YEAR}; SameSite=Lax"
                headers = list(message.get("headers", []))
                headers.append((b"set-cookie", cookie_line.encode("latin-1")))
                headers.append((b"content-language", code.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        with i18n.speaking(code):
            await self.app(scope, receive, keeping)


async def _refuse(scope: Scope, receive: Receive, send: Send, lang: str,
                  unknown: i18n.UnknownLanguage) -> None:
    with i18n.speaking(lang):  # the sentence in the language the browser asks for
        said = str(i18n.UnknownLanguage(unknown.code))
    await problem(400, "unknown-language", said)(scope, receive, send)
