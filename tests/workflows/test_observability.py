"""What operators see of a running engine: the activities' log lines with the workflow id, run
id, event id and actor bound; spans when tracing is on; the worker's health endpoint; and the
lead times a year passes to the next."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from structlog.testing import capture_logs
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from contracts import cycle_id
from domain.calendar import default_calendar
from domain.commands import OpenCycle
from runtime.observability import configure_logging, flush_traces, tracing_interceptors
from scenarios.scripted import ISU, first_presidency, run_year
from tests.cycles import cycle_state, open_cycle
from tests.ports import free_port
from tests.workflows.conftest import Engine
from worker import serve


def opening(year: int = 2027) -> OpenCycle:
    return OpenCycle(year=year, actor=ISU, carried_presidencies=(first_presidency(year),))


async def test_a_recorded_event_is_logged_with_its_workflow_run_event_and_actor(
        engine: Engine) -> None:
    with capture_logs() as logs:
        receipt = await open_cycle(engine.client, opening(), engine.task_queue)
    [line] = [entry for entry in logs if entry["event"] == "event_recorded"]
    run_id = (await engine.client.get_workflow_handle(cycle_id(2027)).describe()).run_id
    assert line["workflow_id"] == cycle_id(2027)
    assert line["run_id"] == run_id
    assert line["event_id"] == str(receipt.event_id)
    assert (line["actor"], line["role"]) == (ISU.name, "isu")
    assert line["position"] == receipt.position


def test_the_standard_librarys_lines_come_out_as_json_too() -> None:
    """Temporal's SDK and uvicorn log through ``logging``: the same JSON objects."""
    stream = io.StringIO()
    try:
        configure_logging(stream, "info", "json")
        logging.getLogger("temporalio.worker").warning("a %s line", "foreign")
        logging.getLogger("temporalio.worker").debug("below the level")
    finally:
        configure_logging()
    [line] = [json.loads(text) for text in stream.getvalue().splitlines()]
    assert line["event"] == "a foreign line"
    assert line["logger"] == "temporalio.worker"
    assert line["level"] == "warning"


async def test_with_tracing_on_the_cycle_is_traced_from_client_to_activity(
        engine_parts: Engine) -> None:
    spans = InMemorySpanExporter()
    traced = tracing_interceptors(engine_parts.settings, "intersessional-test",
                                  SimpleSpanProcessor(spans))
    assert tracing_interceptors(engine_parts.settings, "no-endpoint") == []
    client = Client(engine_parts.client.service_client, namespace=engine_parts.client.namespace,
                    data_converter=pydantic_data_converter, interceptors=traced)
    engine_parts.client = client
    async with engine_parts.worker():
        await open_cycle(client, opening(), engine_parts.task_queue)
    names = {span.name for span in spans.get_finished_spans()}
    assert {"StartWorkflow:AnnualCycle", "RunWorkflow:AnnualCycle",
            "StartActivity:prepare_cycle", "RunActivity:prepare_cycle"} <= names, names
    [start] = [s for s in spans.get_finished_spans() if s.name == "StartWorkflow:AnnualCycle"]
    [run] = [s for s in spans.get_finished_spans() if s.name == "RunWorkflow:AnnualCycle"]
    assert start.context is not None
    assert run.context is not None
    assert run.context.trace_id == start.context.trace_id  # one trace, client to worker


async def test_the_worker_answers_health_while_it_polls_and_stops_answering_after(
        engine_parts: Engine) -> None:
    port = free_port()
    settings = engine_parts.settings.model_copy(update={
        "worker_health_port": port, "task_queue": engine_parts.task_queue})
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(engine_parts.client, settings, stop, health=True))
    url = f"http://127.0.0.1:{port}/health"
    async with httpx.AsyncClient(timeout=5) as http:
        for _ in range(200):
            try:
                answer = await http.get(url)
                break
            except httpx.TransportError:
                await asyncio.sleep(0.05)
        assert answer.status_code == 200
        assert answer.json()["worker"] == "polling"
        assert answer.json()["task_queue"] == engine_parts.task_queue
        await open_cycle(engine_parts.client, opening(), engine_parts.task_queue)
        assert (await http.get(url)).json()["ledger_head"] == engine_parts.ledger.head() >= 1
        stop.set()
        await asyncio.wait_for(serving, timeout=30)
        try:
            await http.get(url)
            raise AssertionError("the health endpoint still answers after the worker stopped")
        except httpx.TransportError:
            pass


