"""Logs operators can search and traces they can follow.

:func:`configure_logging` makes every log line of the process one structlog line, including
the lines of the Temporal SDK and uvicorn, which log through the standard library: by default
(``auto``, structlog's own switch) rendered for a person by ``structlog.dev.ConsoleRenderer``
when the stream is a terminal, else one JSON object per line for the machines that collect
them (``docker compose logs``, a pipe, a file). The activities bind the workflow id, run id,
event id and actor to their lines (:mod:`activities.recording`); the API binds the person and
the receipt of each step.

:func:`tracing_interceptors` turns on OpenTelemetry when ``INTERSESSIONAL_OTLP_ENDPOINT`` is
set: ``temporalio.contrib.opentelemetry`` traces client calls, workflows, updates and
activities, exported over OTLP/HTTP; unset, there is no tracing and no exporter.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import structlog
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from temporalio import activity, workflow
from temporalio.client import Interceptor
from temporalio.contrib.opentelemetry import TracingInterceptor

from settings import Settings

LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING,
          "error": logging.ERROR}


def rendering(form: str, stream: TextIO) -> str:
    """``json`` or ``console``: ``form`` itself, or for ``auto`` the one that suits
    ``stream`` — ``console`` on a terminal, ``json`` anywhere else."""
    if form != "auto":
        return form
    return "console" if stream.isatty() else "json"


def configure_logging(stream: TextIO = sys.stderr, level: str = "info", form: str = "auto"
                      ) -> None:
    """structlog to ``stream``, one line per entry (``form`` ``json``, ``console`` or
    ``auto``: :func:`rendering`), at ``level`` and above, the standard library's loggers
    rendered the same way."""
    form = rendering(form, stream)
    renderer: Any = (structlog.processors.JSONRenderer() if form == "json"
                     else structlog.dev.ConsoleRenderer(colors=stream.isatty()))
    # JSON keeps an error's traceback as a field (``exception``, the text Python prints), not
    # a repr of the exception info that loses it; the console renderer prints it itself
    tracebacks: list[Any] = [structlog.processors.format_exc_info] if form == "json" else []
    stamp = structlog.processors.TimeStamper(fmt="iso", utc=True)
    structlog.configure(
        processors=[structlog.contextvars.merge_contextvars, structlog.processors.add_log_level,
                    stamp, *tracebacks, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(LEVELS[level]),
        logger_factory=structlog.PrintLoggerFactory(stream), cache_logger_on_first_use=False)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *tracebacks,
                    renderer],
        foreign_pre_chain=[structlog.stdlib.add_log_level, structlog.stdlib.add_logger_name,
                           structlog.stdlib.ExtraAdder(), stamp]))
    # the SDK's workflow and activity loggers: their ids as fields (``temporal_workflow``,
    # ``temporal_activity``, by ExtraAdder), not a dict's repr appended to the message
    workflow.logger.workflow_info_on_message = False
    activity.logger.activity_info_on_message = False
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(LEVELS[level])


def configure(settings: Settings, stream: TextIO = sys.stderr) -> None:
    """Logging as the settings say (``log_level``, ``log_format``)."""
    configure_logging(stream, settings.log_level, settings.log_format)


def tracing_interceptors(settings: Settings, service: str,
                         processor: SpanProcessor | None = None) -> list[Interceptor]:
    """The Temporal interceptors that trace ``service`` (``intersessional-worker``, …): none
    without an OTLP endpoint; else spans exported to it in batches — or to ``processor``, which
    tests give to keep the spans in memory."""
    if settings.otlp_endpoint is None and processor is None:
        return []
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
    if processor is None:
        provider.add_span_processor(BatchSpanProcessor(
            OTLPSpanExporter(endpoint=settings.otlp_endpoint)))
        trace.set_tracer_provider(provider)  # once per process: flush_traces finds it
    else:
        provider.add_span_processor(processor)
    return [TracingInterceptor(provider.get_tracer("intersessional"))]


def flush_traces() -> None:
    """Send the spans still batched (at a clean stop)."""
    provider = trace.get_tracer_provider()
    if isinstance(provider, TracerProvider):
        provider.force_flush()
