"""Every knob of the engine, in one pydantic-settings model (prefix ``INTERSESSIONAL_``).

The embedded default keeps everything under one data directory: the SQLite ledger and the
checkpoint signing key (which must live outside the database it vouches for).
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

    @property
    def effective_ledger_url(self) -> str:
        return self.ledger_url or f"sqlite:///{self.data_dir / 'ledger.sqlite3'}"

    @property
    def effective_signing_key(self) -> Path:
        return self.signing_key or self.data_dir / "checkpoint-signing-key.pem"
