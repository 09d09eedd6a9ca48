"""``intersessional engine …``: the engine healed from the ledger, the authority, and the
certificates its processes present to Temporal.

``recover`` compares every stream the ledger holds with the workflow Temporal runs for it and
repairs each that disagrees (``recovery``): after a ``temporal workflow reset`` or
``terminate``, a failed run, or Temporal's database lost or rolled back to an older copy. With
``--dry-run`` it only says what it would repair. The worker does the same at start-up.

``certs`` writes the CA, Temporal's server certificate and the clients' (``runtime.certs``) for
a cluster whose frontend requires mutual TLS, as docker-compose.yml runs it.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from cli.common import JSON, console

engine = typer.Typer(no_args_is_help=True, help="The engine against the ledger: find and "
                     "repair every year or process whose workflow disagrees with the record; "
                     "the certificates for mutual TLS with Temporal.")
STREAM = typer.Option(None, "--stream", metavar="STREAM",
                      help="only this stream (cycle-2027, coalition-lao-1 …); default: all")
DRY_RUN = typer.Option(False, "--dry-run", help="say what would be repaired; repair nothing")


@engine.command("recover")
def recover(stream: list[str] | None = STREAM, dry_run: bool = DRY_RUN,
            as_json: bool = JSON) -> None:
    """Start again from the ledger every stream whose workflow is missing, ended, failed,
    reset, behind or ahead of the ledger, or noted as needing attention. Exit 0 when every
    stream agrees afterwards, 1 when one still does not."""
    import asyncio
    import json
    from dataclasses import asdict

    from cli.common import connect_engine, ledger
    from recovery.repair import recover as repair_all
    from recovery.survey import survey
    from settings import Settings

    settings = Settings()
    chosen = [s.strip().lower() for s in stream] if stream else None

    async def work() -> list[dict[str, object]]:
        client = await connect_engine(settings)
        with ledger() as held:
            if dry_run:
                return [asdict(s) | {"repair": s.repair} for s in
                        await survey(client, held, chosen) if s.problem]
            return [asdict(r) | {"healed": r.healed}
                    for r in await repair_all(client, held, settings.task_queue, chosen)]

    found = asyncio.run(work())
    if as_json:
        print(json.dumps({"dry_run": dry_run, "streams": found}, indent=2))
    elif not found:
        console.print("every stream agrees with the ledger; nothing to repair")
    for item in [] if as_json else found:
        line = f"{item['stream']}: {item['problem']} — {item['cause']}"
        if dry_run:
            console.print(f"[yellow]{escape(line)}[/yellow]; `{item['repair']}` repairs it")
        elif item["healed"]:
            console.print(f"[green]{escape(line)}[/green]; {item['action']}")
        else:
            console.print(f"[red]{escape(line)}[/red]; {item['action']}, still "
                          f"{item['after']}")
    if not dry_run and any(not item["healed"] for item in found):
        raise typer.Exit(1)


@engine.command("certs")
def certs(out: Path = typer.Option(  # noqa: B008 - typer's idiom
        ..., "--out", help="the directory to write them in (made owner-only)"),
        server_name: list[str] | None = typer.Option(  # noqa: B008
            None, "--server-name", metavar="NAME", help="another name (or IP address) of the "
            "Temporal frontend for its certificate, besides temporal, localhost and 127.0.0.1"),
        days: int = typer.Option(397, "--days", min=1, max=3650,
                                 help="how long the server's and clients' certificates last")
        ) -> None:
    """Write a CA, the Temporal frontend's server certificate and one client certificate each
    for the workers, the API, Temporal's web UI and the admin tools (PEM, owner-only), for a
    frontend that requires mutual TLS. A CA already there signs the new ones; no file is
    overwritten."""
    from runtime.certs import make_certificates

    try:
        issued = make_certificates(out, server_name or (), days)
    except (FileExistsError, ValueError) as refused:
        console.print(f"[red]refused[/red]: {escape(str(refused))}")
        raise typer.Exit(2) from None
    for one in issued:
        console.print(f"{one.name}: {one.certificate} and {one.key}, until "
                      f"{one.expires:%Y-%m-%d}")
    console.print(f"next: give each service its files (docs/OPERATIONS.md, Certificates for "
                  f"Temporal) and keep {out / 'ca.key'} offline once the certificates are made")
