"""Azerbaijani alphabetical order: :func:`sort_key`, :func:`sort_string`, :func:`sorted_az`.

Case-insensitive on :func:`clean` + :func:`az_lower`; letters in the order
A B C Ç D E Ə F G Ğ H X I İ J K Q L M N O Ö P R S Ş T U Ü V Y Z. Other Latin letters sort just
after their base letter (``é`` after ``e``; ``w`` between ``v`` and ``y``). Cyrillic sorts after
all Latin, in Russian alphabetical order with ``ә ғ ј ҝ ө ү һ ҹ`` placed after ``а г й к о у х
ч``; other scripts come after Cyrillic by code point. Before letters: space, then punctuation and
symbols, then digits. Combining marks are ignored. Equal keys are broken by the original string,
so the order is total and ``sort_key(a) == sort_key(b)`` only when ``a == b``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, Final, TypeVar, overload

from legalaid_desktop.text.casing import az_lower
from legalaid_desktop.text.chars import AZ_ALPHABET, script_of
from legalaid_desktop.text.cleaning import clean

_T = TypeVar("_T")

_CYRILLIC_ALPHABET: Final = "аәбвгғдеёжзийјкҝлмноөпрстуүфхһцчҹшщъыьэюя"
_AZ_INDEX: Final = {ch: i for i, ch in enumerate(AZ_ALPHABET)}
_CYR_INDEX: Final = {ch: i for i, ch in enumerate(_CYRILLIC_ALPHABET)}
_W_SPACE: Final = 1
_W_PUNCT: Final = 2
_W_DIGIT: Final = 10
_W_LATIN: Final = 100
_W_LATIN_OTHER: Final = 1_000
_W_CYRILLIC: Final = 200_000
_W_CYRILLIC_OTHER: Final = 210_000
_W_OTHER: Final = 300_000


@lru_cache(maxsize=8192)
def _sort_weight(ch: str) -> int:
    """Primary weight of one lowercase character; -1 for an ignorable one."""
    if ch in _AZ_INDEX:
        return _W_LATIN + 4 * _AZ_INDEX[ch]
    if ch in _CYR_INDEX:
        return _W_CYRILLIC + 4 * _CYR_INDEX[ch]
    category = unicodedata.category(ch)
    if category.startswith("M"):
        return -1
    if ch.isspace():
        return _W_SPACE
    if category == "Nd":
        return _W_DIGIT + unicodedata.decimal(ch, 0)
    if not ch.isalpha():
        return _W_PUNCT
    base = unicodedata.normalize("NFKD", ch)[:1].lower()
    script = script_of(ch)
    if script == "L":
        if base == "w":
            return _W_LATIN + 4 * _AZ_INDEX["v"] + 2
        if base in _AZ_INDEX:
            return _W_LATIN + 4 * _AZ_INDEX[base] + 1
        return _W_LATIN_OTHER + ord(ch)
    if script == "C":
        if base in _CYR_INDEX:
            return _W_CYRILLIC + 4 * _CYR_INDEX[base] + 1
        return _W_CYRILLIC_OTHER + ord(ch)
    return _W_OTHER + ord(ch)


def sort_key(text: str) -> tuple[tuple[int, ...], str]:
    """Returns a key that sorts text in Azerbaijani alphabetical order, case-insensitively.

    Order: A B C Ç D E Ə F G Ğ H X I İ J K Q L M N O Ö P R S Ş T U Ü V Y Z; Cyrillic after
    all Latin; details in the module docstring. The second element, the original string,
    breaks ties, so the order is total.

    Args:
        text: The text to sort by.

    Returns:
        ``(weights, text)``; compare keys with ``<``.
    """
    weights = tuple(w for w in map(_sort_weight, az_lower(clean(text))) if w >= 0)
    return weights, text


def sort_string(text: str) -> str:
    """:func:`sort_key` as a string whose plain (binary, code point) order is the same order.

    Stored in an indexed column, it lets the database page through names in Azerbaijani
    alphabetical order without a custom collation. Each weight becomes one character above
    U+0100 (below the surrogate range), followed by a separator and the original text.
    """
    weights, original = sort_key(text)
    encoded = "".join(chr(0x100 + min(w, 0xD000)) for w in weights)
    return encoded + "\u0001" + original


@overload
def sorted_az(items: Iterable[str], key: None = None, *, reverse: bool = False) -> list[str]: ...


@overload
def sorted_az(
    items: Iterable[_T], key: Callable[[_T], str], *, reverse: bool = False
) -> list[_T]: ...


def sorted_az(
    items: Iterable[Any], key: Callable[[Any], str] | None = None, *, reverse: bool = False
) -> list[Any]:
    """Sorts in Azerbaijani alphabetical order (see :func:`sort_key`).

    Args:
        items: Strings, or any items if ``key`` is given.
        key: Gives the text to sort each item by.
        reverse: Sort descending.

    Returns:
        A new sorted list.
    """
    if key is None:
        return sorted(items, key=sort_key, reverse=reverse)
    text_of = key
    return sorted(items, key=lambda item: sort_key(text_of(item)), reverse=reverse)
