"""``intersessional db …``: migrate, checkpoint, snapshot and verify the ledger the settings
point at; back it up with the embedded Temporal server's database, and restore both
(:mod:`runtime.backup`, :mod:`runtime.restore`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape

from cli.output import Exit
from i18n import _

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from settings import Settings

db = typer.Typer(no_args_is_help=True, help="The ledger: schema, checkpoints, verification, "
                 "backup and restore.")
console = Console(soft_wrap=True)  # one sentence stays one line in a pipe
JSON = typer.Option(False, "--json", help="print the result as JSON, for scripts")


def ledger_engine(settings: Settings) -> Engine:
    """The engine of the ledger the settings point at; an unusable URL is one red sentence and
    exit 2 (``users_cli`` opens the same database through this)."""
    from sqlalchemy.exc import ArgumentError

    from ledger import create_ledger_engine

    try:
        return create_ledger_engine(settings.effective_ledger_url)
    except (ValueError, ArgumentError) as error:
        from cli.telling import tell

        raise tell(Exit.usage, str(error), lead=_("INTERSESSIONAL_LEDGER_URL is not usable")
                   ) from None


@db.command("upgrade")
def db_upgrade(as_json: bool = JSON) -> None:
    """Create or migrate the ledger's schema (alembic upgrade head)."""
    from alembic.runtime.migration import MigrationContext

    from cli.output import emit
    from ledger import upgrade
    from settings import Settings

    settings = Settings()
    engine = ledger_engine(settings)
    upgrade(engine)
    if as_json:
        with engine.connect() as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
        emit({"ledger": settings.shown_ledger_url, "revision": revision})
        return
    console.print(_("ledger at {url} is at the latest schema").format(
        url=settings.shown_ledger_url))


@db.command("keygen")
def db_keygen(out: Path = typer.Option(  # noqa: B008 - typer's idiom
        ..., "--out", metavar="FILE.pem",
        help="where to write the private key (PKCS#8 PEM, owner-only); its "
        "public key goes beside it as <out>.pub; the attestation key beside it as "
        "attestation-signing-key.pem, with its keyring"), as_json: bool = JSON) -> None:
    """Make the deployment's two Ed25519 keys, once: the one that signs checkpoints, for every
    worker to share (INTERSESSIONAL_SIGNING_KEY), and beside it the one with which the API and
    the CLI attest people's steps (INTERSESSIONAL_ATTESTATION_KEY), with its keyring for the
    workers and the auditors. An existing key is never overwritten."""
    from attesting import keyring_path, load_keyring
    from ledger.checkpoints import key_id, load_or_create_key, public_key_path
    from settings import ATTESTATION_KEY

    if out.exists():
        from cli.telling import tell

        raise tell(Exit.usage, _("{out} exists; a signing key is made once and kept (a new key "
                                "would not verify the checkpoints signed before)").format(
                                    out=out), lead=_("refused"))
    key = load_or_create_key(out)
    attesting = out.with_name(ATTESTATION_KEY)
    load_keyring(attesting)
    if as_json:
        from cli.output import emit

        emit({"signing_key": str(out), "public_key": str(public_key_path(out)),
              "key_id": key_id(key.public_key()), "attestation_key": str(attesting),
              "keyring": str(keyring_path(attesting))})
        return
    console.print(_("signing key written to {out} (keep it secret; give every worker the same "
                    "file); public key for auditors at {public}, key id {key}…; attestation "
                    "key at {attesting} (for the API and the CLI only), its keyring at "
                    "{keyring}").format(out=out, public=public_key_path(out),
                                        key=key_id(key.public_key())[:16], attesting=attesting,
                                        keyring=keyring_path(attesting)))


@db.command("checkpoint")
def db_checkpoint(as_json: bool = JSON) -> None:
    """Sign the Merkle root of the whole log with the checkpoint key."""
    from ledger.checkpoints import load_or_create_key, take_checkpoint
    from settings import Settings

    settings = Settings()
    key = load_or_create_key(settings.effective_signing_key)
    cp = take_checkpoint(ledger_engine(settings), key)
    if as_json:
        from cli.output import emit

        emit({"tree_size": cp.tree_size, "root_hash": cp.root_hash, "taken_at": cp.taken_at,
              "key_id": cp.key_id, "signature": cp.signature.hex()})
        return
    console.print(_("checkpoint of {size} events: root {root}, signed {taken} by key {key}…")
                  .format(size=cp.tree_size, root=cp.root_hash, taken=cp.taken_at,
                          key=cp.key_id[:16]))


