"""``intersessional engine …``: the engine healed from the ledger, the authority.

``recover`` compares every stream the ledger holds with the workflow Temporal runs for it and
repairs each that disagrees (``recovery``): after a ``temporal workflow reset`` or
``terminate``, a failed run, or Temporal's database lost or rolled back to an older copy. With
``--dry-run`` it only says what it would repair. The worker does the same at start-up.
"""

from __future__ import annotations

import typer

from cli.common import JSON, console

engine = typer.Typer(no_args_is_help=True, help="The engine against the ledger: find and "
                     "repair every year or process whose workflow disagrees with the record.")
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

    from rich.markup import escape

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
