"""Compose's ``prometheus`` service as a local process: Debian's ``prometheus`` (and its
``promtool``) on ``deploy/prometheus/prometheus.yml``'s jobs, each job's targets — compose's
service names on the backend network — replaced by the local ports the topology's processes
serve their metrics on, and scraping every second.

Without the binaries a test is skipped with the reason — unless
``INTERSESSIONAL_REQUIRE_PROMETHEUS=1`` (set by ``.ci/run``, which installs them), under which
it fails.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.absent import absent
from tests.ports import free_port
from tests.topology.conftest import Process, Topology, child_environment

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "prometheus" / "prometheus.yml"
SCRAPED = 60.0  # seconds for every target to be scraped up (two or three scrapes, 1 s apart)


def binaries_or_skip() -> tuple[Path, Path]:
    """``prometheus`` and ``promtool``; their absence skips the test, or fails it where CI
    requires them."""
    found = [shutil.which(name) for name in ("prometheus", "promtool")]
    if None in found:
        absent("prometheus and promtool are not installed (apt-get install prometheus)",
               "PROMETHEUS")
    return Path(str(found[0])), Path(str(found[1]))


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    """``promtool *args``, which must exit 0."""
    _, tool = binaries_or_skip()
    checked = subprocess.run([str(tool), *args], capture_output=True, text=True, timeout=60,
                             check=False, stdin=subprocess.DEVNULL)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return checked


def local_config(targets: dict[str, str]) -> dict[str, Any]:
    """The deployed configuration with each job scraping ``targets[job]`` (``host:port``)
    instead of compose's services, every second. Every job the file names must be given: a
    job added there is one this test must reach too."""
    deployed = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    jobs = {job["job_name"] for job in deployed["scrape_configs"]}
    assert jobs == set(targets), f"{CONFIG.name} scrapes {sorted(jobs)}"
    scrape = [{**{k: v for k, v in job.items() if not k.endswith("_configs")},
               "static_configs": [{"targets": [targets[job["job_name"]]]}]}
              for job in deployed["scrape_configs"]]
    return {**deployed, "global": {**deployed["global"], "scrape_interval": "1s",
                                   "evaluation_interval": "1s"}, "scrape_configs": scrape}


@dataclass
class Prometheus:
    process: Process
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def query(self, expression: str) -> dict[str, float]:
        """``expression``'s instant vector, by each sample's ``job``."""
        answer = httpx.get(f"{self.url}/api/v1/query", params={"query": expression},
                           timeout=10).json()
        assert answer["status"] == "success", answer
        return {s["metric"]["job"]: float(s["value"][1]) for s in answer["data"]["result"]}

    def targets(self) -> list[dict[str, Any]]:
        answer = httpx.get(f"{self.url}/api/v1/targets", timeout=10).json()
        targets: list[dict[str, Any]] = answer["data"]["activeTargets"]
        return targets


def start_prometheus(topology: Topology, targets: dict[str, str]) -> Prometheus:
    """``prometheus`` on :func:`local_config` with ``targets`` and on a free port (the
    ``prometheus`` job scrapes Prometheus itself there), its data under the run's own
    directory; the configuration checked by ``promtool`` first."""
    binary, _ = binaries_or_skip()
    port = free_port()
    config = topology.base / "prometheus.yml"
    config.write_text(yaml.safe_dump(local_config(
        {**targets, "prometheus": f"127.0.0.1:{port}"})), encoding="utf-8")
    promtool("check", "config", str(config))
    process = topology.spawn("prometheus", [
        str(binary), f"--config.file={config}",
        f"--storage.tsdb.path={topology.base / 'prometheus-data'}",
        f"--web.listen-address=127.0.0.1:{port}"], child_environment({}))
    return Prometheus(process, port)


def wait_scraped(prometheus: Prometheus, jobs: set[str]) -> list[dict[str, Any]]:
    """Until a scrape of every target of ``jobs`` has succeeded; the targets. Fails with
    each target's last error and Prometheus's log."""
    deadline = time.monotonic() + SCRAPED
    targets: list[dict[str, Any]] = []
    while True:
        prometheus.process.must_run("its targets to be scraped")
        with contextlib.suppress(httpx.TransportError, ValueError, KeyError):
            targets = prometheus.targets()
            up = {t["labels"]["job"] for t in targets if t["health"] == "up"}
            if jobs <= up:
                return targets
        if time.monotonic() > deadline:
            said = [(t["labels"]["job"], t["scrapeUrl"], t["health"], t["lastError"])
                    for t in targets]
            pytest.fail(f"Prometheus did not scrape {sorted(jobs)} within {SCRAPED:.0f} s: "
                        f"{said}\n{prometheus.process.output()}")
        time.sleep(0.5)
