"""The recovery key as people read, print and type it: base32 in groups, with a check group."""

from __future__ import annotations

import base64
import hashlib

from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.i18n import _

_B32_GROUP = 4


def format_recovery_key(secret: bytes) -> str:
    """The recovery key as people copy it: base32 in groups of four, with a check group."""
    check = hashlib.sha256(b"legalaid recovery check" + secret).digest()[:2]
    text = base64.b32encode(secret + check).decode("ascii").rstrip("=")
    return "-".join(text[i : i + _B32_GROUP] for i in range(0, len(text), _B32_GROUP))


def parse_recovery_key(text: str) -> bytes:
    """Read a recovery key typed by a person (case, spaces and dashes do not matter).

    Raises:
        InputRejected: it is not a recovery key (wrong length or check group).
    """
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    padded = compact + "=" * (-len(compact) % 8)
    try:
        raw = base64.b32decode(padded)
    except ValueError:
        raw = b""
    if len(raw) != 34:
        raise InputRejected(_("That is not a recovery key: check that every group was typed."))
    secret, check = raw[:32], raw[32:]
    if hashlib.sha256(b"legalaid recovery check" + secret).digest()[:2] != check:
        raise InputRejected(_("The recovery key has a typing mistake: check every group."))
    return secret