@db.command("snapshot")
def db_snapshot(every: int = typer.Option(1_000, "--every", metavar="EVENTS", min=1,
                                          max=1_000_000,
                                          help="a snapshot every so many events of a stream"),
                as_json: bool = JSON) -> None:
    """Store each process's folded state every EVENTS events of its stream and at each
    year's close, so that its state as of a date folds only the events after one; what is
    stored already is kept, and `audit verify` checks each against its events."""
    from audit.snapshots import take_snapshots
    from ledger import Ledger
    from settings import Settings

    taken = take_snapshots(Ledger(ledger_engine(Settings())), every)
    if as_json:
        from cli.output import emit

        emit({"taken": taken, "every": every})
        return
    console.print(_("{taken} snapshot(s) taken, every {every} events of a stream and at each "
                    "year's close; `audit verify` checks each against its events").format(
                        taken=taken, every=every))


@db.command("verify")
def db_verify(as_json: bool = JSON) -> None:
    """Recompute every hash, link and checkpoint; exit 1 naming the first problem."""
    from ledger.checkpoints import checkpoint_public_key
    from ledger.verify import verify
    from settings import Settings

    settings = Settings()
    key_path = settings.effective_signing_key
    report = verify(ledger_engine(settings), checkpoint_public_key(key_path))
    if as_json:
        from cli.output import emit

        emit({"intact": report.intact, **report.model_dump(mode="json"),
              "signing_key": str(key_path)})
        if not report.intact:
            raise typer.Exit(1)
        return
    if report.problem is not None:
        console.print(f"{_('[red]ledger NOT intact[/red]')}: {report.problem}")
        raise typer.Exit(1)
    signatures = _("signatures checked") if report.signatures_checked else _(
        "signatures NOT checked: no key at {path}").format(path=key_path)
    console.print(_("ledger intact: {events} events in {streams} streams, {checkpoints} "
                    "checkpoint(s), {signatures}").format(
                        events=report.events, streams=report.streams,
                        checkpoints=report.checkpoints, signatures=signatures))


@db.command("backup")
def db_backup(directory: Path = typer.Argument(  # noqa: B008 - typer's idiom
        ..., metavar="DIR", help="a new or empty directory for the copies and manifest.json"),
        as_json: bool = typer.Option(False, "--json", help="print the manifest written, as "
                                     "JSON, for scripts")) -> None:
    """Copy the SQLite ledger and the embedded Temporal server's database into DIR, safely
    while the engine runs (SQLite's online backup: Temporal's database first, then the
    ledger), with a manifest: when, the ledger's head and last hash, each copy's SHA-256. A
    PostgreSQL ledger is backed up with pg_dump (docs/OPERATIONS.md)."""
    from i18n.formats import format_number
    from runtime.backup import BackupRefused, back_up
    from settings import Settings

    try:
        manifest = back_up(Settings(), directory)
    except BackupRefused as refusal:
        from cli.telling import tell

        raise tell(Exit.usage, str(refusal), lead=_("refused")) from None
    if as_json:
        from cli.output import emit

        emit({"directory": str(directory.resolve()), **manifest})
        return
    ledger, temporal = manifest["ledger"], manifest["temporal"]
    said = _("backed up Temporal's database ({temporal} bytes) and the ledger ({ledger} bytes, "
             "head position {head}) to {directory}; manifest.json holds their SHA-256") \
        if temporal else _("backed up the ledger ({ledger} bytes, head position {head}) to "
                           "{directory}; manifest.json holds their SHA-256")
    console.print(said.format(temporal=format_number(temporal["bytes"]) if temporal else "",
                              ledger=format_number(ledger["bytes"]),
                              head=ledger["head_position"], directory=escape(str(directory))),
                  highlight=False)
    if temporal is None:
        console.print(_("no embedded Temporal database in the data directory: back up your "
                        "Temporal cluster's own database before the ledger "
                        "(docs/OPERATIONS.md)"), highlight=False)


@db.command("restore")
def db_restore(directory: Path = typer.Argument(  # noqa: B008 - typer's idiom
        ..., metavar="DIR", help="a directory written by `intersessional db backup`"),
        as_json: bool = JSON) -> None:
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
        from cli.telling import tell

        raise tell(Exit.usage, str(refusal), lead=_("refused")) from None
    if as_json:
        from cli.output import emit

        emit({"directory": str(directory.resolve()), **done})
        return
    ledger, taken = done["manifest"]["ledger"], done["manifest"]["taken_at"]
    said = _("restored the backup of {taken} (ledger head position {head}); the databases "
             "replaced are kept as {kept}") if done["set_aside"] else _(
        "restored the backup of {taken} (ledger head position {head})")
    console.print(escape(said.format(taken=taken, head=ledger["head_position"],
                                     kept=", ".join(done["set_aside"].values()))),
                  highlight=False)
    console.print(_("next: start the engine (intersessional dev, or your workers) and run "
                    "`intersessional engine recover`, which restarts every open year's "
                    "workflow from the ledger; `intersessional audit cross-check` then shows "
                    "none behind"), highlight=False)
