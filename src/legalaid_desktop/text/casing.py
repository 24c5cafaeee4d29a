"""Azerbaijani casing: the ``İ ↔ i`` and ``I ↔ ı`` pairs.

Python's own ``str.lower()`` turns ``"İ"`` into ``"i̇"`` (two code points) and ``"I"`` into
``"i"``; both are wrong for Azerbaijani. :func:`az_lower`, :func:`az_upper` and
:func:`az_title` get them right (for names, with lowercase patronymic markers, see
:func:`legalaid_desktop.text.names.title_name`).
"""

from __future__ import annotations

import unicodedata
from typing import Final

from legalaid_desktop.text.chars import APOSTROPHES, drop_redundant_dot, nfc

_TO_LOWER_SPECIAL: Final = str.maketrans({"İ": "i", "I": "ı"})
_TO_UPPER_SPECIAL: Final = str.maketrans({"i": "İ", "ı": "I"})


def az_lower(text: str) -> str:
    """Lowercases by Azerbaijani rules: ``İ → i`` and ``I → ı``.

    Args:
        text: Any text.

    Returns:
        The lowercase text, NFC-normalized. ``i`` followed by a combining dot above
        (what a plain ``"İ".lower()`` produces) becomes a plain ``i``.
    """
    lowered = drop_redundant_dot(nfc(text)).translate(_TO_LOWER_SPECIAL).lower()
    return nfc(drop_redundant_dot(lowered))


def az_upper(text: str) -> str:
    """Uppercases by Azerbaijani rules: ``i → İ`` and ``ı → I``.

    Args:
        text: Any text.

    Returns:
        The uppercase text, NFC-normalized.
    """
    return nfc(drop_redundant_dot(nfc(text)).translate(_TO_UPPER_SPECIAL).upper())


def _title_char(ch: str) -> str:
    if ch == "i":
        return "İ"
    if ch == "ı":
        return "I"
    return ch.title()


def az_title(text: str) -> str:
    """Capitalizes the first letter of every word and lowercases the rest, Azerbaijani-style.

    A word starts after anything that is not a letter, digit, combining mark or apostrophe,
    so ``əliyeva-quliyeva`` becomes ``Əliyeva-Quliyeva`` and ``mə'sumə`` becomes ``Mə'sumə``.
    Patronymic markers are capitalized like any word; use :func:`title_name` for names.

    Args:
        text: Any text.

    Returns:
        The title-cased text, NFC-normalized.
    """
    out: list[str] = []
    at_start = True
    for ch in drop_redundant_dot(nfc(text)):
        if ch.isalpha():
            out.append(_title_char(ch) if at_start else az_lower(ch))
            at_start = False
        elif ch.isalnum() or ch in APOSTROPHES:
            out.append(ch)
            at_start = False
        elif unicodedata.category(ch).startswith("M"):
            out.append(ch)
        else:
            out.append(ch)
            at_start = True
    return nfc("".join(out))
