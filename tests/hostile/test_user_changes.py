"""What each account change leaves behind: the audit trail, the outbox, the list, the messages.

An administrator's account changes are what an auditor reads after an incident (who added,
promoted, reset or revoked whom), and what other nodes learn through sync (the user row's field
groups in the change log). A lawyer's attempts are refused and recorded with what was tried on
whom. (Found by mutation testing: blanked actions, ids, details and groups went unnoticed; see
docs/testing.md.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.domain.errors import (
    AuthenticationError,
    InputRejected,
    NotFound,
    PermissionDenied,
    UserChangeRefused,
    ValidationError,
    VaultTampered,
)
from legalaid_desktop.domain.roles import Role
from legalaid_desktop.i18n import language
from legalaid_desktop.services.users import new_user_row
from legalaid_desktop.services.workspace import DENIED_ACTION
from legalaid_desktop.store import backups, rotation
from legalaid_desktop.store.engine import WrongStoreKey, connect_raw
from legalaid_desktop.store.models import AuditEvent, ChangeLog, User
from legalaid_desktop.store.store import StorePaths
from legalaid_desktop.store.vault import Vault

MANAGER = "rauf"
MANAGER_PASSWORD = "Bulvar-wind-2026"
ACCOUNT_ACTIONS = (
    "user_added",
    "user_role_changed",
    "password_reset",
    "password_changed",
    "user_revoked",
)


def _events(
    s: app.AppSession, actions: tuple[str, ...]
) -> list[tuple[str, str, str, str, dict[str, Any]]]:
    with s.ws.read() as db:
        rows = db.execute(
            select(
                AuditEvent.actor,
                AuditEvent.action,
                AuditEvent.entity_type,
                AuditEvent.entity_id,
                AuditEvent.details,
            )
            .where(AuditEvent.action.in_(actions))
            .order_by(AuditEvent.seq)
        ).all()
    return [(a, act, t, i, dict(d or {})) for a, act, t, i, d in rows]


def _ids(s: app.AppSession) -> dict[str, str]:
    with s.ws.read() as db:
        return {u: i for u, i in db.execute(select(User.username, User.id)).all()}


def _outbox(s: app.AppSession, user_id: str) -> list[list[str]]:
    with s.ws.read() as db:
        return [
            list(groups)
            for (groups,) in db.execute(
                select(ChangeLog.groups)
                .where(ChangeLog.table_name == "users", ChangeLog.row_id == user_id)
                .order_by(ChangeLog.seq)
            )
        ]


def test_account_changes_are_audited_synced_and_listed(admin_session: app.AppSession) -> None:
    users = admin_session.users
    added = users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    users.add(MANAGER, "Əliyev Rauf Samir oğlu", "manager", MANAGER_PASSWORD)
    promoted = users.change_role(LAWYER, "manager")
    again = users.change_role(LAWYER, "manager")  # no change: nothing recorded
    users.reset_password(MANAGER, "Shahdag-snow-2026")
    users.change_password("Changed-pass-2026")
    revoked = users.revoke(LAWYER)
    ids = _ids(admin_session)

    assert (added.username, added.role.value, added.active, added.has_key) == (
        LAWYER,
        "lawyer",
        True,
        True,
    )
    assert (added.id, added.full_name, added.node_code) == (
        ids[LAWYER],
        "Hüseynova Leyla Əli qızı",
        "GNJ",
    )
    assert (promoted.role.value, promoted.has_key, promoted.active) == ("manager", True, True)
    assert again == promoted
    assert (revoked.id, revoked.active, revoked.has_key) == (ids[LAWYER], False, False)

    assert _events(admin_session, ACCOUNT_ACTIONS) == [
        (ADMIN, "user_added", "user", ids[LAWYER], {"username": LAWYER, "role": "lawyer"}),
        (ADMIN, "user_added", "user", ids[MANAGER], {"username": MANAGER, "role": "manager"}),
        (
            ADMIN,
            "user_role_changed",
            "user",
            ids[LAWYER],
            {"username": LAWYER, "from": "lawyer", "to": "manager"},
        ),
        (ADMIN, "password_reset", "user", ids[MANAGER], {"username": MANAGER}),
        (ADMIN, "password_changed", "user", ids[ADMIN], {}),
        (ADMIN, "user_revoked", "user", ids[LAWYER], {"username": LAWYER}),
    ]
    # Other nodes learn the new account whole, then each change of its role and state.
    assert _outbox(admin_session, ids[LAWYER]) == [
        ["profile", "role", "active"],
        ["role"],
        ["active"],
    ]
    assert _outbox(admin_session, ids[MANAGER]) == [["profile", "role", "active"]]
    with admin_session.ws.read() as db:
        row = db.scalar(select(User).where(User.username == MANAGER))
        assert row is not None
        assert (row.origin_node, row.node_code, row.active) == ("GNJ", "GNJ", True)

    listed = [(u.username, u.role.value, u.active, u.has_key, u.node_code) for u in users.list()]
    assert listed == [
        (ADMIN, "admin", True, True, "GNJ"),
        (LAWYER, "manager", False, False, "GNJ"),
        (MANAGER, "manager", True, True, "GNJ"),
    ]
    admin_session.close()
    app.login(admin_session.ws.store.paths.root, MANAGER, "Shahdag-snow-2026").close()


def test_what_a_mistaken_change_is_told(admin_session: app.AppSession) -> None:
    users = admin_session.users
    users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    with language("en"):
        with pytest.raises(ValidationError) as taken:
            users.add(LAWYER, "Başqa Leyla", "lawyer", "Maple-door-2026")
        with pytest.raises(ValidationError) as unknown:
            users.add("nicat", "Quliyev Nicat", "boss", "Maple-door-2026")
        users.revoke(LAWYER)
        with pytest.raises(InputRejected) as twice:
            users.revoke(LAWYER)
        with pytest.raises(NotFound) as reset:
            users.reset_password(LAWYER, "Maple-door-2026")
        with pytest.raises(NotFound) as role:
            users.change_role(LAWYER, "manager")
    assert str(taken.value) == f"The user name '{LAWYER}' is taken."
    assert taken.value.field == "username"
    assert str(unknown.value) == (
        "Unknown role 'boss'. Choose one of: lawyer, manager, admin, hq_analyst."
    )
    assert unknown.value.field == "role"
    assert str(twice.value) == f"The user '{LAWYER}' is already revoked."
    assert str(reset.value) == str(role.value) == f"There is no active user '{LAWYER}'."
    assert [u.username for u in users.list()] == [ADMIN, LAWYER]
    with language("en"):
        with pytest.raises(UserChangeRefused) as own_account:
            users.revoke(ADMIN)
        with pytest.raises(UserChangeRefused) as own_role:
            users.change_role(ADMIN, "manager")
    assert str(own_account.value) == "You cannot revoke your own account."
    assert str(own_role.value) == "You cannot change your own role."


def test_a_lawyers_attempts_are_refused_and_recorded_with_their_target(
    store_with_lawyer: Path,
) -> None:
    lawyer = app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    attempts = (
        (
            "user_add",
            lambda: lawyer.users.add("  nicat ", "Quliyev Nicat", "lawyer", "Maple-door-2026"),
        ),
        ("user_revoke", lambda: lawyer.users.revoke(ADMIN)),
        ("password_reset", lambda: lawyer.users.reset_password(ADMIN, "Maple-door-2026")),
        ("user_role_changed", lambda: lawyer.users.change_role(ADMIN, "lawyer")),
    )
    for _action, attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    lawyer.close()
    admin = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    refusals = _events(admin, (DENIED_ACTION,))
    assert [(actor, details) for actor, _a, _t, _i, details in refusals] == [
        (
            LAWYER,
            {
                "action": action,
                "refusal": "PermissionDenied",
                "permission": "manage_users",
                "target": "nicat" if action == "user_add" else ADMIN,
            },
        )
        for action, _attempt in attempts
    ]
    assert [u.username for u in admin.users.list()] == [ADMIN, LAWYER]
    admin.close()


def test_a_revocation_retried_after_the_next_open_finished_it(store_with_lawyer: Path) -> None:
    s = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    # What a revocation killed right after its transaction leaves behind: the account
    # deactivated and marked for revocation, its key slot still in the vault.
    with s.ws.write() as db:
        row = db.scalar(select(User).where(User.username == LAWYER))
        assert row is not None
        row.active = False
        rotation.mark_revoked(db, LAWYER)
    s.close()

    s = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)  # opening the store finishes it
    assert s.ws.store.finished_revocations == (LAWYER,)
    retried = s.users.revoke(LAWYER)  # the user's retry is told it is done, not refused
    assert (retried.username, retried.active, retried.has_key) == (LAWYER, False, False)
    assert [u.has_key for u in s.users.list() if u.username == LAWYER] == [False]
    s.close()
    with pytest.raises(AuthenticationError):
        app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    s = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    with pytest.raises(InputRejected):  # a later attempt: already revoked
        s.users.revoke(LAWYER)
    s.close()


def test_a_name_is_corrected_by_its_own_user_or_by_a_manager_of_rank(
    store_with_lawyer: Path,
) -> None:
    """``user rename``: the account's own user may correct their name; anyone else needs to
    manage users and rank at least as high as the account. The new name reaches other nodes
    with the user's profile group; a name given again changes nothing."""
    admin = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    admin.users.add(MANAGER, "Əliyev Rauf Samir oğlu", "manager", MANAGER_PASSWORD)
    ids = _ids(admin)
    renamed = admin.users.rename(LAWYER, "  Quliyeva   Leyla Əli qızı ")
    assert (renamed.id, renamed.username, renamed.full_name) == (
        ids[LAWYER],
        LAWYER,
        "Quliyeva Leyla Əli qızı",
    )
    assert (renamed.role.value, renamed.active, renamed.has_key) == ("lawyer", True, True)
    again = admin.users.rename(LAWYER, "Quliyeva Leyla Əli qızı")  # the same name
    assert again == renamed
    with language("en"), pytest.raises(ValidationError) as empty:
        admin.users.rename(LAWYER, "   ")
    assert (str(empty.value), empty.value.field) == ("Full name must not be empty.", "full_name")
    with language("en"), pytest.raises(NotFound) as nobody:
        admin.users.rename("nobody", "Kimsə")
    assert str(nobody.value) == "There is no user 'nobody'."
    admin.users.revoke(MANAGER)
    revoked = admin.users.rename(MANAGER, "Əliyev Rauf")  # a revoked account keeps its history
    assert (revoked.full_name, revoked.active, revoked.has_key) == ("Əliyev Rauf", False, False)
    admin.close()

    lawyer = app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    own = lawyer.users.rename(LAWYER, "Quliyeva-Hüseynova Leyla")
    assert own.full_name == "Quliyeva-Hüseynova Leyla"
    with pytest.raises(PermissionDenied):
        lawyer.users.rename(ADMIN, "Saxta Ad")
    lawyer.close()

    admin = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    assert _events(admin, ("user_renamed",)) == [
        (ADMIN, "user_renamed", "user", ids[LAWYER], {"username": LAWYER}),
        (ADMIN, "user_renamed", "user", ids[MANAGER], {"username": MANAGER}),
        (LAWYER, "user_renamed", "user", ids[LAWYER], {"username": LAWYER}),
    ]
    refusals = _events(admin, (DENIED_ACTION,))
    assert [(actor, details) for actor, _a, _t, _i, details in refusals] == [
        (
            LAWYER,
            {
                "action": "user_renamed",
                "refusal": "PermissionDenied",
                "permission": "manage_users",
                "target": ADMIN,
            },
        )
    ]
    assert _outbox(admin, ids[LAWYER]) == [["profile", "role", "active"], ["profile"], ["profile"]]
    names = {u.username: u.full_name for u in admin.users.list()}
    assert names == {
        ADMIN: "Məmmədov Elçin Vaqif oğlu",
        LAWYER: "Quliyeva-Hüseynova Leyla",
        MANAGER: "Əliyev Rauf",
    }
    admin.close()


