"""The recovery key as people read, print and type it: base32 in groups, with a check group.

The key is the 32-byte secret and a 2-byte check (the start of a SHA-256 of the secret), in
base32 (the letters A–Z and the digits 2–7), printed in 13 groups of four and one of three.

Reading what a person typed (the format is unchanged: every key printed so far still works):

- case, spaces, dashes and any other separators do not matter;
- look-alikes that cannot be confused within the alphabet are read as what they look like: the
  digits 0, 1 and 8 (which base32 does not use) as O, I and B, the dotted capital İ of an
  Azerbaijani keyboard as I, and Cyrillic letters that look like Latin ones (А, В, Е, К, М, Н,
  О, Р, С, Т, Х, У of a Russian keyboard) as those;
- a lower-case ``l`` may be an L or an I read from the sheet: both are tried, and only the one
  that matches the check group is taken.

When the key is refused the message says what can be said: which group holds a character that
no key contains, which group has the wrong number of characters (when the key was typed in
groups), and — since the check group covers the whole key, not each group — which group a
single mistyped or swapped character is in, found by trying the one-character corrections
against the check group. Only a correction that is the single one to match is reported, and it
is reported, never taken: the key opens the store only as typed (after the look-alike reading
above). This does not weaken the key: the check group is no secret to anyone who holds a typed
key, and the 256 bits behind it are untouched.
"""

from __future__ import annotations

import base64
import hashlib
import itertools

from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.i18n import _

