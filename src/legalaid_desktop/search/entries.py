"""What one entry of the search index holds, made from a record's fields. No database here.

The kinds of indexed records and how entry ids are partitioned by kind; the name signature
and the names, phonetic keys and folded body text of each kind of record, as described in
:mod:`legalaid_desktop.search.index` (which writes them to the store).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Final

from legalaid_desktop.text.folding import fold
from legalaid_desktop.text.names import split_name
from legalaid_desktop.text.phonetic import marker_of, phonetic_key
from legalaid_desktop.text.transliteration import to_latin

__all__ = [
    "GROUP_ROLES",
    "KINDS",
    "KIND_BITS",
    "KIND_NUMBERS",
    "LONGEST_PREFIX",
    "Entry",
    "NameEntry",
    "NameSignature",
    "fold_text",
    "group_signature",
    "kind_of",
    "kind_range",
    "name_signature",
    "phone_digits",
]

KINDS: Final = ("client", "case", "consultation", "party")
"""The kinds of indexed records, in the order :func:`rebuild` indexes them."""

KIND_BITS: Final = 40
"""Entry ids are partitioned by kind (:data:`KIND_NUMBERS`): kind number ``k`` owns the ids
``k << 40`` to ``((k + 1) << 40) - 1``. FTS5 restricts a query to some kinds with a row id range
(cheap, and ordered) instead of filtering every match: clients and parties, the people, are one
range; and reading matches in descending id order gives the newest clients first, then parties,
cases and consultations."""

LONGEST_PREFIX: Final = 8
"""The longest word prefix FTS5 keeps a ready index of (``prefix`` in the migration)."""

KIND_NUMBERS: Final = {"consultation": 1, "case": 2, "party": 3, "client": 4}
"""The number of each kind in entry ids (see :data:`KIND_BITS`)."""

_KIND_BY_NUMBER: Final = {number: kind for kind, number in KIND_NUMBERS.items()}


def kind_range(kind: str) -> tuple[int, int]:
    """The first and last entry id of a kind (see :data:`KIND_BITS`).

    Args:
        kind: One of :data:`KINDS`.

    Returns:
        ``(first, last)``, both inclusive.

    Raises:
        KeyError: For an unknown kind.
    """
    number = KIND_NUMBERS[kind]
    return number << KIND_BITS, ((number + 1) << KIND_BITS) - 1


def kind_of(entry_id: int) -> str:
    """The kind of an entry id (see :data:`KIND_BITS`).

    Args:
        entry_id: An id of ``search_index_refs``.

    Returns:
        The kind.
    """
    return _KIND_BY_NUMBER[entry_id >> KIND_BITS]


Entry = tuple[str, str, str, str | None]
"""``(names, keys, body, encoded name signature)`` of one record."""


_NON_DIGIT_RE: Final = re.compile(r"\D+")
_HYPHEN_RE: Final = re.compile("[-‐‑–—]+")
_MARKER_KEYS: Final = frozenset(("oglu", "qizi"))
_NATIONAL_DIGITS: Final = 9  # an Azerbaijani number without +994 or the trunk 0: 50 123 45 67
_MIN_PHONE_DIGITS: Final = 5


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)  # name tokens repeat a lot: surnames, given and fathers' names
def _token_forms(token: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The folded words (with their ``ə → a`` variants) and the phonetic keys of one token.

    A patronymic marker (``oğlu``, ``qızı``, ``оглы`` ...) gives neither: it is in half of all
    names and would only make searches slower.
    """
    if marker_of(token) is not None:
        return (), ()
    words = fold(token).split()
    latin = to_latin(token)
    if "ə" in latin:
        words += [w for w in fold(latin.replace("ə", "a")).split() if w not in words]
    keys = list(_part_keys(token))
    if len(keys) > 1 or _HYPHEN_RE.search(token.strip("-‐‑–—")):
        # Бюль-Бюль, Əli-Zadə also whole, as Bülbül and Əlizadə are written
        forms = [token, latin.replace("ə", "a")] if "ə" in latin else [token]
        for form in forms:
            joined = "".join(fold(form).split())
            if joined and joined not in words:
                words.append(joined)
        whole = phonetic_key(token)
        if whole and whole not in keys:
            keys.append(whole)
    return tuple(words), tuple(keys)


