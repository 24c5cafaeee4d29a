"""The clients an anonymized figure may count are kept between reads while the consents stay the
same (``services.eligible``), and never a moment longer: every write to the consents — the
services', a bundle's merge at HQ, raw SQL, a hard delete — raises ``consent_generation.n``, and
the next anonymized figure leaves out a client who has just withdrawn.

A stale selection would count a person who said no in a figure that goes to donors: each step
below asks the same anonymized figure again in the same session, after one kind of write.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from conftest import new_center_store
from legalaid_desktop import app
from legalaid_desktop.domain.cases import (
    CaseInput,
    ClientInput,
    ConsentInput,
    ConsentPurpose,
    ConsultationInput,
)
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.services.eligible import KeptEligible, select_eligible
from legalaid_desktop.statistics.definitions import Measure
from legalaid_desktop.statistics.periods import Period, parse_period
from legalaid_desktop.statistics.query import FigureQuery
from sync_support import enroll, make_node, sync

ANONYMIZED = (ConsentPurpose.STORE_PROCESS.value, ConsentPurpose.ANONYMIZED_STATS.value)
NAMES = (
    "Əliyev Rəşad İsmayıl oğlu",
    "Məmmədova Leyla Arif qızı",
    "Quliyev Orxan Fuad oğlu",
    "Hüseynova Aynur Elçin qızı",
)


def served(session: app.AppSession, name: str, purposes: tuple[str, ...] = ANONYMIZED) -> str:
    """A client with a consent of ``purposes``, a case and a consultation today; their id."""
    client = session.clients.register(
        ClientInput(full_name=name, gender="female", birth_year=1985, region="AZ-GA"),
        ConsentInput(given_on=today(), purposes=purposes),
        ConflictDecisionInput("no_conflict"),
    )
    case = session.cases.open(CaseInput(client_id=client.id, legal_area="family", summary="—"))
    session.records.add_consultation(case.number, ConsultationInput(notes="İlk görüş"))
    return client.id


def _period() -> Period:
    return parse_period(str(today().year))


def left_out(session: app.AppSession) -> int:
    """How many clients served this year the anonymized figure leaves out."""
    query = FigureQuery(Measure.CLIENTS_SERVED, _period(), anonymized=True, previous=False)
    return session.statistics.figures(query).left_out


def generation(session: app.AppSession) -> int:
    with session.ws.read() as s:
        return int(s.execute(text("SELECT n FROM consent_generation WHERE id = 1")).scalar_one())


def consent_ids(session: app.AppSession, client_id: str) -> list[str]:
    with session.ws.read() as s:
        return [
            r[0]
            for r in s.execute(
                text("SELECT id FROM consents WHERE client_id = :c ORDER BY given_on, id"),
                {"c": client_id},
            )
        ]


def raw(session: app.AppSession, sql: str, **params: Any) -> None:
    with session.ws.write() as s:
        s.execute(text(sql), params)


@pytest.fixture
def center(tmp_path: Path) -> Iterator[app.AppSession]:
    session = new_center_store(tmp_path / "store")
    yield session
    session.close()


def test_every_write_to_the_consents_is_seen_by_the_next_anonymized_figure(
    center: app.AppSession,
) -> None:
    ids = [served(center, name) for name in NAMES]
    assert left_out(center) == 0
    steps: list[tuple[str, Any, int]] = [
        # the services: a withdrawal of the purpose, of the whole consent, a new consent
        (
            "withdraw the purpose",
            lambda: center.clients.withdraw_purpose(ids[0], ConsentPurpose.ANONYMIZED_STATS.value),
            1,
        ),
        (
            "withdraw the consent",
            lambda: center.clients.withdraw_consent(ids[1], consent_ids(center, ids[1])[0]),
            2,
        ),
        (
            "a new consent",
            lambda: center.clients.add_consent(ids[0], ConsentInput(today(), ANONYMIZED)),
            1,
        ),
        # raw SQL on the consents, whoever runs it: purposes, validity, tombstone, hard delete
        (
            "purposes changed",
            lambda: raw(
                center,
                "UPDATE consents SET purposes = '[\"store_process\"]' WHERE client_id = :c",
                c=ids[2],
            ),
            2,
        ),
        (
            "validity ended",
            lambda: raw(
                center,
                "UPDATE consents SET valid_until = :d WHERE client_id = :c",
                d=(_period().start - timedelta(days=1)).isoformat(),
                c=ids[3],
            ),
            3,
        ),
        (
            "validity back",
            lambda: raw(
                center, "UPDATE consents SET valid_until = NULL WHERE client_id = :c", c=ids[3]
            ),
            2,
        ),
        (
            "tombstoned",
            lambda: raw(
                center, "UPDATE consents SET deleted_hlc = 'x' WHERE client_id = :c", c=ids[3]
            ),
            3,
        ),
        ("deleted", lambda: raw(center, "DELETE FROM consents WHERE client_id = :c", c=ids[0]), 4),
    ]
    for what, write, expected in steps:
        before = generation(center)
        write()
        assert generation(center) > before, what
        assert left_out(center) == expected, what
        assert left_out(center) == expected, what  # asked again: the same, from what is kept


def test_a_selection_is_kept_while_the_consents_are_unchanged(center: app.AppSession) -> None:
    for name in NAMES[:2]:
        served(center, name)
    end = _period().end.isoformat()
    left_out(center)
    n = generation(center)
    kept = center.statistics.kept_eligible.get(end, n)
    assert kept is not None and len(kept) == 2
    left_out(center)  # the same figure again, and the donor report's previous period beside it
    assert center.statistics.kept_eligible.get(end, n) is kept
    # a write anywhere else (a client's name, a consultation) keeps it
    served(center, NAMES[2], purposes=(ConsentPurpose.STORE_PROCESS.value,))
    assert generation(center) > n  # the new client's consent: a write to the consents
    assert left_out(center) == 1
    assert center.statistics.kept_eligible.get(end, n) is None  # not under the old number


def test_a_store_without_the_number_selects_every_time(center: app.AppSession) -> None:
    """If the row is gone (an insider deleting it), nothing is served from what was kept."""
    client = served(center, NAMES[0])
    kept = KeptEligible()
    end = _period().end.isoformat()
    with center.ws.read() as s:
        first = select_eligible(s, end, kept)
    raw(center, "DELETE FROM consent_generation")
    with center.ws.read() as s:
        again = select_eligible(s, end, kept)
    assert again == first and again is not first
    center.clients.withdraw_purpose(client, ConsentPurpose.ANONYMIZED_STATS.value)
    with center.ws.read() as s:
        assert select_eligible(s, end, kept) == frozenset()


def test_kept_selections_are_few_and_each_of_its_period_end() -> None:
    kept = KeptEligible()
    for day in range(1, KeptEligible.SIZE + 2):
        kept.put(f"2026-01-{day:02d}", 7, frozenset({f"c{day}"}))
    assert kept.get("2026-01-01", 7) is None  # the one asked longest ago is gone
    assert kept.get("2026-01-02", 7) == frozenset({"c2"})
    assert kept.get("2026-01-02", 8) is None  # another number: not this one
    kept.put("2026-01-02", 8, frozenset({"new"}))
    assert kept.get("2026-01-02", 8) == frozenset({"new"})
    assert kept.get("2026-01-02", 7) is None


def test_a_withdrawal_merged_at_hq_is_seen_by_hqs_next_anonymized_figure(tmp_path: Path) -> None:
    hq = make_node(tmp_path, "BAK", hq=True, name="Bakı qərargahı")
    gnj = make_node(tmp_path, "GNJ", name="Gəncə mərkəzi")
    try:
        enroll(hq, gnj, tmp_path)
        purposes = (*ANONYMIZED, ConsentPurpose.SHARE_HQ.value)
        first = served(gnj, NAMES[0], purposes)
        served(gnj, NAMES[1], purposes)
        sync(hq).import_bundle(sync(gnj).export(tmp_path / "one.bundle").path)
        assert left_out(hq) == 0
        gnj.clients.withdraw_purpose(first, ConsentPurpose.ANONYMIZED_STATS.value)
        before = generation(hq)
        sync(hq).import_bundle(sync(gnj).export(tmp_path / "two.bundle").path)
        assert generation(hq) > before
        assert left_out(hq) == 1
    finally:
        hq.close()
        gnj.close()
