"""Demo data: plausible, valid, numbered without gaps or reuse, in the outbox, deterministic."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from conftest import ADMIN, ADMIN_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.cli import demo_command
from legalaid_desktop.cli.context import CliContext
from legalaid_desktop.cli.main import main as cli_main
from legalaid_desktop.devtools.demo import DEMO_LAWYERS, DemoSummary, generate_demo, process_feed
from legalaid_desktop.devtools.demo.feed import CLIENT_BATCH, FeedSpec, make_batches
from legalaid_desktop.devtools.demo.run import _ensure_lawyers
from legalaid_desktop.domain.cases import ClientInput, ConsentInput
from legalaid_desktop.domain.errors import NotADemoStore, PermissionDenied, ValidationError
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.reference_data import load_catalog
from legalaid_desktop.search import index as search_index
from legalaid_desktop.services.cases import next_case_number
from legalaid_desktop.store.models import (
    SYNCED_MODELS,
    AuditEvent,
    Campaign,
    Case,
    CaseCounter,
    ChangeLog,
    Client,
    Consent,
    Consultation,
    CorruptionDetails,
    Deadline,
    Party,
)
from legalaid_desktop.store.vault import FLOOR
from legalaid_desktop.text.collation import sort_string

CLIENTS = 200
SEED = 7
DEMO_PASSWORD = "Demo-pass-2026"
NUMBER_RE = re.compile(r"^GNJ-(\d{4})-(\d{4})$")
CYRILLIC_RE = re.compile("[\u0400-\u04ff]")


@pytest.fixture(scope="module")
def demo_store(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[app.AppSession, DemoSummary]]:
    """One store with 200 demo clients (seed 7), shared by the read-only checks below."""
    data_dir = tmp_path_factory.mktemp("demo") / "store"
    session, _recovery = app.create(
        data_dir,
        node_code="GNJ",
        node_name="Gəncə mərkəzi",
        hq=False,
        admin_username=ADMIN,
        admin_full_name="Məmmədov Elçin Vaqif oğlu",
        admin_password=ADMIN_PASSWORD,
        kdf=FLOOR,
    )
    calls: list[tuple[int, int]] = []
    summary = generate_demo(
        session.ws,
        clients=CLIENTS,
        seed=SEED,
        lawyer_password=DEMO_PASSWORD,
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls and calls[-1][0] == calls[-1][1]
    yield session, summary
    session.close()


def _all(session: app.AppSession, statement):  # type: ignore[no-untyped-def]
    with session.ws.read() as s:
        return s.execute(statement).all()


def test_counts_are_plausible(demo_store: tuple[app.AppSession, DemoSummary]) -> None:
    session, summary = demo_store
    assert not summary.cancelled
    assert summary.clients == summary.consents == CLIENTS
    assert 1.3 * CLIENTS <= summary.cases <= 1.7 * CLIENTS
    assert 2.8 * summary.cases <= summary.consultations <= 3.8 * summary.cases
    assert 0.6 * summary.cases <= summary.parties <= 1.4 * summary.cases
    assert summary.deadlines > 0 and summary.campaigns >= 2
    assert 0 < summary.corruption_details < 0.15 * summary.cases
    with session.ws.read() as s:
        for model, expected in (
            (Client, summary.clients),
            (Consent, summary.consents),
            (Case, summary.cases),
            (Consultation, summary.consultations),
            (Party, summary.parties),
            (Deadline, summary.deadlines),
            (CorruptionDetails, summary.corruption_details),
            (Campaign, summary.campaigns),
        ):
            assert s.scalar(select(func.count()).select_from(model)) == expected
        corruption_cases = s.scalar(
            select(func.count()).select_from(Case).where(Case.legal_area == "corruption")
        )
        assert corruption_cases == summary.corruption_details
        # Exactly one audit event for the whole run, with the counts.
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "demo_generated")).all()
        assert len(events) == 1 and events[0].details["cases"] == summary.cases
        assert summary.indexed >= summary.clients + summary.cases + summary.consultations
    areas = Counter(r[0] for r in _all(session, select(Case.legal_area)))
    assert areas.most_common(1)[0][0] in ("credit", "property", "family")


def test_case_numbers_are_unique_and_counters_end_at_the_last(
    demo_store: tuple[app.AppSession, DemoSummary],
) -> None:
    session, _summary = demo_store
    rows = _all(session, select(Case.number, Case.opened_on))
    numbers = [r[0] for r in rows]
    assert len(numbers) == len(set(numbers))
    last: dict[int, int] = {}
    for number, opened in rows:
        match = NUMBER_RE.match(number)
        assert match, number
        year, seq = int(match[1]), int(match[2])
        assert year == int(opened[:4])
        last[year] = max(last.get(year, 0), seq)
    # Numbered in opening order, without gaps.
    for year, top in last.items():
        assert sorted(int(NUMBER_RE.match(n)[2]) for n in numbers if f"-{year}-" in n) == list(  # type: ignore[index]
            range(1, top + 1)
        )
    counters = dict(
        _all(
            session,
            select(CaseCounter.year, CaseCounter.last_seq).where(CaseCounter.node_code == "GNJ"),
        )
    )
    assert counters == last
    # A case opened now continues after the demo numbers (read session: nothing is kept).
    year = today().year
    with session.ws.read() as s:
        assert next_case_number(s, "GNJ", year) == f"GNJ-{year}-{last.get(year, 0) + 1:04d}"


def test_names_look_azerbaijani(demo_store: tuple[app.AppSession, DemoSummary]) -> None:
    session, _summary = demo_store
    rows = _all(session, select(Client.full_name, Client.name_sort))
    assert all(sort == sort_string(name) for name, sort in rows)
    names = [r[0] for r in rows]
    cyrillic = [n for n in names if CYRILLIC_RE.search(n)]
    assert 0 < len(cyrillic) < 0.2 * len(names)
    assert any(n.endswith(" oğlu") for n in names) and any(n.endswith(" qızı") for n in names)
    assert any(n.endswith((" оглы", " кызы")) for n in cyrillic)
    assert any(n.isascii() for n in names)
    assert any(n.split()[0].endswith(("ova", "eva")) for n in names)
    genders = Counter(r[0] for r in _all(session, select(Client.gender)))
    assert genders["female"] > genders["male"]
    phones = [r[0] for r in _all(session, select(Client.phone)) if r[0]]
    assert all(re.fullmatch(r"\+994 (50|51|55|70|77|99|10) \d{3} \d{2} \d{2}", p) for p in phones)


def test_every_code_is_a_reference_code(demo_store: tuple[app.AppSession, DemoSummary]) -> None:
    session, _summary = demo_store
    catalog = load_catalog()

    def valid(kind: str, values: list[object]) -> None:
        codes = set(catalog[kind].codes())
        bad = {v for v in values if v not in codes}
        assert not bad, (kind, bad)

    clients = _all(
        session, select(Client.gender, Client.region, Client.displacement, Client.disability)
    )
    valid("genders", [r[0] for r in clients])
    valid("regions", [r[1] for r in clients])
    valid("displacement", [r[2] for r in clients])
    valid("disability", [r[3] for r in clients])
    assert Counter(r[2] for r in clients)["idp"] > 0
    cases = _all(session, select(Case.legal_area, Case.status, Case.outcome))
    valid("legal_areas", [r[0] for r in cases])
    valid("case_statuses", [r[1] for r in cases])
    valid("outcomes", [r[2] for r in cases if r[1] == "closed"])
    assert all((r[2] is None) == (r[1] != "closed") for r in cases)
    valid("consultation_modes", [r[0] for r in _all(session, select(Consultation.mode))])
    valid("party_roles", [r[0] for r in _all(session, select(Party.role))])
    details = _all(session, select(CorruptionDetails.sector, CorruptionDetails.conduct))
    valid("corruption_sectors", [r[0] for r in details])
    valid("corruption_conduct", [r[1] for r in details])
    purposes = [p for r in _all(session, select(Consent.purposes)) for p in r[0]]
    valid("consent_purposes", purposes)
    valid("legal_areas", [r[0] for r in _all(session, select(Campaign.issue_area))])


def test_dates_are_consistent(demo_store: tuple[app.AppSession, DemoSummary]) -> None:
    session, _summary = demo_store
    now = today().isoformat()
    rows = _all(
        session,
        select(
            Consultation.held_on,
            Consultation.follow_up_on,
            Case.opened_on,
            Case.closed_on,
            Case.status,
        ).join(Case, Case.id == Consultation.case_id),
    )
    for held, follow, opened, closed, _status in rows:
        assert opened <= held <= now
        assert closed is None or held <= closed <= now
        assert follow is None or follow >= held
    assert any(f is not None and f > now for _h, f, _o, _c, s in rows if s != "closed")
    with session.ws.read() as s:
        consents = s.execute(
            select(Consent.given_on, func.min(Case.opened_on))
            .join(Case, Case.client_id == Consent.client_id)
            .group_by(Consent.id)
        ).all()
        assert all(given == first for given, first in consents)
        deadlines = s.execute(
            select(Deadline.due_on, Deadline.done, Case.opened_on, Case.status).join(
                Case, Case.id == Deadline.case_id
            )
        ).all()
    assert all(due >= opened for due, _d, opened, _s in deadlines)
    assert any(due > now and not done for due, done, _o, _s in deadlines)
    assert any(due < now and done for due, done, _o, _s in deadlines)


def test_every_row_is_in_the_outbox_once(demo_store: tuple[app.AppSession, DemoSummary]) -> None:
    session, summary = demo_store
    with session.ws.read() as s:
        changes = s.execute(select(ChangeLog.table_name, ChangeLog.row_id, ChangeLog.groups)).all()
        per_table: dict[str, list[str]] = {}
        for table, row_id, _groups in changes:
            per_table.setdefault(table, []).append(row_id)
        for model in SYNCED_MODELS:
            name = model.__tablename__  # type: ignore[attr-defined]
            rows = s.execute(select(model.id, model.clocks, model.hlc, model.origin_node)).all()
            if name in ("attachments",):
                continue
            logged = per_table.get(name, [])
            assert sorted(logged) == sorted(r[0] for r in rows), name
            for _id, clocks, hlc, origin in rows:
                assert set(clocks) == set(model.FIELD_GROUPS) and set(clocks.values()) == {hlc}
                assert origin == "GNJ"
        hlcs = s.scalars(select(ChangeLog.hlc)).all()
    assert len(hlcs) == len(set(hlcs))
    synced = {m.__tablename__ for m in SYNCED_MODELS}  # type: ignore[attr-defined]
    assert sum(len(v) for k, v in per_table.items() if k in synced) == summary.rows
    # The node's clock continues after the demo's stamps.
    assert session.ws.clock.now().encode() > max(hlcs)


def test_the_index_finds_demo_records(demo_store: tuple[app.AppSession, DemoSummary]) -> None:
    session, _summary = demo_store
    name = _all(session, select(Client.full_name).where(Client.full_name.like("% oğlu")).limit(1))
    hits = session.search.search(name[0][0].split()[0])
    assert hits


def _new_store(path: Path) -> app.AppSession:
    session, _recovery = app.create(
        path,
        node_code="GNJ",
        node_name="Gəncə mərkəzi",
        hq=False,
        admin_username=ADMIN,
        admin_full_name="Məmmədov Elçin Vaqif oğlu",
        admin_password=ADMIN_PASSWORD,
        kdf=FLOOR,
    )
    return session


def test_the_same_seed_gives_the_same_data(tmp_path: Path) -> None:
    contents = []
    for name in ("one", "two"):
        session = _new_store(tmp_path / name)
        try:
            generate_demo(session.ws, clients=25, seed=SEED)
            with session.ws.read() as s:
                contents.append(
                    (
                        s.scalars(select(Client.full_name).order_by(Client.id)).all(),
                        s.execute(
                            select(Case.number, Case.summary, Case.opened_on).order_by(Case.id)
                        ).all(),
                        s.scalars(select(Consultation.notes).order_by(Consultation.id)).all(),
                        s.scalars(select(Client.id).order_by(Client.id)).all(),
                    )
                )
        finally:
            session.close()
    assert contents[0][:3] == contents[1][:3]
    assert not set(contents[0][3]) & set(contents[1][3])  # ids are new ones every time


def _table_counts(session: app.AppSession) -> dict[str, int]:
    with session.ws.read() as s:
        tables = s.scalars(
            text(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
                "AND sql NOT LIKE 'CREATE VIRTUAL%'"
            )
        ).all()
        return {t: s.scalar(text(f'SELECT count(*) FROM "{t}"')) or 0 for t in tables}


def test_cancelling_leaves_the_store_unchanged(admin_session: app.AppSession) -> None:
    before = _table_counts(admin_session)
    hlc_before = admin_session.ws.store.meta("hlc_last")
    progressed: list[int] = []
    summary = generate_demo(
        admin_session.ws,
        clients=50,
        seed=SEED,
        progress=lambda done, total: progressed.append(done),
        cancelled=lambda: bool(progressed),  # after the first batch has been written
    )
    assert progressed and summary.cancelled
    assert summary.rows == 0
    assert _table_counts(admin_session) == before
    assert admin_session.ws.store.meta("hlc_last") == hlc_before


def test_demo_lawyers_take_the_cases_and_only_managers_may_generate(
    demo_store: tuple[app.AppSession, DemoSummary],
) -> None:
    session, summary = demo_store
    assert summary.lawyers_created == len(DEMO_LAWYERS)
    load = Counter(r[0] for r in _all(session, select(Case.assigned_lawyer)))
    assert set(load) <= {ADMIN, *(u for u, _n, _r in DEMO_LAWYERS)}
    assert load[ADMIN] < load["gunel.m"]
    # Now that the center has its people, no more accounts are made.
    assert _ensure_lawyers(session.ws, DEMO_PASSWORD) == 0
    lawyer = app.login(session.ws.store.paths.root, "gunel.m", DEMO_PASSWORD)
    try:
        with pytest.raises(PermissionDenied):
            generate_demo(lawyer.ws, clients=5)
    finally:
        lawyer.close()
    with pytest.raises(ValidationError):
        generate_demo(session.ws, clients=0)


def test_cli_demo_json(
    admin_session: app.AppSession,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    admin_session.close()
    parser = argparse.ArgumentParser()
    demo_command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["demo", "--clients", "15", "--seed", "4"])
    monkeypatch.setenv("LEGALAID_PASSWORD", ADMIN_PASSWORD)
    ctx = CliContext(data_dir=data_dir, user=ADMIN, json=True)
    out = args.func(args, ctx)
    data = json.loads(json.dumps(out.data))
    assert data["clients"] == 15 and data["cases"] >= 15 and "seconds" in data
    assert "15" in out.text
    with pytest.raises(SystemExit):
        parser.parse_args(["demo", "--clients", "0"])
    capsys.readouterr()


# ------------------------------------------------------------------------------------------------
# Only into a new or demo store; memory security stays ON outside the demo command
# ------------------------------------------------------------------------------------------------


def test_a_store_with_real_clients_is_refused(
    admin_session: app.AppSession,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    admin_session.clients.register(
        ClientInput(full_name="Həsənova Aygün Elçin qızı", gender="female", region="AZ-GA"),
        ConsentInput(given_on=today()),
    )
    before = _table_counts(admin_session)
    with pytest.raises(NotADemoStore):
        generate_demo(admin_session.ws, clients=5, seed=SEED, lawyer_password=DEMO_PASSWORD)
    assert _table_counts(admin_session) == before  # not even the demo lawyers
    admin_session.close()
    monkeypatch.setenv("LEGALAID_PASSWORD", ADMIN_PASSWORD)
    code = cli_main(["--data-dir", str(data_dir), "--user", ADMIN, "demo", "--clients", "5"])
    assert code == 4
    assert "demo" in capsys.readouterr().err


def test_a_demo_store_takes_more_demo_data(tmp_path: Path) -> None:
    session = _new_store(tmp_path / "store")
    try:
        first = generate_demo(session.ws, clients=10, seed=SEED)
        second = generate_demo(session.ws, clients=10, seed=SEED + 1)
        assert first.clients == second.clients == 10
        with session.ws.read() as s:
            assert s.scalar(select(func.count()).select_from(Client)) == 20
        # A client added by hand makes it a store with real data: no more demo data.
        session.clients.register(
            ClientInput(full_name="Quliyev Rəşad Vaqif oğlu", gender="male", region="AZ-GA")
        )
        with pytest.raises(NotADemoStore):
            generate_demo(session.ws, clients=1)
    finally:
        session.close()


def test_the_same_seed_gives_the_same_first_clients(tmp_path: Path) -> None:
    first: list[list[tuple[object, ...]]] = []
    for name in ("a", "b"):
        session = _new_store(tmp_path / name)
        try:
            generate_demo(session.ws, clients=12, seed=3)
            with session.ws.read() as s:
                rows = s.execute(
                    select(Client.full_name, Client.birth_year, Client.phone, Client.address)
                    .order_by(Client.id)
                    .limit(5)
                ).all()
                first.append([tuple(r) for r in rows])
        finally:
            session.close()
    assert first[0] == first[1] and len(first[0]) == 5


_MEMORY_SECURITY_SCRIPT = """
import sys
from pathlib import Path
from legalaid_desktop import app
from legalaid_desktop.store.bulk_load import without_memory_security
from sqlalchemy import text

