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

from cli.common import JSON, Exit, console
from i18n import _

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
    stream agrees afterwards, 1 when one still does not, 3 when the engine cannot be
    reached."""
    import asyncio
    from dataclasses import asdict

    from cli.common import connect_engine, ledger
    from cli.output import emit
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

    from temporalio.service import RPCError

    from cli.telling import engine_failed

    try:
        found = asyncio.run(work())
    except RPCError as error:  # the engine went away, or would not answer, mid-survey
        raise engine_failed(error) from None
    if as_json:
        emit({"dry_run": dry_run, "streams": found})
    elif not found:
        console.print(_("every stream agrees with the ledger; nothing to repair"))
    for item in [] if as_json else found:
        line = f"{item['stream']}: {item['problem']} — {item['cause']}"
        if dry_run:
            console.print(_("{line}; `{repair}` repairs it").format(
                line=f"[yellow]{escape(line)}[/yellow]", repair=item["repair"]))
        elif item["healed"]:
            console.print(f"[green]{escape(line)}[/green]; {item['action']}")
        else:
            console.print(_("{line}; {action}, still {after}").format(
                line=f"[red]{escape(line)}[/red]", action=item["action"], after=item["after"]))
    if not dry_run and any(not item["healed"] for item in found):
        raise typer.Exit(1)


@engine.command("certs")
def certs(out: Path = typer.Option(  # noqa: B008 - typer's idiom
        ..., "--out", metavar="DIR", help="the directory to write them in (made owner-only)"),
        server_name: list[str] | None = typer.Option(  # noqa: B008
            None, "--server-name", metavar="NAME", help="another name (or IP address) of the "
            "Temporal frontend for its certificate, besides temporal, localhost and 127.0.0.1"),
        days: int = typer.Option(397, "--days", metavar="DAYS", min=1, max=3650,
                                 help="how long the server's and clients' certificates last"),
        as_json: bool = JSON) -> None:
    """Write a CA, the Temporal frontend's server certificate and one client certificate each
    for the workers, the API, Temporal's web UI and the admin tools (PEM, owner-only), for a
    frontend that requires mutual TLS. A CA already there signs the new ones; no file is
    overwritten."""
    from runtime.certs import make_certificates

    try:
        issued = make_certificates(out, server_name or (), days)
    except (FileExistsError, ValueError) as refused:
        from cli.telling import tell

        raise tell(Exit.usage, str(refused), lead=_("refused")) from None
    if as_json:
        from cli.output import emit

        emit({"directory": str(out),
              "issued": [{"name": one.name, "certificate": str(one.certificate),
                          "key": str(one.key), "expires": one.expires} for one in issued]})
        return
    for one in issued:
        console.print(_("{name}: {certificate} and {key}, until {expires}").format(
            name=one.name, certificate=one.certificate, key=one.key,
            expires=f"{one.expires:%Y-%m-%d}"))
    console.print(_("next: give each service its files (docs/OPERATIONS.md, Certificates for "
                    "Temporal) and keep {ca_key} offline once the certificates are made").format(
                        ca_key=out / "ca.key"))
