"""Reaching Temporal: one client (TLS, pydantic data converter, interceptors) for the worker,
the API, the CLI and the audit, and the signals that stop a long-running process cleanly."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Sequence
from pathlib import Path

from temporalio.client import Client, Interceptor
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import Runtime
from temporalio.service import TLSConfig

from i18n import N_
from settings import Settings

#: what an entry point says when no Temporal answers at ``{address}`` (translated where said:
#: ``_(NO_TEMPORAL).format(address=…)``), never the transport's own error text
NO_TEMPORAL = N_("no Temporal server answers at {address}; start one with `intersessional dev`, "
                 "or set INTERSESSIONAL_TEMPORAL_ADDRESS to one that runs.")


def tls_config(settings: Settings) -> TLSConfig | bool:
    """TLS to Temporal as the settings say: off, on with the system's roots, or with the
    given CA, client certificate and server name."""
    if not settings.uses_tls:
        return False

    def read(path: Path | None) -> bytes | None:
        return None if path is None else path.read_bytes()

    return TLSConfig(server_root_ca_cert=read(settings.temporal_tls_ca),
                     client_cert=read(settings.temporal_tls_cert),
                     client_private_key=read(settings.temporal_tls_key),
                     domain=settings.temporal_tls_server_name)


def api_key(settings: Settings) -> str | None:
    """The API key the settings' file holds (its first line), if they name one."""
    path = settings.temporal_api_key_file
    return None if path is None else path.read_text(encoding="utf-8").strip() or None


async def connect(settings: Settings, interceptors: Sequence[Interceptor] = (),
                  runtime: Runtime | None = None) -> Client:
    """A client of the Temporal the settings point at (TLS and its client certificate, or an
    API key, included), with ``interceptors`` (tracing, see :mod:`runtime.observability`) and
    the worker's ``runtime`` (its metrics, :mod:`runtime.metrics`; else the SDK's default).
    Every process reaches Temporal through here: the worker, the API, the CLI, the audit."""
    return await Client.connect(settings.temporal_address,
                                namespace=settings.temporal_namespace,
                                data_converter=pydantic_data_converter,
                                tls=tls_config(settings), api_key=api_key(settings),
                                interceptors=interceptors, runtime=runtime)


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM, so that either stops the process cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop
