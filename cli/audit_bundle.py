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

from cli.common import JSON, Exit, console, errors, fail, run
from i18n import N_, _, ngettext

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


def export(from_year: int = typer.Option(..., "--from-year", metavar="YEAR", min=2011, max=2999,
                                         help="the first year"),
           to_year: int = typer.Option(..., "--to-year", metavar="YEAR", min=2011, max=2999,
                                       help="the last year"),
           out: Path = typer.Option(..., "--out", metavar="FILE.zip", dir_okay=False,  # noqa: B008 - typer's idiom
                                    help="the bundle to write (a .zip)"),
           as_json: bool = JSON) -> None:
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
        raise fail(N_("--from-year {first} comes after --to-year {last}."), first=from_year,
                   last=to_year)
    settings = Settings()
    years = range(from_year, to_year + 1)
    engine = ledger_engine(settings)
    if not set(map(cycle_id, years)) & set(Ledger(engine).streams("cycle-")):
        raise fail(N_("the ledger at {url} holds no cycle of {first}–{last}; nothing was "
                      "written."), code=Exit.not_found, url=settings.shown_ledger_url,
                   first=from_year, last=to_year)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise fail(N_("--out {out}: {why}; nothing was written."), out=out,
                   why=error.strerror) from None

    chosen = bundle_streams(engine, from_year, to_year)
    processes = [s for s in chosen if is_process(s)]

    async def work() -> None:
        histories, missing = await _histories(settings, [cycle_id(y) for y in years]
                                              + processes)
        for workflow_id, reason in missing.items():
            errors.print(_("[yellow]warning[/yellow]: the bundle holds no history of "
                           "{workflow}: {reason}").format(workflow=escape(workflow_id),
                                                          reason=escape(reason)))
        with progress_bar(console, _("exporting events")) as advance:
            try:
                manifest = export_bundle(engine, _public_key_pem(settings), histories,
                                         from_year, to_year, out, advance, missing=missing,
                                         streams=chosen,
                                         keyring=published_keyring(settings.effective_attestation_key),
                                         documents=document_store(settings))
            except OSError as error:
                raise fail(N_("--out {out}: {why}; nothing was written."), out=out,
                           why=error.strerror) from None
        if as_json:
            from cli.output import emit, written

            emit({**written(out), "manifest": manifest.model_dump(mode="json")})
            return
        latest = manifest.checkpoints[-1] if manifest.checkpoints else None
        signed = (_("latest checkpoint {size} events, root {root}").format(
            size=latest.tree_size, root=latest.root_hash) if latest
            else _("no signed checkpoint yet"))
        console.print(_("[green]bundle written[/green] to {out}: {events} events of the "
                        "{streams} stream(s) of {first}–{last} ({processes}), {checkpoints} "
                        "checkpoint(s) ({signed}), {histories} history(ies)").format(
                            out=escape(str(out)), events=manifest.events,
                            streams=len(manifest.streams), first=from_year, last=to_year,
                            processes=_processes(processes),
                            checkpoints=len(manifest.checkpoints), signed=signed,
                            histories=len(manifest.histories)), highlight=False)
    run(work())


def _processes(streams: Sequence[str]) -> str:
    """``1 country coalition and 2 silence procedures`` of ``streams`` (a bundle's)."""
    from audit.years import process_kinds

    said = [_counted(kind.name, kind.title, sum(kind.owns(s) for s in streams))
            for kind in process_kinds()]
    while len(said) > 1:
        said[-2:] = [_("{one} and {other}").format(one=said[-2], other=said[-1])]
    return "".join(said)


def _counted(name: str, title: str, n: int) -> str:
    """``1 country coalition``, ``2 silence procedures`` in the language of the moment."""
    if name == "coalition":
        return ngettext("{n} country coalition", "{n} country coalitions", n).format(n=n)
    if name == "silence":
        return ngettext("{n} silence procedure", "{n} silence procedures", n).format(n=n)
    return f"{n} {title}{'' if n == 1 else 's'}"  # a kind of process the catalogs lack yet


