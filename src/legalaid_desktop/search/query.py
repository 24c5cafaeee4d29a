"""Global search over clients, cases, consultations and parties (DESIGN.md §4).

The query is folded like the index (:func:`~legalaid_desktop.search.normalize.fold`), so any
casing, script or ASCII fallback works: ``Алиев``, ``aliyev``, ``ƏLİYEV`` and ``Eliyev`` all find
``Əliyev Rəşad İsmayıl oğlu``. Every token of the query must match (AND), each one either

* as a prefix of a word in ``names`` or ``body`` (search-as-you-type: ``Rəş`` finds Rəşad, ``0042``
  and ``GNJ-2026-0042`` find the case), or
* through its phonetic key, as a prefix of a key in ``keys`` (``Eliyev`` finds ``Алиев``).

A query that looks like a phone number (only digits and ``+ - ( )`` and spaces, at least nine
digits) also matches the number as a whole: ``050 123 45 67`` finds ``+994 50 123-45-67``.

Tokens are always quoted before they reach FTS5, so no query text is read as FTS5 syntax. Hits are
ranked by BM25 with names weighted highest, then titled from the tables; records deleted
meanwhile (or whose case was deleted) are left out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from typing import Any, Final

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from legalaid_desktop.domain.search import SearchHit
from legalaid_desktop.i18n import current_language
from legalaid_desktop.search.index import KINDS
from legalaid_desktop.search.normalize import clean, fold, phonetic_key

__all__ = ["fts_query", "search"]

WEIGHTS: Final = (10.0, 4.0, 1.0)
"""BM25 weights of the ``names``, ``keys`` and ``body`` columns."""

_NATIONAL_DIGITS: Final = 9
_PHONE_LIKE_RE: Final = re.compile(r"^[\d\s+()\-./]+$")
_SNIPPET: Final = 80
_SEPARATOR: Final = " · "

KIND_BOOST: Final = {"client": 1.25, "party": 1.1, "case": 1.0, "consultation": 1.0}
"""Multipliers of the BM25 score by kind: a client comes before the case that carries his name."""

_SQL_HITS: Final = text(
    f"""
    SELECT r.kind, r.ref_id,
        bm25(search_index, {", ".join(map(str, WEIGHTS))})
        * CASE r.kind {" ".join(f"WHEN '{k}' THEN {v}" for k, v in KIND_BOOST.items())} END
        AS score
    FROM search_index JOIN search_index_refs r ON r.id = search_index.rowid
    WHERE search_index MATCH :match AND r.kind IN :kinds
    ORDER BY score, r.id DESC
    LIMIT :limit
    """
).bindparams(bindparam("kinds", expanding=True))


def _quote(token: str) -> str:
    """Quotes a token as an FTS5 string (a double quote inside is doubled)."""
    return '"' + token.replace('"', '""') + '"'


def fts_query(query: str) -> str | None:
    """Translates a user's query into an FTS5 expression for ``search_index``.

    Args:
        query: The text typed by the user.

    Returns:
        The FTS5 expression, or ``None`` if the query has no letters or digits.
    """
    tokens = fold(query).split()
    if not tokens:
        return None
    clauses: list[str] = []
    for token in tokens:
        alternatives = [f"{{names body}} : {_quote(token)} *"]
        if token.isalpha() and len(token) >= 2:
            key = phonetic_key(token)
            if key:
                alternatives.append(f"keys : {_quote(key)} *")
        if token.isdigit() and len(token) > _NATIONAL_DIGITS:
            alternatives.append(f"body : {_quote(token[-_NATIONAL_DIGITS:])} *")
        clauses.append("(" + " OR ".join(alternatives) + ")")
    expression = " AND ".join(clauses)
    if len(tokens) > 1 and _PHONE_LIKE_RE.match(query.strip()):
        digits = "".join(tokens)
        if len(digits) >= _NATIONAL_DIGITS:
            expression = f"({expression}) OR body : {_quote(digits[-_NATIONAL_DIGITS:])} *"
    return expression


def _labels(session: Session, kind: str, codes: Collection[str]) -> dict[str, str]:
    """Labels of reference codes in the current language (the code itself as a fallback)."""
    if not codes:
        return {}
    rows = session.execute(
        text(
            "SELECT code, labels FROM reference_items WHERE kind = :kind AND code IN :codes"
        ).bindparams(bindparam("codes", expanding=True)),
        {"kind": kind, "codes": sorted(codes)},
    ).all()
    lang = current_language()
    out: dict[str, str] = {}
    for code, labels in rows:
        try:
            parsed = json.loads(labels) if isinstance(labels, str) else labels
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            label = parsed.get(lang) or parsed.get("en")
            if isinstance(label, str) and label:
                out[code] = label
    return {code: out.get(code, code) for code in codes}


def _join(*parts: object) -> str:
    return _SEPARATOR.join(str(p) for p in parts if p not in (None, ""))


def _rows(session: Session, sql: str, ids: Sequence[str]) -> list[Any]:
    if not ids:
        return []
    statement = text(sql).bindparams(bindparam("ids", expanding=True))
    return list(session.execute(statement, {"ids": list(ids)}).all())


def _describe(
    session: Session, wanted: dict[str, list[str]]
) -> dict[tuple[str, str], tuple[str | None, str, str]]:
    """``(kind, id) → (case number, title, subtitle)`` of the live records among ``wanted``."""
    clients = _rows(
        session,
        "SELECT id, full_name, region, birth_year FROM clients "
        "WHERE id IN :ids AND deleted_hlc IS NULL",
        wanted["client"],
    )
    cases = _rows(
        session,
        "SELECT k.id, k.number, k.legal_area, coalesce(c.full_name, '') FROM cases k "
        "LEFT JOIN clients c ON c.id = k.client_id WHERE k.id IN :ids AND k.deleted_hlc IS NULL",
        wanted["case"],
    )
    consultations = _rows(
        session,
        "SELECT x.id, k.number, x.held_on, x.notes, x.advice FROM consultations x "
        "JOIN cases k ON k.id = x.case_id "
        "WHERE x.id IN :ids AND x.deleted_hlc IS NULL AND k.deleted_hlc IS NULL",
        wanted["consultation"],
    )
    parties = _rows(
        session,
        "SELECT x.id, k.number, x.name, x.role FROM parties x JOIN cases k ON k.id = x.case_id "
        "WHERE x.id IN :ids AND x.deleted_hlc IS NULL AND k.deleted_hlc IS NULL",
        wanted["party"],
    )
    regions = _labels(session, "regions", {r[2] for r in clients if r[2]})
    areas = _labels(session, "legal_areas", {r[2] for r in cases if r[2]})
    roles = _labels(session, "party_roles", {r[3] for r in parties if r[3]})
    out: dict[tuple[str, str], tuple[str | None, str, str]] = {}
    for ref_id, name, region, birth_year in clients:
        out["client", ref_id] = (None, name, _join(regions.get(region, region), birth_year))
    for ref_id, number, area, client_name in cases:
        out["case", ref_id] = (number, number, _join(areas.get(area, area), client_name))
    for ref_id, number, held_on, notes, advice in consultations:
        snippet = clean(notes or advice or "")
        if len(snippet) > _SNIPPET:
            snippet = snippet[: _SNIPPET - 1].rstrip() + "…"
        out["consultation", ref_id] = (number, number, _join(held_on, snippet))
    for ref_id, number, name, role in parties:
        out["party", ref_id] = (number, name, _join(roles.get(role, role), number))
    return out


def search(
    session: Session, query: str, *, limit: int = 20, kinds: Collection[str] | None = None
) -> list[SearchHit]:
    """Finds clients, cases, consultations and parties matching ``query``, best first.

    Args:
        session: A session on the store (a read transaction is enough).
        query: Text as typed: a name in any script or spelling (or its beginning), a case
            number or part of it, words of notes, a phone number.
        limit: At most this many hits.
        kinds: Only these kinds (``client``, ``case``, ``consultation``, ``party``); all if
            ``None``.

    Returns:
        The hits, best first; ``[]`` for a query without letters or digits.
    """
    expression = fts_query(query)
    wanted_kinds = [k for k in KINDS if kinds is None or k in kinds]
    if expression is None or limit <= 0 or not wanted_kinds:
        return []
    rows = session.execute(
        _SQL_HITS, {"match": expression, "kinds": wanted_kinds, "limit": limit + 10}
    ).all()
    wanted: dict[str, list[str]] = {k: [] for k in KINDS}
    for kind, ref_id, _score in rows:
        wanted[kind].append(ref_id)
    described = _describe(session, wanted)
    hits: list[SearchHit] = []
    for kind, ref_id, score in rows:
        found = described.get((kind, ref_id))
        if found is None:
            continue
        case_number, title, subtitle = found
        hits.append(SearchHit(kind, ref_id, case_number, title, subtitle, -float(score)))
        if len(hits) == limit:
            break
    return hits
