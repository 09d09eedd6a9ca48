"""The store the settings name: the data directory's by default, a bucket's when one is set."""

from __future__ import annotations

from pathlib import Path

from documents import FileStore
from documents.s3 import S3Store
from runtime.documents import document_store
from settings import load
from tests.documents import samples
from tests.documents.conftest import new_bucket


def test_by_default_documents_are_kept_in_the_data_directory(tmp_path: Path) -> None:
    store = document_store(load({"INTERSESSIONAL_DATA_DIR": str(tmp_path)}))
    assert isinstance(store, FileStore)
    sha = store.put(samples.pdf(), "a.pdf").sha256
    assert (tmp_path / "documents" / sha[:2] / sha[2:]).is_file()
    assert store.max_bytes == 20 * 1024 * 1024


def test_a_bucket_set_keeps_them_on_s3(tmp_path: Path, s3_endpoint: str) -> None:
    bucket = new_bucket(s3_endpoint)
    store = document_store(load({
        "INTERSESSIONAL_DATA_DIR": str(tmp_path), "INTERSESSIONAL_DOCUMENTS_S3_BUCKET": bucket,
        "INTERSESSIONAL_DOCUMENTS_S3_ENDPOINT_URL": s3_endpoint,
        "INTERSESSIONAL_DOCUMENTS_S3_REGION": "us-east-1",
        "INTERSESSIONAL_DOCUMENT_MAX_BYTES": "1000"}))
    assert isinstance(store, S3Store)
    sha = store.put(samples.text(), "a.txt").sha256
    assert document_store(load({
        "INTERSESSIONAL_DOCUMENTS_S3_BUCKET": bucket,
        "INTERSESSIONAL_DOCUMENTS_S3_ENDPOINT_URL": s3_endpoint}), ).get(sha) == samples.text()
    assert not (tmp_path / "documents").exists()
    assert store.max_bytes == 1000
