"""Keeps the full-text index of clients, cases, consultations and parties up to date.

The index lives inside the encrypted store, in two tables made by the migration
``50cc90738508``:

* ``search_index_refs``: one row per indexed record: ``id`` (partitioned by kind, see
  :data:`KIND_BITS`), ``kind``, ``ref_id``, ``case_id``; for clients and parties ``name_sig``
  (a :class:`NameSignature`: the phonetic keys of the surname, given name and father's name, a
  client's birth year, a party's role), so the conflict-of-interest check scores candidates
  without reading the tables; and the folded text that ``search_index`` indexes. Unique on
  ``(kind, ref_id)``.
* ``search_index``: FTS5 over that text (external content: stored once, in the refs table;
  ``detail=column``; prefix indexes of 1 to :data:`LONGEST_PREFIX` characters). An entry is
  replaced or deleted by giving FTS5 the text it indexed, read from the refs row. Columns:

  - ``names``: person names (without patronymic markers), as
    :func:`~legalaid_desktop.search.normalize.fold` tokens plus the
    ``ə → a`` variant of every token (:func:`~legalaid_desktop.search.normalize.to_latin`, then
    ``ə → a``, then fold): ``Əliyev`` is indexed as ``eliyev`` and ``aliyev``, the two usual
    ASCII spellings;
  - ``keys``: the phonetic key of every name token, patronymic markers (``oğlu``/``qızı``) left
    out, and the father's name of a Russian patronymic (``Исмаилович`` gives ``ismailovic``
    and ``ismail``). Search matches them as prefixes, the conflict check as whole words;
  - ``body``: everything else, folded: case number (also without separators), legal area,
    summary, referral, grant code, corruption institution, notes, advice, next steps, address,
    birth year, and a client's phone as digits: all of them and the last nine (the national
    number without ``+994`` or the trunk ``0``).

The services call these functions inside their write transactions, right after changing a row.
Re-indexing a record replaces its entry; a tombstoned record (``deleted_hlc`` set) is removed, a
tombstoned case with its consultations and parties. A case's entry carries its client's name and
its corruption details, so a service that renames a client re-indexes the client's cases (and
one that changes corruption details re-indexes the case). :func:`rebuild` recreates the whole
index from the tables; :func:`bulk_rebuild` does the same around a bulk load (the demo
generator), taking the new rows from the caller's memory instead of reading them back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from sqlalchemy import text
from sqlalchemy.orm import Session

from legalaid_desktop.search.normalize import fold, marker_of, phonetic_key, split_name, to_latin
from legalaid_desktop.store.models.cases import Case, Client, Consultation, Party

__all__ = [
    "KINDS",
    "KIND_BITS",
    "KIND_NUMBERS",
    "LONGEST_PREFIX",
    "BulkRebuild",
    "NameSignature",
    "bulk_rebuild",
    "fold_text",
    "index_case",
    "index_client",
    "index_consultation",
    "index_party",
    "kind_of",
    "kind_range",
    "name_signature",
    "phone_digits",
    "rebuild",
    "remove",
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

_BATCH: Final = 5_000
_REBUILD_CACHE_KIB: Final = 128 * 1024  # page cache while rebuilding (then set back)
_AUTOMERGE: Final = 4  # FTS5's default
_HASHSIZE: Final = 1024 * 1024  # FTS5's default size of its in-memory table of new terms
_REBUILD_HASHSIZE: Final = 64 * 1024 * 1024  # the same while rebuilding (then set back)
_SQL_HASHSIZE: Final = "INSERT INTO search_index (search_index, rank) VALUES ('hashsize', ?)"
_SQL_AUTOMERGE: Final = "INSERT INTO search_index (search_index, rank) VALUES ('automerge', ?)"
_NON_DIGIT_RE: Final = re.compile(r"\D+")
_HYPHEN_RE: Final = re.compile("[-‐‑–—]+")
_MARKER_KEYS: Final = frozenset(("oglu", "qizi"))
_NATIONAL_DIGITS: Final = 9  # an Azerbaijani number without +994 or the trunk 0: 50 123 45 67
_MIN_PHONE_DIGITS: Final = 5

_SQL_REF: Final = text("SELECT id FROM search_index_refs WHERE kind = :kind AND ref_id = :ref_id")
_SQL_LAST_ID: Final = text("SELECT max(id) FROM search_index_refs WHERE id BETWEEN :lo AND :hi")
# An external-content FTS5 entry is deleted by giving FTS5 the text it indexed.
_SQL_DELETE_ENTRY: Final = text(
    "INSERT INTO search_index (search_index, rowid, names, keys, body) "
    "SELECT 'delete', id, names, keys, body FROM search_index_refs WHERE id = :id"
)
_SQL_DELETE_REF: Final = text("DELETE FROM search_index_refs WHERE id = :id")
_SQL_CHILDREN: Final = text(
    "SELECT id FROM search_index_refs WHERE case_id = :case_id AND kind != 'case'"
)
_SQL_INSERT_REF: Final = text(
    "INSERT INTO search_index_refs (id, kind, ref_id, case_id, name_sig, names, keys, body) "
    "VALUES (:id, :kind, :ref_id, :case_id, :sig, :names, :keys, :body)"
)
_SQL_INSERT_REFS: Final = (
    "INSERT INTO search_index_refs (id, kind, ref_id, case_id, name_sig, names, keys, body) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_SQL_UPDATE_REF: Final = text(
    "UPDATE search_index_refs SET case_id = :case_id, name_sig = :sig, names = :names, "
    "keys = :keys, body = :body WHERE id = :id"
)
_SQL_INSERT_ENTRY: Final = text(
    "INSERT INTO search_index (rowid, names, keys, body) "
    "SELECT id, names, keys, body FROM search_index_refs WHERE id = :id"
)
_SQL_CORRUPTION: Final = text(
    "SELECT institution, reported_to FROM corruption_details "
    "WHERE case_id = :case_id AND deleted_hlc IS NULL"
)


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
    keys: list[str] = []
    for part in _HYPHEN_RE.split(token):
        key = phonetic_key(part)
        if key and key not in _MARKER_KEYS:
            keys.append(key)
    return tuple(words), tuple(keys)


def _keys_of(part: str | None) -> str:
    if not part:
        return ""
    return " ".join(key for token in part.split() for key in _token_forms(token)[1])


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
    """

    surname: str
    given: str
    patronymic: str
    birth_year: int | None = None
    role: str = ""

    def encode(self) -> str:
        """Returns the signature as one string (``"aliav|rasad|ismail|1985|"``)."""
        year = "" if self.birth_year is None else str(self.birth_year)
        return f"{self.surname}|{self.given}|{self.patronymic}|{year}|{self.role}"

    @classmethod
    def decode(cls, encoded: str) -> NameSignature:
        """Reads a signature written by :meth:`encode`.

        Args:
            encoded: The stored string.

        Returns:
            The signature; one with empty parts for a malformed string.
        """
        fields = encoded.split("|")
        if len(fields) != 5:
            return cls("", "", "")
        year = int(fields[3]) if fields[3].isdigit() else None
        return cls(fields[0], fields[1], fields[2], year, fields[4])

    @property
    def keys(self) -> tuple[str, ...]:
        """All keys of the name: surname, given name, father's name."""
        return (*self.surname.split(), *self.given.split(), *self.patronymic.split())


