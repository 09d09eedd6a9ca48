"""A frontend that requires mutual TLS, in front of a Temporal dev server (which speaks no TLS
of its own: ``temporal server start-dev`` has no TLS flags): a real TLS endpoint (Python's
``ssl``, OpenSSL) that demands a client certificate signed by the given CA, as
docker-compose.yml's Temporal does with TEMPORAL_TLS_REQUIRE_CLIENT_AUTH, and passes the
bytes of each accepted connection to the server as they are.

It notes the common name of every client certificate it accepted, and counts the handshakes
it refused, so that a test sees who got through.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from dataclasses import dataclass, field
from pathlib import Path


def server_context(cert: Path, key: Path, client_ca: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    context.load_verify_locations(client_ca)
    context.verify_mode = ssl.CERT_REQUIRED  # no certificate, or another CA's: no connection
    context.set_alpn_protocols(["h2"])  # gRPC is HTTP/2
    return context


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, ssl.SSLError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


@dataclass
class MutualTLSProxy:
    """Listens on 127.0.0.1:``port`` with TLS, forwards to ``upstream`` (host, port)."""

    context: ssl.SSLContext
    upstream: tuple[str, int]
    port: int
    accepted: list[str] = field(default_factory=list)
    refused: int = 0
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self) -> None:
        # the handshake is done by hand, after the TCP accept, to count the refused ones
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await writer.start_tls(self.context)
        except (ssl.SSLError, ConnectionError, OSError):
            self.refused += 1
            writer.transport.abort()
            return
        peer = writer.get_extra_info("peercert") or {}
        names = [v for rdn in peer.get("subject", ()) for k, v in rdn if k == "commonName"]
        self.accepted.append(names[0] if names else "")
        up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        pipes = [asyncio.create_task(_pipe(reader, up_writer)),
                 asyncio.create_task(_pipe(up_reader, writer))]
        self._tasks.update(pipes)
        await asyncio.gather(*pipes)
        self._tasks.difference_update(pipes)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
