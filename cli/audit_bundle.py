"""``audit export`` and ``audit verify-bundle``: the commands (``audit_cli`` registers them).

``export`` reads the ledger the settings point at and fetches from Temporal the histories of the
years' cycles and of the coalitions and silence procedures the bundle holds; when Temporal
cannot give one (unreachable, or the history is past its retention), the bundle is still
written and says which are missing. ``verify-bundle`` needs
neither: exit 0 when the bundle is intact, 1 naming its first problem, 2 for a file that is no
bundle (or a pinned key that cannot be read).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from cli.common import console, fail, run

if TYPE_CHECKING:
    from temporalio.client import WorkflowHistory

    from audit.offline import BundleReport
    from settings import Settings


async def _histories(settings: Settings, workflow_ids: Sequence[str]
                     ) -> tuple[list[WorkflowHistory], dict[str, str]]:
    """The histories, from the engine that holds them (see ``audit.engine``); without one,
    none, each with the reason."""
    from audit.engine import NoEngine, fetch_histories, histories_engine

    try:
        async with histories_engine(settings) as client:
            return await fetch_histories(client, workflow_ids)
    except NoEngine as error:
        return [], dict.fromkeys(workflow_ids, str(error))


def _public_key_pem(settings: Settings) -> bytes | None:
    """The checkpoints' public key: ``<signing key>.pub``, else from the signing key."""
    from ledger.checkpoints import checkpoint_public_key, public_pem

    public = checkpoint_public_key(settings.effective_signing_key)
    return public_pem(public) if public is not None else None


def export(from_year: int = typer.Option(..., "--from-year", min=2011, max=2999,
                                         help="the first year"),
           to_year: int = typer.Option(..., "--to-year", min=2011, max=2999,
                                       help="the last year"),
           out: Path = typer.Option(..., "--out", dir_okay=False,  # noqa: B008 - typer's idiom
                                    help="the bundle to write (a .zip)")) -> None:
    """Export the years' events, checkpoints, proofs and workflow histories as one bundle."""
    from attesting import published_keyring
    from audit.bundle import bundle_streams, export_bundle
    from audit.terminal import progress_bar
    from audit.years import is_process
    from cli.db import ledger_engine
    from contracts import cycle_id
    from ledger import Ledger
    from runtime.documents import document_store
    from settings import Settings

    if from_year > to_year:
        raise fail(f"--from-year {from_year} comes after --to-year {to_year}.")
    settings = Settings()
    years = range(from_year, to_year + 1)
    engine = ledger_engine(settings)
    if not set(map(cycle_id, years)) & set(Ledger(engine).streams("cycle-")):
        raise fail(f"the ledger at {settings.shown_ledger_url} holds no cycle of "
                   f"{from_year}–{to_year}; nothing was written.")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise fail(f"--out {out}: {error.strerror}; nothing was written.") from None

    chosen = bundle_streams(engine, from_year, to_year)
    processes = [s for s in chosen if is_process(s)]

    async def work() -> None:
        histories, missing = await _histories(settings, [cycle_id(y) for y in years]
                                              + processes)
        for workflow_id, reason in missing.items():
            console.print(f"[yellow]warning[/yellow]: the bundle holds no history of "
                          f"{escape(workflow_id)}: {escape(reason)}")
        with progress_bar(console, "exporting events") as advance:
            try:
                manifest = export_bundle(engine, _public_key_pem(settings), histories,
                                         from_year, to_year, out, advance, missing=missing,
                                         streams=chosen,
                                         keyring=published_keyring(settings.effective_attestation_key),
                                         documents=document_store(settings))
            except OSError as error:
                raise fail(f"--out {out}: {error.strerror}; nothing was written.") from None
        latest = manifest.checkpoints[-1] if manifest.checkpoints else None
        signed = (f"latest checkpoint {latest.tree_size} events, root {latest.root_hash}"
                  if latest else "no signed checkpoint yet")
        console.print(f"[green]bundle written[/green] to {escape(str(out))}: {manifest.events} "
                      f"events of the {len(manifest.streams)} stream(s) of {from_year}–{to_year}"
                      f" ({_processes(processes)}), {len(manifest.checkpoints)} checkpoint(s) "
                      f"({signed}), {len(manifest.histories)} history(ies)", highlight=False)
    run(work())