_B32_GROUP = 4
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_SECRET_BYTES = 32
_CHECK_BYTES = 2
#: Characters of a whole key (34 bytes in base32, without the padding).
KEY_CHARS = -(-(_SECRET_BYTES + _CHECK_BYTES) * 8 // 5)
#: The length of each printed group: 13 of four and a last one of three.
GROUP_LENGTHS: tuple[int, ...] = tuple(
    min(_B32_GROUP, KEY_CHARS - start) for start in range(0, KEY_CHARS, _B32_GROUP)
)

#: Look-alikes read as the letter they look like (each maps to exactly one key character).
LOOK_ALIKES: dict[str, str] = {
    "0": "O",
    "1": "I",
    "8": "B",
    "İ": "I",
    "А": "A",
    "В": "B",
    "Е": "E",
    "К": "K",
    "М": "M",
    "Н": "H",
    "О": "O",
    "Р": "P",
    "С": "C",
    "Т": "T",
    "Х": "X",
    "У": "Y",
}
#: A lower-case l: an L typed in lower case, or an I read as l.
_AMBIGUOUS_L = "l"
#: At most this many lower-case l are tried both ways (2**n candidates).
_MAX_AMBIGUOUS = 8


def _check(secret: bytes) -> bytes:
    return hashlib.sha256(b"legalaid recovery check" + secret).digest()[:_CHECK_BYTES]


def format_recovery_key(secret: bytes) -> str:
    """The recovery key as people copy it: base32 in groups of four, with a check group."""
    text = base64.b32encode(secret + _check(secret)).decode("ascii").rstrip("=")
    return "-".join(text[i : i + _B32_GROUP] for i in range(0, len(text), _B32_GROUP))


def _decode(compact: str) -> bytes | None:
    """The secret if ``compact`` (key characters only) is a whole key whose check matches."""
    if len(compact) != KEY_CHARS:
        return None
    try:
        raw = base64.b32decode(compact + "=" * (-len(compact) % 8))
    except ValueError:
        return None
    secret, check = raw[:_SECRET_BYTES], raw[_SECRET_BYTES:]
    if len(raw) != _SECRET_BYTES + _CHECK_BYTES or _check(secret) != check:
        return None
    return secret


def _read_char(ch: str) -> str:
    """``ch`` as a key character ('' for a separator; kept as is when it is no key character)."""
    if ch == _AMBIGUOUS_L:
        return ch
    if ch in LOOK_ALIKES:
        return LOOK_ALIKES[ch]
    upper = ch.upper()
    if upper in LOOK_ALIKES:
        return LOOK_ALIKES[upper]
    if upper in _ALPHABET:
        return upper
    return ch if ch.isalnum() else ""


def _groups(text: str) -> list[str]:
    """What was typed, as key characters, in the groups the person typed (separators split)."""
    groups: list[str] = []
    current: list[str] = []
    for ch in text:
        read = _read_char(ch)
        if read:
            current.append(read)
        elif current:
            groups.append("".join(current))
            current = []
    if current:
        groups.append("".join(current))
    return groups


def _group_of(index: int) -> int:
    """The printed group (from 1) of the character at ``index`` of the compact key."""
    return index // _B32_GROUP + 1


def _readings(compact: str) -> list[str]:
    """Each way to read the lower-case l's (as L first, then as I)."""
    positions = [i for i, ch in enumerate(compact) if ch == _AMBIGUOUS_L]
    if not positions:
        return [compact]
    if len(positions) > _MAX_AMBIGUOUS:
        return [compact.replace(_AMBIGUOUS_L, "L")]
    readings = []
    for choice in itertools.product("LI", repeat=len(positions)):
        chars = list(compact)
        for pos, letter in zip(positions, choice, strict=True):
            chars[pos] = letter
        readings.append("".join(chars))
    return readings


def _mistake_group(compact: str) -> int | None:
    """The group of a single mistyped or swapped character, if exactly one correction fits."""
    groups: set[int] = set()
    for i, typed in enumerate(compact):
        for letter in _ALPHABET:
            if letter != typed and _decode(compact[:i] + letter + compact[i + 1 :]) is not None:
                groups.add(_group_of(i))
    for i in range(len(compact) - 1):
        if compact[i] != compact[i + 1]:
            swapped = compact[:i] + compact[i + 1] + compact[i] + compact[i + 2 :]
            if _decode(swapped) is not None:
                groups.update({_group_of(i), _group_of(i + 1)})
    return groups.pop() if len(groups) == 1 else None


def parse_recovery_key(text: str) -> bytes:
    """Read a recovery key typed by a person (see the module's docstring for what is accepted).

    Raises:
        InputRejected: it is not a recovery key; the message says which group is wrong when
            that can be told.
    """
    groups = _groups(text)
    for number, group in enumerate(groups, start=1):
        for ch in group:
            if ch != _AMBIGUOUS_L and ch not in _ALPHABET:
                raise InputRejected(
                    _(
                        "Group {group} of the recovery key has “{char}”, which no recovery key "
                        "contains (only the letters A–Z and the digits 2–7)."
                    ).format(group=number, char=ch)
                )
    compact = "".join(groups)
    if len(compact) != KEY_CHARS:
        if len(groups) > 1:
            for number, group in enumerate(groups, start=1):
                expected = GROUP_LENGTHS[number - 1] if number <= len(GROUP_LENGTHS) else 0
                if len(group) != expected:
                    raise InputRejected(
                        _(
                            "Group {group} of the recovery key has the wrong length (typed: "
                            "{count}, needed: {expected})."
                        ).format(group=number, count=len(group), expected=expected)
                    )
        raise InputRejected(
            _(
                "That is not a recovery key: it is too short or too long (typed: {count}, "
                "needed: {expected}). Check that every group was typed."
            ).format(count=len(compact), expected=KEY_CHARS)
        )
    readings = _readings(compact)
    for reading in readings:
        secret = _decode(reading)
        if secret is not None:
            return secret
    mistake = _mistake_group(readings[0])
    if mistake is not None:
        raise InputRejected(
            _(
                "The recovery key has a typing mistake, probably in group {group}: compare it "
                "with the sheet."
            ).format(group=mistake)
        )
    raise InputRejected(_("The recovery key has a typing mistake: check every group."))