def test_a_manager_may_not_rename_an_administrator(store_with_lawyer: Path) -> None:
    admin = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    admin.users.add(MANAGER, "Əliyev Rauf Samir oğlu", "manager", MANAGER_PASSWORD)
    admin_id = _ids(admin)[ADMIN]
    admin.close()
    manager = app.login(store_with_lawyer, MANAGER, MANAGER_PASSWORD)
    manager.users.rename(LAWYER, "Quliyeva Leyla")  # a lawyer ranks below a manager
    with language("en"), pytest.raises(PermissionDenied) as refused:
        manager.users.rename(ADMIN, "Saxta Ad")
    assert str(refused.value) == (
        "The account of admin is an account of role Administrator: managing it needs the role "
        "Administrator; your role is Center manager."
    )
    manager.close()
    admin = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    [(actor, action, kind, target_id, details)] = _events(admin, (DENIED_ACTION,))
    assert (actor, action, kind, target_id) == (MANAGER, DENIED_ACTION, "user", admin_id)
    assert details == {
        "action": "user_renamed",
        "refusal": "PermissionDenied",
        "target": ADMIN,
        "role": "admin",
    }
    assert {u.username: u.full_name for u in admin.users.list()}[ADMIN] == (
        "Məmmədov Elçin Vaqif oğlu"
    )
    admin.close()


