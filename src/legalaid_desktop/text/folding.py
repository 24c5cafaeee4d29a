"""The precise search form: :func:`fold` gives ASCII lowercase words separated by spaces.

NFKC (fullwidth forms, ligatures), :func:`to_latin`, then ``ə ä ǝ → e``,
``ı → i``, ``ş → s``, ``ç → c``, ``ğ → g``, ``ö → o``, ``ü → u``; other diacritics are removed
(``é → e``), ``ß æ œ ø þ`` become ``ss ae oe o th``; decimal digits of any script become ASCII
digits; apostrophes are removed (``O'Brien → obrien``); everything else that is not an ASCII
letter or digit separates words (punctuation, symbols, and letters of other scripts such as
Georgian or Arabic, which therefore cannot be searched by text). ``ə → e`` (not ``a``) is the
convention of ASCII Azerbaijani ("Eliyev", "Memmedov"), so ``ƏLİYEV``, ``əliyev`` and
``Eliyev`` fold equally; ``Aliyev`` folds to ``aliyev``; joining those is the job of the
phonetic keys. ``x`` stays ``x`` (it is a letter of its own, not ``kh``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from legalaid_desktop.text.chars import (
    APOSTROPHES,
    ASCII_CONTROL_RE,
    CharTable,
    strip_invisible,
)
from legalaid_desktop.text.transliteration import to_latin

_FOLD_TABLE: Final = str.maketrans(
    {
        "ə": "e", "ä": "e", "ǝ": "e", "ı": "i", "ş": "s", "ç": "c", "ğ": "g", "ö": "o",
        "ü": "u", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "þ": "th",
        "ð": "d", "ħ": "h", "ŧ": "t", "ŋ": "n", "ĸ": "k",
    }
)  # fmt: skip
_APOSTROPHE_RE: Final = re.compile(f"[{APOSTROPHES}]")
_NON_ALNUM_RE: Final = re.compile(r"[^a-z0-9]+")


def _fold_char(ch: str) -> str:
    category = unicodedata.category(ch)
    if category.startswith("M"):
        return ""
    if category == "Nd":
        return str(unicodedata.decimal(ch, 0))
    return ch


_FOLD_CHARS: Final = CharTable(_fold_char)


def fold(text: str) -> str:
    """Folds text for the search index and for search queries.

    Invisible characters removed (as in :func:`clean`), Azerbaijani-aware lowercase,
    Cyrillic to Latin, diacritics folded to ASCII
    (``ə → e``, ``ı → i``, ``ş → s``, ``ç → c``, ``ğ → g``, ``ö → o``, ``ü → u``),
    apostrophes removed, every other non-alphanumeric character turned into a single space.
    ``fold("ƏLİYEV") == fold("əliyev") == fold("Eliyev") == "eliyev"``.

    Args:
        text: Any text.

    Returns:
        Words of ASCII lowercase letters and digits separated by single spaces, with no
        leading or trailing space; possibly empty. ``fold(fold(x)) == fold(x)``.
    """
    if text.isascii():  # the same steps, without the ones that cannot change ASCII text
        s = ASCII_CONTROL_RE.sub("", text).lower()
        return _NON_ALNUM_RE.sub(" ", _APOSTROPHE_RE.sub("", s)).strip()
    s = to_latin(strip_invisible(unicodedata.normalize("NFKC", text))).translate(_FOLD_TABLE)
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s).translate(_FOLD_CHARS)
    s = _APOSTROPHE_RE.sub("", s)
    return _NON_ALNUM_RE.sub(" ", s.lower()).strip()