NameEntry = tuple[str, str, NameSignature]
"""``(names, keys, signature)`` of a name (see :func:`_name_entry`)."""


def _signature(tokens: Sequence[str], parts: Any, birth_year: int | None) -> NameSignature:
    signature = NameSignature(
        _keys_of(parts.surname), _keys_of(parts.given), _keys_of(parts.patronymic), birth_year
    )
    if not signature.keys:  # nothing recognized as a part: take every token as the given name
        signature = NameSignature("", _keys_of(" ".join(tokens)), "", birth_year)
    return signature


def name_signature(name: str, birth_year: int | None = None) -> NameSignature:
    """Splits a name into its parts and returns the phonetic keys of each part.

    Args:
        name: A person's name as entered, in any script and order
            (see :func:`~legalaid_desktop.search.normalize.split_name`).
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
    """Folds free text like :func:`~legalaid_desktop.search.normalize.fold`, word by word.

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
    name: NameEntry, birth_year: int | None, phone: str | None, address: str
) -> Entry:
    names, keys, signature = name
    body = _body(" ".join(phone_digits(phone)), address, birth_year)
    s = signature
    return names, keys, body, NameSignature(s.surname, s.given, s.patronymic, birth_year).encode()


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
    s = signature
    return (
        names,
        keys,
        _body(notes),
        NameSignature(s.surname, s.given, s.patronymic, None, role).encode(),
    )


