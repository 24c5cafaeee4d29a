"""The characters every text module shares: the Azerbaijani alphabet, apostrophes, scripts,
invisible characters, and a ``str.translate`` table filled on demand.

Nothing here knows a rule of Azerbaijani spelling beyond the alphabet itself; the modules
beside it (casing, cleaning, transliteration, folding, ...) build on these pieces.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Final

AZ_ALPHABET: Final = "abcçdeəfgğhxıijkqlmnoöprsştuüvyz"
"""The 32 lowercase letters of the Azerbaijani Latin alphabet, in alphabetical order."""

AZ_ALPHABET_UPPER: Final = "ABCÇDEƏFGĞHXIİJKQLMNOÖPRSŞTUÜVYZ"
"""The 32 capital letters of the Azerbaijani Latin alphabet, in alphabetical order."""

APOSTROPHES: Final = "'’ʼ`´ʻ‘"
"""The characters people type as an apostrophe (``Mə'sumə``, ``O'Brien``)."""

ASCII_CONTROL_RE: Final = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")
"""The ASCII control characters that are not whitespace (removed as invisible)."""


def nfc(text: str) -> str:
    """``text`` in Unicode normal form C."""
    return unicodedata.normalize("NFC", text)


def drop_redundant_dot(text: str) -> str:
    """``text`` without a combining dot above after ``i``."""
    # Plain "İ".lower() gives "i" + U+0307 COMBINING DOT ABOVE; on "i" the dot is redundant.
    return text.replace("i\u0307", "i") if "\u0307" in text else text


@lru_cache(maxsize=8192)
def script_of(ch: str) -> str:
    """Returns ``"L"`` for a Latin letter, ``"C"`` for a Cyrillic letter, ``""`` otherwise."""
    if not ch.isalpha():
        return ""
    name = unicodedata.name(ch, "")
    if "LATIN" in name:
        return "L"
    if "CYRILLIC" in name:
        return "C"
    return ""


@lru_cache(maxsize=8192)
def is_invisible(ch: str) -> bool:
    """Whether ``ch`` is a format character (Cf) or a control character that is not whitespace."""
    category = unicodedata.category(ch)
    return category == "Cf" or (category == "Cc" and not ch.isspace())


CHAR_TABLE_MAX: Final = 1 << 16


class CharTable(dict[int, str | None]):
    """A ``str.translate`` table filled on demand: each code point is decided once, by ``rule``.

    ``text.translate(table)`` then runs in C over every character; only a code point not seen
    before costs a Python call. The table grows with the distinct characters seen (a few hundred
    in practice) and is emptied if it ever holds :data:`CHAR_TABLE_MAX` of them.
    """

    def __init__(self, rule: Callable[[str], str]) -> None:
        super().__init__()
        self._rule = rule

    def __missing__(self, code: int) -> str | None:
        if len(self) >= CHAR_TABLE_MAX:
            self.clear()
        mapped = self._rule(chr(code))
        value = mapped or None  # None deletes the character
        self[code] = value
        return value


def _visible_or_empty(ch: str) -> str:
    return "" if is_invisible(ch) else ch


_STRIP_INVISIBLE: Final = CharTable(_visible_or_empty)


def strip_invisible(text: str) -> str:
    """``text`` without its invisible characters (:func:`is_invisible`)."""
    if text.isascii():
        return ASCII_CONTROL_RE.sub("", text)
    return text.translate(_STRIP_INVISIBLE)
