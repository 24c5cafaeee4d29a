"""Text for display and storage: :func:`clean` (DESIGN.md §4).

NFC, invisible characters removed, whitespace collapsed, mixed-script lookalikes repaired. Keeps
the user's script and casing otherwise.

Lookalikes. A *word* is a run of letters and combining marks. If a word mixes
Latin and Cyrillic letters, it is written in the script of the majority (ties go to Latin),
provided every minority letter has a lookalike in that script: Cyrillic ``а е о р с у х і ј ѕ
һ`` and capitals ``А В Е К М Н О Р С Т У Х І Ј Ѕ Һ`` become the Latin letters they look like;
the Azerbaijani Cyrillic ``ә ө ү`` (and capitals) become ``ə ö ü``. The other way, Latin
``a e o p c y x ə`` and ``A B E K M H O P C T X Ə`` become Cyrillic. In a word with no
Cyrillic letters, ``ä``/``Ä`` (an old fallback for the schwa) becomes ``ə``/``Ə``, so a German
``Jäger`` becomes ``Jəger`` too (accepted). The turned e ``ǝ``/``Ǝ`` (U+01DD/U+018E, a common
wrong pick for ``ə``/``Ə``) always becomes ``ə``/``Ə``. Removed as invisible: format characters
(Unicode category Cf: zero-width space/joiners, BOM, soft hyphen, bidi controls) and control
characters that are not whitespace. A dot above after ``i`` (left by a naive ``"İ".lower()``) is
dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

from legalaid_desktop.text.chars import drop_redundant_dot, nfc, script_of, strip_invisible

_LOOKALIKE_CANDIDATE_RE: Final = re.compile("[\u0400-\u052fäÄ]")
_TURNED_E: Final = str.maketrans({"ǝ": "ə", "Ǝ": "Ə"})
_A_UMLAUT: Final = str.maketrans({"ä": "ə", "Ä": "Ə"})

_CYR_TO_LAT_LOOKALIKE: Final[dict[str, str]] = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x",
    "і": "i", "ј": "j", "ѕ": "s", "һ": "h", "ԛ": "q", "ԝ": "w",
    "ә": "ə", "ө": "ö", "ү": "ü",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "Һ": "H",
    "Ԛ": "Q", "Ԝ": "W",
    "Ә": "Ə", "Ө": "Ö", "Ү": "Ü",
}  # fmt: skip
_LAT_TO_CYR_LOOKALIKE: Final[dict[str, str]] = {
    "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "y": "у", "x": "х", "ə": "ә",
    "A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О", "P": "Р",
    "C": "С", "T": "Т", "X": "Х", "Ə": "Ә",
}  # fmt: skip
_CYR_TO_LAT_TABLE: Final = str.maketrans(_CYR_TO_LAT_LOOKALIKE)
_LAT_TO_CYR_TABLE: Final = str.maketrans(_LAT_TO_CYR_LOOKALIKE)


@lru_cache(maxsize=8192)
def _is_word_char(ch: str) -> bool:
    return ch.isalpha() or unicodedata.category(ch).startswith("M")


@lru_cache(maxsize=1 << 14)  # the words of mixed-script names repeat
def _fix_word(word: str) -> str:
    latin = cyrillic = 0
    latin_ok = cyrillic_ok = True
    for ch in word:
        script = script_of(ch)
        if script == "L":
            latin += 1
            latin_ok = latin_ok and ch in _LAT_TO_CYR_LOOKALIKE
        elif script == "C":
            cyrillic += 1
            cyrillic_ok = cyrillic_ok and ch in _CYR_TO_LAT_LOOKALIKE
    if latin and cyrillic:
        if latin >= cyrillic and cyrillic_ok:
            word = word.translate(_CYR_TO_LAT_TABLE)
            cyrillic = 0
        elif cyrillic > latin and latin_ok:
            word = word.translate(_LAT_TO_CYR_TABLE)
    if not cyrillic:
        word = word.translate(_A_UMLAUT)
    return word


def _fix_lookalikes(text: str) -> str:
    if not _LOOKALIKE_CANDIDATE_RE.search(text):
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        in_word = _is_word_char(text[i])
        j = i + 1
        while j < n and _is_word_char(text[j]) == in_word:
            j += 1
        out.append(_fix_word(text[i:j]) if in_word else text[i:j])
        i = j
    return "".join(out)


def _clean_line(text: str) -> str:
    s = nfc(strip_invisible(nfc(text)))
    s = _fix_lookalikes(s.translate(_TURNED_E))
    s = " ".join(drop_redundant_dot(s).split())
    return nfc(s)


def clean(text: str, *, multiline: bool = False) -> str:
    """Normalizes text for display and storage without changing its script or casing.

    NFC; invisible characters (zero-width spaces and joiners, BOM, soft hyphen, bidi
    controls, non-whitespace control characters) removed; whitespace collapsed to single
    spaces and stripped; mixed-script lookalikes repaired (``Mәmmәdov`` with Cyrillic ``ә``
    becomes ``Məmmədov``; ``Äliyev`` becomes ``Əliyev``; see the module docstring).

    Args:
        text: Any text.
        multiline: Keep line breaks: each line is cleaned on its own, runs of blank lines
            become one blank line and leading/trailing blank lines are removed. Line
            separators become ``"\\n"``.

    Returns:
        The cleaned text. ``clean(clean(x)) == clean(x)``.
    """
    if not multiline:
        return _clean_line(text)
    lines: list[str] = []
    for raw in text.splitlines():
        line = _clean_line(raw)
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)
