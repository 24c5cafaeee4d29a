"""The conflict-of-interest check: is a new client already a client, or a party to a case?

A name is matched against every client and every party of every case, across scripts and
spellings (``Əliyev Rəşad İsmayıl oğlu`` = ``Алиев Рашад Исмаилович`` = ``Aliyev Rashad``).

Candidates are retrieved from the ``keys`` column of the search index (whole phonetic keys, see
:mod:`legalaid_desktop.search.index`), clients and parties together (one entry id range), the
newest first, in three bounded tiers, each leaving out what an earlier one found:

1. the same person, up to :data:`CANDIDATES_PER_QUERY`: two of surname (either gender's form),
   given name and father's name (a surname changed at marriage or misspelt, a given name
   misspelt, the parts in another order);
2. typos further in, up to 200: the first three letters of the surname's key with the given
   name, or the surname with the first three letters of the given name's key;
3. the family, up to 100: the surname alone, either gender's form (``family_key``);

and the clients with the same phone number (digits, national number). Each candidate is scored
0..100 in Python on the keys kept in the index, without reading the tables
(:mod:`legalaid_desktop.search.conflict_scores`: the points, the spelling rules, organizations).
Only the hits returned are read from the tables (names, roles, case numbers) and get their
reasons, translated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from legalaid_desktop.domain.search import ConflictHit
from legalaid_desktop.i18n import _
from legalaid_desktop.search.conflict_scores import (
    _COMPOUND_ENDINGS,
    _GENDER,
    _NONE,
    _PREFIX,
    _SAME,
    _SOUND,
    _TYPO_MATCH,
    EXACT,
    GENERIC_WORDS,
    POSSIBLE,
    STRONG,
    _distinctive,
    _is_group,
    _joined,
    _Score,
    _score,
    level_of,
)
from legalaid_desktop.search.entries import (
    GROUP_ROLES,
    NameSignature,
    group_signature,
    kind_range,
    name_signature,
    phone_digits,
)
from legalaid_desktop.text.folding import fold
from legalaid_desktop.text.names import split_name
from legalaid_desktop.text.phonetic import surname_stem

__all__ = [
    "CANDIDATES_PER_QUERY",
    "EXACT",
    "GENERIC_WORDS",
    "POSSIBLE",
    "STRONG",
    "check_conflicts",
    "level_of",
]

CANDIDATES_PER_QUERY: Final = 400
"""At most this many candidates (clients and parties, the newest) are read for the same-person
tier of the retrieval."""
_TYPO_CANDIDATES: Final = 200  # for the queries on the first letters of a key
_FAMILY_CANDIDATES: Final = 100  # for the surname alone: all score alike, the newest are shown

_SPARE: Final = 10  # extra candidates read in case some were deleted since they were indexed

_SQL_CANDIDATES: Final = text(
    """
    SELECT r.id, r.kind, r.ref_id, r.name_sig
    FROM search_index JOIN search_index_refs r ON r.id = search_index.rowid
    WHERE search_index MATCH :match AND search_index.rowid BETWEEN :first AND :last
    ORDER BY search_index.rowid DESC
    LIMIT :limit
    """
)


_SQL_GROUP_CANDIDATES: Final = text(
    """
    SELECT r.id, r.kind, r.ref_id, r.name_sig
    FROM search_index JOIN search_index_refs r ON r.id = search_index.rowid
    WHERE search_index MATCH :match AND search_index.rowid BETWEEN :first AND :last
      AND (r.name_sig LIKE '%|organization|%' OR r.name_sig LIKE '%|initiative|%')
    ORDER BY search_index.rowid DESC
    LIMIT :limit
    """
)
"""The same for the clients that are organizations or initiative groups (their signature's
role, :data:`~legalaid_desktop.search.entries.GROUP_ROLES`)."""
assert {"organization", "initiative"} == GROUP_ROLES


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


def _either(expressions: Iterable[str]) -> str:
    return " OR ".join(f"({e})" for e in expressions)


def _compound_keys(sig: NameSignature) -> list[str]:
    """Keys under which the other form of a compound surname is indexed: ``bulbuloklu`` (and
    ``-okli``, ``-kizi``) for ``Бюль-Бюль оглы`` without a surname, ``bulbul`` for
    ``Bülbüloğlu``."""
    if not sig.surname and sig.patronymic:
        stem = _joined(sig.patronymic)
        return [stem + ending for ending in _COMPOUND_ENDINGS]
    joined = _joined(sig.surname)
    for ending in _COMPOUND_ENDINGS:
        if joined.endswith(ending) and len(joined) - len(ending) >= _PREFIX:
            return [joined[: -len(ending)]]
    return []


def _queries(sig: NameSignature) -> list[tuple[str, int]]:
    """FTS5 expressions on ``keys`` retrieving candidates for a name, with their row limits.

    Three tiers, each excluding what an earlier one finds: the same person (two of surname,
    given name and father's name), typos (the first letters of the surname's or the given
    name's key), the family (the surname alone).
    """
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
        if len(surname_keys) > 1:  # Mir-Qasımov is also written Mirqasımov
            whole = _gender_forms(_joined(sig.surname))
            family = f"(({family}) OR " + " OR ".join(_quote(f) for f in whole) + ")"
    pairs = [
        f"{a} AND {b}" for a, b in ((family, given), (given, father), (family, father)) if a and b
    ]
    if given:  # a compound surname written as a father's name, or the other way round
        pairs += [f"{given} AND {_quote(k)}" for k in _compound_keys(sig)]
    out: list[tuple[str, int]] = []
    if pairs:
        out.append((_either(pairs), CANDIDATES_PER_QUERY))
    if surname_keys and given:
        typos: list[str] = []
        first_surname, first_given = surname_keys[0], sig.given.split()[0]
        if len(first_surname) >= _PREFIX:
            typos.append(f"({_quote(first_surname[:_PREFIX])} * AND {given}) NOT ({family})")
        if len(first_given) >= _PREFIX:
            typos.append(f"({family} AND {_quote(first_given[:_PREFIX])} *) NOT ({given})")
        if typos:
            out.append((_either(typos), _TYPO_CANDIDATES))
    if family:
        out.append((f"({family}) NOT ({given})" if given else family, _FAMILY_CANDIDATES))
    return [(f"keys : ({q})", limit) for q, limit in out]


def _group_queries(sig: NameSignature) -> list[tuple[str, int]]:
    """FTS5 expressions retrieving candidates for an organization's name: every distinctive
    key (the same name, or one holding it), then any of them (a name within it, a typo in one
    word), then the first letters of each (a typo in a one-word name)."""
    keys = _distinctive(sig.keys)
    if not keys:
        return []
    every = _all(keys)
    some = " OR ".join(_quote(k) for k in keys)
    out = [(every, CANDIDATES_PER_QUERY)]
    if len(keys) > 1:
        out.append((f"({some}) NOT ({every})", _TYPO_CANDIDATES))
    prefixes = [f"{_quote(k[:_PREFIX])} *" for k in keys if len(k) >= _PREFIX]
    if prefixes:
        out.append((f"({' OR '.join(prefixes)}) NOT ({some})", _FAMILY_CANDIDATES))
    return [(f"keys : ({q})", limit) for q, limit in out]


Candidate = tuple[int, str, str, str | None]


def _retrieve(
    session: Session, sig: NameSignature, phone: str | None
) -> tuple[dict[int, Candidate], set[int]]:
    """Candidates by entry id, and the ids of clients with the same phone number."""
    candidates: dict[int, Candidate] = {}

    def read(
        match: str, first: int, last: int, limit: int, sql: Any = _SQL_CANDIDATES
    ) -> list[int]:
        params = {"match": match, "first": first, "last": last, "limit": limit}
        found: list[int] = []
        for entry_id, kind, ref_id, encoded in session.execute(sql, params):
            candidates.setdefault(entry_id, (entry_id, kind, ref_id, encoded))
            found.append(entry_id)
        return found

    if _is_group(sig):  # the organizations among the clients, and every party
        for match, limit in _group_queries(sig):
            read(match, *kind_range("client"), limit, _SQL_GROUP_CANDIDATES)
            read(match, *kind_range("party"), limit)
    else:
        people = (kind_range("party")[0], kind_range("client")[1])  # one range: see KIND_BITS
        for match, limit in _queries(sig):
            read(match, *people, limit)
    same_phone: set[int] = set()
    numbers = phone_digits(phone)
    if numbers:
        match = "body : " + _quote(numbers[-1])
        same_phone.update(read(match, *kind_range("client"), CANDIDATES_PER_QUERY))
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


def _reasons(score: _Score, query: str, record: _Record) -> tuple[str, ...]:
    short, surname, father = _short(record.name)
    reasons: list[str] = []
    if score.phone:
        reasons.append(_("Same phone number"))
    if score.group == _SAME:  # an organization's name: the whole of it
        if fold(record.name) == fold(query):
            reasons.append(_("Same name: {name}").format(name=record.name))
        else:
            reasons.append(_("Same name in another spelling: {name}").format(name=record.name))
    elif score.group:
        reasons.append(_("Similar name: {name}").format(name=record.name))
    elif score.person:
        if score.surname == _SAME and score.given == _SAME:
            if score.swapped:
                reasons.append(_("Same name, parts in another order: {name}").format(name=short))
            elif fold(short) == fold(_short(query)[0]):
                reasons.append(_("Same name: {name}").format(name=short))
            else:
                reasons.append(_("Same name in another spelling: {name}").format(name=short))
        elif score.surname in (_SAME, _TYPO_MATCH, _SOUND) and score.given in (
            _SAME,
            _TYPO_MATCH,
        ):
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
    kind: str = "person",
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
        kind: What the name is: a person's, or an organization's or initiative group's
            (``organization``, ``initiative``: matched as such, see the module docstring).

    Returns:
        The hits scoring at least 50, best first (ties: clients first, then the most recent).
    """
    if limit <= 0:
        return []
    if kind in GROUP_ROLES:
        query = group_signature(name, kind)
    else:
        query = name_signature(name, birth_year)
    candidates, same_phone = _retrieve(session, query, phone)
    scored: list[tuple[_Score, Candidate]] = []
    for candidate in candidates.values():
        entry_id, kind, ref_id, encoded = candidate
        if kind == "client" and ref_id == exclude_client_id:
            continue
        score = _score(
            query, NameSignature.decode(encoded or ""), same_phone=entry_id in same_phone
        )
        if score.points >= POSSIBLE:
            scored.append((score, candidate))
    scored.sort(key=lambda item: (-item[0].points, item[1][1] != "client", -item[1][0]))
    top = scored[: limit + _SPARE]
    records = _records(
        session,
        [c[2] for _s, c in top if c[1] == "client"],
        [c[2] for _s, c in top if c[1] == "party"],
    )
    hits: list[ConflictHit] = []
    for score, (_entry_id, kind, ref_id, _encoded) in top:
        record = records.get((kind, ref_id))
        if record is None:  # deleted since it was indexed
            continue
        hits.append(
            ConflictHit(
                kind=kind,
                ref_id=ref_id,
                name=record.name,
                score=score.points,
                level=level_of(score.points) or "possible",
                reasons=_reasons(score, name, record),
                case_numbers=record.case_numbers,
                role=record.role,
                birth_year=record.birth_year,
            )
        )
        if len(hits) == limit:
            break
    return hits
