"""Who is asking: ``Authorization: Bearer <token>`` turned into the :class:`identities.Person`
whose ``actor`` the engine records — never what a request body says about itself.

A route that changes anything is a :func:`guarded` route: the token, and for a step the
person's role (a cycle's, a coalition's, a silence procedure's), are checked before the body is
even read, so a request without a valid token is a 401 and one from a role that never takes the
step a 403, whatever its body holds.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request, Response, Security
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api.language import follow_person
from api.problems import ProblemError
from identities import People, Person, Unauthenticated

bearer = HTTPBearer(auto_error=False, scheme_name="token",
                    description="A token the ISU issued: `intersessional users add` prints it.")
_CHALLENGE = 'Bearer realm="intersessional"'


def _unauthenticated(detail: str, invalid: bool) -> ProblemError:
    challenge = _CHALLENGE + (', error="invalid_token"' if invalid else "")
    return ProblemError(401, "unauthenticated", detail, {"WWW-Authenticate": challenge})


async def person_of(people: People, token: str) -> Person:
    """The person holding ``token``, or a 401 saying why not (never repeating the token)."""
    try:
        return await run_in_threadpool(people.authenticate, token)
    except Unauthenticated as error:
        raise _unauthenticated(str(error), invalid=True) from None


async def authenticate(request: Request) -> Person:
    """The person whose bearer token ``request`` carries, or a 401."""
    header = request.headers.get("authorization")
    if header is None:
        raise _unauthenticated("this needs a token: send `Authorization: Bearer <token>` with "
                               "the token the ISU issued you.", invalid=False)
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthenticated("the Authorization header must read `Bearer <token>`.",
                               invalid=True)
    people: People = request.app.state.people
    person = await person_of(people, token.strip())
    follow_person(request, person.language)
    return person


Credentials = Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]


async def signed_in(request: Request, _: Credentials) -> Person:
    """Dependency: the authenticated person (already known on a :func:`guarded` route)."""
    known = getattr(request.state, "person", None)
    return known if isinstance(known, Person) else await authenticate(request)


#: the person a request's token names (a guarded route has authenticated them already)
SignedIn = Annotated[Person, Depends(signed_in)]


def guarded(permit: Callable[[Person], None] | None = None) -> type[APIRoute]:
    """A route class that authenticates the request, and checks with ``permit(person)`` —
    which raises :class:`stepping.NotPermitted` — that the person's role may take the step,
    with a 403 otherwise, before FastAPI reads and validates the body."""

    class Guarded(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()

            async def guard(request: Request) -> Response:
                person = await authenticate(request)
                if permit is not None:
                    permit(person)
                request.state.person = person
                return await handler(request)

            return guard

    return Guarded
