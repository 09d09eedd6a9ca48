"""``intersessional db …``: migrate, checkpoint and verify the ledger the settings point at."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from settings import Settings

db = typer.Typer(no_args_is_help=True, help="The ledger: schema, checkpoints, verification.")
console = Console(soft_wrap=True)  # one sentence stays one line in a pipe


def ledger_engine(settings: Settings) -> Engine:
    """The engine of the ledger the settings point at; an unusable URL is one red sentence and
    exit 2 (``users_cli`` opens the same database through this)."""
    from sqlalchemy.exc import ArgumentError

    from ledger import create_ledger_engine

    try:
        return create_ledger_engine(settings.effective_ledger_url)
    except (ValueError, ArgumentError) as error:
        console.print(f"[red]INTERSESSIONAL_LEDGER_URL is not usable[/red]: {error}")
        raise typer.Exit(2) from None


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the ledger's schema (alembic upgrade head)."""
    from ledger import upgrade
    from settings import Settings

    settings = Settings()
    upgrade(ledger_engine(settings))
    console.print(f"ledger at {settings.shown_ledger_url} is at the latest schema")


@db.command("keygen")
def db_keygen(out: Path = typer.Option(  # noqa: B008 - typer's idiom
        ..., "--out", help="where to write the private key (PKCS#8 PEM, owner-only); its "
        "public key goes beside it as <out>.pub")) -> None:
    """Make the Ed25519 key that signs checkpoints, once, for every worker to share
    (INTERSESSIONAL_SIGNING_KEY); an existing key is never overwritten."""
    from ledger.checkpoints import key_id, load_or_create_key, public_key_path

    if out.exists():
        console.print(f"[red]refused[/red]: {out} exists; a signing key is made once and kept "
                      "(a new key would not verify the checkpoints signed before)")
        raise typer.Exit(2)
    key = load_or_create_key(out)
    console.print(f"signing key written to {out} (keep it secret; give every worker the same "
                  f"file); public key for auditors at {public_key_path(out)}, key id "
                  f"{key_id(key.public_key())[:16]}…")


@db.command("checkpoint")
def db_checkpoint() -> None:
    """Sign the Merkle root of the whole log with the checkpoint key."""
    from ledger.checkpoints import load_or_create_key, take_checkpoint
    from settings import Settings

    settings = Settings()
    key = load_or_create_key(settings.effective_signing_key)
    cp = take_checkpoint(ledger_engine(settings), key)
    console.print(f"checkpoint of {cp.tree_size} events: root {cp.root_hash}, signed "
                  f"{cp.taken_at} by key {cp.key_id[:16]}…")


@db.command("verify")
def db_verify() -> None:
    """Recompute every hash, link and checkpoint; exit 1 naming the first problem."""
    from ledger.checkpoints import checkpoint_public_key
    from ledger.verify import verify
    from settings import Settings

    settings = Settings()
    key_path = settings.effective_signing_key
    report = verify(ledger_engine(settings), checkpoint_public_key(key_path))
    if report.problem is not None:
        console.print(f"[red]ledger NOT intact[/red]: {report.problem}")
        raise typer.Exit(1)
    signatures = "signatures checked" if report.signatures_checked else (
        f"signatures NOT checked: no key at {key_path}")
    console.print(f"ledger intact: {report.events} events in {report.streams} streams, "
                  f"{report.checkpoints} checkpoint(s), {signatures}")