def test_the_list_is_in_the_order_of_user_names(admin_session: app.AppSession) -> None:
    users = admin_session.users
    users.add("zaur", "Zeynalov Zaur", "lawyer", "Maple-door-2026")
    users.add("aysel", "Abbasova Aysel", "manager", "Birch-gate-2026")
    assert [u.username for u in users.list()] == ["admin", "aysel", "zaur"]


def test_an_account_without_a_key_slot_here_is_revoked_all_the_same(
    admin_session: app.AppSession,
) -> None:
    """A user of another node (their row came with HQ's roster) has no key slot on this
    computer: revoking them here still deactivates the account, records it and sends it on."""
    with admin_session.ws.write() as db:
        row = new_user_row("farid", "Quliyev Fərid", Role.LAWYER, "BAK")
        db.add(row)
        admin_session.ws.touch(db, row, ("profile", "role", "active"))
    farid = _ids(admin_session)["farid"]
    revoked = admin_session.users.revoke("farid")
    assert (revoked.username, revoked.active, revoked.has_key) == ("farid", False, False)
    assert _events(admin_session, ("user_revoked",)) == [
        (ADMIN, "user_revoked", "user", farid, {"username": "farid"})
    ]
    assert _outbox(admin_session, farid)[-1] == ["active"]
    with language("en"), pytest.raises(InputRejected) as twice:
        admin_session.users.revoke("farid")
    assert str(twice.value) == "The user 'farid' is already revoked."


