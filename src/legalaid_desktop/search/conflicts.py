"""The conflict-of-interest check: is a new client already a client, or a party to a case?

A name is matched against every client and every party of every case, across scripts and
spellings (``Əliyev Rəşad İsmayıl oğlu`` = ``Алиев Рашад Исмаилович`` = ``Aliyev Rashad``).

Candidates are retrieved from the ``keys`` column of the search index (whole phonetic keys,
:mod:`legalaid_desktop.search.index`), each query bounded to :data:`CANDIDATES_PER_QUERY` rows:

1. surname (either gender's form) and given name;
2. given name and father's name (a surname changed at marriage, or misspelt);
3. surname and father's name (a given name misspelt);
4. the first three letters of the surname's key and the given name, and the surname and the
   first three of the given name's key (typos further in);
5. the surname alone, either gender's form (the family);
6. the phone number (clients only).

Each candidate is then scored 0..100 in Python on the keys kept in the index
(:class:`~legalaid_desktop.search.index.NameSignature`), trying both orders of surname and given
name:

===============================  ===========================================================
same person                      surname 45 (same key), 35 (typo: Jaro-Winkler ≥ 0.9 on the
                                 keys, as :func:`~legalaid_desktop.search.normalize.similarity`),
                                 30 (other gender's form), 15 (one side has no surname);
                                 given name 40 (same), 28 (typo); father's name +10 (same),
                                 +5 (typo), −20 (different); surname and given name swapped −3
family (given names differ)      55 same surname key, 50 same stem (Əliyev and Əliyeva);
                                 +15 same father's name (siblings)
birth year (same person only)    +8 same, +3 one or two years apart, −20 ten or more apart
phone                            +20 and at least 75: the same number is a strong reason alone
adverse party                    +5
===============================  ===========================================================

Levels: ``exact`` from 90, ``strong`` from 70, ``possible`` from 50; lower scores are dropped.
Only the best hits are read from the tables (names, roles, case numbers) to write the reasons.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from legalaid_desktop.domain.search import ConflictHit
from legalaid_desktop.i18n import _
from legalaid_desktop.search.index import NameSignature, name_signature, phone_digits
from legalaid_desktop.search.normalize import fold, jaro_winkler, split_name, surname_stem

__all__ = [
    "CANDIDATES_PER_QUERY",
    "EXACT",
    "POSSIBLE",
    "STRONG",
    "check_conflicts",
    "level_of",
]

CANDIDATES_PER_QUERY: Final = 400
"""At most this many candidates are read per retrieval query."""

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

_SQL_CANDIDATES: Final = """
    SELECT r.id, r.kind, r.ref_id, r.name_sig
    FROM search_index JOIN search_index_refs r ON r.id = search_index.rowid
    WHERE search_index MATCH :match AND r.kind IN ('client', 'party')
    ORDER BY search_index.rowid DESC
    LIMIT :limit
"""
_SQL_PHONE: Final = """
    SELECT r.id, r.kind, r.ref_id, r.name_sig
    FROM search_index JOIN search_index_refs r ON r.id = search_index.rowid
    WHERE search_index MATCH :match AND r.kind = 'client'
    LIMIT :limit
