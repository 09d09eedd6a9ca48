"""The S3-compatible backend, for production: each document one object, ``<prefix><sha256>``,
its media type the object's ``Content-Type`` and its first filename the object's metadata
(percent-encoded: S3 metadata is ASCII).

Through boto3, AWS's own SDK: it speaks to AWS, MinIO, Ceph, Garage or any S3-compatible
server by ``endpoint_url``, and finds credentials the standard way (``AWS_ACCESS_KEY_ID`` /
``AWS_SECRET_ACCESS_KEY``, ``AWS_PROFILE``, an instance's role…), so nothing secret is a
setting of ours. An object appears whole or not at all (S3's PUT is atomic), and its bytes
are checked by the server against the SHA-256 sent with them.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from documents.errors import NotHeld
from documents.store import CHUNK, DEFAULT_MAX_BYTES, Stored, admit, is_sha256

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_ABSENT = {"404", "NoSuchKey", "NotFound"}


class S3Store:
    """Documents in ``bucket`` (which must exist), under ``prefix``, each at most
    ``max_bytes``."""

    def __init__(self, bucket: str, *, endpoint_url: str | None = None,
                 region: str | None = None, prefix: str = "documents/",
                 max_bytes: int = DEFAULT_MAX_BYTES, client: S3Client | None = None) -> None:
        if client is None:
            import boto3  # noqa: PLC0415 - heavy, and only for a store on S3

            client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region)
        self.client, self.bucket, self.prefix, self.max_bytes = client, bucket, prefix, max_bytes

    def _key(self, sha256: str) -> str:
        if not is_sha256(sha256):
            raise NotHeld(sha256)
        return self.prefix + sha256

    def _head(self, sha256: str) -> dict[str, Any] | None:
        from botocore.exceptions import ClientError  # noqa: PLC0415 - with boto3

        try:
            return dict(self.client.head_object(Bucket=self.bucket, Key=self._key(sha256)))
        except ClientError as error:
            if str(error.response.get("Error", {}).get("Code")) in _ABSENT:
                return None
            raise

    def put(self, data: bytes, filename: str) -> Stored:
        stored = admit(data, filename, self.max_bytes)
        if self.has(stored.sha256):
            return self.stat(stored.sha256)
        self.client.put_object(
            Bucket=self.bucket, Key=self._key(stored.sha256), Body=data,
            ContentType=stored.media_type, Metadata={"filename": quote(stored.filename)},
            ChecksumSHA256=base64.b64encode(hashlib.sha256(data).digest()).decode())
        return stored

    def has(self, sha256: str) -> bool:
        return is_sha256(sha256) and self._head(sha256) is not None

    def stat(self, sha256: str) -> Stored:
        head = self._head(sha256)
        if head is None:
            raise NotHeld(sha256)
        filename = unquote(head.get("Metadata", {}).get("filename", "")) or sha256
        return Stored(sha256, int(head["ContentLength"]), str(head["ContentType"]), filename)

    def _body(self, sha256: str) -> Any:
        from botocore.exceptions import ClientError  # noqa: PLC0415 - with boto3

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))["Body"]
        except ClientError as error:
            if str(error.response.get("Error", {}).get("Code")) in _ABSENT:
                raise NotHeld(sha256) from None
            raise

    def get(self, sha256: str) -> bytes:
        return bytes(self._body(sha256).read())

    def open(self, sha256: str) -> Iterator[bytes]:
        body = self._body(sha256)
        return iter(body.iter_chunks(CHUNK))

    def __iter__(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                name = item.get("Key", "").removeprefix(self.prefix)
                if is_sha256(name):
                    yield name
