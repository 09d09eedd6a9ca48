"""``intersessional db …``: migrate, checkpoint and verify the ledger the settings point at;
back it up with the embedded Temporal server's database, and restore both
(:mod:`runtime.backup`, :mod:`runtime.restore`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from settings import Settings

db = typer.Typer(no_args_is_help=True, help="The ledger: schema, checkpoints, verification, "
                 "backup and restore.")
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
        "public key goes beside it as <out>.pub; the attestation key beside it as "
        "attestation-signing-key.pem, with its keyring")) -> None:
    """Make the deployment's two Ed25519 keys, once: the one that signs checkpoints, for every
    worker to share (INTERSESSIONAL_SIGNING_KEY), and beside it the one with which the API and
    the CLI attest people's steps (INTERSESSIONAL_ATTESTATION_KEY), with its keyring for the
    workers and the auditors. An existing key is never overwritten."""
    from attesting import keyring_path, load_keyring
    from ledger.checkpoints import key_id, load_or_create_key, public_key_path
    from settings import ATTESTATION_KEY

    if out.exists():
        console.print(f"[red]refused[/red]: {out} exists; a signing key is made once and kept "
                      "(a new key would not verify the checkpoints signed before)")
        raise typer.Exit(2)
    key = load_or_create_key(out)
    attesting = out.with_name(ATTESTATION_KEY)
    load_keyring(attesting)
    console.print(f"signing key written to {out} (keep it secret; give every worker the same "
                  f"file); public key for auditors at {public_key_path(out)}, key id "
                  f"{key_id(key.public_key())[:16]}…; attestation key at {attesting} (for the "
                  f"API and the CLI only), its keyring at {keyring_path(attesting)}")


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


@db.command("backup")
def db_backup(directory: Path = typer.Argument(  # noqa: B008 - typer's idiom
        ..., metavar="DIR", help="a new or empty directory for the copies and manifest.json"),
        as_json: bool = typer.Option(False, "--json", help="print the manifest written, as "
                                     "JSON")) -> None:
    """Copy the SQLite ledger and the embedded Temporal server's database into DIR, safely
    while the engine runs (SQLite's online backup: Temporal's database first, then the
    ledger), with a manifest: when, the ledger's head and last hash, each copy's SHA-256. A
    PostgreSQL ledger is backed up with pg_dump (docs/OPERATIONS.md)."""
    import json

    from runtime.backup import BackupRefused, back_up
    from settings import Settings

    try:
        manifest = back_up(Settings(), directory)
    except BackupRefused as refusal:
        console.print(f"[red]refused[/red]: {escape(str(refusal))}", highlight=False)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps({"directory": str(directory.resolve()), **manifest}, indent=2))
        return
    ledger, temporal = manifest["ledger"], manifest["temporal"]
    what = f"Temporal's database ({temporal['bytes']:,} bytes) and " if temporal else ""
    console.print(f"backed up {what}the ledger ({ledger['bytes']:,} bytes, head position "
                  f"{ledger['head_position']}) to {escape(str(directory))}; manifest.json "
                  "holds their SHA-256", highlight=False)
    if temporal is None:
        console.print("no embedded Temporal database in the data directory: back up your "
                      "Temporal cluster's own database before the ledger (docs/OPERATIONS.md)",
                      highlight=False)


@db.command("restore")
def db_restore(directory: Path = typer.Argument(  # noqa: B008 - typer's idiom
        ..., metavar="DIR", help="a directory written by `intersessional db backup`")) -> None:
    """Put a backup back, with the engine stopped: checks every copy against the manifest's
    SHA-256 first, keeps the databases it replaces beside them (….replaced-<time>), and
    changes nothing if anything is wrong. Then start the engine and run `intersessional engine
    recover`."""
    from runtime.backup import BackupRefused
    from runtime.restore import restore
    from settings import Settings

    try:
        done = restore(Settings(), directory)
    except BackupRefused as refusal:
        console.print(f"[red]refused[/red]: {escape(str(refusal))}", highlight=False)
        raise typer.Exit(2) from None
    ledger, taken = done["manifest"]["ledger"], done["manifest"]["taken_at"]
    kept = "; the databases replaced are kept as " + ", ".join(
        done["set_aside"].values()) if done["set_aside"] else ""
    console.print(escape(f"restored the backup of {taken} (ledger head position "
                         f"{ledger['head_position']}){kept}"), highlight=False)
    console.print("next: start the engine (intersessional dev, or your workers) and run "
                  "`intersessional engine recover`, which restarts every open year's workflow "
                  "from the ledger; `intersessional audit cross-check` then shows none behind",
                  highlight=False)
