"""Every knob of the engine, in one pydantic-settings model (prefix ``INTERSESSIONAL_``).

The embedded default keeps everything under one data directory: the SQLite ledger, the
checkpoint signing key (which must live outside the database it vouches for) and the embedded
Temporal server's own SQLite file.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path.home() / ".intersessional"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTERSESSIONAL_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir,
                           description="where the embedded ledger and the signing key live")
    ledger_url: str | None = Field(
        default=None, description="SQLAlchemy URL of the ledger; default: SQLite in data_dir")
    signing_key: Path | None = Field(
        default=None, description="Ed25519 key that signs checkpoints; default: in data_dir")
    temporal_address: str = Field(default="127.0.0.1:7233",
                                  description="host:port of the Temporal frontend")
    temporal_namespace: str = Field(default="default", description="the Temporal namespace")
    task_queue: str = Field(default="intersessional",
                            description="the task queue the worker polls")
    temporal_ui_port: int = Field(default=8233, description="the embedded server's web UI port")
    activity_threads: int = Field(default=16, ge=1,
                                  description="threads running the (synchronous) activities")
    api_host: str = Field(default="127.0.0.1",
                          description="where `intersessional api` (and `dev`) serve HTTP")
    api_port: int = Field(default=8000, ge=0, le=65535,
                          description="the port of the HTTP API and dashboard")

    @property
    def effective_ledger_url(self) -> str:
        return self.ledger_url or f"sqlite:///{self.data_dir / 'ledger.sqlite3'}"

    @property
    def temporal_database(self) -> Path:
        """The embedded Temporal server's SQLite file (``intersessional dev``)."""
        return self.data_dir / "temporal.sqlite3"

    @property
    def effective_signing_key(self) -> Path:
        return self.signing_key or self.data_dir / "checkpoint-signing-key.pem"