def _processes(streams: Sequence[str]) -> str:
    """``1 country coalition and 2 silence procedures`` of ``streams`` (a bundle's)."""
    from audit.years import process_kinds

    counts = [(sum(kind.owns(s) for s in streams), kind.title) for kind in process_kinds()]
    return " and ".join(f"{n} {title}{'' if n == 1 else 's'}" for n, title in counts)


def verify_bundle(bundle: Path = typer.Argument(..., dir_okay=False,  # noqa: B008
                                                help="the bundle `audit export` wrote"),
                  public_key: Path | None = typer.Option(  # noqa: B008 - typer's idiom
                      None, "--public-key", dir_okay=False,
                      help="pin the checkpoints' public key (PEM) instead of the bundle's"),
                  keyring: Path | None = typer.Option(  # noqa: B008 - typer's idiom
                      None, "--keyring", dir_okay=False,
                      help="pin the deployment's keyring (`keys list --json`) instead of the "
                      "bundle's, to check the attestations against")
                  ) -> None:
    """Verify a bundle offline; exit 1 naming its first problem, 2 if it is no bundle."""
    from attesting.keyring import Keyring
    from audit.offline import NotABundle
    from audit.offline import verify_bundle as check_bundle
    from audit.terminal import progress_bar
    from ledger.checkpoints import load_public_key

    pinned, ring = None, None
    if keyring is not None:
        try:
            ring = Keyring.model_validate_json(keyring.read_bytes())
        except (OSError, ValueError) as error:
            raise fail(f"the keyring {keyring} cannot be used: {error}.") from None
    if public_key is not None:
        try:
            pinned = load_public_key(public_key)
        except (OSError, ValueError) as error:
            raise fail(f"the public key {public_key} cannot be used: {error}.") from None
    try:
        with progress_bar(console, "verifying events") as advance:
            report = check_bundle(bundle, pinned, advance, ring)
    except NotABundle as error:
        raise fail(str(error)) from None
    if report.problem is not None:
        console.print(f"[red]bundle NOT intact[/red]: {escape(str(report.problem))}",
                      highlight=False)
        raise typer.Exit(1)
    for line in proved(report):
        console.print(line, highlight=False)


def proved(report: BundleReport) -> list[str]:
    """What an intact bundle proved, a line each (rich markup)."""
    from audit.attestations import sentence as attested_sentence

    latest = report.checkpoints[-1] if report.checkpoints else None
    key = (f"key {report.key_id[:16]}… ({'pinned' if report.key_pinned else 'from the bundle'})"
           if report.key_id else "no key: signatures NOT checked")
    signed = (f"{report.signed} under the signed checkpoint of {latest.tree_size} events, root "
              f"{latest.root_hash}" if latest and report.signatures_checked
              else "none under a signed checkpoint")
    lines = [f"[green]bundle intact[/green]: {report.events} events of {report.from_year}–"
             f"{report.to_year} in {len(report.streams)} stream(s), exported "
             f"{report.exported_at}",
             f"  {signed}; {report.chained_only} chained only; {key}",
             f"  {len(report.checkpoints)} checkpoint(s), signed and consistent; "
             f"{report.histories} history(ies) with {report.recordings} recording(s) agree "
             "with the events"]
    lines += [f"  [yellow]no history of {escape(m.workflow_id)}[/yellow]: {escape(m.reason)}"
              for m in report.histories_missing]
    lines.append("  " + " · ".join(f"{year} {phase.value}"
                                   for year, phase in sorted(report.phases.items())))
    folded = sorted(report.processes.items())
    lines.append(f"  folded {_processes([s for s, _ in folded])}" + (": " + " · ".join(
        f"{escape(s)} {phase.replace('_', ' ')}" for s, phase in folded) if folded else ""))
    if report.documents:
        lines.append(f"  {report.documents} document(s), each its own SHA-256; every "
                     "attachment present")
    lines.append("  " + (escape(attested_sentence(report.attestations)) if report.attestations
                         else "[yellow]attestations NOT checked: the bundle carries none"
                              "[/yellow]"))
    return lines
