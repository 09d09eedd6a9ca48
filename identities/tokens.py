"""Bearer tokens: made once, shown once, kept only as their SHA-256.

A token is ``"isx_"`` and 43 characters of URL-safe base64 — 256 bits from :mod:`secrets`. The
prefix makes a leaked token recognisable to secret scanners and to a person reading a log.
"""

from __future__ import annotations

import hashlib
import re
import secrets

PREFIX = "isx_"
_BYTES = 32  # 256 bits of entropy
_FORM = re.compile(r"isx_[A-Za-z0-9_-]{43}")  # token_urlsafe(32): 43 characters, no padding


def new_token() -> str:
    """A fresh token: ``isx_`` followed by ``secrets.token_urlsafe(32)``."""
    return PREFIX + secrets.token_urlsafe(_BYTES)


def well_formed(token: object) -> bool:
    """Whether ``token`` has the shape :func:`new_token` gives (says nothing of its validity)."""
    return isinstance(token, str) and _FORM.fullmatch(token) is not None


def token_hash(token: str) -> str:
    """The SHA-256 of ``token`` as 64 lower-case hex digits — all the table ever keeps.

    A plain, unsalted, fast hash is right here, unlike for passwords: a token is 256 bits from
    a CSPRNG, so there is no dictionary to try and no salt is needed to defeat precomputation
    (2^256 candidates cannot be enumerated, slow hash or not). Being deterministic, it can be
    looked up through the unique index on ``token_hash`` at constant cost, where a salted or
    slow hash would need a scan over every person, or a separate key id in the token.
    """
    return hashlib.sha256(token.encode("ascii")).hexdigest()
