"""A person's name: its parts (surname, given name, father's name, ``oğlu``/``qızı``), its
keys, whether a token looks like a surname, and name casing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from legalaid_desktop.text.casing import az_lower, az_title
from legalaid_desktop.text.cleaning import clean
from legalaid_desktop.text.folding import fold
from legalaid_desktop.text.phonetic import Marker, marker_of, phonetic_key

_TOKEN_SEP_RE: Final = re.compile(r"[\s,;/.()\[\]{}]+")
_TOKEN_STRIP: Final = ":\"«»“”„‹›'’ʼ`´ʻ‘-‐‑–—"
_HYPHEN_RE: Final = re.compile("[-‐‑–—]+")
_PATRONYMIC_SUFFIXES: Final[tuple[tuple[str, Marker], ...]] = (
    ("ович", "oglu"),
    ("евич", "oglu"),
    ("овна", "qizi"),
    ("евна", "qizi"),
    ("ovich", "oglu"),
    ("evich", "oglu"),
    ("ovna", "qizi"),
    ("evna", "qizi"),
)
_SURNAME_ENDINGS: Final = ("ov", "ev", "ova", "eva", "zade", "zada", "ski", "sky", "skiy")
_SURNAME_ENDINGS_LONG: Final = ("skaya", "dze", "shvili", "svili", "li", "lu", "ly")


@dataclass(frozen=True, slots=True)
class NameParts:
    """A person's name split into its parts (see :func:`split_name`).

    Attributes:
        surname: Family name, e.g. ``"Əliyev"``, or ``None`` if not recognized.
        given: Given name(s), e.g. ``"Rəşad"``, or ``None``.
        patronymic: The father's name without marker or Russian suffix, e.g. ``"İsmayıl"``
            (from ``"İsmayıl oğlu"``) or ``"Исмаил"`` (from ``"Исмаилович"``), or ``None``.
        marker: ``"oglu"`` or ``"qizi"`` if the name carries one (Russian ``-ович``/``-евич``
            count as ``"oglu"``, ``-овна``/``-евна`` as ``"qizi"``), else ``None``.
        tokens: All tokens of the cleaned name in their original order, markers included.
    """

    surname: str | None
    given: str | None
    patronymic: str | None
    marker: Marker | None
    tokens: tuple[str, ...]


def _name_tokens(full_name: str) -> tuple[str, ...]:
    tokens: list[str] = []
    for raw in _TOKEN_SEP_RE.split(clean(full_name)):
        token = raw.strip(_TOKEN_STRIP)
        if not token:
            continue
        # Russian documents often hyphenate the marker: "Исмаил-оглы", "Ismayil-ogly".
        head, hyphen, tail = token.rpartition("-")
        if hyphen and head.strip(_TOKEN_STRIP) and marker_of(tail) is not None:
            tokens.extend((head.strip(_TOKEN_STRIP), tail))
        else:
            tokens.append(token)
    return tuple(tokens)


def _russian_patronymic(token: str) -> tuple[str, Marker] | None:
    lowered = az_lower(token)
    for suffix, marker in _PATRONYMIC_SUFFIXES:
        if lowered.endswith(suffix):
            source = token if len(token) == len(lowered) else lowered
            stem = source[: -len(suffix)].rstrip("ьЬ")
            if len(stem) >= 2:
                return stem, marker
    return None


def looks_like_surname(token: str) -> bool:
    """Guesses whether a token is a surname from its ending.

    True for ``-ov``/``-ev``/``-ova``/``-eva`` (Əliyev, Алиева), ``-zadə``, ``-li``/``-lı``/
    ``-lu``/``-lü`` from six letters on (Əhmədli, not Əli), and some Slavic and Georgian endings.
    For a hyphenated token the last part decides.

    Args:
        token: One name token.

    Returns:
        Whether the token looks like a surname.
    """
    folded = fold(token)
    if not folded:
        return False
    last = folded.split(" ")[-1]
    if len(last) >= 5 and last.endswith(_SURNAME_ENDINGS):
        return True
    return len(last) >= 6 and last.endswith(_SURNAME_ENDINGS_LONG)


def _surname_given(before: list[str], after: list[str]) -> tuple[str | None, str | None]:
    """Assigns the tokens around a patronymic to surname and given name."""
    if after and len(before) <= 1:  # "Rəşad İsmayıl oğlu Əliyev"
        return " ".join(after), (before[0] if before else None)
    if len(before) >= 2:  # "Əliyev Rəşad İsmayıl oğlu"
        return before[0], " ".join(before[1:])
    if before:
        return (before[0], None) if looks_like_surname(before[0]) else (None, before[0])
    return None, None


def split_name(full_name: str) -> NameParts:
    """Splits a person's name into surname, given name, father's name and marker.

    Understands the Azerbaijani order ``"Əliyev Rəşad İsmayıl oğlu"`` (also with the surname
    last: ``"Rəşad İsmayıl oğlu Əliyev"``; a hyphenated ``"Исмаил-оглы"`` is two tokens), the
    Russian ``"Алиев Рашад Исмаилович"`` and ``"Рашад Исмаилович Алиев"``, names without a
    patronymic and extra spaces. Without a patronymic, the Azerbaijani order (surname first) is
    assumed unless only the last token looks like a surname (:func:`looks_like_surname`):
    ``"Rəşad Əliyev"``.

    Args:
        full_name: The name as entered.

    Returns:
        The parts; the text of each part is cleaned but keeps its script and casing.
    """
    tokens = _name_tokens(full_name)
    listed = list(tokens)
    for index in range(1, len(listed)):
        marker = marker_of(listed[index])
        if marker is not None:
            if index == 1:  # "İsmayıl oğlu ..." - no name before the father's
                surname = " ".join(listed[2:]) or None
                return NameParts(surname, None, listed[0], marker, tokens)
            surname, given = _surname_given(listed[: index - 1], listed[index + 1 :])
            return NameParts(surname, given, listed[index - 1], marker, tokens)
    for index in range(len(listed) - 1, 0, -1):
        russian = _russian_patronymic(listed[index])
        if russian is not None:
            surname, given = _surname_given(listed[:index], listed[index + 1 :])
            return NameParts(surname, given, russian[0], russian[1], tokens)
    if not listed:
        return NameParts(None, None, None, None, tokens)
    if len(listed) == 1:
        only = listed[0]
        if looks_like_surname(only):
            return NameParts(only, None, None, None, tokens)
        return NameParts(None, only, None, None, tokens)
    western = looks_like_surname(listed[-1]) and not looks_like_surname(listed[0])
    if len(listed) == 2:
        if western:
            return NameParts(listed[1], listed[0], None, None, tokens)
        return NameParts(listed[0], listed[1], None, None, tokens)
    if len(listed) == 3:
        if western:
            return NameParts(listed[2], listed[0], listed[1], None, tokens)
        return NameParts(listed[0], listed[1], listed[2], None, tokens)
    return NameParts(listed[0], " ".join(listed[1:]), None, None, tokens)


def name_keys(full_name: str) -> list[str]:
    """Returns the phonetic key of every name token, in order, without markers.

    A Russian patronymic contributes its stem (``Исмаилович`` gives the key of ``Исмаил``)
    and hyphenated tokens contribute each part, so ``"Əliyev Rəşad İsmayıl oğlu"``,
    ``"Aliyev Rashad Ismail ogly"`` and ``"Алиев Рашад Исмаилович"`` all give
    ``["aliav", "rasad", "ismail"]``.

    Args:
        full_name: The name as entered.

    Returns:
        The non-empty keys.
    """
    keys: list[str] = []
    for index, token in enumerate(_name_tokens(full_name)):
        if marker_of(token) is not None:
            continue
        russian = _russian_patronymic(token) if index else None
        text = russian[0] if russian else token
        for part in _HYPHEN_RE.split(text):
            key = phonetic_key(part)
            if key and key not in ("oglu", "qizi"):
                keys.append(key)
    return keys


def title_name(full_name: str) -> str:
    """Title-cases a person's name, keeping patronymic markers lowercase.

    Args:
        full_name: A full name, e.g. ``"ƏLİYEV RƏŞAD İSMAYIL OĞLU"``.

    Returns:
        The cleaned name, e.g. ``"Əliyev Rəşad İsmayıl oğlu"``.
    """
    words = clean(full_name).split(" ")
    return " ".join(az_lower(w) if marker_of(w) else az_title(w) for w in words if w)
