"""Keeps the full-text index of clients, cases, consultations and parties up to date.

The index lives inside the encrypted store, in two tables made by the migration
``50cc90738508``:

* ``search_index_refs``: one row per indexed record: ``id`` (partitioned by kind, see
  :data:`~legalaid_desktop.search.entries.KIND_BITS`), ``kind``, ``ref_id``, ``case_id``; for
  clients and parties ``name_sig`` (a :class:`~legalaid_desktop.search.entries.NameSignature`:
  the phonetic keys of the surname, given name and father's name, a client's birth year, a
  party's role), so the conflict-of-interest check scores candidates without reading the
  tables; and the folded text that ``search_index`` indexes. Unique on ``(kind, ref_id)``.
* ``search_index``: FTS5 over that text (external content: stored once, in the refs table;
  ``detail=column``; prefix indexes of 1 to
  :data:`~legalaid_desktop.search.entries.LONGEST_PREFIX` characters). An entry is
  replaced or deleted by giving FTS5 the text it indexed, read from the refs row. Columns:

  - ``names``: person names (without patronymic markers), as
    :func:`~legalaid_desktop.text.folding.fold` tokens plus the
    ``ə → a`` variant of every token (:func:`~legalaid_desktop.text.transliteration.to_latin`, then
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

What goes into an entry is computed, without the database, in
:mod:`legalaid_desktop.search.entries`; this module writes it to the two tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Final

from sqlalchemy import text
from sqlalchemy.orm import Session

from legalaid_desktop.search.entries import (
    KINDS,
    Entry,
    NameEntry,
    _body,
    _case_entry,
    _client_entry,
    _consultation_entry,
    _fold_word,
    _name_entry,
    _party_entry,
    _token_forms,
    kind_range,
)
from legalaid_desktop.store.models.cases import Case, Client, Consultation, Party

__all__ = [
    "BulkRebuild",
    "bulk_rebuild",
    "index_case",
    "index_client",
    "index_consultation",
    "index_party",
    "purge_deleted",
    "rebuild",
    "remove",
]

_BATCH: Final = 5_000
_REBUILD_CACHE_KIB: Final = 128 * 1024  # page cache while rebuilding (then set back)
_AUTOMERGE: Final = 4  # FTS5's default
_HASHSIZE: Final = 1024 * 1024  # FTS5's default size of its in-memory table of new terms
_REBUILD_HASHSIZE: Final = 64 * 1024 * 1024  # the same while rebuilding (then set back)
_SQL_HASHSIZE: Final = "INSERT INTO search_index (search_index, rank) VALUES ('hashsize', ?)"
_SQL_AUTOMERGE: Final = "INSERT INTO search_index (search_index, rank) VALUES ('automerge', ?)"

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


def purge_deleted(session: Session) -> None:
    """Merges the index into one segment, so removed entries leave its pages.

    FTS5 deletes an entry by writing a delete marker in a new segment; the removed words stay
    in the older segments until a merge. After removing a person's entries (anonymization,
    erasure) this merges them all at once, the cost of which grows with the index.

    Args:
        session: A session in a write transaction on the store.
    """
    session.execute(text("INSERT INTO search_index (search_index) VALUES ('optimize')"))


def index_client(session: Session, client: Client) -> None:
    """Indexes a client (name, phone, address, birth year; an organization's registration and
    contact person), or removes a tombstoned one.

    Args:
        session: A session in a write transaction on the store.
        client: The client row, with its new values.
    """
    if client.deleted_hlc is not None:
        remove(session, "client", client.id)
        return
    name = _name_entry(client.full_name)
    entry = _client_entry(
        name,
        client.birth_year,
        client.phone,
        client.address or "",
        client.number or "",
        client.kind,
        client.registration,
        client.contact_person,
        client.full_name,
    )
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
        "SELECT x._rowid_, x.id, NULL, x.full_name, x.birth_year, x.phone, x.address, x.number, "
        "x.kind, x.registration, x.contact_person "
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
        # an organization's kind, registration and contact person may follow (the demo
        # generator's people come without them)
        name, birth_year, phone, address, number, *group = row
        kind, registration, contact_person = (*group, None, None, None)[:3]
        return _client_entry(
            names(name),
            birth_year,
            phone,
            address or "",
            number or "",
            kind,
            registration,
            contact_person,
            name,
        )
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


_CLIENTS_BEFORE_KINDS: Final = (
    "SELECT x._rowid_, x.id, NULL, x.full_name, x.birth_year, x.phone, x.address, x.number "
    "FROM clients x WHERE x._rowid_ > ? AND x.deleted_hlc IS NULL "
    "ORDER BY x._rowid_ LIMIT ?"
)
"""The clients' source for a store not yet migrated to revision ``b7d2e5a9c4f1`` (no kind,
registration or contact person): a migration before it rebuilds the index with this code."""


def _source(session: Session, kind: str) -> str:
    if kind == "client":
        columns = {row[1] for row in session.execute(text("PRAGMA table_info(clients)")).fetchall()}
        if "kind" not in columns:
            return _CLIENTS_BEFORE_KINDS
    return _SOURCES[kind]


def _batches(session: Session, kind: str) -> Iterator[Sequence[Sequence[Any]]]:
    sql = _source(session, kind)
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
                them (see ``_SOURCES``): a client's ``full_name, birth_year, phone, address,
                number`` (then, optionally, ``kind, registration, contact_person``);
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
