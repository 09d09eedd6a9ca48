"""How a person's step is taken from the command line, for any kind of process: the step's
request from flags or a file (checked before anything is sent), the step sent by the
authenticated person through :mod:`stepping`, and its receipt reported as one line or as JSON.

What stops a step is one sentence on stderr and its exit code (:func:`cli.common.run`,
docs/CLI.md): a refusal 1, wrong input 2, an unreachable engine 3, no such stream 4, a stream the
ledger holds open whose workflow is not running 5 (the sentence names the repair).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.markup import escape

from cli.common import connect_engine, console, errors_of, fail, ledger, load_file, run
from i18n import N_, _

if TYPE_CHECKING:
    from temporalio.client import Client

    from contracts import Receipt
    from identities import Person
    from stepping import KindStep, StepRequest

OPTIONS = N_("the options given")
#: how an extra field of a report reads in its line
SAID = {"content_hash": N_("work plan sha256")}
#: what to do when the engine has no such stream, by kind
MISSING = {"cycle": N_("`intersessional cycle open --year …` opens one.")}
#: what to do then for any other kind
LISTED = N_("the list command lists those the ledger records.")


def request(step: KindStep, data: Mapping[str, Any], source: str = OPTIONS,
            names: Mapping[str, str] | None = None) -> StepRequest:
    """``data`` as ``step``'s request; a field error is one sentence naming ``source`` (the
    file or the flags it came from; ``names`` gives the flag of each field), exit 2, nothing
    sent."""
    from pydantic import ValidationError

    try:
        return step.request.model_validate(dict(data))
    except ValidationError as error:
        raise fail(N_("{source} is not valid for {step}: {errors}."),
                   source=_(source) if source == OPTIONS else source, step=_(step.rule.label),
                   errors=errors_of(error, names or {})) from None


def file_request(step: KindStep, path: Path, **given: Any) -> StepRequest:
    """The request of ``step`` in the file at ``path``, with ``given`` (the --year, say) added.
    A step whose request is one document (an election result, a work plan) takes the file as
    that document, or as the request holding it under its name (``election = {…}``)."""
    data = load_file(path)
    fields = step.request.model_fields
    if len(fields) == 1 and not set(fields) & set(data):
        data = {next(iter(fields)): data}
    for name, value in given.items():
        if name in data and data[name] != value:
            raise fail(N_("{path} says {name} = {given}, and the command {value}; give it "
                          "once, or the same."), path=path, name=name, given=data[name],
                       value=value)
    return request(step, {**data, **given}, str(path))


def shown(step: KindStep, stream: str) -> tuple[str, Any]:
    """How a stream is named in a report: a cycle by its year, anything else by its id."""
    if step.kind.name == "cycle":
        return "year", int(stream.removeprefix(step.kind.prefix))
    return "id", stream


def report(step: KindStep, stream: str, receipt: Receipt, person: Person, as_json: bool,
           **extra: Any) -> None:
    """One line for a recorded step (or JSON: the receipt, with what, where and who)."""
    actor, (key, name) = person.actor, shown(step, stream)
    if as_json:
        from cli.output import emit

        emit({key: name, **receipt.model_dump(mode="json"), "step": step.name,
              "actor": actor.name, "role": actor.role.value, "represents": actor.represents,
              **extra})
        return
    more = "".join(f"; {_(SAID[k]) if k in SAID else k.replace('_', ' ')} {v}"
                   for k, v in extra.items())
    console.print(_("[green]{step}[/green] {name}: recorded in {stream} as version {version}, "
                    "ledger position {position}, event sha256 {hash}…, by {person}").format(
                        step=step.name, name=name, stream=receipt.stream,
                        version=receipt.version, position=receipt.position,
                        hash=receipt.hash[:12], person=escape(person.describe()))
                  + escape(more), highlight=False)


async def send(client: Client, step: KindStep, stream: str, person: Person,
               given: StepRequest) -> Receipt:
    """``person``'s step sent to ``stream``: its receipt, or the refusal (judged on the
    ledger's state of the stream if its workflow is not running)."""
    from functools import partial

    import stepping
    from attesting import Signer
    from reading.streams import state_of
    from settings import Settings

    signer = Signer.of(Settings().effective_attestation_key)  # the CLI vouches for the person
    with ledger() as held:
        return await stepping.take(client, step.kind, stream, step=step.name, person=person,
                                   request=given, recorded=partial(state_of, held),
                                   signer=signer)


def attachments_held(given: StepRequest) -> None:
    """Refuse (one line, exit 2, nothing sent) a step attaching a document the store does not
    hold, or holds as another file."""
    if "attachments" not in given.model_dump_json():
        return  # no step but one naming attachments needs the store
    from runtime.documents import document_store
    from settings import Settings
    from stepping.attached import AttachmentNotHeld, check_attachments

    try:
        check_attachments(document_store(Settings()), given)
    except AttachmentNotHeld as error:
        raise fail(_("{why} Nothing was recorded.").format(why=error)) from None


def take(step: KindStep, stream: str, person: Person, given: StepRequest, *, as_json: bool,
         **extra: Any) -> None:
    """``person`` takes ``step`` of ``stream``; the receipt is reported."""
    import stepping
    from settings import Settings

    chosen = stream.strip().lower()
    attachments_held(given)

    async def work() -> None:
        # a role that never takes the step: refused before the engine is asked
        stepping.permitted(step.kind, step.name, person)
        receipt = await send(await connect_engine(Settings()), step, chosen, person, given)
        report(step, chosen, receipt, person, as_json, **extra)
    run(work(), missing_of(step, chosen))


def begin(step: KindStep, person: Person, given: StepRequest, *, as_json: bool,
          **extra: Any) -> None:
    """``person`` begins a stream of ``step``'s kind; a numbered one's new id is printed."""
    from functools import partial

    import stepping
    from attesting import Signer
    from reading.streams import state_of, streams
    from settings import Settings

    attachments_held(given)

    async def work() -> None:
        stepping.permitted(step.kind, step.name, person)
        settings = Settings()
        signer = Signer.of(settings.effective_attestation_key)  # the CLI vouches for the person
        client = await connect_engine(settings)
        with ledger() as recorded:
            stream, receipt = await stepping.begin(
                client, step.kind, person, given, task_queue=settings.task_queue,
                recorded=partial(state_of, recorded),
                lead_times=(settings.committee_weeks, settings.reminder_days),
                known=lambda prefix: len(streams(recorded, step.kind, prefix)), signer=signer)
        if step.kind.numbered and not as_json:
            console.print(stream, highlight=False)
        report(step, stream, receipt, person, as_json, **extra)
    run(work(), missing_of(step, _(step.kind.title)))


def missing_of(step: KindStep, stream: str) -> str:
    """What to say when the engine holds no such stream."""
    return _("this engine has no {stream}; {what}").format(
        stream=stream, what=_(MISSING.get(step.kind.name, LISTED)))