def verify_bundle(bundle: Path = typer.Argument(..., dir_okay=False, metavar="BUNDLE.zip",  # noqa: B008
                                                help="the bundle `audit export` wrote"),
                  public_key: Path | None = typer.Option(  # noqa: B008 - typer's idiom
                      None, "--public-key", metavar="FILE.pem", dir_okay=False,
                      help="pin the checkpoints' public key (PEM) instead of the bundle's"),
                  keyring: Path | None = typer.Option(  # noqa: B008 - typer's idiom
                      None, "--keyring", metavar="FILE.json", dir_okay=False,
                      help="pin the deployment's keyring (`keys list --json`) instead of the "
                      "bundle's, to check the attestations against"),
                  as_json: bool = JSON) -> None:
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
            raise fail(N_("the keyring {keyring} cannot be used: {error}."), keyring=keyring,
                       error=error) from None
    if public_key is not None:
        try:
            pinned = load_public_key(public_key)
        except (OSError, ValueError) as error:
            raise fail(N_("the public key {key} cannot be used: {error}."), key=public_key,
                       error=error) from None
    try:
        with progress_bar(console, _("verifying events")) as advance:
            report = check_bundle(bundle, pinned, advance, ring)
    except NotABundle as error:
        raise fail(str(error)) from None
    if as_json:
        from cli.output import emit

        emit({"bundle": str(bundle), "intact": report.intact, **report.model_dump(mode="json")})
        if not report.intact:
            raise typer.Exit(1)
        return
    if report.problem is not None:
        console.print(_("[red]bundle NOT intact[/red]: {problem}").format(
            problem=escape(str(report.problem))), highlight=False)
        raise typer.Exit(1)
    for line in proved(report):
        console.print(line, highlight=False)


def proved(report: BundleReport) -> list[str]:
    """What an intact bundle proved, a line each (rich markup)."""
    from audit.attestations import sentence as attested_sentence

    latest = report.checkpoints[-1] if report.checkpoints else None
    from i18n.refusals import word

    key = (_("key {key}… (pinned)").format(key=report.key_id[:16]) if report.key_pinned
           else _("key {key}… (from the bundle)").format(key=report.key_id[:16])
           ) if report.key_id else _("no key: signatures NOT checked")
    signed = (_("{signed} under the signed checkpoint of {size} events, root {root}").format(
        signed=report.signed, size=latest.tree_size, root=latest.root_hash)
        if latest and report.signatures_checked else _("none under a signed checkpoint"))
    lines = [_("[green]bundle intact[/green]: {events} events of {first}–{last} in {streams} "
               "stream(s), exported {at}").format(
                   events=report.events, first=report.from_year, last=report.to_year,
                   streams=len(report.streams), at=report.exported_at),
             "  " + _("{signed}; {chained} chained only; {key}").format(
                 signed=signed, chained=report.chained_only, key=key),
             "  " + _("{checkpoints} checkpoint(s), signed and consistent; {histories} "
                      "history(ies) with {recordings} recording(s) agree with the events").format(
                 checkpoints=len(report.checkpoints), histories=report.histories,
                 recordings=report.recordings)]
    lines += ["  " + _("[yellow]no history of {workflow}[/yellow]: {reason}").format(
        workflow=escape(m.workflow_id), reason=escape(m.reason))
              for m in report.histories_missing]
    lines.append("  " + " · ".join(f"{year} {phase.value}"
                                   for year, phase in sorted(report.phases.items())))
    folded = sorted(report.processes.items())
    lines.append("  " + _("folded {processes}").format(
        processes=_processes([s for s, _phase in folded])) + (": " + " · ".join(
            f"{escape(s)} {word(phase.replace('_', ' '))}" for s, phase in folded)
            if folded else ""))
    if report.documents:
        lines.append("  " + _("{documents} document(s), each its own SHA-256; every "
                              "attachment present").format(documents=report.documents))
    lines.append("  " + (escape(attested_sentence(report.attestations)) if report.attestations
                         else _("[yellow]attestations NOT checked: the bundle carries none"
                                "[/yellow]")))
    return lines
