"""Conflict decisions (issue 17): saving past a strong match needs one, recorded and audited.

Real encrypted stores; the CLI through its ``main``; a bundle between two real stores.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.cli.main import main
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput
from legalaid_desktop.domain.conflict_decisions import (
    ConflictDecisionInput,
    ConflictDecisionRequired,
)
from legalaid_desktop.domain.errors import PermissionDenied, ValidationError
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.store.models import AuditEvent, Client, ConflictDecision, Party

RASHAD = "Əliyev Rəşad İsmayıl oğlu"


def _client(s: app.AppSession, name: str = RASHAD, **kw: Any) -> Any:
    return s.clients.register(
        ClientInput(full_name=name, gender="male", region="AZ-GA", birth_year=1980),
        ConsentInput(given_on=today()),
        **kw,
    )


def _case(s: app.AppSession, client_id: str) -> str:
    return s.cases.open(
        CaseInput(client_id=client_id, legal_area="family", summary="Aliment")
    ).number


def _count(s: app.AppSession, model: Any) -> int:
    with s.ws.read() as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def _events(s: app.AppSession, action: str) -> list[AuditEvent]:
    with s.ws.read() as db:
        rows = list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        db.expunge_all()
        return rows


def test_a_strong_match_needs_a_decision_to_register(admin_session: app.AppSession) -> None:
    s = admin_session
    first = _client(s)
    with pytest.raises(ConflictDecisionRequired) as refused:
        _client(s, "Алиев Рашад Исмаилович")  # the same person in Russian
    assert [h.ref_id for h in refused.value.hits] == [first.id]
    assert RASHAD not in str(refused.value)  # the message names no one
    assert refused.value.exit_code == 4
    assert _count(s, Client) == 1  # nothing saved
    with pytest.raises(ValidationError, match="Reason"):
        _client(s, "Алиев Рашад", decision=ConflictDecisionInput("waived", "  "))
    with pytest.raises(ValidationError, match="declined"):
        _client(s, "Алиев Рашад", decision=ConflictDecisionInput("declined"))
    assert _count(s, Client) == 1

    before = datetime.now(UTC).replace(microsecond=0)
    second = _client(
        s, "Алиев Рашад", decision=ConflictDecisionInput("waived", "Brothers' dispute settled")
    )
    after = datetime.now(UTC)
    number = _case(s, second.id)
    decisions = s.conflicts.for_case(number)
    assert [(d.decision, d.matched_id, d.matched_name, d.subject) for d in decisions] == [
        ("waived", first.id, RASHAD, "client")
    ]
    assert decisions[0].reason == "Brothers' dispute settled"
    assert decisions[0].decided_by == "Məmmədov Elçin Vaqif oğlu"  # who, by full name
    # A UTC timestamp of the moment (the local date differs near midnight in Baku).
    assert before <= datetime.fromisoformat(decisions[0].decided_at.replace("Z", "+00:00")) <= after
    (event,) = _events(s, "conflict_decided")
    assert event.entity_id == second.id
    assert event.details == {"decision": "waived", "subject": "client", "matches": 1}
    assert "Rəşad" not in json.dumps(event.details, ensure_ascii=False)


def test_only_a_shared_surname_needs_no_decision(admin_session: app.AppSession) -> None:
    _client(admin_session)
    other = _client(admin_session, "Əliyev Tural Vüqar oğlu")
    assert other.full_name.startswith("Əliyev Tural")
    assert _count(admin_session, ConflictDecision) == 0


def test_an_existing_client_as_adverse_party_needs_a_decision(
    admin_session: app.AppSession,
) -> None:
    s = admin_session
    rashad = _client(s)
    other = _client(s, "Hüseynova Leyla Əli qızı")
    number = _case(s, other.id)
    with pytest.raises(ConflictDecisionRequired) as refused:
        s.records.add_party(number, "Aliyev Rashad", "adverse")
    assert refused.value.hits[0].ref_id == rashad.id
    assert _count(s, Party) == 0
    party = s.records.add_party(
        number, "Aliyev Rashad", "adverse", "", ConflictDecisionInput("no_conflict")
    )
    (decision,) = s.conflicts.for_case(number)
    assert (decision.subject, decision.party_id, decision.decision) == (
        "party",
        party.id,
        "no_conflict",
    )
    # Declined: no party, the decision stays on the case.
    # (the client and now the party just added match)
    assert s.conflicts.decline_party(number, "Алиев Рашад") == 2
    assert _count(s, Party) == 1
    assert [d.decision for d in s.conflicts.for_case(number)] == [
        "no_conflict",
        "declined",
        "declined",
    ]
    with pytest.raises(ValidationError):
        s.conflicts.decline_party(number, "Quliyev Namiq")  # nothing strong to decline


def test_declining_a_new_client_saves_nothing_but_an_audit_event(
    admin_session: app.AppSession,
) -> None:
    s = admin_session
    _client(s)
    assert s.conflicts.decline_client("Aliyev Rashad", birth_year=1980) == 1
    assert _count(s, Client) == 1 and _count(s, ConflictDecision) == 0
    (event,) = _events(s, "conflict_declined")
    assert event.details == {"subject": "client", "matches": 1}


def test_an_analyst_cannot_decide(tmp_path: Path) -> None:
    hq, _rec = app.create(
        tmp_path / "hq",
        node_code="BAK",
        node_name="Bakı",
        hq=True,
        admin_username=ADMIN,
        admin_full_name="Admin BAK",
        admin_password=ADMIN_PASSWORD,
        kdf=__import__("legalaid_desktop.store.vault", fromlist=["FLOOR"]).FLOOR,
    )
    try:
        hq.users.add("nigar", "Quliyeva Nigar", "hq_analyst", "Sahil-wave-2026")
        analyst = app.login(tmp_path / "hq", "nigar", "Sahil-wave-2026")
        try:
            with pytest.raises(PermissionDenied):
                analyst.conflicts.decline_client("Aliyev Rashad")
            with pytest.raises(PermissionDenied):
                analyst.clients.register(
                    ClientInput(full_name=RASHAD, gender="male", region="AZ-GA"),
                    ConsentInput(given_on=today()),
                    ConflictDecisionInput("no_conflict"),
                )
        finally:
            analyst.close()
    finally:
        hq.close()


# -- the CLI -------------------------------------------------------------------------------------


@pytest.fixture
def cli(
    store_with_lawyer: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Any]:
    monkeypatch.setenv("LEGALAID_DATA_DIR", str(store_with_lawyer))
    monkeypatch.setenv("LEGALAID_PASSWORD", LAWYER_PASSWORD)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--user", LAWYER, *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield run


ADD = ["client", "add", "--gender", "male", "--region", "AZ-GA", "--consent", "store_process"]


def test_cli_refuses_a_strong_match_without_a_decision(cli: Any, store_with_lawyer: Path) -> None:
    code, _first, _err = cli(*ADD, "--full-name", RASHAD, "--birth-year", "1980")
    assert code == 0
    code, _out, err = cli(*ADD, "--full-name", "Aliyev Rashad", "--birth-year", "1980")
    assert code == 4
    assert err.count("\n") == 1 and "conflict decision" in err
    assert "Rashad" not in err and "Rəşad" not in err and "Traceback" not in err
    code, _out, err = cli(*ADD, "--full-name", "Aliyev Rashad", "--conflict-decision", "waived")
    assert code == 4 and "Reason" in err
    code, second, _err = cli(
        *ADD,
        "--full-name",
        "Aliyev Rashad",
        "--conflict-decision",
        "waived",
        "--reason",
        "Same name, another man (different father)",
    )
    assert code == 0
    code, number, _err = cli(
        "case", "open", "--client", second.strip(), "--area", "family", "--summary", "Aliment"
    )
    assert code == 0
    code, _out, err = cli("party", "add", number.strip(), "--name", RASHAD, "--role", "adverse")
    assert code == 4
    code, _out, _err = cli(
        "party",
        "add",
        number.strip(),
        "--name",
        RASHAD,
        "--role",
        "adverse",
        "--conflict-decision",
        "no-conflict",
    )
    assert code == 0
    s = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    try:
        # one row per match: the client's registration, then both clients as the party
        assert [d.decision for d in s.conflicts.for_case(number.strip())] == [
            "waived",
            "no_conflict",
            "no_conflict",
        ]
    finally:
        s.close()


def test_cli_standalone_check_groups_and_records_only_the_check(
    cli: Any, store_with_lawyer: Path
) -> None:
    s = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    try:
        _client(s)
        for given in ("Tural", "Kamal", "Orxan", "Elnur"):
            _client(s, f"Əliyev {given}")
        before = _count(s, Client), _count(s, ConflictDecision)
    finally:
        s.close()
    code, out, _err = cli("conflicts", "Aliyev Rashad", "--father", "Ismayil", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["needs_decision"] is True
    assert [h["name"] for h in data["same_person"]] == [RASHAD]
    assert len(data["same_surname"]) == 4
    code, out, _err = cli("conflicts", "Əliyev Səməd", "--birth-year", "1990")
    assert code == 0
    assert "Same surname: 5 people" in out and "Əliyev Tural" not in out
    s = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    try:
        assert (_count(s, Client), _count(s, ConflictDecision)) == before
        events = _events(s, "conflict_check")
        assert len(events) == 2
        assert all(set(e.details or {}) == {"hits"} for e in events)  # no name
    finally:
        s.close()


def test_cli_check_with_nothing_to_look_for_is_refused(cli: Any, store_with_lawyer: Path) -> None:
    """An empty name (a script's empty column) must not read as a clean check."""
    for name in ("", "   "):
        code, out, err = cli("conflicts", name)
        assert (code, out) == (4, "")
        assert err.strip() == "legalaid: Give the name or the phone number to check."
    code, out, _err = cli("conflicts", "", "--phone", "+994 50 123 45 67")
    assert (code, out.strip()) == (0, "No conflicts found.")
    code, _out, _err = cli("conflicts", "", "--birth-year", "1980")
    assert code == 4


def test_cli_checks_an_organizations_name_against_organizations(
    cli: Any, store_with_lawyer: Path
) -> None:
    """``--kind organization``: matched against the organizations among the clients (the GUI's
    check of an organization's intake), not as a person's name."""
    s = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    try:
        group = s.clients.register(
            ClientInput(full_name="Nur", gender="", region="AZ-GA", kind="organization"),
            ConsentInput(given_on=today()),
        ).id
    finally:
        s.close()

    def hits(*options: str) -> set[str]:
        code, out, _err = cli("conflicts", "Nur", *options, "--json")
        assert code == 0
        return {h["ref_id"] for h in json.loads(out)["same_person"]}

    assert hits("--kind", "organization") == {group}
    assert group not in hits()  # read as a person's name (the default): one word, no match
    for extra in (("--father", "Əli"), ("--birth-year", "1990"), ("--kind", "company")):
        with pytest.raises(SystemExit) as usage:  # a usage error, as for `client add`
            cli("conflicts", "Nur", "--kind", "organization", *extra)
        assert usage.value.code == 2


# -- sync ----------------------------------------------------------------------------------------


def test_decisions_travel_in_bundles_between_two_stores(tmp_path: Path) -> None:
    from sync_support import assert_converged, enroll, make_node, rows, sync

    hq = make_node(tmp_path, "BAK", hq=True, name="Bakı qərargahı")
    gnj = make_node(tmp_path, "GNJ", name="Gəncə mərkəzi")
    try:
        enroll(hq, gnj, tmp_path)
        consent = ConsentInput(given_on=today(), purposes=("store_process", "share_hq"))
        data = ClientInput(full_name=RASHAD, gender="male", region="AZ-GA", birth_year=1980)
        first = gnj.clients.register(data, consent)
        second = gnj.clients.register(
            ClientInput(full_name="Aliyev Rashad", gender="male", region="AZ-GA"),
            consent,
            ConflictDecisionInput("waived", "Another man, same name"),
        )
        number = _case(gnj, second.id)
        gnj.records.add_party(
            number, "Алиев Рашад", "adverse", "", ConflictDecisionInput("no_conflict")
        )
        up = sync(gnj).export(tmp_path / "up.bundle")
        assert up.counts["conflict_decisions"] == 3
        imported = sync(hq).import_bundle(up.path)
        assert imported.conflicts == 0
        assert_converged(hq, gnj, ("clients", "cases", "parties", "conflict_decisions"))
        at_hq = hq.conflicts.for_case(number)
        assert [(d.decision, d.reason) for d in at_hq] == [
            ("waived", "Another man, same name"),
            ("no_conflict", ""),
            ("no_conflict", ""),
        ]
        assert {d.matched_id for d in at_hq} == {first.id, second.id}
        assert len(rows(hq, "conflict_decisions")) == 3
    finally:
        hq.close()
        gnj.close()


# -- the case summary ----------------------------------------------------------------------------


def test_the_case_summary_prints_the_decisions(
    admin_session: app.AppSession, tmp_path: Path
) -> None:
    import io

    from pypdf import PdfReader

    s = admin_session
    _client(s)
    other = _client(s, "Hüseynova Leyla Əli qızı")
    number = _case(s, other.id)
    s.records.add_party(
        number,
        "Aliyev Rashad",
        "adverse",
        "",
        ConflictDecisionInput("waived", "Written consent of both clients"),
    )
    out = tmp_path / "summary.pdf"
    s.reports.case_summary(number, out, lang="en")
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Conflict-of-interest decisions" in text
    assert "Conflict waived (party)" in text
    assert RASHAD in text  # the matched client, by name
    assert "Written consent of both clients" in text
    assert "Məmmədov Elçin Vaqif oğlu" in text  # who decided
