"""How alike two names are: the conflict check's scores (0..100) and levels.

Each candidate found by :mod:`legalaid_desktop.search.conflicts` is scored 0..100 on the keys
kept in the index (:class:`~legalaid_desktop.search.entries.NameSignature`), without reading the
tables:

==============================  ============================================================
same person (given names        surname 45 same key, 30 typo or other gender's form (Əliyev /
agree: same key, or a typo)     Əliyeva), 15 unknown (one side has none); given name 40 same,
                                20 typo; father's name +10 same, +5 typo, −20 different;
                                surname and given name swapped −3 (only when both are equal)
family (given names differ)     55 same surname key, 50 same stem, other gender;
                                +15 same father's name (siblings)
birth year (same person only)   +8 same, +3 one or two years apart, −20 ten or more apart
surname only sounds alike       counted as a typo (30), and the score kept below 70 (at most
(same key, surely different     69, *possible*) unless the phone is the same; never a family
spelling: Гасымов, Həşimov)     hit (:func:`~legalaid_desktop.text.spelling.different_spelling`)
compound surname                a name without surname whose father's name and marker make
                                the other's surname (Полад Бюль-Бюль оглы, Polad Bülbüloğlu),
                                or the same father's name on two names without surname: the
                                same surname (45), the father's name not counted again
phone                           +20, and at least 75: the same number alone is a strong reason
adverse party                   +5 (the classic conflict)
==============================  ============================================================

An organization or initiative group (a client whose kind is not ``person``, issue 19) has no
surname, given or father's name and no birth year: its name is the set of its words' keys,
less the words of a legal form or kind of body (``İctimai Birliyi``, ``Fondu``, ``Mərkəzi``,
``объединение``, ...: :data:`GENERIC_WORDS`). A name checked as an organization's is compared
that way with organizations and with parties (an organization is often a party), never with
people registered as clients; a person's name meets an organization client the same way (a
party being added may be an organization). The same spelling rules apply to every word
(``Gənclər Birliyi`` = ``Gencler birliyi`` = ``Гянджлар Бирлийи``):

==============================  ============================================================
the same words                  95 (exact) the same keys; 80 (strong) with a typo
one name within the other       60 (possible): ``Dirçəliş`` and ``Dirçəliş Gənclər Birliyi``;
                                only for an organization, or a shorter name of two words or
                                more (a person named Ümid is not the group "Ümid")
phone, adverse party            as for people
==============================  ============================================================

A typo is a Jaro-Winkler similarity of the keys (what
:func:`~legalaid_desktop.text.similarity.similarity` computes) of at least 0.9, or 0.93 for
keys shorter than six letters (Tural is not Turan). Levels: ``exact`` from 90, ``strong`` from
70, ``possible`` from 50; lower scores are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from legalaid_desktop.search.entries import GROUP_ROLES, NameSignature, _part_keys
from legalaid_desktop.text.phonetic import surname_stem
from legalaid_desktop.text.similarity import jaro_winkler
from legalaid_desktop.text.spelling import different_spelling

__all__ = ["EXACT", "GENERIC_WORDS", "POSSIBLE", "STRONG", "level_of"]

EXACT: Final = 90
STRONG: Final = 70
POSSIBLE: Final = 50

_TYPO: Final = 0.9  # Jaro-Winkler on the keys, from which two parts count as a typo
_TYPO_SHORT: Final = 0.93  # the same for keys of fewer than six letters (Tural is not Turan)
_SHORT: Final = 6
_PREFIX: Final = 3

# Points (see the module docstring).
_SURNAME_SAME, _SURNAME_TYPO, _SURNAME_GENDER, _SURNAME_UNKNOWN = 45, 30, 30, 15
_GIVEN_SAME, _GIVEN_TYPO = 40, 20
_FATHER_SAME, _FATHER_TYPO, _FATHER_DIFFERENT = 10, 5, -20
_SWAPPED = -3
_FAMILY_SAME, _FAMILY_GENDER, _FAMILY_FATHER = 55, 50, 15
_YEAR_SAME, _YEAR_CLOSE, _YEAR_FAR = 8, 3, -20
_PHONE, _PHONE_FLOOR = 20, 75
_ADVERSE = 5

_GROUP_SAME, _GROUP_TYPO, _GROUP_PART = 95, 80, 60

GENERIC_WORDS: Final = (
    # Azerbaijani: the legal forms and kinds of body (with their usual endings)
    "ictimai birlik birliyi təşkilat təşkilatı assosiasiya assosiasiyası fond fondu mərkəz "
    "mərkəzi qrup qrupu təşəbbüs təşəbbüsü cəmiyyət cəmiyyəti ittifaq ittifaqı şəbəkə "
    "şəbəkəsi klub klubu hərəkat hərəkatı qeyri-hökumət QHT İB MMC federasiya federasiyası "
    "adına "
    # Russian
    "общественное общественная объединение организация ассоциация фонд центр группа "
    "инициативная общество союз клуб имени "
    # English
    "public union association organization organisation foundation fund center centre group "
    "initiative society club network NGO"
)
"""Words that say what kind of body an organization is, not which one: left out when two
organizations' names are compared (unless nothing else is left)."""

# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------

_SAME, _TYPO_MATCH, _GENDER, _NONE, _UNKNOWN = "same", "typo", "gender", "none", "unknown"
_SOUND = "sound"  # surnames with one key but surely different spellings (Гасымов, Həşimov)
_PART = "part"  # an organization's name within the other
_COMPOUND_ENDINGS: Final = ("oklu", "okli", "kizi")  # keys of oğlu, ogly, qızı
_GENDER_ENDING: Final = 2  # letters a feminine surname may add (Əliyev, Алиева)


@lru_cache(maxsize=1 << 15)  # few distinct keys meet in one check (given names repeat)
def _compare(a: str, b: str, *, surname: bool = False) -> str:
    """How two parts' keys relate: same, typo, gender (surnames), none or unknown."""
    if not a or not b:
        return _UNKNOWN
    if a == b:
        return _SAME
    if surname and surname_stem(a) == surname_stem(b):
        return _GENDER
    shortest = min(len(a), len(b))
    threshold = _TYPO if shortest >= _SHORT else _TYPO_SHORT
    if shortest >= _PREFIX and jaro_winkler(a, b) >= threshold:
        return _TYPO_MATCH
    return _NONE


def _joined(keys: str) -> str:
    return keys.replace(" ", "")


def _compound(father: str, surname: str) -> bool:
    """Whether a surname is the father's name with ``oğlu``/``qızı`` (Bülbüloğlu, Бюль-Бюль
    оглы): the same words written as a surname or as a father's name and marker."""
    stem = _joined(father)
    return bool(stem) and _joined(surname) in {stem + e for e in _COMPOUND_ENDINGS}


def _surnames(query: NameSignature, cand: NameSignature, cand_surname: str) -> tuple[str, bool]:
    """How the surnames relate (``_SOUND`` for sound-alikes), and whether a father's name was
    read as a compound surname (then it does not count as a father's name)."""
    if not query.surname and query.patronymic and _compound(query.patronymic, cand_surname):
        return _SAME, True
    if not cand_surname and cand.patronymic and _compound(cand.patronymic, query.surname):
        return _SAME, True
    if not query.surname and not cand_surname and query.patronymic:
        # "Ceyhun Qara oğlu" on both sides: the father's name stands for the surname
        if _joined(query.patronymic) == _joined(cand.patronymic):
            return _SAME, True
    relation = _compare(_joined(query.surname), _joined(cand_surname), surname=True)
    if relation in (_SAME, _GENDER) and cand_surname == cand.surname:
        ending = 0 if relation == _SAME else _GENDER_ENDING
        if different_spelling(query.spelling, cand.spelling, ending=ending):
            return _SOUND, False
    return relation, False


@dataclass
class _Score:
    """A candidate's score and what it is made of (turned into reasons later)."""

    points: int = 0
    person: bool = False  # matched as the same person (given names agree), not only family
    surname: str = _NONE
    given: str = _NONE
    father: str = _UNKNOWN
    swapped: bool = False
    year: str = ""  # same, close, far or ""
    phone: bool = False
    adverse: bool = False
    group: str = ""  # an organization's name: same, typo or part ("" for a person's)


def _person_points(query: NameSignature, cand: NameSignature, swapped: bool) -> _Score | None:
    cand_surname, cand_given = (cand.given, cand.surname) if swapped else (cand.surname, cand.given)
    given = _compare(query.given, cand_given)
    if given not in (_SAME, _TYPO_MATCH):
        return None
    surname, compound = _surnames(query, cand, cand_surname)
    if swapped and (given, surname) != (_SAME, _SAME):
        return None  # only an exact match counts in the other order
    points = _GIVEN_SAME if given == _SAME else _GIVEN_TYPO
    points += {
        _SAME: _SURNAME_SAME,
        _TYPO_MATCH: _SURNAME_TYPO,
        _SOUND: _SURNAME_TYPO,
        _GENDER: _SURNAME_GENDER,
        _UNKNOWN: _SURNAME_UNKNOWN,
        _NONE: 0,
    }[surname]
    father = _UNKNOWN if compound else _compare(query.patronymic, cand.patronymic)
    points += {_SAME: _FATHER_SAME, _TYPO_MATCH: _FATHER_TYPO, _NONE: _FATHER_DIFFERENT}.get(
        father, 0
    )
    if swapped:
        points += _SWAPPED
    return _Score(points, True, surname, given, father, swapped)