# --------------------------------------------------------------------------------------------
# One record
# --------------------------------------------------------------------------------------------


def _put(session: Session, kind: str, ref_id: str, case_id: str | None, entry: Entry) -> None:
    """Writes the entry of one record, replacing its previous one."""
    names, keys, body, signature = entry
    values = {
        "kind": kind,
        "ref_id": ref_id,
        "case_id": case_id,
        "sig": signature,
        "names": names,
        "keys": keys,
        "body": body,
    }
    entry_id = session.execute(_SQL_REF, values).scalar()
    if entry_id is None:
        first, last = kind_range(kind)
        entry_id = (session.execute(_SQL_LAST_ID, {"lo": first, "hi": last}).scalar() or first) + 1
        session.execute(_SQL_INSERT_REF, {**values, "id": entry_id})
    else:
        session.execute(_SQL_DELETE_ENTRY, {"id": entry_id})
        session.execute(_SQL_UPDATE_REF, {**values, "id": entry_id})
    session.execute(_SQL_INSERT_ENTRY, {"id": entry_id})


def _drop(session: Session, entry_id: int) -> None:
    session.execute(_SQL_DELETE_ENTRY, {"id": entry_id})
    session.execute(_SQL_DELETE_REF, {"id": entry_id})


def remove(session: Session, kind: str, ref_id: str) -> None:
    """Removes a record from the index; nothing happens if it is not indexed.

    Removing a case also removes its consultations and parties.

    Args:
        session: A session in a write transaction on the store.
        kind: ``"client"``, ``"case"``, ``"consultation"`` or ``"party"``.
        ref_id: The record's id.
    """
    entry_id = session.execute(_SQL_REF, {"kind": kind, "ref_id": ref_id}).scalar()
    if entry_id is not None:
        _drop(session, entry_id)
    if kind == "case":
        for child in session.execute(_SQL_CHILDREN, {"case_id": ref_id}).scalars().all():
            _drop(session, child)


def index_client(session: Session, client: Client) -> None:
    """Indexes a client (name, phone, address, birth year), or removes a tombstoned one.

    Args:
        session: A session in a write transaction on the store.
        client: The client row, with its new values.
    """
    if client.deleted_hlc is not None:
        remove(session, "client", client.id)
        return
    name = _name_entry(client.full_name)
    entry = _client_entry(name, client.birth_year, client.phone, client.address or "")
    _put(session, "client", client.id, None, entry)


def index_case(session: Session, case: Case, client_name: str) -> None:
    """Indexes a case (number, client's name, summary, ...), or removes a tombstoned one.

    A tombstoned case takes the entries of its consultations and parties with it.

    Args:
        session: A session in a write transaction on the store.
        case: The case row, with its new values.
        client_name: The full name of the case's client.
    """
    if case.deleted_hlc is not None:
        remove(session, "case", case.id)
        return
    details = session.execute(_SQL_CORRUPTION, {"case_id": case.id}).first()
    entry = _case_entry(
        _name_entry(client_name),
        case.number,
        case.legal_area,
        case.summary or "",
        case.referral or "",
        case.grant_code or "",
        details[0] if details else None,
        details[1] if details else None,
    )
    _put(session, "case", case.id, case.id, entry)