"""


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------

_SAME, _TYPO_MATCH, _GENDER, _NONE, _UNKNOWN = "same", "typo", "gender", "none", "unknown"


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


def _person_points(query: NameSignature, cand: NameSignature, swapped: bool) -> _Score | None:
    cand_surname, cand_given = (cand.given, cand.surname) if swapped else (cand.surname, cand.given)
    given = _compare(query.given, cand_given)
    if given not in (_SAME, _TYPO_MATCH):
        return None
    surname = _compare(query.surname, cand_surname, surname=True)
    if swapped and (given, surname) != (_SAME, _SAME):
        return None  # only an exact match counts in the other order
    points = _GIVEN_SAME if given == _SAME else _GIVEN_TYPO
    points += {
        _SAME: _SURNAME_SAME,
        _TYPO_MATCH: _SURNAME_TYPO,
        _GENDER: _SURNAME_GENDER,
        _UNKNOWN: _SURNAME_UNKNOWN,
        _NONE: 0,
    }[surname]
    father = _compare(query.patronymic, cand.patronymic)
    points += {_SAME: _FATHER_SAME, _TYPO_MATCH: _FATHER_TYPO, _NONE: _FATHER_DIFFERENT}.get(
        father, 0
    )
    if swapped:
        points += _SWAPPED
    return _Score(points, True, surname, given, father, swapped)


def _score(
    query: NameSignature, cand: NameSignature, *, same_phone: bool = False, adverse: bool = False
) -> _Score:
    """Scores a candidate's name signature against the checked name's.

    Args:
        query: Signature of the name being checked (with its birth year, if known).
        cand: Signature of a client or party (with a client's birth year).
        same_phone: The candidate has the same phone number.
        adverse: The candidate is an adverse party.

    Returns:
        The score (its ``points``, clamped to 0..100) and its parts.
    """
    best: _Score | None = None
    for swapped in (False, True):
        if swapped and (not cand.surname or not cand.given):
            continue
        scored = _person_points(query, cand, swapped)
        if scored is not None and (best is None or scored.points > best.points):
            best = scored
    if best is None:  # the given names differ: at most the same family
        best = _Score()
        surname = _compare(query.surname, cand.surname, surname=True)
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
    if same_phone:
        best.phone = True
        best.points = max(best.points + _PHONE, _PHONE_FLOOR)
    if adverse and best.points > 0:
        best.adverse = True
        best.points += _ADVERSE
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


# --------------------------------------------------------------------------------------------
# Retrieval
# --------------------------------------------------------------------------------------------


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _gender_forms(key: str) -> list[str]:
    """The key and the other gender's form of a surname key (aliav ↔ aliava)."""
    stem = surname_stem(key)
    forms = [key, stem]
    for candidate in (stem + "a", stem.removesuffix("ski") + "skaia"):
        if candidate != stem and surname_stem(candidate) == stem:
            forms.append(candidate)
    return list(dict.fromkeys(forms))


def _all(keys: Iterable[str]) -> str:
    return " AND ".join(_quote(k) for k in keys)


def _queries(sig: NameSignature) -> list[str]:
    """FTS5 expressions on ``keys`` retrieving the candidates for a name, most specific first."""
    surname_keys = sig.surname.split()
    given, father = _all(sig.given.split()), _all(sig.patronymic.split())
    family = ""
    if surname_keys:
        # The last surname key carries the gender ending (a double surname: both parts).
        forms = _gender_forms(surname_keys[-1])
        family = _all(surname_keys[:-1])
        family = (family + " AND " if family else "") + (
            "(" + " OR ".join(_quote(f) for f in forms) + ")"
        )
    out: list[str] = []
    if family and given:
        out.append(f"{family} AND {given}")
    if given and father:
        out.append(f"{given} AND {father}")
    if family and father:
        out.append(f"{family} AND {father}")
    if surname_keys and given:
        first_surname, first_given = surname_keys[0], sig.given.split()[0]
        if len(first_surname) > _PREFIX:
            out.append(f"{_quote(first_surname[:_PREFIX])} * AND {given}")
        if len(first_given) > _PREFIX:
            out.append(f"{family} AND {_quote(first_given[:_PREFIX])} *")
    if family:
        out.append(family)
    return [f"keys : ({q})" for q in out]


Candidate = tuple[int, str, str, str | None]


def _retrieve(session: Session, sig: NameSignature, phone: str | None) -> tuple[
    dict[int, Candidate], set[int]
]:
    candidates: dict[int, Candidate] = {}
    statement = text(_SQL_CANDIDATES)
    for match in _queries(sig):
        for row in session.execute(statement, {"match": match, "limit": CANDIDATES_PER_QUERY}):
            candidates.setdefault(row[0], (row[0], row[1], row[2], row[3]))
    same_phone: set[int] = set()
    numbers = phone_digits(phone)
    if numbers:
        match = "body : " + _quote(numbers[-1])
        rows = session.execute(text(_SQL_PHONE), {"match": match, "limit": CANDIDATES_PER_QUERY})
        for row in rows:
            candidates.setdefault(row[0], (row[0], row[1], row[2], row[3]))
            same_phone.add(row[0])
    return candidates, same_phone


# --------------------------------------------------------------------------------------------
# Details and reasons
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Record:
    name: str
    role: str | None
    birth_year: int | None
    case_numbers: tuple[str, ...]


def _select(session: Session, sql: str, ids: Sequence[str]) -> list[Sequence[object]]:
    if not ids:
        return []
    statement = text(sql).bindparams(bindparam("ids", expanding=True))
    return [tuple(r) for r in session.execute(statement, {"ids": list(ids)})]


def _records(
    session: Session, clients: Sequence[str], parties: Sequence[str]
) -> dict[tuple[str, str], _Record]:
    """Names, roles, birth years and case numbers of the live clients and parties."""
    numbers: dict[str, list[str]] = {}
    for client_id, number in _select(
        session,
        "SELECT client_id, number FROM cases WHERE client_id IN :ids AND deleted_hlc IS NULL "
        "ORDER BY number",
        clients,
    ):
        numbers.setdefault(str(client_id), []).append(str(number))
    out: dict[tuple[str, str], _Record] = {}
    for ref_id, name, birth_year in _select(
        session,
        "SELECT id, full_name, birth_year FROM clients WHERE id IN :ids AND deleted_hlc IS NULL",
        clients,
    ):
        year = birth_year if isinstance(birth_year, int) else None
        out["client", str(ref_id)] = _Record(
            str(name), None, year, tuple(numbers.get(str(ref_id), ()))
        )
    for ref_id, name, role, number in _select(
        session,
        "SELECT p.id, p.name, p.role, k.number FROM parties p JOIN cases k ON k.id = p.case_id "
        "WHERE p.id IN :ids AND p.deleted_hlc IS NULL AND k.deleted_hlc IS NULL",
        parties,
    ):
        out["party", str(ref_id)] = _Record(str(name), str(role), None, (str(number),))
    return out


def _short(name: str) -> tuple[str, str, str]:
    """(surname and given name, surname, father's name) of a stored name, for reasons."""
    parts = split_name(name)
    short = " ".join(p for p in (parts.surname, parts.given) if p) or name
    return short, parts.surname or "", parts.patronymic or ""


def _reasons(score: _Score, query_name: str, record: _Record) -> tuple[str, ...]:
    short, surname, father = _short(record.name)
    query_short = _short(query_name)[0]
    reasons: list[str] = []
    if score.phone:
        reasons.append(_("Same phone number"))
    if score.person:
        if score.surname == _SAME and score.given == _SAME:
            if score.swapped:
                reasons.append(_("Same name, parts in another order: {name}").format(name=short))
            elif fold(short) == fold(query_short):
                reasons.append(_("Same name: {name}").format(name=short))
            else:
                reasons.append(_("Same name in another spelling: {name}").format(name=short))
        elif score.surname in (_SAME, _TYPO_MATCH) and score.given in (_SAME, _TYPO_MATCH):
            reasons.append(_("Similar name: {name}").format(name=short))
        else:
            reasons.append(_("Same given name: {name}").format(name=short))
            if score.surname == _GENDER:
                reasons.append(_("Same family name ({surname})").format(surname=surname))
    elif score.surname in (_SAME, _GENDER):
        reasons.append(_("Same family name ({surname})").format(surname=surname or short))
    if score.father == _SAME:
        reasons.append(_("Same father's name ({name})").format(name=father))
    elif score.father == _TYPO_MATCH and score.person:
        reasons.append(_("Similar father's name ({name})").format(name=father))
    elif score.father == _NONE and score.person:
        reasons.append(_("Different father's name ({name})").format(name=father))
    if record.birth_year is not None:
        if score.year == "same":
            reasons.append(_("Same birth year ({year})").format(year=record.birth_year))
        elif score.year == "close":
            reasons.append(_("Close birth year ({year})").format(year=record.birth_year))
        elif score.year == "far":
            reasons.append(_("Birth year far apart ({year})").format(year=record.birth_year))
    if score.adverse:
        cases = ", ".join(record.case_numbers)
        reasons.append(_("Adverse party in case {number}").format(number=cases))
    return tuple(reasons)


# --------------------------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------------------------


def check_conflicts(
    session: Session,
    name: str,
    *,
    birth_year: int | None = None,
    phone: str | None = None,
    exclude_client_id: str | None = None,
    limit: int = 25,
) -> list[ConflictHit]:
    """Finds clients and case parties who may be the person named (or their family).

    Args:
        session: A session on the store (a read transaction is enough).
        name: The new client's (or party's) name, in any script, spelling and order.
        birth_year: Their birth year, if known: the same year raises the score, one ten or more
            years apart lowers it.
        phone: Their phone number, if known: a client with the same number is a strong hit
            whatever the name.
        exclude_client_id: A client to leave out (the one being edited).
        limit: At most this many hits.

    Returns:
        The hits scoring at least 50, best first (ties: clients first, then by name).
    """
    if limit <= 0:
        return []
    query = name_signature(name, birth_year)
    candidates, same_phone = _retrieve(session, query, phone)
    scored: list[tuple[int, _Score, Candidate]] = []
    for entry_id, kind, ref_id, encoded in candidates.values():
        if kind == "client" and ref_id == exclude_client_id:
            continue
        cand = NameSignature.decode(encoded or "")
        score = _score(query, cand, same_phone=entry_id in same_phone)
        if score.points + _ADVERSE >= POSSIBLE:  # the role is only known once read
            scored.append((score.points, score, (entry_id, kind, ref_id, encoded)))
    scored.sort(key=lambda item: (-item[0], item[2][1] != "client", -item[2][0]))
    top = scored[: limit + 10 + limit // 2]
    records = _records(
        session,
        [c[2] for _p, _s, c in top if c[1] == "client"],
        [c[2] for _p, _s, c in top if c[1] == "party"],
    )
    hits: list[ConflictHit] = []
    for _points, score, (_entry_id, kind, ref_id, encoded) in top:
        record = records.get((kind, ref_id))
        if record is None:
            continue
        if record.role == "adverse":
            cand = NameSignature.decode(encoded or "")
            score = _score(query, cand, same_phone=score.phone, adverse=True)
        level = level_of(score.points)
        if level is None:
            continue
        hits.append(
            ConflictHit(
                kind=kind,
                ref_id=ref_id,
                name=record.name,
                score=score.points,
                level=level,
                reasons=_reasons(score, name, record),
                case_numbers=record.case_numbers,
                role=record.role,
                birth_year=record.birth_year,
            )
        )
    hits.sort(key=lambda h: (-h.score, h.kind != "client", fold(h.name)))
    return hits[:limit]
