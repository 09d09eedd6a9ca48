"""The document stores under test: the filesystem's in a temporary directory, and S3's
against a real S3-compatible HTTP server started here — moto's ``ThreadedMotoServer``
(``moto[server]``, from PyPI: the S3 API served over HTTP in this process; MinIO's binary is
not packaged on PyPI or in Debian)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from documents import FileStore, Store
from documents.s3 import S3Store
from tests.ports import free_port

#: a small limit, so that "too large" needs no 20 MiB in a test
LIMIT = 64 * 1024


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """An S3-compatible server on a free port, with made-up credentials in the environment
    (the standard AWS variables the backend reads)."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        yield f"http://{host}:{port}"
    server.stop()


def new_bucket(endpoint: str) -> str:
    name = f"documents-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=name)
    return name


@pytest.fixture(params=["filesystem", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """Each backend, empty, taking documents up to :data:`LIMIT` bytes."""
    if request.param == "filesystem":
        return FileStore(tmp_path / "documents", LIMIT)
    endpoint = request.getfixturevalue("s3_endpoint")
    return S3Store(new_bucket(endpoint), endpoint_url=endpoint, region="us-east-1",
                   max_bytes=LIMIT)
