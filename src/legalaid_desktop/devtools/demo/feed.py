"""The feed: the rows of a run and their search-index entries, batch by batch.

:func:`make_batches` needs no store (everything it needs is in a picklable :class:`FeedSpec`
read from the store before the run), so on a big run it runs in a second process
(:mod:`legalaid_desktop.devtools.demo.process_feed`) while this one writes the previous batch.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from legalaid_desktop.devtools.demo.generator import Generator
from legalaid_desktop.devtools.demo.rows import TABLES, Rows, Stamper
from legalaid_desktop.domain.hlc import HLC
from legalaid_desktop.search import index as search_index

CLIENT_BATCH: Final = 2_000
"""Clients generated between two progress reports (and two checks for cancellation)."""


def _at(table: str, *columns: str) -> tuple[int, ...]:
    """Positions of ``columns`` in the row tuples of ``table``."""
    return tuple(TABLES[table].columns.index(c) for c in columns)


_CLIENT_FIELDS: Final = _at(
    "clients", "id", "full_name", "birth_year", "phone", "address", "number"
)
_CASE_FIELDS: Final = _at(
    "cases", "id", "client_id", "number", "legal_area", "summary", "referral", "grant_code"
)
_ALAC_FIELDS: Final = _at("corruption_details", "case_id", "institution", "reported_to")
_CONSULTATION_FIELDS: Final = _at("consultations", "id", "case_id", "notes", "advice", "next_steps")
_PARTY_FIELDS: Final = _at("parties", "id", "case_id", "name", "role", "notes")


def entries(
    maker: search_index.EntryMaker, rows: Rows
) -> list[tuple[str, list[search_index.PreparedEntry]]]:
    """The search-index entries of one batch, made from the rows in memory, per kind.

    Every case in a batch belongs to a client of the same batch (:meth:`Generator.client`
    makes a client with all their cases), so the client's name is at hand.
    """
    i, name, year, phone, address, client_number = _CLIENT_FIELDS
    names = {r[i]: r[name] for r in rows.clients}
    clients = [
        (r[i], None, r[name], r[year], r[phone], r[address], r[client_number]) for r in rows.clients
    ]
    i, client, number, area, summary, referral, grant = _CASE_FIELDS
    c, institution, reported = _ALAC_FIELDS
    alac = {r[c]: (r[institution], r[reported]) for r in rows.corruption}
    cases = [
        (
            r[i], r[i], names[r[client]], r[number], r[area], r[summary], r[referral],
            r[grant], *alac.get(r[i], (None, None)),
        )
        for r in rows.cases
    ]  # fmt: skip
    i, case, notes, advice, steps = _CONSULTATION_FIELDS
    consultations = [(r[i], r[case], r[notes], r[advice], r[steps]) for r in rows.consultations]
    i, case, name, role, notes = _PARTY_FIELDS
    parties = [(r[i], r[case], r[name], r[role], r[notes]) for r in rows.parties]
    sources: dict[str, list[tuple[Any, ...]]] = {
        "client": clients,
        "case": cases,
        "consultation": consultations,
        "party": parties,
    }
    return [(kind, maker(kind, source)) for kind, source in sources.items()]


# ================================================================================================
# The feed: the rows and their index entries, made in a second process on a big run
# ================================================================================================


@dataclass(frozen=True)
class FeedSpec:
    """Everything the generator needs, read from the store before it starts (picklable)."""

    seed: int
    clients: int
    node: str
    actor: str
    base: date
    lawyers: tuple[tuple[str, float], ...]
    region_labels: dict[str, str]
    existing: dict[int, int]
    taken: frozenset[str]
    start: HLC
    client_seq: int = 0
    """The last client number the center gave (its ``client_counters`` row)."""


@dataclass
class Batch:
    """One batch of the feed: its rows, their index entries, and how far the run is.

    The last batch also carries what the store must remember after the run: the last case
    number used per year and the last clock stamp given.
    """

    done: int
    rows: Rows
    entries: list[tuple[str, list[search_index.PreparedEntry]]]
    last_seq: dict[int, int] | None = None
    last_stamp: HLC | None = None


def make_batches(spec: FeedSpec) -> Iterator[Batch]:
    """Make the rows of a run, :data:`CLIENT_BATCH` clients a batch.

    See :func:`legalaid_desktop.devtools.demo.run.generate_demo` for how they are written.

    Needs no store, so it can run in another process (:mod:`.process_feed`); every random
    decision is made here, in one fixed order, so the data is the same wherever it runs.
    """
    stamper = Stamper(spec.node, spec.start, spec.start.wall_ms, random.Random(f"{spec.seed}:ids"))
    gen = Generator(
        random.Random(spec.seed),
        stamper,
        spec.node,
        spec.actor,
        spec.base,
        spec.lawyers,
        spec.region_labels,
    )
    plan = gen.plan(spec.clients, spec.existing, set(spec.taken))
    gen.client_seq = spec.client_seq
    maker = search_index.EntryMaker()
    rows = Rows()
    gen.campaigns(rows)
    done = 0
    while done < spec.clients:
        upto = min(spec.clients, done + CLIENT_BATCH)
        for ci in range(done, upto):
            gen.client(rows, plan.openings[ci], plan.numbers[ci])
        batch = Batch(upto, rows, entries(maker, rows))
        if upto == spec.clients:
            batch.last_seq, batch.last_stamp = plan.last_seq, stamper.last
        yield batch
        rows = Rows()
        done = upto