def index_consultation(session: Session, consultation: Consultation) -> None:
    """Indexes a consultation (notes, advice, next steps), or removes a tombstoned one.

    Args:
        session: A session in a write transaction on the store.
        consultation: The consultation row, with its new values.
    """
    if consultation.deleted_hlc is not None:
        remove(session, "consultation", consultation.id)
        return
    entry = _consultation_entry(
        consultation.notes or "", consultation.advice or "", consultation.next_steps or ""
    )
    _put(session, "consultation", consultation.id, consultation.case_id, entry)


def index_party(session: Session, party: Party) -> None:
    """Indexes a case party (name, role and notes), or removes a tombstoned one.

    Args:
        session: A session in a write transaction on the store.
        party: The party row, with its new values.
    """
    if party.deleted_hlc is not None:
        remove(session, "party", party.id)
        return
    entry = _party_entry(_name_entry(party.name), party.role, party.notes or "")
    _put(session, "party", party.id, party.case_id, entry)


# --------------------------------------------------------------------------------------------
# Rebuild
# --------------------------------------------------------------------------------------------

# Each source reads one batch of live rows after a row id: (rowid, id, case id, fields...).
# Positional parameters: (after, limit). Read through the DB-API cursor: plain tuples, no
# per-row work in SQLAlchemy.
_SOURCES: Final[dict[str, str]] = {
    "client": (
        "SELECT x._rowid_, x.id, NULL, x.full_name, x.birth_year, x.phone, x.address "
        "FROM clients x WHERE x._rowid_ > ? AND x.deleted_hlc IS NULL "
        "ORDER BY x._rowid_ LIMIT ?"
    ),
    "case": (
        "SELECT x._rowid_, x.id, x.id, coalesce(c.full_name, ''), x.number, x.legal_area, "
        "x.summary, x.referral, x.grant_code, d.institution, d.reported_to "
        "FROM cases x LEFT JOIN clients c ON c.id = x.client_id "
        "LEFT JOIN corruption_details d ON d.case_id = x.id AND d.deleted_hlc IS NULL "
        "WHERE x._rowid_ > ? AND x.deleted_hlc IS NULL ORDER BY x._rowid_ LIMIT ?"
    ),
    "consultation": (
        "SELECT x._rowid_, x.id, x.case_id, x.notes, x.advice, x.next_steps "
        "FROM consultations x JOIN cases k ON k.id = x.case_id "
        "WHERE x._rowid_ > ? AND x.deleted_hlc IS NULL AND k.deleted_hlc IS NULL "
        "ORDER BY x._rowid_ LIMIT ?"
    ),
    "party": (
        "SELECT x._rowid_, x.id, x.case_id, x.name, x.role, x.notes "
        "FROM parties x JOIN cases k ON k.id = x.case_id "
        "WHERE x._rowid_ > ? AND x.deleted_hlc IS NULL AND k.deleted_hlc IS NULL "
        "ORDER BY x._rowid_ LIMIT ?"
    ),
}


class _Names:
    """Name entries computed during one rebuild, by name: a case repeats its client's name."""

    def __init__(self) -> None:
        self._seen: dict[str, NameEntry] = {}

    def __call__(self, name: str) -> NameEntry:
        found = self._seen.get(name)
        if found is None:
            found = self._seen[name] = _name_entry(name)
        return found


class _Bodies:
    """Consultation bodies computed during one rebuild, by text (demo notes repeat a lot).

    Bounded: emptied when it holds :data:`_BODIES_KEPT` texts, so that real notes, which
    rarely repeat, cost little memory.
    """

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, str], str] = {}

    def __call__(self, notes: str, advice: str, next_steps: str) -> str:
        key = (notes, advice, next_steps)
        found = self._seen.get(key)
        if found is None:
            if len(self._seen) >= _BODIES_KEPT:
                self._seen.clear()
            found = self._seen[key] = _body(notes, advice, next_steps)
        return found


_BODIES_KEPT: Final = 20_000


