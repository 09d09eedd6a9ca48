"""JSON logs keep an error's traceback as a field (``exception``), from structlog's loggers
and from the standard library's (uvicorn, the API's problem handler) alike."""

from __future__ import annotations

import io
import json
import logging

import structlog

from runtime.observability import configure_logging


def test_a_logged_exception_keeps_its_traceback_as_a_field() -> None:
    stream = io.StringIO()
    configure_logging(stream)
    try:
        try:
            raise KeyError("missing")
        except KeyError:
            logging.getLogger("intersessional.api").exception("unexpected error")
            structlog.get_logger().exception("step failed", step="approve_workplan")
    finally:
        logging.getLogger().handlers = []
        structlog.reset_defaults()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["event"] for line in lines] == ["unexpected error", "step failed"]
    for line in lines:
        assert line["exception"].startswith("Traceback (most recent call last):")
        assert line["exception"].rstrip().endswith("KeyError: 'missing'")
        assert "exc_info" not in line
