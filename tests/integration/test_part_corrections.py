"""Corrections of a case's parties and deadlines (issue 19: "Every field a lawyer enters can be
corrected afterwards: ... parties, deadlines"): the earlier value is kept and the history names
the field readably; a lawyer corrects the cases assigned to them, a manager any of the center's;
a party's new name is checked for conflicts as a new party's is; the command line; the
correction travels to HQ with the case."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD, cli_as
from legalaid_desktop import app, i18n
from legalaid_desktop.domain.conflict_decisions import (
    ConflictDecisionInput,
    ConflictDecisionRequired,
)
from legalaid_desktop.domain.corrections import DeadlineEdit, PartyEdit, readable
from legalaid_desktop.domain.errors import NotFound, PermissionDenied, ValidationError
from legalaid_desktop.i18n.dates import today
from sync_support import add_case, audit_actions, enroll, make_node, snapshot, sync

SECOND_LAWYER = "rauf"
PARTY = "Məmmədov Elçin Vaqif oğlu"
TABLES = ("parties", "deadlines", "corrections", "change_log", "conflict_decisions")


@pytest.fixture
def world(admin_session: app.AppSession, data_dir: Path) -> tuple[Path, str, str, str, str]:
    """Leyla's case with an adverse party and a deadline; Rauf, another lawyer; and a second
    client, Quliyeva Aynur, whom a party could be renamed into."""
    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    admin_session.users.add(SECOND_LAWYER, "Quliyev Rauf Samir oğlu", "lawyer", LAWYER_PASSWORD)
    _client, number = add_case(admin_session)
    add_case(admin_session, name="Quliyeva Aynur Vasif qızı", phone="+994 55 765 43 21")
    admin_session.cases.assign(number, LAWYER)
    party = admin_session.records.add_party(number, PARTY, "adverse", "qonşu")
    deadline = admin_session.records.add_deadline(
        number, today() + timedelta(days=10), "Şikayət vermək"
    )
    admin_session.close()
    return data_dir, number, party.id, deadline.id, deadline.due_on.isoformat()


def _login(data_dir: Path, user: str) -> app.AppSession:
    return app.login(data_dir, user, ADMIN_PASSWORD if user == ADMIN else LAWYER_PASSWORD)


def _label(kind: str, code: str) -> str:
    return f"<{kind}:{code}>"


def test_a_party_correction_keeps_what_it_was(world: tuple[Path, str, str, str, str]) -> None:
    data_dir, number, party_id, _deadline, _due = world
    leyla = _login(data_dir, LAWYER)
    try:
        changed = leyla.corrections.edit_party(
            party_id, PartyEdit(name="Məmmədov Elşən Vaqif oğlu", role="witness", notes="qonşu")
        )
        assert set(changed) == {"name", "role"}  # the notes were the same: not a change
        party = next(p for p in leyla.cases.get(number).parties if p.id == party_id)
        assert (party.name, party.role, party.notes) == (
            "Məmmədov Elşən Vaqif oğlu",
            "witness",
            "qonşu",
        )
        history = {e.field: e for e in leyla.history.case_history(number)}
        assert (history["name"].old_value, history["name"].new_value) == (
            PARTY,
            "Məmmədov Elşən Vaqif oğlu",
        )
        role = history["role"]
        assert (role.old_value, role.new_value, role.record_kind) == ("adverse", "witness", "party")
        assert role.changed_by_name == "Hüseynova Leyla Əli qızı"
        # readable: the party by its name (it tells it from the case's other parties), the
        # field by its label, the codes by their labels
        with i18n.language("en"):
            assert role.what == "Party Məmmədov Elşən Vaqif oğlu: Role"
            assert readable(role.field, role.new_value, _label) == "<party_roles:witness>"
        # nothing to change: nothing written
        before = snapshot(leyla, TABLES)
        assert leyla.corrections.edit_party(party_id, PartyEdit(role="witness")) == ()
        assert snapshot(leyla, TABLES) == before
        # the search finds the party by its new name only
        hits = leyla.search.search("Elşən Vaqif")
        assert any(h.ref_id == party_id or h.case_number == number for h in hits)
        assert "party_corrected" in audit_actions(leyla)
    finally:
        leyla.close()


def test_a_deadline_correction_keeps_what_it_was(world: tuple[Path, str, str, str, str]) -> None:
    data_dir, number, _party, deadline_id, due = world
    leyla = _login(data_dir, LAWYER)
    try:
        later = today() + timedelta(days=20)
        changed = leyla.corrections.edit_deadline(
            deadline_id, DeadlineEdit(due_on=later, description="Şikayəti məhkəməyə vermək")
        )
        assert set(changed) == {"due_on", "description"}
        deadline = next(d for d in leyla.cases.get(number).deadlines if d.id == deadline_id)
        assert (deadline.due_on, deadline.description) == (later, "Şikayəti məhkəməyə vermək")
        assert not deadline.done  # whether it is done is ticked, not corrected
        history = {e.field: e for e in leyla.history.case_history(number)}
        assert (history["due_on"].old_value, history["due_on"].new_value) == (
            due,
            later.isoformat(),
        )
        assert history["description"].old_value == "Şikayət vermək"
        with i18n.language("en"):
            entry = history["due_on"]
            when = later.strftime("%d.%m.%Y")
            assert entry.what == f"Deadline of {when}: Due date"
            assert readable("due_on", entry.old_value, _label) != entry.old_value  # a date
        # the agenda follows the corrected date
        assert "deadline_corrected" in audit_actions(leyla)
    finally:
        leyla.close()


def test_only_the_cases_lawyer_or_a_manager_corrects(
    world: tuple[Path, str, str, str, str],
) -> None:
    data_dir, _number, party_id, deadline_id, _due = world
    rauf = _login(data_dir, SECOND_LAWYER)
    try:
        before = snapshot(rauf, TABLES)
        with pytest.raises(PermissionDenied):
            rauf.corrections.edit_party(party_id, PartyEdit(role="witness"))
        with pytest.raises(PermissionDenied):
            rauf.corrections.edit_deadline(deadline_id, DeadlineEdit(description="Başqa"))
        assert snapshot(rauf, TABLES) == before
        assert audit_actions(rauf)[-2:] == ["permission_denied", "permission_denied"]
    finally:
        rauf.close()
    admin = _login(data_dir, ADMIN)  # a manager or administrator: any case of the center
    try:
        assert admin.corrections.edit_party(party_id, PartyEdit(notes="qohum")) == ("notes",)
        assert admin.corrections.edit_deadline(deadline_id, DeadlineEdit(description="Yeni")) == (
            "description",
        )
    finally:
        admin.close()


def test_bad_corrections_change_nothing(world: tuple[Path, str, str, str, str]) -> None:
    data_dir, _number, party_id, deadline_id, _due = world
    leyla = _login(data_dir, LAWYER)
    try:
        before = snapshot(leyla, TABLES)
        with pytest.raises(ValidationError) as empty:
            leyla.corrections.edit_party(party_id, PartyEdit(name="  "))
        assert empty.value.field == "name"
        with pytest.raises(ValidationError):
            leyla.corrections.edit_party(party_id, PartyEdit(name="12345"))
        with pytest.raises(ValidationError) as role:
            leyla.corrections.edit_party(party_id, PartyEdit(role="judge"))
        assert role.value.field == "role"
        with pytest.raises(ValidationError) as text:
            leyla.corrections.edit_deadline(deadline_id, DeadlineEdit(description=""))
        assert text.value.field == "description"
        with pytest.raises(NotFound):
            leyla.corrections.edit_party("no-such-party", PartyEdit(role="witness"))
        with pytest.raises(NotFound):
            leyla.corrections.edit_deadline("no-such-deadline", DeadlineEdit(description="x"))
        assert snapshot(leyla, TABLES) == before
    finally:
        leyla.close()


def test_a_new_name_that_matches_a_client_needs_a_conflict_decision(
    world: tuple[Path, str, str, str, str],
) -> None:
    """Renaming a party into a client's name is what adding that name would be."""
    data_dir, number, party_id, _deadline, _due = world
    leyla = _login(data_dir, LAWYER)
    try:
        before = snapshot(leyla, TABLES)
        with pytest.raises(ConflictDecisionRequired):
            leyla.corrections.edit_party(party_id, PartyEdit(name="Quliyeva Aynur Vasif qızı"))
        assert snapshot(leyla, TABLES) == before
        # a typo of its own name matches only the party itself: no decision is asked
        assert leyla.corrections.edit_party(
            party_id, PartyEdit(name="Məmmədov Elçin Vaqif oglu")
        ) == ("name",)
        changed = leyla.corrections.edit_party(
            party_id,
            PartyEdit(name="Quliyeva Aynur Vasif qızı"),
            ConflictDecisionInput("waived", "Müştəri razılıq verdi"),
        )
        assert changed == ("name",)
        decisions = leyla.cases.get(number).conflict_decisions
        assert any(d.decision == "waived" for d in decisions)
    finally:
        leyla.close()