async def test_the_next_year_keeps_the_lead_times_of_the_year_that_opened_it(
        engine: Engine) -> None:
    """INTERSESSIONAL_COMMITTEE_WEEKS=4 and REMINDER_DAYS=10 on 2027 hold for 2028 too."""
    calendar = default_calendar(2027, committee_weeks=4, reminder_days=10)
    await run_year(engine.client, 2027, engine.task_queue, returns=0, calendar=calendar)
    await engine.env.sleep(timedelta(seconds=5))
    following = None
    for _ in range(100):
        try:
            following = (await cycle_state(engine.client, 2028)).calendar
            break
        except Exception:
            await asyncio.sleep(0.1)
    assert following is not None
    assert following.closing_msp - following.committee_due == timedelta(weeks=4)
    assert following.reminder_days == 10
    assert following.year == 2028


async def test_the_workflows_own_lines_carry_its_ids_as_fields(engine: Engine) -> None:
    stream = io.StringIO()
    try:
        configure_logging(stream, "info", "json")
        await open_cycle(engine.client, opening(), engine.task_queue)
    finally:
        configure_logging()
    lines = [json.loads(text) for text in stream.getvalue().splitlines()]
    [recorded] = [line for line in lines if line.get("logger") == "temporalio.workflow"
                  and str(line["event"]).startswith("recorded CycleOpened")]
    assert "{" not in recorded["event"]  # no dict's repr in the message
    assert recorded["temporal_workflow"]["workflow_id"] == cycle_id(2027)
    assert recorded["temporal_workflow"]["run_id"]


class _Collector(BaseHTTPRequestHandler):
    """An OTLP/HTTP collector that keeps what it is sent."""

    received: ClassVar[list[tuple[str, str, bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, self.headers["Content-Type"], body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_: object) -> None:  # quiet
        return None


async def test_an_otlp_endpoint_receives_the_spans_over_http(engine_parts: Engine) -> None:
    """INTERSESSIONAL_OTLP_ENDPOINT set: the spans reach a collector there, as OTLP/HTTP."""
    collector = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    try:
        endpoint = f"http://127.0.0.1:{collector.server_address[1]}/v1/traces"
        settings = engine_parts.settings.model_copy(update={"otlp_endpoint": endpoint})
        client = Client(engine_parts.client.service_client,
                        namespace=engine_parts.client.namespace,
                        data_converter=pydantic_data_converter,
                        interceptors=tracing_interceptors(settings, "intersessional-worker"))
        engine_parts.client = client
        async with engine_parts.worker():
            await open_cycle(client, opening(), engine_parts.task_queue)
        await asyncio.to_thread(flush_traces)
    finally:
        collector.shutdown()
    assert _Collector.received, "the collector received nothing"
    names, services = set(), set()
    for path, kind, body in _Collector.received:
        assert (path, kind) == ("/v1/traces", "application/x-protobuf")
        request = ExportTraceServiceRequest.FromString(body)
        for spans in request.resource_spans:
            services |= {a.value.string_value for a in spans.resource.attributes
                         if a.key == "service.name"}
            names |= {s.name for scope in spans.scope_spans for s in scope.spans}
    assert services == {"intersessional-worker"}
    assert {"StartWorkflow:AnnualCycle", "RunActivity:prepare_cycle"} <= names, names


async def test_a_worker_whose_health_port_is_taken_does_not_start(engine_parts: Engine) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = engine_parts.settings.model_copy(update={
            "worker_health_port": port, "task_queue": engine_parts.task_queue})
        with pytest.raises(OSError, match=f"cannot listen on 127.0.0.1:{port}"):
            await asyncio.wait_for(serve(engine_parts.client, settings, asyncio.Event(),
                                         health=True), timeout=30)