def test_what_a_new_account_with_a_missing_name_is_told(admin_session: app.AppSession) -> None:
    """The user-management dialog marks the field a refusal names (``field``) and shows its
    words; nothing is added."""
    users = admin_session.users
    with language("en"):
        with pytest.raises(ValidationError) as empty:
            users.add("nicat", "   ", "lawyer", "Maple-door-2026")
        with pytest.raises(ValidationError) as long:
            users.add("nicat", "Ə" * 201, "lawyer", "Maple-door-2026")
    assert (str(empty.value), empty.value.field) == ("Full name must not be empty.", "full_name")
    assert (str(long.value), long.value.field) == (
        "Full name is too long (at most 200 characters).",
        "full_name",
    )
    with language("az"), pytest.raises(ValidationError) as empty_az:
        users.add("nicat", "", "lawyer", "Maple-door-2026")
    assert "Full name" not in str(empty_az.value) and empty_az.value.field == "full_name"
    added = users.add("nicat", "  Quliyev   Nicat  ", "lawyer", "Maple-door-2026")
    assert added.full_name == "Quliyev Nicat"
    assert [u.username for u in users.list()] == [ADMIN, "nicat"]


def test_a_revocation_stopped_after_the_key_rotation_is_finished_by_a_retry(
    store_with_lawyer: Path,
) -> None:
    """The revocation stops after the lawyer's slot is gone and the key rotated, at a backup
    whose key file cannot be read. The administrator mends it and clicks Revoke again in the
    same session (the store was not opened again, so nothing finished it): the retry finishes
    the revocation and re-keys the backup the lawyer's program made, rather than calling the
    account already revoked."""
    paths = StorePaths(store_with_lawyer)
    lawyer = app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    folder = lawyer.ws.store.backup("before-upgrade-test")
    lawyer.close()
    old_backup_key = backups.backup_key(
        folder, backups.opener_for_password(folder, ADMIN, ADMIN_PASSWORD)
    )
    s = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    store = s.ws.store
    old_key = Vault.load(paths.vault).unlock(LAWYER, LAWYER_PASSWORD).keys[0]
    key_file = folder / backups.KEY_FILE
    kept = key_file.read_bytes()
    key_file.write_bytes(b"\x00 not a key file")
    with pytest.raises(VaultTampered):
        s.users.revoke(LAWYER)
    assert LAWYER not in store.vault.usernames()  # the slot went before the backups
    assert rotation.pending_revocations(store) == [LAWYER]
    key_file.write_bytes(kept)

    retried = s.users.revoke(LAWYER)
    assert (retried.username, retried.active, retried.has_key) == (LAWYER, False, False)
    assert rotation.pending_revocations(store) == []
    s.close()
    with pytest.raises(WrongStoreKey):
        connect_raw(paths.db, old_key)
    with pytest.raises(WrongStoreKey):  # the retry re-keyed the lawyer's backup
        backups.connect_backup(folder / "legalaid.db", old_backup_key)
    with pytest.raises(AuthenticationError):
        app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