@lru_cache(maxsize=1 << 16)
def _part_keys(token: str) -> tuple[str, ...]:
    """The phonetic keys of a token's hyphenated parts (one key for most tokens)."""
    if marker_of(token) is not None:
        return ()
    keys: list[str] = []
    for part in _HYPHEN_RE.split(token):
        key = phonetic_key(part)
        if key and key not in _MARKER_KEYS:
            keys.append(key)
    return tuple(keys)


def _keys_of(part: str | None) -> str:
    if not part:
        return ""
    return " ".join(key for token in part.split() for key in _part_keys(token))


@dataclass(frozen=True, slots=True)
class NameSignature:
    """The phonetic keys of a name's parts, as kept for the conflict-of-interest check.

    Attributes:
        surname: Keys of the surname, space-separated (``"aliav"``), or ``""``.
        given: Keys of the given name(s), or ``""``.
        patronymic: Keys of the father's name (``"ismail"`` for ``İsmayıl oğlu`` and for
            ``Исмаилович``), or ``""``.
        birth_year: A client's birth year, if known.
        role: A party's role (``"adverse"``, ...), ``""`` for a client.
        spelling: The surname as written (``"Алиев"``), for telling surnames that only sound
            alike from spellings of one surname
            (:func:`~legalaid_desktop.text.spelling.same_spelling`); ``""`` when unknown (no
            surname, or a signature stored before it was kept).
    """

    surname: str
    given: str
    patronymic: str
    birth_year: int | None = None
    role: str = ""
    spelling: str = ""

    def encode(self) -> str:
        """Returns the signature as one string (``"aliav|rasad|ismail|1985||Əliyev"``)."""
        year = "" if self.birth_year is None else str(self.birth_year)
        spelling = self.spelling.replace("|", " ")
        return f"{self.surname}|{self.given}|{self.patronymic}|{year}|{self.role}|{spelling}"

    @classmethod
    def decode(cls, encoded: str) -> NameSignature:
        """Reads a signature written by :meth:`encode`.

        Args:
            encoded: The stored string.

        Returns:
            The signature; one with empty parts for a malformed string.
        """
        fields = encoded.split("|")
        if len(fields) == 5:  # stored before the spelling was kept
            fields.append("")
        if len(fields) != 6:
            return cls("", "", "")
        year = int(fields[3]) if fields[3].isdigit() else None
        return cls(fields[0], fields[1], fields[2], year, fields[4], fields[5])

    @property
    def keys(self) -> tuple[str, ...]:
        """All keys of the name: surname, given name, father's name."""
        return (*self.surname.split(), *self.given.split(), *self.patronymic.split())


NameEntry = tuple[str, str, NameSignature]
"""``(names, keys, signature)`` of a name (see :func:`_name_entry`)."""


def _signature(tokens: Sequence[str], parts: Any, birth_year: int | None) -> NameSignature:
    signature = NameSignature(
        _keys_of(parts.surname),
        _keys_of(parts.given),
        _keys_of(parts.patronymic),
        birth_year,
        spelling=(parts.surname or "").replace("|", " "),  # "|" separates the fields
    )
    if not signature.keys:  # nothing recognized as a part: take every token as the given name
        signature = NameSignature("", _keys_of(" ".join(tokens)), "", birth_year)
    return signature


GROUP_ROLES: Final = frozenset(("organization", "initiative"))
"""The signature's ``role`` of a client that is an organization or initiative group (the
``client_kinds`` other than ``person``): its name is matched as an organization's."""


def group_signature(name: str, kind: str) -> NameSignature:
    """The signature of an organization's or initiative group's name: the keys of every word,
    in order, as its "given name" (an organization has no surname, given or father's name to
    tell apart), its kind as the role, no birth year.

    Args:
        name: The name as entered (``"Gənclər Birliyi"``, ``"«Dirçəliş» İB"``).
        kind: ``organization`` or ``initiative``.
    """
    tokens = split_name(name).tokens
    return NameSignature("", _keys_of(" ".join(tokens)), "", None, role=kind)


