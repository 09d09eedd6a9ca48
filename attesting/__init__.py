"""The deployment's attestation keys: the keyring auditors are given, and the signer the
entry points use for each step a person takes (``docs/SECURITY.md``)."""

from attesting.keyring import (
    KeyEntry,
    Keyring,
    keyring_path,
    load_keyring,
    published_keyring,
    trust_of,
)
from attesting.signer import Signer, configure, default_signer

__all__ = ["KeyEntry", "Keyring", "Signer", "configure", "default_signer", "keyring_path",
           "load_keyring", "published_keyring", "trust_of"]
