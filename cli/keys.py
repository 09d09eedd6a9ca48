"""``intersessional keys …``: the keys that attest people's steps (``docs/SECURITY.md``).

``list`` prints the keyring — the public keys auditors check attestations with; ``rotate``
makes a new attestation key and retires the old one; ``revoke`` marks a key compromised from
now on. The keyring is a file beside the attestation key (INTERSESSIONAL_ATTESTATION_KEY);
every worker, the API and the audit read it.
"""

from __future__ import annotations

import typer
from rich.markup import escape

from cli.common import JSON, Exit, console
from cli.output import emit
from i18n import _

keys = typer.Typer(no_args_is_help=True, help="The keys that attest people's steps: list "
                   "the keyring, rotate the key, revoke a compromised one.")


@keys.command("list")
def list_keys(as_json: bool = JSON) -> None:
    """Every key the deployment has attested with, and whether it is in use, retired or
    revoked."""
    from attesting.keyring import keyring_path, read_keyring
    from settings import Settings

    path = keyring_path(Settings().effective_attestation_key)
    keyring = read_keyring(path)
    if as_json:
        emit(keyring.model_dump(mode="json"))
        return
    if not keyring.keys:
        console.print(_("no keyring at {path} yet: the API or the worker makes it as it first "
                        "starts (or `intersessional db keygen`).").format(
                            path=escape(str(path))))
    for entry in keyring.keys:
        state = (_("[red]revoked {at}[/red] ({reason})").format(
            at=entry.revoked_at, reason=escape(entry.reason)) if entry.revoked_at
            else _("retired {at}").format(at=entry.retired_at) if entry.retired_at
            else _("[green]in use[/green]"))
        console.print(_("{key}  added {at}  {state}").format(
            key=entry.key_id, at=entry.added_at, state=state), highlight=False)


@keys.command("rotate")
def rotate_key(as_json: bool = JSON) -> None:
    """Make a new attestation key and retire the one in use (what it attested still
    verifies); restart the API and the CLI's users' sessions so they sign with the new one."""
    from attesting.rotation import rotate
    from settings import Settings

    retired, made = rotate(Settings().effective_attestation_key)
    if as_json:
        emit({"retired": retired.model_dump(mode="json"), "new": made.model_dump(mode="json")})
        return
    console.print(_("key {new}… now attests steps; {old}… retired at {at}. Restart the API so "
                    "that it signs with the new key.").format(
                        new=made.key_id[:16], old=retired.key_id[:16], at=retired.retired_at),
                  highlight=False)


@keys.command("revoke")
def revoke_key(key_id: str = typer.Argument(..., metavar="KEY_ID",
                                            help="the key's id, or its first characters"),
               reason: str = typer.Option(..., "--reason", metavar="REASON",
                                          help="why, for the auditors"),
               as_json: bool = JSON) -> None:
    """Mark a key compromised from now on: a step it attests is refused, and the audit names
    every event recorded under it since. Exit 2 for an unknown key or no reason."""
    from attesting.rotation import KeyringRefusal, revoke
    from settings import Settings

    try:
        entry = revoke(Settings().effective_attestation_key, key_id, reason)
    except KeyringRefusal as refused:
        from cli.telling import tell

        raise tell(Exit.usage, str(refused), lead=_("refused")) from None
    if as_json:
        emit(entry.model_dump(mode="json"))
        return
    console.print(_("key {key}… revoked at {at}: what it attests from now on is refused.")
                  .format(key=entry.key_id[:16], at=entry.revoked_at), highlight=False)
