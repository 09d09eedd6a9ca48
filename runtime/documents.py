"""The document store the settings name: S3-compatible when a bucket is set, else the
directory (``documents`` beside the ledger in the data directory, by default)."""

from __future__ import annotations

from documents import Store, open_store
from settings import Settings


def document_store(settings: Settings) -> Store:
    return open_store(settings.effective_documents_dir, settings.document_max_bytes,
                      bucket=settings.documents_s3_bucket,
                      endpoint_url=settings.documents_s3_endpoint_url,
                      region=settings.documents_s3_region)
