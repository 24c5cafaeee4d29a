"""Whether two spellings can write the same name: :func:`same_spelling`.

The phonetic keys (:mod:`~legalaid_desktop.text.phonetic`) merge letters on purpose, so that
every spelling of one name gives one key; the price is that some different names share a key:
Qasımov and Həşimov (Гасымов, Гашимов) both give ``kasimov``. This module tells them apart by
reading each letter as the set of Azerbaijani letters it can stand for in its script, and
accepting two spellings only when they have the same number of letters and each pair of letters
can be the same Azerbaijani letter:

==================  =========================================================================
script              a letter can be
==================  =========================================================================
Russian Cyrillic    ``г`` h, q, g, ğ; ``х`` x, h; ``к`` k, q; ``а`` a, ə; ``е э`` e, ə; ``я`` ə,
                    a; ``и`` i, ı; ``ы`` ı; ``о`` o, ö; ``ё`` ö, o; ``у`` u, ü; ``ю`` ü, u;
                    ``с`` s; ``ш щ`` ş; ``ч`` ç; ``дж`` c; ``ж`` j; ``й`` y (and Azerbaijani
                    Cyrillic ``ә ғ ҹ һ ј ө ү ҝ``)
Azerbaijani Latin   the letter itself, but e also ə, i also ı, o also ö, u also ü, g also ğ (a
(a word with one    missing dot or mark is a common slip); s is not ş, c is not ç, h is not x
of ə ı ş ç ğ ö ü)   or q
other Latin         a, e also ə; i, y also ı and each other; o ö; u ü; s ş; c ç; g ğ, q, h
                    (Russian г); k q; h x; j c (English j); ``sh`` ş; ``ch`` ç; ``kh`` x, h;
                    ``gh`` ğ, g, q; ``zh`` j; ``dj``, ``dzh`` c; ``y`` after g or k before a
                    vowel dropped (Gyunel)
==================  =========================================================================

Before comparing, doubled letters are written once (Məmmədov, Мамедов) and a ``y`` between two
vowels, or after ``i``, is dropped (İsmayıl = Исмаил, Əliyev = Алиев). So Гасымов and Həşimov
differ (с is s, never ş) while Hasimov, written in plain ASCII, can be either.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from legalaid_desktop.text.casing import az_lower
from legalaid_desktop.text.chars import nfc

__all__ = ["different_spelling", "same_spelling", "spelling_classes"]

Classes = tuple[frozenset[str], ...]

_VOWELS: Final = frozenset("aeəiıoöuü")
_GLIDE: Final = "~"  # marks a y that may be dropped (see _glides)
_CYRILLIC_RE: Final = re.compile("[\u0400-\u04ff]")
_AZ_LATIN: Final = frozenset("əıöüşçğä")
_LETTER_RE: Final = re.compile(r"[^\W\d_]")

_CYR: Final[dict[str, str]] = {
    "а": "aə", "б": "b", "в": "v", "г": "hqgğ", "д": "d", "е": "eə", "ё": "öo", "ж": "j",
    "з": "z", "и": "iı", "й": "y", "к": "kq", "л": "l", "м": "m", "н": "n", "о": "oö",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "uü", "ф": "f", "х": "xh", "ц": "s",
    "ч": "ç", "ш": "ş", "щ": "ş", "ы": "ı", "э": "eə", "ю": "üu", "я": "əa",
    "ә": "ə", "ғ": "ğ", "ҹ": "c", "һ": "h", "ј": "y", "ө": "ö", "ү": "ü", "ҝ": "g",
}  # fmt: skip
_IOTATED: Final = frozenset("еёюя")
_LATIN_DEFINITE: Final[dict[str, str]] = {
    "e": "eə", "i": "iı", "o": "oö", "u": "uü", "g": "gğ", "ä": "ə", "w": "v",
}  # fmt: skip
_ASCII: Final[dict[str, str]] = {
    "a": "aə", "e": "eə", "i": "iıy", "y": "yıi", "o": "oö", "u": "uü", "s": "sş", "c": "cç",
    "g": "gğqh", "k": "kq", "h": "hx", "j": "cj", "w": "v",
}  # fmt: skip
_ASCII_DIGRAPHS: Final = (("dzh", "c"), ("dj", "c"), ("sh", "ş"), ("ch", "ç"), ("kh", "xh"),
                          ("gh", "ğgq"), ("zh", "j"))  # fmt: skip
_REPEAT_RE: Final = re.compile(r"(.)\1+")
_PALATAL_Y_RE: Final = re.compile("(?<=[gk])y(?=[aeou])")


def _cyrillic(word: str) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(word):
        ch = word[i]
        if ch == "д" and word[i + 1 : i + 2] == "ж":
            out.append("c")
            i += 2
            continue
        if ch in _IOTATED and (i == 0 or word[i - 1] in "аеёиоуыэюяьъ"):
            out.append(_GLIDE)
        if ch in "йј":
            out.append(_GLIDE)
        elif ch in _CYR:
            out.append(_CYR[ch])
        i += 1
    return out


def _latin(word: str) -> list[str]:
    if any(ch in _AZ_LATIN for ch in word):
        return [_GLIDE if ch == "y" else _LATIN_DEFINITE.get(ch, ch) for ch in word]
    word = _PALATAL_Y_RE.sub("", word)
    out: list[str] = []
    i = 0
    while i < len(word):
        for digraph, letters in _ASCII_DIGRAPHS:
            if word.startswith(digraph, i):
                out.append(letters)
                i += len(digraph)
                break
        else:
            ch = word[i]
            out.append(_GLIDE if ch == "y" else _ASCII.get(ch, ch))
            i += 1
    return out


def _glides(letters: list[str]) -> Classes:
    """Drops a y between vowels or after i; the others become the letter y (or i, ı in ASCII)."""
    out: list[frozenset[str]] = []
    for i, letters_i in enumerate(letters):
        if letters_i == _GLIDE:
            before = letters[i - 1] if i else ""
            after = letters[i + 1] if i + 1 < len(letters) else ""
            vowel_before = before != _GLIDE and any(ch in _VOWELS for ch in before)
            vowel_after = after != _GLIDE and any(ch in _VOWELS for ch in after)
            if vowel_before and (vowel_after or set(before) <= set("iıy")):
                continue
            out.append(frozenset("yıi"))
            continue
        out.append(frozenset(letters_i))
    return tuple(out)


@lru_cache(maxsize=1 << 14)
def spelling_classes(text: str) -> Classes:
    """The letters of a name as the sets of Azerbaijani letters each can stand for.

    Args:
        text: A name or part of a name, in any script; separators and digits are ignored.

    Returns:
        One set per letter, after the doubling and ``y`` rules of the module docstring.
    """
    letters: list[str] = []
    for word in re.split(r"[^\w]+|[\d_]+", nfc(az_lower(text))):
        if not word:
            continue
        word = _REPEAT_RE.sub(r"\1", word)
        if _CYRILLIC_RE.search(word):
            letters += _cyrillic(word)
        else:
            letters += _latin("".join(_LETTER_RE.findall(word)))
    return _glides(letters)


@lru_cache(maxsize=1 << 15)
def same_spelling(a: str, b: str, *, ending: int = 0) -> bool:
    """Whether ``a`` and ``b`` can be two spellings of the same name (see the module docstring).

    Args:
        a: A name or part of one (a surname), in any script.
        b: Another.
        ending: How many letters at the end may differ or be added (2 for a surname in the
            other gender's form: Əliyev and Алиева add them, Ковальский and Kovalskaya
            replace ий/i with ая/aya).

    Returns:
        True when, letter by letter, each pair can be the same Azerbaijani letter (the last
        ``ending`` letters of the shorter one are not compared).
    """
    x, y = spelling_classes(a), spelling_classes(b)
    if len(x) > len(y):
        x, y = y, x
    if not x or len(y) - len(x) > ending:
        return False
    stem = x[: max(1, len(x) - ending)]
    return all(p & q for p, q in zip(stem, y, strict=False))


def different_spelling(a: str, b: str, *, ending: int = 0) -> bool:
    """Whether ``a`` and ``b`` are surely different names, not two spellings of one.

    True only when both have letters, as many (give or take ``ending`` letters at the end), and
    some pair of letters cannot be the same Azerbaijani letter: Гасымов and Həşimov. Spellings
    whose lengths differ otherwise are not judged (False).

    Args:
        a: A name or part of one (a surname), in any script.
        b: Another.
        ending: As for :func:`same_spelling`.

    Returns:
        Whether they are told apart.
    """
    x, y = spelling_classes(a), spelling_classes(b)
    if not x or not y or abs(len(x) - len(y)) > ending:
        return False
    return not same_spelling(a, b, ending=ending)