def setting(session):
    with session.ws.read() as s:
        return s.execute(text("PRAGMA cipher_memory_security")).scalar_one()

path, user, password = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
with without_memory_security():
    session = app.login(path, user, password)
    print("demo", setting(session))
    session.close()
session = app.login(path, user, password)
print("normal", setting(session))
session.close()
"""


def test_memory_security_is_on_except_in_the_demo_bulk_load(
    admin_session: app.AppSession, data_dir: Path
) -> None:
    # In this process: every ordinary connection turns it ON.
    with admin_session.ws.read() as s:
        assert str(s.execute(text("PRAGMA cipher_memory_security")).scalar_one()) == "1"
    admin_session.close()
    # SQLCipher's setting is per process and cannot be turned off once ON: a fresh process shows
    # that the demo's connections leave it OFF and the next ordinary one turns it ON.
    done = subprocess.run(
        [sys.executable, "-c", _MEMORY_SECURITY_SCRIPT, str(data_dir), ADMIN, ADMIN_PASSWORD],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.split() == ["demo", "0", "normal", "1"]


def _indexes(session: app.AppSession) -> list[tuple[str, str, str]]:
    with session.ws.read() as s:
        rows = s.execute(
            text("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
        ).all()
    return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]


def test_the_indexes_come_back_as_they_were(tmp_path: Path) -> None:
    session = _new_store(tmp_path / "store")
    try:
        before = _indexes(session)
        assert any(name == "ix_clients_live_name" for name, _t, _s in before)
        progressed: list[int] = []
        cancelled = generate_demo(
            session.ws,
            clients=30,
            progress=lambda d, t: progressed.append(d),
            cancelled=lambda: True,
        )
        assert cancelled.cancelled and _indexes(session) == before
        stopped = generate_demo(
            session.ws,
            clients=CLIENT_BATCH + 5,
            progress=lambda d, t: progressed.append(d),
            cancelled=lambda: bool(progressed),
        )
        assert stopped.cancelled and _indexes(session) == before
        generate_demo(session.ws, clients=30)
        assert _indexes(session) == before
        with session.ws.read() as s:
            assert s.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
            plan = s.execute(
                text("EXPLAIN QUERY PLAN SELECT id FROM clients WHERE name_sort > '' LIMIT 5")
            ).all()
            assert "ix_clients" in " ".join(str(r[-1]) for r in plan)
    finally:
        session.close()


def test_planner_statistics_survive(tmp_path: Path) -> None:
    session = _new_store(tmp_path / "store")
    try:
        generate_demo(session.ws, clients=20)
        with session.ws.write() as s:
            s.execute(text("ANALYZE"))
        with session.ws.read() as s:
            before = s.execute(text("SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY idx")).all()
        assert any(r[1] == "ix_clients_live_name" for r in before)
        generate_demo(session.ws, clients=20)
        with session.ws.read() as s:
            after = s.execute(text("SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY idx")).all()
        assert after == before
    finally:
        session.close()


def _index_contents(session: app.AppSession) -> list[tuple[object, ...]]:
    with session.ws.read() as s:
        assert s.execute(
            text("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
        ).rowcount
        return [
            tuple(r)
            for r in s.execute(
                text(
                    "SELECT id, kind, ref_id, case_id, name_sig, names, keys, body "
                    "FROM search_index_refs ORDER BY id"
                )
            )
        ]


def test_the_index_made_during_the_load_is_the_one_a_rebuild_makes(tmp_path: Path) -> None:
    # The demo indexes its new rows from memory (and the earlier ones from the store): the
    # entries must be exactly those a rebuild from the tables gives, ids included.
    session = _new_store(tmp_path / "store")
    try:
        # The first run makes its rows and entries in a second process (as from
        # PARALLEL_FROM clients), the second here, after reading the first run's back.
        generate_demo(session.ws, clients=CLIENT_BATCH + 30, seed=SEED, parallel=True)
        generate_demo(session.ws, clients=40, seed=SEED + 1, parallel=False)
        during = _index_contents(session)
        kinds = Counter(row[1] for row in during)
        assert set(kinds) == {"client", "case", "consultation", "party"}
        assert kinds["client"] == CLIENT_BATCH + 70
        with session.ws.write() as s:
            rebuilt_count = search_index.rebuild(s)
        assert rebuilt_count == len(during)
        assert _index_contents(session) == during
        with session.ws.read() as s:
            number = s.scalars(select(Case.number).order_by(Case.id.desc()).limit(1)).one()
            name = s.scalars(select(Client.full_name).order_by(Client.id.desc()).limit(1)).one()
        assert any(h.case_number == number for h in session.search.search(number))
        assert session.search.search(name)
    finally:
        session.close()


def test_rows_made_in_a_second_process_are_the_rows_made_here(
    demo_store: tuple[app.AppSession, DemoSummary],
) -> None:
    # The feed given the same spec twice, here and in a spawned process: the same batches, to
    # the last id and stamp (both come from the spec). More than one batch, so that the other
    # process runs ahead of the reader.
    session, _summary = demo_store
    spec = FeedSpec(
        seed=SEED,
        clients=CLIENT_BATCH + 30,
        node="GNJ",
        actor=ADMIN,
        base=today(),
        lawyers=(("gunel.m", 5.0), ("kamran.a", 2.0)),
        region_labels={item.code: item.label("az") for item in session.ws.catalog()["regions"]},
        existing={2024: 17},
        taken=frozenset({"GNJ-2025-0001"}),
        start=session.ws.clock.now(),
    )
    with process_feed.feed(make_batches, spec, in_process=True) as batches:
        here = list(batches)
    with process_feed.feed(make_batches, spec) as batches:
        there = list(batches)
    assert [b.done for b in here] == [CLIENT_BATCH, CLIENT_BATCH + 30]
    assert here[-1].last_seq and here[-1].last_stamp and here[0].last_seq is None
    assert len(here) == len(there)
    for mine, theirs in zip(here, there, strict=True):
        assert mine == theirs
