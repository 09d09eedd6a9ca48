"""The HTTP API and the dashboard, over a running engine: :func:`create_app`.

The app holds one Temporal client (:class:`api.engine.Engine`) and one engine of the ledger's
database, where the identities of :mod:`identities` and the timeline are read. It writes
nothing itself: every step goes to the workflow of the cycle, the country coalition or the
silence procedure it belongs to, which judges it and records it.

``uvicorn api.app:create_app --factory`` serves it with the settings of the environment
(``INTERSESSIONAL_*``); ``intersessional api`` and ``intersessional dev`` through
:mod:`api.serve`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from api import (
    audit,
    coalitions,
    confirm,
    cycles,
    dashboard,
    dashboard_documents,
    documents,
    notices,
    pages,
    people,
    problems,
    silence,
    tasks,
)
from api.bodies import BodyLimit
from api.engine import Engine
from api.headers import DOCS_ASSETS, SecurityHeaders, docs_assets, docs_html
from api.language import Language
from api.metrics import Measured, metrics
from api.problems import KINDS, Problem, ProblemError
from api.throttle import SignInLimits
from attesting import Signer
from identities import People, Sessions
from ledger import Ledger, create_ledger_engine
from runtime.documents import document_store
from settings import Settings, load

DESCRIPTION = """The annual cycle of the Convention on Cluster Munitions, as the engine holds it;
the country coalitions of the 7MSP paper (rules CK-1 … CK-8); and the silence procedure, a
documented extension (later practice, not in the seed papers; rules SP-1 … SP-4).

Reading is open to anyone (G-1: openness and transparency). Every step is taken by the holder
of a bearer token (`Authorization: Bearer <token>`, issued by `intersessional users add`): the
actor recorded is the token's holder, never anything in the body. Errors are RFC 9457
`application/problem+json`; a refusal carries the `rule_id` it cites and its `source`
paragraph. Nothing is recorded by a request answered with a 4xx. Documents (a work plan's
attachments) are uploaded to `POST /documents` and named in a step by their SHA-256. A text
or a list over its limit (`maxLength`, `maxItems`) is a 422 naming the field and the limit;
a body over 1 MiB (an upload: over the store's limit), or a step over 256 KiB as JSON, is a
413, the body refused before it is read.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API and dashboard for ``settings`` (default: from the environment)."""
    settings = settings or load()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = create_ledger_engine(settings.effective_ledger_url)
        app.state.settings = settings
        app.state.people = People(database)
        app.state.sessions = Sessions(database, timedelta(hours=settings.session_hours))
        app.state.signins = SignInLimits(settings)
        app.state.ledger = Ledger(database)
        app.state.engine = Engine(settings)
        app.state.documents = document_store(settings)
        # the API authenticates people, so it vouches for their steps with the deployment's key
        app.state.signer = Signer.of(settings.effective_attestation_key)
        await app.state.engine.start()
        try:
            yield
        finally:
            database.dispose()

    app = FastAPI(title="intersessional", version="0.1.0", description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    problems.install(app)
    app.add_middleware(Language)  # the request's language, for its pages and its problems
    # a body over the limit is refused before it is read; an upload's limit is the store's
    app.add_middleware(BodyLimit, uploads=settings.document_max_bytes)
    app.add_middleware(SecurityHeaders)  # on every answer, a 413 included
    app.add_middleware(Measured)  # the outermost: every answer's latency, a 413's too
    # the cycle page's upload and the confirmation pages before the dashboard's own steps,
    # whose ``/dashboard/{year}/{step}`` would take ``…/documents`` and ``…/{step}/confirm``
    for routes in (cycles, coalitions, silence, people, notices, audit, documents, pages,
                   confirm, tasks, dashboard_documents, dashboard):
        app.include_router(routes.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"),
              name="static")
    app.mount(DOCS_ASSETS, docs_assets(), name="docs-assets")  # /docs and /redoc, offline

    @app.get("/health", tags=["engine"], responses=problems.documented(503))
    async def health() -> dict[str, Any]:
        """Whether Temporal and the ledger answer (not whether a worker runs)."""
        engine: Engine = app.state.engine
        await engine.ask(lambda client: client.service_client.check_health())
        head = await run_in_threadpool(app.state.ledger.head)
        return {"temporal": settings.temporal_address, "ledger_head": head}

    # for Prometheus on the internal network: not in the schema, and not passed through by
    # the TLS proxy (api.metrics)
    app.add_api_route("/metrics", metrics, methods=["GET"], include_in_schema=False)

    @app.get("/problems/{kind}", include_in_schema=False)
    async def problem_type(kind: str) -> JSONResponse:
        if kind not in KINDS:
            raise ProblemError(404, "invalid-request", f"no problem type is called {kind!r}.")
        title, meaning = KINDS[kind]
        return JSONResponse({"type": f"/problems/{kind}", "title": title, "description": meaning})

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return docs_html(app.title, "/openapi.json")

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return docs_html(app.title, "/openapi.json", redoc=True)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version,
                                 description=app.description, routes=app.routes)
            found = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(found.pop("$defs", {}))
            components["Problem"] = found
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
