"""Compose's ``prometheus`` service on the production topology as processes
(``conftest.Topology``, :mod:`tests.topology.prometheus`):

- ``promtool check config`` accepts ``deploy/prometheus/prometheus.yml``, the file compose
  mounts;
- Temporal (its metrics on a port of its own, as compose's ``PROMETHEUS_ENDPOINT``), the
  ledger's migration and signing key, a worker with its metrics port and the API started as
  compose starts them, and Debian's Prometheus on the same file's jobs — ``api``, ``worker``,
  ``temporal`` and ``prometheus``, each target the local port its process serves — finds every
  target up, and reads the API's request latencies and the worker's Temporal SDK families.
"""

from __future__ import annotations

import time

from tests.ports import free_port
from tests.topology.conftest import Topology
from tests.topology.prometheus import CONFIG, SCRAPED, promtool, start_prometheus, wait_scraped

JOBS = {"api", "worker", "temporal", "prometheus"}


def test_the_deployed_configuration_is_valid() -> None:
    checked = promtool("check", "config", str(CONFIG))
    assert "SUCCESS" in checked.stdout + checked.stderr


def test_prometheus_scrapes_the_api_the_worker_and_temporal(topology: Topology) -> None:
    temporal_metrics, worker_metrics = free_port(), free_port()
    temporal = topology.start_temporal(metrics_port=temporal_metrics)
    topology.wait_temporal(temporal)
    topology.run("db", "upgrade")  # ledger-migrate
    topology.run("db", "keygen", "--out", str(topology.signing_key))
    worker = topology.start_worker("worker", 0, metrics_port=worker_metrics)
    api = topology.start_api()
    prometheus = start_prometheus(topology, {
        "api": f"127.0.0.1:{topology.api_port}", "worker": f"127.0.0.1:{worker_metrics}",
        "temporal": f"127.0.0.1:{temporal_metrics}"})
    topology.wait_worker(worker)
    topology.wait_api(api)  # its GET /health: a request the latency histogram counts

    targets = wait_scraped(prometheus, JOBS)
    assert sorted(t["labels"]["job"] for t in targets) == sorted(JOBS), targets
    assert prometheus.query("up") == dict.fromkeys(JOBS, 1.0)
    own = {"api": 'count by (job) ({job="api", __name__=~"intersessional_http_.+"})',
           "worker": 'count by (job) ({job="worker", __name__=~"temporal_.+"})'}
    deadline = time.monotonic() + SCRAPED
    found: dict[str, dict[str, float]] = {}
    while set(found) != set(own):  # the series show from the first scrape that has them
        assert time.monotonic() < deadline, f"families scraped: {found}"
        found = {job: read for job, expression in own.items()
                 if (read := prometheus.query(expression)).get(job, 0) > 0}
        time.sleep(0.5)