@lru_cache(maxsize=1)
def _generic_keys() -> frozenset[str]:
    return frozenset(key for word in GENERIC_WORDS.split() for key in _part_keys(word))


def _distinctive(keys: Sequence[str]) -> tuple[str, ...]:
    """The keys of a name that tell one organization from another (all when none does)."""
    unique = tuple(dict.fromkeys(keys))
    kept = tuple(k for k in unique if k not in _generic_keys())
    return kept or unique


def _is_group(sig: NameSignature) -> bool:
    return sig.role in GROUP_ROLES


def _group_points(query: NameSignature, cand: NameSignature) -> _Score:
    """The score of two names compared as organizations' (see the module docstring)."""
    ours, theirs = _distinctive(query.keys), _distinctive(cand.keys)
    if not ours or not theirs:
        return _Score()
    left = list(theirs)
    with_typo = False
    matched = 0
    for key in sorted(ours, key=lambda k: k not in left):  # the same keys first
        if key in left:
            left.remove(key)
            matched += 1
            continue
        typo = next((k for k in left if _compare(key, k) == _TYPO_MATCH), None)
        if typo is not None:
            left.remove(typo)
            matched += 1
            with_typo = True
    if matched == len(ours) == len(theirs):
        if with_typo:
            return _Score(_GROUP_TYPO, group=_TYPO_MATCH)
        return _Score(_GROUP_SAME, group=_SAME)
    shorter = min(len(ours), len(theirs))
    if matched == shorter and (shorter >= 2 or (_group_like(query) and _group_like(cand))):
        return _Score(_GROUP_PART, group=_PART)
    return _Score()


def _group_like(sig: NameSignature) -> bool:
    """Whether a name is an organization's: a client's of that kind, or a name with a word of
    :data:`GENERIC_WORDS` (a party that is an organization)."""
    return _is_group(sig) or any(k in _generic_keys() for k in sig.keys)


def _person_score(query: NameSignature, cand: NameSignature) -> _Score:
    """The name and birth year's part of a person's score (see :func:`_score`)."""
    best: _Score | None = None
    for swapped in (False, True):
        if swapped and (not cand.surname or not cand.given):
            continue
        scored = _person_points(query, cand, swapped)
        if scored is not None and (best is None or scored.points > best.points):
            best = scored
    if best is None:  # the given names differ: at most the same family
        best = _Score()
        surname, _ = _surnames(query, cand, cand.surname)
        if surname in (_SAME, _GENDER):
            best.surname = surname
            best.points = _FAMILY_SAME if surname == _SAME else _FAMILY_GENDER
            best.father = _compare(query.patronymic, cand.patronymic)
            if best.father == _SAME:
                best.points += _FAMILY_FATHER
    elif query.birth_year is not None and cand.birth_year is not None:
        apart = abs(query.birth_year - cand.birth_year)
        if apart == 0:
            best.year, best.points = "same", best.points + _YEAR_SAME
        elif apart <= 2:
            best.year, best.points = "close", best.points + _YEAR_CLOSE
        elif apart >= 10:
            best.year, best.points = "far", best.points + _YEAR_FAR
    return best


def _score(query: NameSignature, cand: NameSignature, *, same_phone: bool = False) -> _Score:
    """Scores a candidate's name signature against the checked name's.

    Args:
        query: Signature of the name being checked (with its birth year, if known).
        cand: Signature of a client (with the birth year) or party (with the role).
        same_phone: The candidate has the same phone number.

    Returns:
        The score (its ``points``, clamped to 0..100) and its parts.
    """
    if _is_group(query) or _is_group(cand):
        best = _group_points(query, cand)  # no family, no birth year
    else:
        best = _person_score(query, cand)
    if best.surname == _SOUND:  # only sounds alike: never more than possible
        best.points = min(best.points, STRONG - 1)
    if same_phone:
        best.phone = True
        best.points = max(best.points + _PHONE, _PHONE_FLOOR)
    if cand.role == "adverse" and best.points > 0:
        best.adverse = True
        best.points += _ADVERSE
        if best.surname == _SOUND and not best.phone:
            best.points = min(best.points, STRONG - 1)
    best.points = max(0, min(100, best.points))
    return best


def level_of(score: int) -> str | None:
    """The level of a score: ``exact``, ``strong``, ``possible``, or ``None`` below 50."""
    if score >= EXACT:
        return "exact"
    if score >= STRONG:
        return "strong"
    if score >= POSSIBLE:
        return "possible"
    return None
