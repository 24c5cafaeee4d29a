"""An insider with a lower role tries to take over a higher one, or print what is not theirs.

A center manager must not set the administrator's password (then log in as them), revoke or
demote the only administrator, nor create administrators or HQ analysts; a lawyer must not print
another lawyer's case, nor the batch of every closed case. Each refusal is audited and, on the
command line, is exit code 5 with one line naming the role that would be allowed. New passwords
that are among the most common ones or contain the user name are refused with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.cli.main import main
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.domain.errors import PermissionDenied, UserChangeRefused, ValidationError
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.store.models import AuditEvent

MANAGER = "rauf"
MANAGER_PASSWORD = "Bulvar-wind-2026"
OTHER_LAWYER = "tural"
OTHER_PASSWORD = "Naftalan-oil-2026"


@pytest.fixture
def center(store_with_lawyer: Path) -> Path:
    """A center with its administrator, a manager and two lawyers (leyla and tural)."""
    s = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    s.users.add(MANAGER, "Əliyev Rauf Samir oğlu", "manager", MANAGER_PASSWORD)
    s.users.add(OTHER_LAWYER, "Həsənov Tural Elşən oğlu", "lawyer", OTHER_PASSWORD)
    s.close()
    return store_with_lawyer


@pytest.fixture
def manager(center: Path) -> Iterator[app.AppSession]:
    s = app.login(center, MANAGER, MANAGER_PASSWORD)
    yield s
    s.close()


def _denials(data_dir: Path) -> list[tuple[str, dict[str, Any]]]:
    s = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    with s.ws.read() as db:
        rows = db.execute(
            select(AuditEvent.actor, AuditEvent.details)
            .where(AuditEvent.action == "permission_denied")
            .order_by(AuditEvent.seq)
        ).all()
    s.close()
    return [(actor, dict(details or {})) for actor, details in rows]


@pytest.fixture
def cli(center: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LEGALAID_DATA_DIR", str(center))

    def run(user: str, password: str, *args: str, new: str | None = None) -> tuple[int, str]:
        monkeypatch.setenv("LEGALAID_PASSWORD", password)
        if new is None:
            monkeypatch.delenv("LEGALAID_NEW_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("LEGALAID_NEW_PASSWORD", new)
        code = main(["--user", user, *args])
        return code, capsys.readouterr().err

    return run


# -- a manager against the administrator --------------------------------------------------------


def test_a_manager_cannot_set_the_administrators_password(
    center: Path, manager: app.AppSession
) -> None:
    with pytest.raises(PermissionDenied, match="Administrator"):
        manager.users.reset_password(ADMIN, "Taken-over-2026")
    manager.close()
    # The administrator's password is still theirs, and the manager's guess opens nothing.
    app.login(center, ADMIN, ADMIN_PASSWORD).close()
    with pytest.raises(Exception, match="wrong"):
        app.login(center, ADMIN, "Taken-over-2026")
    denied = _denials(center)
    assert (MANAGER, {"action": "password_reset", "refusal": "PermissionDenied",
                      "target": ADMIN, "role": "admin"}) in denied  # fmt: skip
    assert all("Taken-over" not in str(d) for d in denied)


def test_a_manager_cannot_revoke_an_administrator(center: Path, manager: app.AppSession) -> None:
    with pytest.raises(PermissionDenied, match="Administrator"):
        manager.users.revoke(ADMIN)
    assert {u.username: u.active for u in manager.users.list()}[ADMIN]
    manager.close()
    assert any(
        actor == MANAGER and d["action"] == "user_revoke" and d["target"] == ADMIN
        for actor, d in _denials(center)
    )


@pytest.mark.parametrize("role", ["admin", "hq_analyst"])
def test_a_manager_cannot_add_an_administrator_or_an_analyst(
    center: Path, manager: app.AppSession, role: str
) -> None:
    with pytest.raises(PermissionDenied, match="Administrator"):
        manager.users.add("intruder", "Yad Adam", role, "Quiet-entry-2026")
    assert "intruder" not in {u.username for u in manager.users.list()}
    manager.close()
    assert any(
        actor == MANAGER
        and d["action"] == "user_add"
        and d["target"] == "intruder"
        and d["role"] == role
        for actor, d in _denials(center)
    )


def test_a_manager_cannot_promote_anyone_to_administrator(
    center: Path, manager: app.AppSession
) -> None:
    with pytest.raises(PermissionDenied):
        manager.users.change_role(OTHER_LAWYER, "admin")
    with pytest.raises(PermissionDenied):
        manager.users.change_role(ADMIN, "lawyer")
    roles = {u.username: u.role.value for u in manager.users.list()}
    assert roles[OTHER_LAWYER] == "lawyer" and roles[ADMIN] == "admin"
    # What a manager may do, they still can: manage a lawyer.
    manager.users.reset_password(OTHER_LAWYER, "Fresh-words-2026")
    assert manager.users.change_role(OTHER_LAWYER, "manager").role.value == "manager"


# -- the last administrator ---------------------------------------------------------------------


def test_the_last_administrator_cannot_be_revoked_or_demoted(tmp_path: Path) -> None:
    from legalaid_desktop.store.vault import FLOOR

    data_dir = tmp_path / "solo"
    s, recovery_key = app.create(
        data_dir,
        node_code="QBA",
        node_name="Quba mərkəzi",
        hq=False,
        admin_username=ADMIN,
        admin_full_name="Məmmədov Elçin",
        admin_password=ADMIN_PASSWORD,
        kdf=FLOOR,
    )
    s.users.add("second", "Əliyeva Aytən", "admin", "Aspen-seat-2026")
    s.users.add("third", "Qasımov Orxan", "admin", "Birch-chair-2026")
    # While another administrator remains, one may be demoted and one revoked.
    assert s.users.change_role("second", "manager").role.value == "manager"
    s.users.revoke("third")
    s.close()
    # The recovery key acts as an administrator: the one actor left who could remove the last.
    r = app.recover(data_dir, recovery_key)
    with pytest.raises(UserChangeRefused, match="last active administrator"):
        r.users.revoke(ADMIN)
    with pytest.raises(UserChangeRefused, match="last active administrator"):
        r.users.change_role(ADMIN, "manager")
    users = {u.username: u for u in r.users.list()}
    r.close()
    assert users[ADMIN].active and users[ADMIN].role.value == "admin"
    app.login(data_dir, ADMIN, ADMIN_PASSWORD).close()
    denied = [(a, d["action"], d["target"], d.get("reason")) for a, d in _denials(data_dir)]
    assert denied == [
        ("(recovery key)", "user_revoke", ADMIN, "last_admin"),
        ("(recovery key)", "user_role_changed", ADMIN, "last_admin"),
    ]


def test_nobody_revokes_their_own_account(center: Path) -> None:
    s = app.login(center, ADMIN, ADMIN_PASSWORD)
    with pytest.raises(UserChangeRefused, match="your own account"):
        s.users.revoke(ADMIN)
    with pytest.raises(UserChangeRefused, match="your own role"):
        s.users.change_role(ADMIN, "manager")
    s.close()
    actions = [d["action"] for actor, d in _denials(center) if actor == ADMIN]
    assert actions == ["user_revoke", "user_role_changed"]


def test_a_manager_does_not_revoke_or_demote_their_own_account(
    center: Path, manager: app.AppSession
) -> None:
    """Not the last administrator, so only the rule against acting on oneself stops this."""
    with pytest.raises(UserChangeRefused, match="your own account"):
        manager.users.revoke(MANAGER)
    with pytest.raises(UserChangeRefused, match="your own role"):
        manager.users.change_role(MANAGER, "lawyer")
    users = {u.username: u for u in manager.users.list()}
    assert users[MANAGER].active and users[MANAGER].role.value == "manager"
    assert MANAGER in manager.ws.store.vault.usernames()
    manager.close()
    app.login(center, MANAGER, MANAGER_PASSWORD).close()
    actions = [d["action"] for actor, d in _denials(center) if actor == MANAGER]
    assert actions == ["user_revoke", "user_role_changed"]


# -- the command line ---------------------------------------------------------------------------


def test_cli_refusals_are_exit_5_with_one_line_naming_the_role(cli) -> None:  # type: ignore[no-untyped-def]
    code, err = cli(MANAGER, MANAGER_PASSWORD, "user", "revoke", ADMIN)
    assert code == 5
    assert err.startswith("legalaid: ") and err.count("\n") == 1 and "Administrator" in err
    code, err = cli(
        MANAGER, MANAGER_PASSWORD, "user", "add", "boss", "--role", "admin",
        "--full-name", "Böyük Müdir", new="Quiet-entry-2026",
    )  # fmt: skip
    assert code == 5 and err.count("\n") == 1 and "Administrator" in err
    code, err = cli(MANAGER, MANAGER_PASSWORD, "user", "role", ADMIN, "lawyer")
    assert code == 5 and err.count("\n") == 1 and "Administrator" in err
    code, err = cli(LAWYER, LAWYER_PASSWORD, "user", "revoke", OTHER_LAWYER)
    assert code == 5 and err.count("\n") == 1 and "Center manager" in err


# -- printing -----------------------------------------------------------------------------------


def _case_of(data_dir: Path, user: str, password: str, *, closed: bool = False) -> str:
    s = app.login(data_dir, user, password)
    client = s.clients.register(
        ClientInput("Rəhimova Səbinə Kamal qızı", "female", "AZ-GA", 1984, "+994 50 111 22 33"),
        ConsentInput(today(), ("store_process",)),
        ConflictDecisionInput("no_conflict"),  # one such client per printed case
    )
    case = s.cases.open(
        CaseInput(client.id, "social", "Pensiya kəsilib.", opened_on=today() - timedelta(days=5))
    )
    if closed:
        s.cases.close(case.number, "referred_state_body")
    s.close()
    return case.number


def test_a_lawyer_prints_only_the_cases_assigned_to_them(center: Path, tmp_path: Path) -> None:
    theirs = _case_of(center, OTHER_LAWYER, OTHER_PASSWORD)
    mine = _case_of(center, LAWYER, LAWYER_PASSWORD)
    s = app.login(center, LAWYER, LAWYER_PASSWORD)
    assert s.reports.case_summary(mine, tmp_path / "mine.pdf") >= 1
    with pytest.raises(PermissionDenied, match="assigned to you"):
        s.reports.case_summary(theirs, tmp_path / "theirs.pdf")
    with pytest.raises(PermissionDenied):
        s.reports.case_summary_document(theirs)
    # A document made for the lawyer's own case cannot be swapped for another's on saving.
    doc = s.reports.case_summary_document(mine)
    s.close()
    assert not (tmp_path / "theirs.pdf").exists()
    denied = [d for actor, d in _denials(center) if actor == LAWYER]
    assert [d["action"] for d in denied] == ["pdf_case_save", "pdf_case_preview"]
    assert all(d["number"] == theirs for d in denied)
    assert doc.name == mine
    # A manager prints any case of the center.
    m = app.login(center, MANAGER, MANAGER_PASSWORD)
    assert m.reports.case_summary(theirs, tmp_path / "by-manager.pdf") >= 1
    m.close()


def test_cli_a_lawyer_cannot_print_another_lawyers_case(cli, center: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    theirs = _case_of(center, OTHER_LAWYER, OTHER_PASSWORD)
    mine = _case_of(center, LAWYER, LAWYER_PASSWORD)
    code, err = cli(LAWYER, LAWYER_PASSWORD, "pdf", "case", theirs, "-o", str(tmp_path / "x.pdf"))
    assert code == 5 and err.count("\n") == 1 and "Center manager" in err
    assert not (tmp_path / "x.pdf").exists()
    code, _ = cli(LAWYER, LAWYER_PASSWORD, "pdf", "case", mine, "-o", str(tmp_path / "m.pdf"))
    assert code == 0 and (tmp_path / "m.pdf").exists()


def test_batch_printing_is_for_managers(cli, center: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _case_of(center, LAWYER, LAWYER_PASSWORD, closed=True)
    start, end = (today() - timedelta(days=1)).isoformat(), today().isoformat()
    s = app.login(center, LAWYER, LAWYER_PASSWORD)
    with pytest.raises(PermissionDenied, match="Center manager"):
        s.reports.closed_summaries(today() - timedelta(days=1), today(), tmp_path / "b.pdf")
    s.close()
    batch = ("pdf", "closed", "--from", start, "--to", end, "-o", str(tmp_path / "b.pdf"))
    code, err = cli(LAWYER, LAWYER_PASSWORD, *batch)
    assert code == 5 and err.count("\n") == 1 and "Center manager" in err
    assert not (tmp_path / "b.pdf").exists()
    assert [d["action"] for a, d in _denials(center) if a == LAWYER] == [
        "pdf_batch_save",
        "pdf_batch_save",
    ]
    code, _ = cli(MANAGER, MANAGER_PASSWORD, *batch)
    assert code == 0 and (tmp_path / "b.pdf").exists()


# -- passwords ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("qwertyuiop", "most common passwords"),
        ("Password123", "most common passwords"),
        ("Sunshine2026!", "most common passwords"),
        ("Nigar-2026-pass", "must not contain the user name"),
        ("2026-N1GAR-pass", "must not contain the user name"),
        ("ragin-backwards-2026", "must not contain the user name"),
    ],
)
def test_cli_user_add_refuses_common_passwords_and_the_user_name(
    cli, password: str, reason: str
) -> None:  # type: ignore[no-untyped-def]
    code, err = cli(
        ADMIN, ADMIN_PASSWORD, "user", "add", "nigar", "--role", "lawyer",
        "--full-name", "Quliyeva Nigar", new=password,
    )  # fmt: skip
    assert code == 4 and reason in err and err.count("\n") == 1
    assert password not in err
    code, err = cli(ADMIN, ADMIN_PASSWORD, "user", "list")
    assert code == 0


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("1234567890", "most common passwords"),
        ("Leyla.2026.xyz", "must not contain the user name"),
        ("L3YLA-is-back-77", "must not contain the user name"),
    ],
)
def test_cli_passwd_refuses_common_passwords_and_the_user_name(
    cli, center: Path, password: str, reason: str
) -> None:  # type: ignore[no-untyped-def]
    code, err = cli(LAWYER, LAWYER_PASSWORD, "passwd", new=password)
    assert code == 4 and reason in err and err.count("\n") == 1
    # The old password still opens the store; the refused one does not.
    app.login(center, LAWYER, LAWYER_PASSWORD).close()


def test_password_rules_apply_to_init_reset_and_recovery(tmp_path: Path, center: Path) -> None:
    from legalaid_desktop.store.vault import FLOOR

    with pytest.raises(ValidationError, match="user name"):
        app.create(
            tmp_path / "new",
            node_code="QBA",
            node_name="Quba",
            hq=False,
            admin_username="elchin",
            admin_full_name="Elçin",
            admin_password="Elchin-2026-home",
            kdf=FLOOR,
        )
    assert not (tmp_path / "new" / "vault.json").exists()
    s = app.login(center, ADMIN, ADMIN_PASSWORD)
    with pytest.raises(ValidationError, match="user name"):
        s.users.reset_password(OTHER_LAWYER, "Tural-new-2026")
    with pytest.raises(ValidationError, match="most common"):
        s.users.reset_password(OTHER_LAWYER, "iloveyou2026")
    s.close()
    app.login(center, OTHER_LAWYER, OTHER_PASSWORD).close()