def name_signature(name: str, birth_year: int | None = None) -> NameSignature:
    """Splits a name into its parts and returns the phonetic keys of each part.

    Args:
        name: A person's name as entered, in any script and order
            (see :func:`~legalaid_desktop.text.names.split_name`).
        birth_year: The person's birth year, if known.

    Returns:
        The signature.
    """
    parts = split_name(name)
    return _signature(parts.tokens, parts, birth_year)


def _unique(words: Iterable[str]) -> str:
    return " ".join(dict.fromkeys(w for w in words if w))


def _name_entry(name: str) -> NameEntry:
    """``(names, keys, signature)`` of a name (the signature without a birth year)."""
    parts = split_name(name)
    words: list[str] = []
    keys: list[str] = []
    for token in parts.tokens:
        token_words, token_keys = _token_forms(token)
        words += token_words
        keys += token_keys
    signature = _signature(parts.tokens, parts, None)
    return _unique(words), _unique((*keys, *signature.keys)), signature


def phone_digits(phone: str | None) -> list[str]:
    """Returns the searchable forms of a phone number: all its digits and its last nine.

    Args:
        phone: A phone number as entered (``"+994 50 123-45-67"``, ``"050 123 45 67"``).

    Returns:
        ``["994501234567", "501234567"]``; just the digits when there are nine or fewer;
        ``[]`` when there are fewer than five.
    """
    phone = phone or ""
    digits = _NON_DIGIT_RE.sub("", phone if phone.isascii() else fold(phone))
    if len(digits) < _MIN_PHONE_DIGITS:
        return []
    national = digits[-_NATIONAL_DIGITS:]
    return [digits] if national == digits else [digits, national]


# --------------------------------------------------------------------------------------------
# Entries
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 18)  # the words of notes and summaries repeat a lot
def _fold_word(word: str) -> str:
    if word.isascii() and word.isalnum():
        return word.lower()  # what fold() gives for plain ASCII letters and digits
    return fold(word)


def fold_text(text: str) -> str:
    """Folds free text like :func:`~legalaid_desktop.text.folding.fold`, word by word.

    Folding never joins or splits across whitespace, so folding each whitespace-separated
    word (cached: the vocabulary of notes is small) gives the same words as folding the whole.

    Args:
        text: Any text.

    Returns:
        The folded words, separated by single spaces.
    """
    return " ".join(filter(None, map(_fold_word, text.split())))


def _body(*parts: str | int | None) -> str:
    return " ".join(fold_text(str(p)) for p in parts if p is not None and p != "")


def _client_entry(
    name: NameEntry,
    birth_year: int | None,
    phone: str | None,
    address: str,
    number: str = "",
    kind: str | None = None,
    registration: str | None = None,
    contact_person: str | None = None,
    full_name: str = "",
) -> Entry:
    """A client's entry; an organization or initiative group (``kind``) is matched by the
    conflict check as one (:func:`group_signature`, from ``full_name``) and found by its
    registration and contact person too."""
    names, keys, signature = name
    compact = fold(number).replace(" ", "") if number else ""
    body = _body(
        number,
        compact,
        " ".join(phone_digits(phone)),
        address,
        birth_year,
        registration,
        contact_person,
    )
    if kind in GROUP_ROLES:
        return names, keys, body, group_signature(full_name, kind).encode()
    return names, keys, body, replace(signature, birth_year=birth_year).encode()


def _case_entry(
    client_name: NameEntry,
    number: str,
    legal_area: str,
    summary: str,
    referral: str,
    grant_code: str,
    institution: str | None,
    reported_to: str | None,
) -> Entry:
    names, keys, _signature = client_name
    compact = fold(number).replace(" ", "")
    body = _body(
        number, compact, legal_area, summary, referral, grant_code, institution, reported_to
    )
    return names, keys, body, None


def _consultation_entry(notes: str, advice: str, next_steps: str) -> Entry:
    return "", "", _body(notes, advice, next_steps), None


def _party_entry(name: NameEntry, role: str, notes: str) -> Entry:
    names, keys, signature = name
    return names, keys, _body(notes), replace(signature, birth_year=None, role=role).encode()