def _entry_of(kind: str, row: Sequence[Any], names: _Names, bodies: _Bodies) -> Entry:
    if kind == "client":
        name, birth_year, phone, address = row
        return _client_entry(names(name), birth_year, phone, address or "")
    if kind == "case":
        client_name, number, area, summary, referral, grant, institution, reported_to = row
        return _case_entry(
            names(client_name),  # computed once, for the client's entry
            number,
            area,
            summary or "",
            referral or "",
            grant or "",
            institution,
            reported_to,
        )
    if kind == "consultation":
        notes, advice, next_steps = row
        return "", "", bodies(notes or "", advice or "", next_steps or ""), None
    name, role, notes = row
    return _party_entry(names(name), role, notes or "")


def _batches(session: Session, kind: str) -> Iterator[Sequence[Sequence[Any]]]:
    sql = _SOURCES[kind]
    cursor = session.connection().connection.cursor()  # the DB-API's: plain tuples
    try:
        after = 0
        while True:
            rows = cursor.execute(sql, (after, _BATCH)).fetchall()
            if not rows:
                return
            yield rows
            after = rows[-1][0]
    finally:
        cursor.close()


PreparedEntry = tuple[str, str | None, str, str, str, str | None]
"""``(record id, case id, names, keys, body, encoded name signature)``: one record's entry as
:class:`EntryMaker` computes it, ready for :meth:`BulkRebuild.add_entries`."""


class EntryMaker:
    """Computes the index entries of records given as rows, remembering repeated names and texts.

    Needs no store: the demo generator runs one in its worker process. Each maker keeps its own
    caches (names, consultation texts); the caches of folded words are the module's.
    """

    def __init__(self) -> None:
        self._names = _Names()
        self._bodies = _Bodies()

    def __call__(self, kind: str, rows: Iterable[Sequence[Any]]) -> list[PreparedEntry]:
        """The entries of records of one kind.

        Args:
            kind: One of :data:`KINDS`.
            rows: Per record ``(id, case id, fields...)``, the fields as :func:`rebuild` reads
                them (see ``_SOURCES``): a client's ``full_name, birth_year, phone, address``;
                a case's ``client's full name, number, legal_area, summary, referral,
                grant_code, institution, reported_to`` (the last two of its corruption details,
                or ``None``); a consultation's ``notes, advice, next_steps``; a party's
                ``name, role, notes``.

        Returns:
            One entry per row, in order.
        """
        names, bodies = self._names, self._bodies
        return [(row[0], row[1], *_entry_of(kind, row[2:], names, bodies)) for row in rows]


