"""A person's name: its parts (surname, given name, father's name, ``oğlu``/``qızı``), its
keys, whether a token looks like a surname, and name casing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from legalaid_desktop.text.casing import az_lower, az_title
from legalaid_desktop.text.cleaning import clean
from legalaid_desktop.text.folding import fold
from legalaid_desktop.text.honorifics import drop_titles
from legalaid_desktop.text.phonetic import Marker, marker_of, phonetic_key

_TOKEN_SEP_RE: Final = re.compile(r"[\s,;/.()\[\]{}]+")
_COMMA_RE: Final = re.compile("[,;]")
_TOKEN_STRIP: Final = ":\"«»“”„‹›'’ʼ`´ʻ‘-‐‑–—"
_HYPHEN_RE: Final = re.compile("[-‐‑–—]+")
# Russian patronymics, longest suffix first (the stem must keep at least two letters, a soft
# sign before the suffix dropped): Джафарович, Алиевич, Мусаевна, Ильич, Кузьминична; in
# English spelling Jafarovich, Alievich, Musaevna, Jafarovitch.
_PATRONYMIC_SUFFIXES: Final[tuple[tuple[str, Marker], ...]] = (
    ("инична", "qizi"),
    ("ович", "oglu"),
    ("евич", "oglu"),
    ("овна", "qizi"),
    ("евна", "qizi"),
    ("ична", "qizi"),
    ("ич", "oglu"),
    ("inichna", "qizi"),
    ("ovitch", "oglu"),
    ("evitch", "oglu"),
    ("ovich", "oglu"),
    ("evich", "oglu"),
    ("ovna", "qizi"),
    ("evna", "qizi"),
    ("ichna", "qizi"),
)
_MIN_STEM: Final = 2
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
        tokens: All tokens of the cleaned name in their original order, markers included,
            titles and honorifics (:mod:`~legalaid_desktop.text.honorifics`) left out.
        comma: The name was written ``"Surname, Given ..."`` (the surname before a comma).
    """

    surname: str | None
    given: str | None
    patronymic: str | None
    marker: Marker | None
    tokens: tuple[str, ...]
    comma: bool = False


def _split_tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for raw in _TOKEN_SEP_RE.split(text):
        token = raw.strip(_TOKEN_STRIP)
        if not token:
            continue
        # Russian documents often hyphenate the marker: "Исмаил-оглы", "Ismayil-ogly".
        head, hyphen, tail = token.rpartition("-")
        if hyphen and head.strip(_TOKEN_STRIP) and marker_of(tail) is not None:
            tokens.extend((head.strip(_TOKEN_STRIP), tail))
        else:
            tokens.append(token)
    return tokens


def _tokens_and_surname(full_name: str) -> tuple[tuple[str, ...], int]:
    """The name's words without titles, and how many of them a comma marks as the surname.

    ``"Гасымлы, Муса Джафарович"`` (the reversed "Surname, Given Father" of lists and
    registries) gives 1; 0 without such a comma (the part before it must be one word, and
    something must follow it).
    """
    cleaned = clean(full_name)
    if _COMMA_RE.search(cleaned):
        head, tail = _COMMA_RE.split(cleaned, maxsplit=1)
        before = _split_tokens(head)
        after = drop_titles(_split_tokens(tail), looks_like_surname)
        if after and len(before) == 1:
            return (*before, *after), 1
    return tuple(drop_titles(_split_tokens(cleaned), looks_like_surname)), 0


def _name_tokens(full_name: str) -> tuple[str, ...]:
    return _tokens_and_surname(full_name)[0]


def _russian_patronymic(token: str) -> tuple[str, Marker] | None:
    lowered = az_lower(token)
    for suffix, marker in _PATRONYMIC_SUFFIXES:
        if lowered.endswith(suffix):
            source = token if len(token) == len(lowered) else lowered
            stem = source[: -len(suffix)].rstrip("ьЬ")
            if len(stem) >= _MIN_STEM:
                return stem, marker
    return None


def looks_like_surname(token: str) -> bool:
    """Guesses whether a token is a surname from its ending.

    True for ``-ov``/``-ev``/``-ova``/``-eva`` (Əliyev, Алиева), ``-zadə``, ``-li``/``-lı``/
    ``-lu``/``-lü`` from six letters on (Əhmədli, not Əli), and some Slavic and Georgian endings.
    For a hyphenated token the last part decides (``Əli-Zadə`` by its ``-zadə``).

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
    if len(last) < 5 and folded.replace(" ", "").endswith(("zade", "zada")):  # Əli-Zadə
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


def _after_comma(tokens: tuple[str, ...]) -> NameParts:
    """Parts of ``"Surname, Given [Father oğlu | Patronymic-ovich | Father]"``."""
    surname, rest = tokens[0], list(tokens[1:])
    for index in range(1, len(rest)):
        marker = marker_of(rest[index])
        if marker is not None:
            given = " ".join(rest[: index - 1]) or None
            return NameParts(surname, given, rest[index - 1], marker, tokens, True)
    if len(rest) >= 2:
        russian = _russian_patronymic(rest[-1])
        if russian is not None:
            return NameParts(surname, " ".join(rest[:-1]), russian[0], russian[1], tokens, True)
        if len(rest) == 2:
            return NameParts(surname, rest[0], rest[1], None, tokens, True)
    return NameParts(surname, " ".join(rest), None, None, tokens, True)


def split_name(full_name: str) -> NameParts:
    """Splits a person's name into surname, given name, father's name and marker.

    Understands the Azerbaijani order ``"Əliyev Rəşad İsmayıl oğlu"`` (also with the surname
    last: ``"Rəşad İsmayıl oğlu Əliyev"``; a hyphenated ``"Исмаил-оглы"`` is two tokens), the
    Russian ``"Алиев Рашад Исмаилович"`` and ``"Рашад Исмаилович Алиев"``, names without a
    patronymic and extra spaces. Without a patronymic, the Azerbaijani order (surname first) is
    assumed unless only the last token looks like a surname (:func:`looks_like_surname`):
    ``"Rəşad Əliyev"``. A comma after the first word marks it as the surname, as lists write
    names: ``"Гасымлы, Муса Джафарович"``. Titles and honorifics (``bəy``, ``xanım``,
    ``муаллим``, ``Dr.`` ...) are left out (:mod:`~legalaid_desktop.text.honorifics`).

    Args:
        full_name: The name as entered.

    Returns:
        The parts; the text of each part is cleaned but keeps its script and casing.
    """
    tokens, comma = _tokens_and_surname(full_name)
    listed = list(tokens)
    if comma:
        return _after_comma(tokens)
    for index in range(1, len(listed)):
        marker = marker_of(listed[index])
        if marker is not None:
            if index == 1:  # "İsmayıl oğlu ..." - no name before the father's
                rest = listed[2:]
                if len(rest) == 1 and not looks_like_surname(rest[0]):
                    # "Бюль-Бюль оглы Полад": a compound surname (Bülbüloğlu) and a given name
                    return NameParts(None, rest[0], listed[0], marker, tokens)
                return NameParts(" ".join(rest) or None, None, listed[0], marker, tokens)
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
