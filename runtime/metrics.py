"""The worker's Prometheus endpoint: the Temporal SDK's own metrics, and the engine's.

One :class:`temporalio.runtime.Runtime` per process, made here and handed to the client the
worker polls with (:func:`runtime.temporal.connect`, or the embedded server's environment in
``intersessional dev``). Its Prometheus exporter — the SDK's Rust core, not
``prometheus_client`` — answers ``GET /metrics`` on ``INTERSESSIONAL_WORKER_METRICS_HOST:PORT``
with Temporal's families (``temporal_workflow_completed``, ``temporal_request``,
``temporal_activity_execution_latency`` …, counters without a ``_total`` suffix and durations in
milliseconds, as Temporal's own dashboards read them) and the engine's counters recorded through
the same runtime's meter (``intersessional_events_recorded``, :mod:`activities.recording`).

``intersessional worker`` serves it unless the port is 0. ``intersessional dev`` serves it only
when ``INTERSESSIONAL_WORKER_METRICS_PORT`` is set: a fixed default port would stop a second dev
process on the same machine (two developers, or the test suite's parallel workers) from
starting at all.
"""

from __future__ import annotations

import ipaddress
import socket

from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from i18n import _
from settings import Settings, variable

PORT_FIELD = "worker_metrics_port"


def metrics_address(settings: Settings, *, dev: bool = False) -> str | None:
    """``host:port`` of the worker's metrics endpoint, or None when it serves none: port 0,
    or ``dev`` with no port set (see the module's docstring)."""
    port = settings.worker_metrics_port
    if port == 0 or (dev and PORT_FIELD not in settings.model_fields_set):
        return None
    host = _ip(settings.worker_metrics_host)
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _ip(host: str) -> str:
    """``host`` as an IP address (the core's exporter takes no names): a name such as
    ``localhost`` resolved to its first address; a name that resolves to none as it is, which
    the exporter then refuses in a sentence."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        return str(socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)[0][4][0])
    except OSError:
        return host


def metered_runtime(settings: Settings, *, dev: bool = False) -> Runtime | None:
    """A runtime exporting its metrics at :func:`metrics_address`, or None (the SDK's default
    runtime, without metrics) when it serves none. A port that cannot be bound is an
    :class:`OSError` naming the setting, as the health endpoint's is."""
    address = metrics_address(settings, dev=dev)
    if address is None:
        return None
    try:
        return Runtime(telemetry=TelemetryConfig(
            metrics=PrometheusConfig(bind_address=address)))
    except ValueError as error:  # the core's exporter could not bind (port taken, bad host)
        raise OSError(_("the worker's metrics endpoint cannot listen on {address} ({error}); "
                        "set {host} to an address of this machine and {port} to a free port, "
                        "or to 0 for none").format(
                            address=address, error=error, host=variable("worker_metrics_host"),
                            port=variable(PORT_FIELD))) from None