def test_the_command_line_corrects_parties_and_deadlines(
    world: tuple[Path, str, str, str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data_dir, number, party_id, deadline_id, _due = world
    run = cli_as(data_dir, LAWYER, LAWYER_PASSWORD, monkeypatch, capsys)
    code, out, err = run("--json", "party", "edit", party_id, "--role", "institution")
    assert code == 0, err
    assert json.loads(out) == {"party": party_id, "changed": ["role"]}
    later = today() + timedelta(days=30)
    code, out, err = run(
        "deadline", "edit", deadline_id, "--due", later.strftime("%d.%m.%Y"),
        "--description", "Apellyasiya",
    )  # fmt: skip
    assert code == 0, err
    code, out, err = run("case", "history", number, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert {(e["record"], e["field"], e["old"], e["new"]) for e in doc} >= {
        ("party", "role", "adverse", "institution"),
        ("deadline", "description", "Şikayət vermək", "Apellyasiya"),
    }
    assert any(e["record_name"] == PARTY for e in doc if e["record"] == "party")
    code, out, err = run("--lang", "en", "case", "history", number)
    assert code == 0 and f"Party {PARTY}: Role" in out, out
    # a name matching a client strongly needs the decision flags
    code, _out, err = run("party", "edit", party_id, "--name", "Quliyeva Aynur Vasif qızı")
    assert code == 4 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    code, _out, err = run(
        "party", "edit", party_id, "--name", "Quliyeva Aynur Vasif qızı",
        "--conflict-decision", "no-conflict",
    )  # fmt: skip
    assert code == 0, err
    # nothing said, an unknown id, a bad date
    code, _out, err = run("party", "edit", party_id)
    assert code == 4 and len(err.strip().splitlines()) == 1
    code, _out, err = run("deadline", "edit", "no-such-deadline", "--description", "x")
    assert code == 4 and "Traceback" not in err
    with pytest.raises(SystemExit) as usage:
        run("deadline", "edit", deadline_id, "--due", "31.02.2026")
    assert usage.value.code == 2
    capsys.readouterr()  # argparse's usage lines
    # another lawyer: not allowed for the role (5), one line
    rauf = cli_as(data_dir, SECOND_LAWYER, LAWYER_PASSWORD, monkeypatch, capsys)
    code, _out, err = rauf("party", "edit", party_id, "--notes", "x")
    assert code == 5 and len(err.strip().splitlines()) == 1


def test_the_corrections_travel_to_hq_with_the_case(tmp_path: Path) -> None:
    hq = make_node(tmp_path, "BAK", hq=True, name="Bakı qərargahı")
    gnj = make_node(tmp_path, "GNJ", name="Gəncə mərkəzi")
    try:
        enroll(hq, gnj, tmp_path)
        _client, number = add_case(gnj)
        party = gnj.records.add_party(number, PARTY, "adverse")
        deadline = gnj.records.add_deadline(number, today() + timedelta(days=5), "Ərizə")
        sync(hq).import_bundle(sync(gnj).export(tmp_path / "up-1.bundle").path)
        gnj.corrections.edit_party(party.id, PartyEdit(role="witness"))
        gnj.corrections.edit_deadline(deadline.id, DeadlineEdit(description="Ərizə (düzəliş)"))
        sync(hq).import_bundle(sync(gnj).export(tmp_path / "up-2.bundle").path)
        detail = hq.cases.get(number)
        assert [p.role for p in detail.parties] == ["witness"]
        assert [d.description for d in detail.deadlines] == ["Ərizə (düzəliş)"]
        fields = {(e.record_kind, e.field) for e in hq.history.case_history(number)}
        assert {("party", "role"), ("deadline", "description")} <= fields
    finally:
        hq.close()
        gnj.close()
