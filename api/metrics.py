"""``GET /metrics``: the API's Prometheus metrics, in Prometheus's text format.

- ``intersessional_http_request_duration_seconds`` (histogram; ``method``, ``route``,
  ``status``): every answer's latency, by the route's template (``/cycles/{year}/...``, never
  the path itself, so a scan of made-up paths adds no series: those are ``route="unmatched"``);
  measured outside every other middleware, so a body refused before it is read counts too.
- ``intersessional_steps_recorded_total`` (``kind``, ``step``): steps the engine recorded for a
  request of this API (:meth:`api.engine.Engine.recorded`), through the API or the dashboard.
- ``intersessional_refusals_total`` (``rule_id``): steps the rules refused, where a
  :class:`domain.errors.RuleViolation` becomes a problem (:mod:`api.problems`) or a dashboard
  page's sentence (:func:`api.pages.not_taken`).
- ``process_*`` and ``python_*``: prometheus_client's own, of this process.

The metrics live in prometheus_client's default registry: the API is one process (uvicorn
without ``--workers``, :mod:`api.serve`), so no multiprocess collection is needed; a second API
process is a second target to scrape. The route is outside the OpenAPI schema; it reveals no
person or content (counts by rule, step and route only), and the TLS proxy in front of the API
does not pass it through (docs/OPERATIONS.md, "Metrics"): Prometheus scrapes the API on the
internal network.
"""

from __future__ import annotations

import time

from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.exposition import choose_encoder
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY = Histogram("intersessional_http_request_duration_seconds",
                    "Time the API took to answer a request, to the end of its body",
                    ["method", "route", "status"])
STEPS = Counter("intersessional_steps_recorded", "Steps the engine recorded for the API",
                ["kind", "step"])
REFUSALS = Counter("intersessional_refusals", "Steps refused by the rules, by the rule cited",
                   ["rule_id"])
UNMATCHED = "unmatched"


def step_recorded(kind: str, step: str) -> None:
    STEPS.labels(kind=kind, step=step).inc()


def refused(rule_id: str) -> None:
    REFUSALS.labels(rule_id=rule_id).inc()


async def metrics(request: Request) -> Response:
    """The registry in the format the scraper asks for (Prometheus text, or OpenMetrics)."""
    encode, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encode(REGISTRY), media_type=content_type)


class Measured:
    """ASGI middleware: each HTTP answer's latency in :data:`LATENCY`, under the template of
    the route that served it (the router writes ``scope["route"]`` as it matches)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception that escapes is answered 500 outside this middleware

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            route = getattr(scope.get("route"), "path", None) or UNMATCHED
            LATENCY.labels(method=scope["method"], route=route, status=str(status)).observe(
                time.perf_counter() - started)