class BulkRebuild:
    """A rebuild of the whole index that also takes rows being bulk-loaded meanwhile.

    Made by :func:`bulk_rebuild`: it empties the index and indexes every record already in the
    tables; :meth:`add` then indexes new rows as they are written (the demo generator gives the
    rows it has in memory instead of reading them back), and the end of the ``with`` block lets
    FTS5 index all the entries at once. Each kind's new entries get ids after the ones before,
    in the order given: the same ids a :func:`rebuild` after the load would give rows written in
    that order.
    """

    def __init__(self, session: Session, hashsize: int = _REBUILD_HASHSIZE) -> None:
        self._session = session
        self._hashsize = hashsize
        self._conn = session.connection()
        self._maker = EntryMaker()
        self._next_id = {kind: kind_range(kind)[0] + 1 for kind in KINDS}
        self._cursor: Any = None
        self.count = 0
        """The number of records indexed so far."""

    def _start(self) -> None:
        conn = self._conn
        conn.exec_driver_sql("INSERT INTO search_index (search_index) VALUES ('delete-all')")
        conn.exec_driver_sql("DELETE FROM search_index_refs")
        self._cursor = conn.connection.cursor()  # the DB-API's: no per-row work in SQLAlchemy
        for kind in KINDS:
            for rows in _batches(self._session, kind):
                self.add(kind, [row[1:] for row in rows])

    def add(self, kind: str, rows: Iterable[Sequence[Any]]) -> None:
        """Indexes new records of one kind (live ones: leave tombstones out).

        Args:
            kind: One of :data:`KINDS`.
            rows: Per record ``(id, case id, fields...)``, as :class:`EntryMaker` takes them.
        """
        self.add_entries(kind, self._maker(kind, rows))

    def add_entries(self, kind: str, entries: Iterable[PreparedEntry]) -> None:
        """Indexes new records of one kind whose entries an :class:`EntryMaker` computed.

        The entries may come from another process (the demo generator computes them there).

        Args:
            kind: The kind the entries were made for.
            entries: What :class:`EntryMaker` returned for the records, in order.
        """
        next_id = self._next_id[kind]
        refs: list[tuple[Any, ...]] = []
        for ref_id, case_id, text_names, keys, body, sig in entries:
            refs.append((next_id, kind, ref_id, case_id, sig, text_names, keys, body))
            next_id += 1
        self._next_id[kind] = next_id
        self._cursor.executemany(_SQL_INSERT_REFS, refs)
        self.count += len(refs)

    def _finish(self) -> None:
        conn = self._conn
        # One merge at the end instead of incremental merges of ever larger segments.
        conn.exec_driver_sql(_SQL_AUTOMERGE, (0,))
        # A larger in-memory term table: fewer, larger segments to write and merge.
        conn.exec_driver_sql(_SQL_HASHSIZE, (self._hashsize,))
        conn.exec_driver_sql("INSERT INTO search_index (search_index) VALUES ('rebuild')")
        conn.exec_driver_sql("INSERT INTO search_index (search_index) VALUES ('optimize')")
        conn.exec_driver_sql(_SQL_HASHSIZE, (_HASHSIZE,))
        conn.exec_driver_sql(_SQL_AUTOMERGE, (_AUTOMERGE,))

    def _close(self) -> None:
        if self._cursor is not None:
            self._cursor.close()
        _fold_word.cache_clear()
        _token_forms.cache_clear()


@contextmanager
def bulk_rebuild(
    session: Session,
    *,
    cache_kib: int = _REBUILD_CACHE_KIB,
    hashsize: int = _REBUILD_HASHSIZE,
) -> Iterator[BulkRebuild]:
    """Rebuilds the whole index, taking rows written inside the block (see :class:`BulkRebuild`).

    Runs in the caller's transaction, with a larger page cache meanwhile; on an error inside
    the block the caller rolls back, which brings the old index back too.

    Args:
        session: A session in a write transaction on the store.
        cache_kib: The connection's page cache during the block, in KiB (set back at the end).
        hashsize: FTS5's in-memory table of new terms while it indexes the entries, in bytes.
            When all the terms fit, FTS5 writes the index as one segment and its final merge
            has nothing to do; the memory is taken only as the terms need it.

    Yields:
        The rebuild, with the records already in the tables indexed: give it every row the
        block writes (:meth:`BulkRebuild.add`).
    """
    conn = session.connection()
    previous_cache = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
    conn.exec_driver_sql(f"PRAGMA cache_size = {-cache_kib}")
    bulk = BulkRebuild(session, hashsize)
    try:
        bulk._start()
        yield bulk
        bulk._finish()
    finally:
        bulk._close()
        conn.exec_driver_sql(f"PRAGMA cache_size = {previous_cache}")


def rebuild(session: Session) -> int:
    """Recreates the whole index from the tables.

    Tombstoned records are left out, and so are the consultations and parties of a tombstoned
    case. The entries are computed in Python and written in batches (one ``executemany`` per
    batch), then FTS5 indexes them all at once and merges its index into one segment for the
    fastest queries. Runs in the caller's transaction, with a larger page cache and a larger
    FTS5 table of new terms (``hashsize``) meanwhile; the caches of folded words filled on the
    way are emptied at the end.

    Args:
        session: A session in a write transaction on the store.

    Returns:
        The number of records indexed.
    """
    with bulk_rebuild(session) as bulk:
        pass
    return bulk.count
