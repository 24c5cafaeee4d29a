"""Global search over clients, cases, consultations and parties (DESIGN.md §4).

The query is folded like the index (:func:`~legalaid_desktop.text.folding.fold`), so any
casing, script or ASCII fallback works: ``Алиев``, ``aliyev``, ``ƏLİYEV`` and ``Eliyev`` all find
``Əliyev Rəşad İsmayıl oğlu``. Patronymic markers (``oğlu``, ``qızı``) are left out, like in the
index. Every other word of the query must match (AND), each one either

* as a prefix of a word in ``names`` or ``body`` (search-as-you-type: ``Rəş`` finds Rəşad, ``0042``
  and ``GNJ-2026-0042`` find the case), or
* through its phonetic key, as a prefix of a key in ``keys`` (``Eliyev`` finds ``Алиев``).

A query that looks like a phone number (only digits, spaces and ``+ - ( ) . /``, at least nine
digits) also matches the number as a whole: ``050 123 45 67`` finds ``+994 50 123-45-67``.

A query written as a person's name is read as one
(:func:`~legalaid_desktop.text.names.split_name`): titles and honorifics are left out, and a
father's name it carries (``oğlu``/``qızı``, ``-ович``/``-овна``, ``"Surname, Given Father"``) is
not required when it has a surname and a given name, only used for ordering, as stored records
often lack it; a hyphenated word also matches whole, and a compound surname in ``oğlu`` its
father's-name form and back (see ``docs/search.md``).

Words are always quoted before they reach FTS5, so no query text is read as FTS5 syntax.

Order, within the time of a keystroke at HQ scale (a million indexed records):

1. The matching entries are read newest first, clients, then parties, cases and consultations
   (entry ids are partitioned by kind, see :data:`~legalaid_desktop.search.entries.KIND_BITS`),
   up to :data:`RANK_LIMIT` + 1 of them. Every word is answered from FTS5's prefix indexes
   (a word longer than :data:`~legalaid_desktop.search.entries.LONGEST_PREFIX` letters by its first
   ones, and whole), so this costs about a millisecond per thousand matches.
2. At most :data:`RANK_LIMIT` matches, and every word at least :data:`RANK_MIN_WORD` characters:
   they are ranked by BM25 with names weighted highest (:data:`WEIGHTS`), and clients before
   parties, cases and consultations at equal relevance (:data:`KIND_BOOST`).
3. Otherwise they stay in the order read, with score 0: BM25 first counts every record
   containing each word, which for the letter or two typed so far ("M", "Mə") is most of the
   index; and more matches than :data:`RANK_LIMIT` (a common surname alone, a frequent word of
   notes) take too long to rank.
4. When every word has at least :data:`RANK_MIN_WORD` characters, the people among those
   matches (ranked or the first :data:`RANK_LIMIT` + 1 read) are put in order of how well the
   query's words fit the parts of their names (:func:`name_fit`, on the phonetic keys kept in
   the index), ties keeping the order of 2. or 3.; people only trade places with people, so
   the kinds stay where they were. ``Алиев Рашад`` thus gives ``Əliyev Rəşad Azər oğlu``
   before ``Əliyev Azər Rəşad oğlu`` and both before ``Əliyeva Aygün Rəşad qızı``;
   ``Hüseynova`` gives the Hüseynovas before the Hüseynovs its prefix also finds. BM25 cannot
   tell these apart: the index has no word positions, and the father's name is a name too.

Hits are then titled from the tables; records deleted meanwhile (or whose case was deleted) are
left out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from typing import Any, Final

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from legalaid_desktop.domain.retention import display_name
from legalaid_desktop.domain.search import SearchHit
from legalaid_desktop.i18n import current_language
from legalaid_desktop.search.entries import (
    KINDS,
    LONGEST_PREFIX,
    NameSignature,
    kind_of,
    kind_range,
)
from legalaid_desktop.text.cleaning import clean
from legalaid_desktop.text.folding import fold
from legalaid_desktop.text.names import NameParts, looks_like_surname, split_name
from legalaid_desktop.text.phonetic import marker_of, phonetic_key

__all__ = [
    "KIND_BOOST",
    "PRIORITY",
    "RANK_LIMIT",
    "RANK_MIN_WORD",
    "WEIGHTS",
    "fts_query",
    "name_fit",
    "query_words",
    "search",
]

WEIGHTS: Final = (10.0, 4.0, 1.0)
"""BM25 weights of the ``names``, ``keys`` and ``body`` columns."""

KIND_BOOST: Final = {"client": 1.25, "party": 1.1, "case": 1.0, "consultation": 1.0}
"""Multipliers of the BM25 score by kind: a client comes before the case that carries his name."""

PRIORITY: Final = ("client", "party", "case", "consultation")
"""Order of the kinds among hits that are not ranked by BM25 (the entry id order)."""

RANK_LIMIT: Final = 300
"""Matches are ranked by BM25 only when there are at most this many: BM25 costs about 100 µs a
match on the encrypted store (with SQLCipher's memory security), ranking more would not fit the
50 ms budget."""

RANK_MIN_WORD: Final = 3
"""Matches are ranked by BM25 only when every word of the query has at least this many
characters."""

_NATIONAL_DIGITS: Final = 9
_TRUNK_PREFIX: Final = 5  # a 0-led number this long is a phone as typed, not a case number part
_PHONE_LIKE_RE: Final = re.compile(r"^[\d\s+()\-./]+$")
_SNIPPET: Final = 80
_SEPARATOR: Final = " · "
_MAX_QUERY_CHARS: Final = 300  # a query is typed, not pasted; longer text is cut
_MAX_WORDS: Final = 12
_SPARE: Final = 10  # extra hits read in case some were deleted since they were indexed
_MARKER_LETTERS: Final = 4  # oglu, ogly, qizi, kyzy ... folded
_COMPOUND_STEM: Final = 3

_SQL_MATCHING: Final = text(
    """
    SELECT rowid FROM search_index
    WHERE search_index MATCH :match AND rowid BETWEEN :first AND :last
    ORDER BY rowid DESC
    LIMIT :limit
    """
)
_SQL_REFS: Final = text(
    "SELECT id, ref_id, name_sig FROM search_index_refs WHERE id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_SQL_RANKED: Final = text(
    f"""
    SELECT r.kind, r.ref_id, r.id, r.name_sig,
        bm25(search_index, {", ".join(map(str, WEIGHTS))})
        * CASE r.kind {" ".join(f"WHEN '{k}' THEN {v}" for k, v in KIND_BOOST.items())} END
        AS score
    FROM search_index JOIN search_index_refs r ON r.id = search_index.rowid
    WHERE search_index MATCH :match AND search_index.rowid BETWEEN :first AND :last
    ORDER BY score, r.id DESC
    LIMIT :limit
    """
)


def _quote(token: str) -> str:
    """Quotes a word as an FTS5 string (a double quote inside is doubled)."""
    return '"' + token.replace('"', '""') + '"'


def query_words(query: str) -> list[str]:
    """The folded words of a query, patronymic markers left out.

    Args:
        query: The text typed by the user.

    Returns:
        The words (ASCII lowercase letters and digits), at most :data:`_MAX_WORDS` of them from
        the first :data:`_MAX_QUERY_CHARS` characters; ``[]`` when there are none.
    """
    words = fold(query[:_MAX_QUERY_CHARS]).split()
    return [w for w in words if not (w.isalpha() and marker_of(w))][:_MAX_WORDS]


def _prefix(column: str, word: str) -> str:
    """``word`` as a prefix in ``column``, cut to :data:`LONGEST_PREFIX` letters.

    FTS5 answers a prefix of up to that length from a ready index; a longer one would make it
    merge the lists of every word with that prefix, for every statement. A longer word is also
    matched whole, which ranks the exact word first.
    """
    short = f"{column} : {_quote(word[:LONGEST_PREFIX])} *"
    if len(word) <= LONGEST_PREFIX:
        return short
    return f"{short} OR {column} : {_quote(word)}"


def _word_clause(word: str) -> str:
    """The FTS5 alternatives matching one folded word (see the module docstring)."""
    alternatives = [_prefix("{names body}", word)]
    if word.isalpha() and len(word) >= 2:
        key = phonetic_key(word)
        if key:
            alternatives.append(_prefix("keys", key))
        stem = word[:-_MARKER_LETTERS]
        if len(stem) >= _COMPOUND_STEM and marker_of(word[-_MARKER_LETTERS:]):
            # Bülbüloğlu is also written as a father's name: Bülbül oğlu, Бюль-Бюль оглы
            alternatives.append(_prefix("{names body}", stem))
            alternatives.append(_prefix("keys", phonetic_key(stem)))
    elif word.isdigit():
        if len(word) > _NATIONAL_DIGITS:  # +994 50 ... or 050 ...: the national number
            alternatives.append(f"body : {_quote(word[-_NATIONAL_DIGITS:])}")
        elif word.startswith("0") and len(word) >= _TRUNK_PREFIX:  # 05012... as typed
            alternatives.append(_prefix("body", word[1:]))
    return "(" + " OR ".join(alternatives) + ")"


def _token_words(token: str) -> list[str]:
    return [w for w in fold(token).split() if not (w.isalpha() and marker_of(w))]


def _group_clause(words: Sequence[str]) -> str:
    """Every word of one written token; a hyphenated name also whole (Бюль-Бюль = Bülbül)."""
    clause = " AND ".join(_word_clause(w) for w in words)
    if len(words) > 1 and all(w.isalpha() for w in words):
        clause = f"({clause}) OR {_word_clause(''.join(words))}"
    return "(" + clause + ")"


def _bare_father(parts: NameParts) -> bool:
    """``"Əliyev Adil Abış"``: a surname, a given name and a father's name without its marker
    (the surname known by its ending, the father's name not looking like one)."""
    return (
        len(parts.tokens) == 3
        and bool(parts.surname and parts.patronymic)
        and looks_like_surname(parts.surname or "")
        and not looks_like_surname(parts.patronymic or "")
    )


def _plan(query: str) -> tuple[list[str], list[str], list[str]]:
    """What a query must match and how its hits are ranked.

    Returns:
        ``(clauses, required words, ranking words)``: the FTS5 clauses that must all match;
        the folded words they require (for :data:`RANK_MIN_WORD`); and the words whose keys
        rank people (:func:`name_fit`), a father's name the query carries included.

    A query written as a person's name with a father's name (``oğlu``/``qızı``, a Russian
    ``-ович``/``-овна``, the reversed ``"Surname, Given Father"``, or a third word after a surname
    and a given name: ``"Əliyev Adil Abış"``) must match its surname and
    given name; the father's name only ranks, as a stored name often lacks it. Without a surname
    (``"Полад Бюль-Бюль оглы"``) the father's name must match, as a father's name or as the
    compound surname it may be (Bülbüloğlu). Titles and honorifics are left out
    (:func:`~legalaid_desktop.text.names.split_name`); so are patronymic markers.
    """
    text = query[:_MAX_QUERY_CHARS]
    parts = split_name(text)
    tokens = list(parts.tokens)
    groups: list[list[str]] = []
    optional: list[str] = []
    compound: list[str] | None = None  # a father's name that may be a compound surname
    structured = (parts.marker is not None or parts.comma or _bare_father(parts)) and bool(
        parts.given
    )
    if structured and not any(ch.isdigit() for ch in text):
        named = [*(parts.surname or "").split(), *(parts.given or "").split()]
        rest = list(tokens)
        for token in named:
            if token in rest:
                rest.remove(token)
        father = _token_words(parts.patronymic or "") or [w for t in rest for w in _token_words(t)]
        groups = [words for t in named if (words := _token_words(t))]
        if parts.surname:
            optional = father
        elif father:
            groups.append(father)
            compound = father
    else:
        groups = [words for t in tokens if (words := _token_words(t))]
    clauses: list[str] = []
    required: list[str] = []
    for words in groups:
        if len(required) + len(words) > _MAX_WORDS:
            break
        required += words
        if words is compound:
            marker = "qizi" if parts.marker == "qizi" else "oglu"
            whole = _word_clause("".join(words) + marker)
            clauses.append(f"({_group_clause(words)} OR {whole})")
        else:
            clauses.append(_group_clause(words))
    return clauses, required, required + optional


def fts_query(query: str) -> str | None:
    """Translates a user's query into an FTS5 expression for ``search_index``.

    Args:
        query: The text typed by the user.

    Returns:
        The FTS5 expression, or ``None`` if the query has no letters or digits (besides
        patronymic markers and titles).
    """
    clauses, _required, _ranking = _plan(query)
    if not clauses:
        return None
    expression = " AND ".join(clauses)
    words = query_words(query)
    if len(words) > 1 and _PHONE_LIKE_RE.match(query.strip()):
        digits = "".join(words)
        if len(digits) >= _NATIONAL_DIGITS:
            expression = f"({expression}) OR body : {_quote(digits[-_NATIONAL_DIGITS:])}"
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
        "SELECT id, full_name, region, birth_year, number, kind FROM clients "
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
    # an organization or initiative group says so (issue 19); a person says nothing more
    kinds = _labels(session, "client_kinds", {r[5] for r in clients if r[5] and r[5] != "person"})
    areas = _labels(session, "legal_areas", {r[2] for r in cases if r[2]})
    roles = _labels(session, "party_roles", {r[3] for r in parties if r[3]})
    out: dict[tuple[str, str], tuple[str | None, str, str]] = {}
    for ref_id, name, region, birth_year, client_number, kind in clients:
        title = display_name(name)  # never the marker of an anonymized client
        out["client", ref_id] = (
            None,
            title,
            _join(client_number, kinds.get(kind, ""), regions.get(region, region), birth_year),
        )
    for ref_id, number, area, client_name in cases:
        subtitle = _join(areas.get(area, area), display_name(client_name) if client_name else "")
        out["case", ref_id] = (number, number, subtitle)
    for ref_id, number, held_on, notes, advice in consultations:
        snippet = clean((notes or advice or "")[: _SNIPPET * 3])
        if len(snippet) > _SNIPPET:
            snippet = snippet[: _SNIPPET - 1].rstrip() + "…"
        out["consultation", ref_id] = (number, number, _join(held_on, snippet))
    for ref_id, number, name, role in parties:
        out["party", ref_id] = (number, name, _join(roles.get(role, role), number))
    return out


def _kind_ranges(kinds: Sequence[str]) -> list[tuple[int, int]]:
    """Entry id ranges of ``kinds``, adjacent ones merged, highest first."""
    ranges: list[tuple[int, int]] = []
    for first, last in sorted((kind_range(k) for k in kinds), reverse=True):
        if ranges and last + 1 == ranges[-1][0]:
            ranges[-1] = (first, ranges[-1][1])
        else:
            ranges.append((first, last))
    return ranges


def _matching(
    session: Session, expression: str, ranges: Sequence[tuple[int, int]], wanted: int
) -> list[int]:
    """Ids of matching entries in ``ranges``, highest first, at most
    ``max(RANK_LIMIT, wanted) + 1`` of them.

    Highest first is clients, parties, cases, consultations, each newest first
    (see :data:`~legalaid_desktop.search.entries.KIND_BITS`).
    """
    most = max(RANK_LIMIT, wanted) + 1
    found: list[int] = []
    for first, last in ranges:
        params = {"match": expression, "first": first, "last": last}
        found += session.execute(_SQL_MATCHING, {**params, "limit": most - len(found)}).scalars()
        if len(found) >= most:
            break
    return found


Candidate = tuple[int, str, str, float, str | None]
"""``(entry id, kind, ref_id, score, encoded name signature)`` of one match."""

_PEOPLE: Final = frozenset(("client", "party"))


def _ranked(
    session: Session, expression: str, ranges: Sequence[tuple[int, int]], limit: int
) -> list[Candidate]:
    """The best ``limit`` matches by BM25 (see the module docstring)."""
    ranked: list[Candidate] = []
    for first, last in ranges:
        params = {"match": expression, "first": first, "last": last, "limit": limit}
        for kind, ref_id, entry_id, sig, score in session.execute(_SQL_RANKED, params):
            ranked.append((entry_id, kind, ref_id, -float(score), sig))
    ranked.sort(key=lambda hit: (-hit[3], -hit[0]))
    return ranked[:limit]


def _unranked(session: Session, entry_ids: Sequence[int]) -> list[Candidate]:
    """The entries with score 0, in the order given (those no longer indexed left out)."""
    if not entry_ids:
        return []
    refs = {i: (r, sig) for i, r, sig in session.execute(_SQL_REFS, {"ids": list(entry_ids)})}
    found: list[Candidate] = []
    for entry_id in entry_ids:
        if entry_id in refs:
            ref_id, sig = refs[entry_id]
            found.append((entry_id, kind_of(entry_id), ref_id, 0.0, sig))
    return found


def _word_fit(key: str, signature: NameSignature) -> float:
    parts = (
        (signature.surname, 3.0, 1.0),  # (keys, whole key, beginning of a key)
        (signature.given, 3.0, 1.0),
        (signature.patronymic, 2.0, 0.5),
    )
    return max(
        (
            whole if candidate == key else beginning
            for keys, whole, beginning in parts
            for candidate in keys.split()
            if candidate.startswith(key)
        ),
        default=0.0,
    )


def name_fit(keys: Sequence[str], signature: NameSignature) -> float:
    """How well a query's words fit the parts of a person's name.

    Each word counts for the best part it fits: the whole key of the surname or given name 3,
    of the father's name 2; the beginning of the surname's or given name's key 1, of the
    father's name's 0.5 (so ``Алиев`` fits ``Əliyev`` better than ``Əliyeva``).

    Args:
        keys: The phonetic keys of the query's words.
        signature: The person's name signature (from the index).

    Returns:
        The sum over the words; 0 when none fits a part of the name.
    """
    return sum(_word_fit(key, signature) for key in keys)


def _by_name_fit(words: Sequence[str], candidates: list[Candidate]) -> list[Candidate]:
    """``candidates`` with the people in order of :func:`name_fit` (stable), others in place."""
    keys = [key for word in words if word.isalpha() and (key := phonetic_key(word))]
    if not keys:
        return candidates
    fit = {
        c[0]: name_fit(keys, NameSignature.decode(c[4])) if c[4] else 0.0
        for c in candidates
        if c[1] in _PEOPLE
    }
    people = iter(sorted((c for c in candidates if c[1] in _PEOPLE), key=lambda c: -fit[c[0]]))
    return [next(people) if c[1] in _PEOPLE else c for c in candidates]


def search(
    session: Session, query: str, *, limit: int = 20, kinds: Collection[str] | None = None
) -> list[SearchHit]:
    """Finds clients, cases, consultations and parties matching ``query``, best first.

    How hits are ordered is in the module docstring: by BM25 when the query is specific
    enough, else by kind and newest first (score 0).

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
    wanted_kinds = [k for k in PRIORITY if kinds is None or k in kinds]
    if expression is None or limit <= 0 or not wanted_kinds:
        return []
    ranges = _kind_ranges(wanted_kinds)
    wanted = limit + _SPARE
    _clauses, required, words = _plan(query)
    specific = all(len(w) >= RANK_MIN_WORD for w in required)
    matching = _matching(session, expression, ranges, wanted)
    if not specific:  # still typing: the fastest order
        rows = _unranked(session, matching[:wanted])
    elif len(matching) <= RANK_LIMIT:
        ranked = _ranked(session, expression, ranges, max(RANK_LIMIT, wanted))
        rows = _by_name_fit(words, ranked)[:wanted]
    else:
        rows = _by_name_fit(words, _unranked(session, matching))[:wanted]
    by_kind: dict[str, list[str]] = {k: [] for k in KINDS}
    for _id, kind, ref_id, _score, _sig in rows:
        by_kind[kind].append(ref_id)
    described = _describe(session, by_kind)
    hits: list[SearchHit] = []
    for _id, kind, ref_id, score, _sig in rows:
        found = described.get((kind, ref_id))
        if found is None:  # deleted (or its case deleted) since it was indexed
            continue
        case_number, title, subtitle = found
        hits.append(SearchHit(kind, ref_id, case_number, title, subtitle, score))
        if len(hits) == limit:
            break
    return hits
