"""Any stream of any kind of process as the API and the dashboard read it: how a kind is served
(:class:`Served`: where its routes live, which stream a path names, what one shows), a stream's
state or a 404 (:func:`held`), a kind's streams listed (:func:`listed`), a stream's timeline
(:func:`timeline`), and the read routes of every kind (:func:`add_read_routes`)."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, Generic, TypeVar, get_type_hints

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api.engine import Engine
from api.problems import ProblemError, documented
from domain.kinds import Kind
from domain.procedure import PendingStep
from ledger import Ledger, StoredEvent
from reading import streams
from reading.timeline import what
from stepping.client import Recorded

S = TypeVar("S", bound=BaseModel)
READ = documented(404, 422, 503)
#: what each read route's summary says after the kind's title
NAMED = {"list": "s", "read": "", "pending": ": pending steps", "timeline": ": timeline"}
_REQUEST = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                             annotation=Request)


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def ledger_of(request: Request) -> Ledger:
    ledger: Ledger = request.app.state.ledger
    return ledger


def recorder(request: Request) -> Recorded:
    """How a step judges a stream whose workflow is not running: its state in the ledger."""
    return partial(streams.state_of, ledger_of(request))


EngineOf = Annotated[Engine, Depends(engine_of)]
LedgerOf = Annotated[Ledger, Depends(ledger_of)]


@dataclass(frozen=True)
class Served(Generic[S]):
    """A kind of process as the API serves it, at ``path``. ``key`` is the path parameter that
    names a stream — its name, and its type, which says which names are valid — and ``stream``
    the stream it names (``year`` 2027: ``cycle-2027``); ``lacking`` the problem type of a
    stream not held and its detail (``{stream}``: the stream's name). ``view`` shows one stream
    and ``summary``, for a kind listed at ``path``, one line of the list. Every stream is read
    folded from the ledger (the authority), so an ended one reads the same as a running one,
    and a year reads with the engine down."""

    kind: Kind[S]
    path: str
    key: tuple[str, Any]
    lacking: tuple[str, str]
    view: Callable[[str, S], BaseModel]
    summary: Callable[[str, S], BaseModel] | None = None
    stream: Callable[[Any], str] = str
    #: what the description of each of its routes begins with
    preface: str = ""

    @property
    def parameter(self) -> inspect.Parameter:
        """The path parameter that names a stream."""
        name, annotation = self.key
        return inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                 annotation=annotation)

    @property
    def one(self) -> str:
        """The path of one stream: ``/coalitions/{coalition}``."""
        return f"{self.path}/{{{self.key[0]}}}"

    def missing(self, stream: str) -> ProblemError:
        """The 404 of ``stream``, which the ledger does not record (``detail`` may name the
        stream, or what follows its prefix: a cycle's year)."""
        problem, detail = self.lacking
        return ProblemError(404, problem, detail.format(
            stream=stream, name=stream.removeprefix(self.kind.prefix)))


async def held(request: Request, served: Served[S], stream: str) -> S:
    """The state of ``stream`` as the ledger records it, or ``served.missing(stream)`` if it
    records none."""
    found: S | None = await run_in_threadpool(streams.state_of, ledger_of(request), stream)
    if found is None:
        raise served.missing(stream)
    return found


def listed(ledger: Ledger, served: Served[Any]) -> list[BaseModel]:
    """Every stream of the kind the ledger records, as ``served.summary`` shows it, in the
    order of their ids."""
    assert served.summary is not None, f"the {served.kind.title} is not listed"
    return [served.summary(name, streams.state_of(ledger, name))
            for name in streams.streams(ledger, served.kind)]


class TimelineEntry(BaseModel):
    """One recorded event: what, by whom in which role, when, and its place in the chain."""

    position: int
    version: int
    type: str
    actor: str
    role: str
    occurred_at: str
    recorded_at: str
    hash: str
    prev_hash: str
    summary: str
    payload: dict[str, Any]


def entry(e: StoredEvent) -> TimelineEntry:
    try:
        said = what(e.payload)
    except (KeyError, TypeError, ValueError, ArithmeticError):  # a payload of another shape
        said = ""
    return TimelineEntry(position=e.position, version=e.version, type=e.type, actor=e.actor,
                         role=e.role, occurred_at=e.occurred_at, recorded_at=e.recorded_at,
                         hash=e.hash, prev_hash=e.prev_hash, summary=said, payload=e.payload)


def timeline(ledger: Ledger, stream: str) -> list[TimelineEntry]:
    """``stream``'s events as the ledger records them, in order, with their hashes."""
    return [entry(e) for e in ledger.read_stream(stream)]


def on_stream(served: Served[Any], serve: Callable[..., Awaitable[Any]],
              *given: inspect.Parameter) -> Callable[..., Awaitable[Any]]:
    """A route handler whose parameters are the stream's key, then ``given`` (a person, a
    body, a step…): it answers ``serve(request, stream, **given)``."""
    key = served.parameter

    async def route(request: Request, **values: Any) -> Any:
        return await serve(request, served.stream(values.pop(key.name)), **values)

    route.__signature__ = inspect.Signature([_REQUEST, key, *given])  # type: ignore[attr-defined]
    return route


def add_read_routes(target: APIRouter, served: Served[Any]) -> None:
    """``GET`` the list of a listed kind, and of one stream its view, its open steps and its
    timeline."""
    kind, title = served.kind, served.kind.title

    def add(path: str, serve: Callable[..., Awaitable[Any]], *, name: str, returns: Any,
            said: str, status: dict[int | str, dict[str, Any]] = READ) -> None:
        target.add_api_route(path, serve, methods=["GET"], name=f"{name}_{kind.name}",
                             summary=f"{title[0].upper()}{title[1:]}{NAMED[name]}",
                             description=served.preface + said, responses=status,
                             response_model=returns)

    async def read(request: Request, stream: str) -> BaseModel:
        view = served.view(stream, await held(request, served, stream))
        if "attention" in type(view).model_fields:  # a view that shows it: the note, if any
            noted = await run_in_threadpool(streams.attention_of, ledger_of(request), stream)
            view = view.model_copy(update={"attention": noted})
        return view

    async def pending(request: Request, stream: str) -> list[PendingStep]:
        return kind.pending(await held(request, served, stream))

    async def events(request: Request, stream: str) -> list[TimelineEntry]:
        if not (found := await run_in_threadpool(timeline, ledger_of(request), stream)):
            raise served.missing(stream)
        return found

    if served.summary is not None:
        async def every(ledger: LedgerOf) -> list[BaseModel]:
            return await run_in_threadpool(listed, ledger, served)
        row = get_type_hints(served.summary)["return"]
        add(served.path, every, name="list", returns=list[row],  # type: ignore[valid-type]
            said=f"Every {title} the ledger records, in the order of their ids: what it is "
            "about and where it stands.", status=documented(503))
    add(served.one, on_stream(served, read), name="read",
        returns=get_type_hints(served.view)["return"],
        said=f"The {title} folded from its recorded events by the rules that judged each step.")
    add(f"{served.one}/pending", on_stream(served, pending), name="pending",
        returns=list[PendingStep], said="The steps open now: what, by whom, by when, under "
        "which rule (the engine's own are not listed).")
    add(f"{served.one}/timeline", on_stream(served, events), name="timeline",
        returns=list[TimelineEntry], said=f"The {title}'s events as the ledger records them, "
        "in order, with their hashes.")
