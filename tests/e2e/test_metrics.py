"""Prometheus metrics from real processes: ``intersessional dev`` with
``INTERSESSIONAL_WORKER_METRICS_PORT`` set serves the worker's (the Temporal SDK's and the
engine's events recorded) on that port and the API's on ``GET /metrics``; a step taken and a
step refused over HTTP move the counters; ``intersessional worker`` with its metrics port taken
stops with one sentence naming the setting.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from scenarios.scripted import first_presidency
from tests.api.conftest import PEOPLE, Api
from tests.e2e.conftest import COMMAND, INTERSESSIONAL, STARTUP, STOPPING, Dev
from tests.ports import free_port

YEAR = 2029
SCRAPE = 15.0  # seconds for a counter to show on a scrape (the core exports as it is read)


@dataclass
class MeteredDev(Dev):
    """``intersessional dev`` told to serve the worker's metrics on ``metrics_port``."""

    metrics_port: int = field(default_factory=free_port)

    @property
    def env(self) -> dict[str, str]:
        return {**super().env, "INTERSESSIONAL_WORKER_METRICS_PORT": str(self.metrics_port)}


@pytest.fixture(scope="module")
def metered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """``intersessional dev`` serving both endpoints, its worker ready, :data:`PEOPLE`
    registered; the API is dev's own (on its API port)."""
    base = tmp_path_factory.mktemp("metrics")
    dev = MeteredDev(data_dir=base / "data", temporal_port=free_port(), ui_port=free_port())
    try:
        dev.start()
        dev.ready()
        api = Api(dev=dev, port=dev.api_port)
        deadline = time.monotonic() + STARTUP
        while not _answers(f"{api.url}/health"):
            assert time.monotonic() < deadline, f"dev's API did not answer:\n{dev.output()}"
            time.sleep(0.1)
        api.register(PEOPLE)
        yield api
    finally:
        dev.kill()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def scrape(url: str) -> dict[str, list[Sample]]:
    """The samples of each metric family ``url`` serves, by family name."""
    answer = httpx.get(url, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain"), answer.headers
    return {family.name: family.samples
            for family in text_string_to_metric_families(answer.text)}


def value(families: dict[str, list[Sample]], sample: str, **labels: str) -> float:
    """The sum of ``sample``'s values whose labels include ``labels`` (0 if none)."""
    return sum(s.value for samples in families.values() for s in samples
               if s.name == sample and labels.items() <= s.labels.items())


def test_a_step_and_a_refusal_move_the_apis_counters_by_route_template(metered: Api) -> None:
    before = scrape(f"{metered.url}/metrics")
    with metered.client("isu") as http:
        opened = http.post("/cycles", json={"year": YEAR, "carried_presidencies": [
            first_presidency(YEAR).model_dump(mode="json")]})
        assert opened.status_code == 201, opened.text
        head = metered.head()
        # the meeting was never convened: the workflow refuses it under IM-1, nothing recorded
        refused = http.post(f"/cycles/{YEAR}/hold_meeting",
                            json={"records_reference": f"ISU/{YEAR}/IM"})
        assert refused.status_code == 409, refused.text
        assert refused.json()["rule_id"] == "IM-1"
        assert metered.head() == head
        assert http.get("/no/such/page/of/ours").status_code == 404
    after = scrape(f"{metered.url}/metrics")

    steps = "intersessional_steps_recorded_total"
    assert value(after, steps, kind="cycle", step="open_cycle") == \
        value(before, steps, kind="cycle", step="open_cycle") + 1
    refusals = "intersessional_refusals_total"
    assert value(after, refusals, rule_id="IM-1") == value(before, refusals, rule_id="IM-1") + 1
    assert value(after, steps, kind="cycle", step="hold_meeting") == 0

    latency = "intersessional_http_request_duration_seconds"
    for route, status in (("/cycles", "201"), ("/cycles/{year}/hold_meeting", "409"),
                          ("unmatched", "404")):
        count = value(after, f"{latency}_count", method="POST" if route != "unmatched"
                      else "GET", route=route, status=status)
        assert count >= 1, (route, status, after.get(latency))
    # by template, never by path: the made-up path and the year are no label of any series
    routes = {s.labels.get("route") for s in after[latency]}
    assert not any(r and ("no/such" in r or str(YEAR) in r) for r in routes), routes


def test_the_metrics_route_is_open_outside_the_schema_and_under_the_security_headers(
        metered: Api) -> None:
    with httpx.Client(base_url=metered.url) as http:
        answer = http.get("/metrics")  # no token, no session
        schema = http.get("/openapi.json").json()
    assert answer.status_code == 200
    assert "intersessional_http_request_duration_seconds_bucket" in answer.text
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    assert "/metrics" not in schema["paths"]


def test_the_worker_serves_temporals_metrics_and_the_events_it_recorded(metered: Api) -> None:
    with metered.client("isu") as http:
        opened = http.post("/cycles", json={"year": YEAR + 1, "carried_presidencies": [
            first_presidency(YEAR + 1).model_dump(mode="json")]})
    assert opened.status_code == 201, opened.text
    assert isinstance(metered.dev, MeteredDev)
    url = f"http://127.0.0.1:{metered.dev.metrics_port}/metrics"
    deadline = time.monotonic() + SCRAPE
    while True:
        families = scrape(url)
        # the parser names a counter's sample ``…_total``, as OpenMetrics does; the SDK's
        # exporter serves it without the suffix
        recorded = value(families, "intersessional_events_recorded_total",
                         event_type="CycleOpened",
                         kind="cycle", task_queue="e2e-cycles")
        if recorded >= 1 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert recorded >= 1, families.get("intersessional_events_recorded")
    temporal = {name for name in families if name.startswith("temporal_")}
    assert {"temporal_request", "temporal_long_request", "temporal_worker_start",
            "temporal_workflow_task_execution_latency",
            "temporal_activity_execution_latency"} <= temporal, sorted(temporal)
    # the worker on its task queue, polling it, and the client's own calls
    assert value(families, "temporal_worker_start_total", task_queue="e2e-cycles") >= 1
    assert value(families, "temporal_long_request_total", task_queue="e2e-cycles") >= 1
    assert value(families, "temporal_request_total", operation="DescribeNamespace") >= 1


def test_intersessional_worker_serves_its_metrics_on_the_settings_port(
        metered: Api, tmp_path: Path) -> None:
    """``intersessional worker`` as compose runs it, against dev's Temporal, on a task queue
    and a ledger of its own: Temporal's families for its task queue on its metrics port."""
    port = free_port()
    env = {**metered.dev.env, "INTERSESSIONAL_DATA_DIR": str(tmp_path / "worker"),
           "INTERSESSIONAL_TASK_QUEUE": "e2e-metrics-worker",
           "INTERSESSIONAL_WORKER_HEALTH_PORT": "0",
           "INTERSESSIONAL_WORKER_METRICS_PORT": str(port)}
    log = tmp_path / "worker.log"
    with log.open("wb") as written:
        worker = subprocess.Popen([str(INTERSESSIONAL), "worker"], env=env,
                                  stdin=subprocess.DEVNULL, stdout=written,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP
        while "worker_started" not in log.read_text(errors="replace"):
            assert worker.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.1)
        families = scrape(f"http://127.0.0.1:{port}/metrics")
        assert value(families, "temporal_worker_start_total",
                     task_queue="e2e-metrics-worker") == 1, families.get("temporal_worker_start")
        assert "intersessional_events_recorded" not in families  # it recorded nothing
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=STOPPING)
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=STOPPING)
    assert worker.returncode == 0, log.read_text(errors="replace")


@pytest.mark.parametrize("command", ["worker", "dev"])
def test_a_worker_whose_metrics_port_is_taken_stops_with_one_sentence(
        tmp_path: Path, command: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        dev = Dev(data_dir=tmp_path / "data", temporal_port=free_port(), ui_port=free_port())
        env = {**dev.env, "INTERSESSIONAL_WORKER_METRICS_PORT": str(port),
               "INTERSESSIONAL_WORKER_HEALTH_PORT": "0"}
        ran = subprocess.run([str(INTERSESSIONAL), command], env=env, capture_output=True,
                             text=True, timeout=COMMAND, check=False)
    assert ran.returncode == 1, ran.stdout + ran.stderr
    said = [line for line in ran.stderr.splitlines() if line.strip()]
    assert len(said) == 1, ran.stderr
    assert f"127.0.0.1:{port}" in said[0]
    assert "INTERSESSIONAL_WORKER_METRICS_PORT" in said[0]
    assert ran.stdout == ""

