"""What a refused account change tells the user, and what it leaves in the audit log.

A manager who tries to take over an administrator's account, or to create or promote to a role
above their own, reads which role they have and which role would be allowed; the audit log
records who tried, what, on which account (entity and id) and the role at stake. (Found by
mutation testing: blanked names, roles or ids in these went unnoticed; see docs/testing.md.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER
from legalaid_desktop import app
from legalaid_desktop.domain.errors import NotFound, PermissionDenied, UserChangeRefused
from legalaid_desktop.i18n import language
from legalaid_desktop.services.workspace import DENIED_ACTION
from legalaid_desktop.store.models import AuditEvent, User

MANAGER = "rauf"
MANAGER_PASSWORD = "Bulvar-wind-2026"


def _refusals(data_dir: Path) -> list[tuple[str, str, str, dict[str, Any]]]:
    s = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    with s.ws.read() as db:
        rows = db.execute(
            select(
                AuditEvent.actor, AuditEvent.entity_type, AuditEvent.entity_id, AuditEvent.details
            )
            .where(AuditEvent.action == DENIED_ACTION)
            .order_by(AuditEvent.seq)
        ).all()
    s.close()
    return [(a, t, i, dict(d or {})) for a, t, i, d in rows]


def _ids(data_dir: Path) -> dict[str, str]:
    s = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    with s.ws.read() as db:
        ids = {u: i for u, i in db.execute(select(User.username, User.id)).all()}
    s.close()
    return ids


def test_a_managers_refused_changes_say_why_and_are_audited(store_with_lawyer: Path) -> None:
    s = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    s.users.add(MANAGER, "Əliyev Rauf Samir oğlu", "manager", MANAGER_PASSWORD)
    s.close()
    ids = _ids(store_with_lawyer)

    m = app.login(store_with_lawyer, MANAGER, MANAGER_PASSWORD)
    with language("en"):
        with pytest.raises(PermissionDenied) as revoke:
            m.users.revoke(ADMIN)
        with pytest.raises(PermissionDenied) as add:
            m.users.add("analyst", "Quliyev Nicat", "hq_analyst", "Cedar-lamp-2026")
        with pytest.raises(PermissionDenied) as promote:
            m.users.change_role(LAWYER, "admin")
    m.close()

    assert str(revoke.value) == (
        f"The account of {ADMIN} is an account of role Administrator: managing it needs the "
        "role Administrator; your role is Center manager."
    )
    assert str(add.value) == (
        "Not allowed for your role (Center manager): this needs the role Administrator."
    )
    assert str(promote.value) == str(add.value)
    refusal = {"refusal": "PermissionDenied"}
    assert _refusals(store_with_lawyer) == [
        (
            MANAGER,
            "user",
            ids[ADMIN],
            {"action": "user_revoke", "target": ADMIN, "role": "admin", **refusal},
        ),
        (
            MANAGER,
            "user",
            "",
            {"action": "user_add", "target": "analyst", "role": "hq_analyst", **refusal},
        ),
        (
            MANAGER,
            "user",
            ids[LAWYER],
            {"action": "user_role_changed", "target": LAWYER, "role": "admin", **refusal},
        ),
    ]


def test_an_attempt_on_ones_own_account_is_audited_on_it(store_with_lawyer: Path) -> None:
    admin_id = _ids(store_with_lawyer)[ADMIN]
    s = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    with pytest.raises(UserChangeRefused, match="your own account"):
        s.users.revoke(ADMIN)
    s.close()
    assert _refusals(store_with_lawyer) == [
        (
            ADMIN,
            "user",
            admin_id,
            {"action": "user_revoke", "refusal": "UserChangeRefused", "target": ADMIN},
        )
    ]


def test_an_unknown_account_is_named_in_the_message(store_with_lawyer: Path) -> None:
    s = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    with language("en"):
        for change in (
            lambda: s.users.revoke("ghost"),
            lambda: s.users.change_role("ghost", "manager"),
            lambda: s.users.reset_password("ghost", "Maple-door-2026"),
        ):
            with pytest.raises(NotFound) as missing:
                change()
            assert str(missing.value) == "There is no user 'ghost'."
    assert [u.username for u in s.users.list()] == [ADMIN, LAWYER]
    s.close()


def test_a_managers_refused_role_change_of_an_administrator_is_audited(
    store_with_lawyer: Path,
) -> None:
    # Refused because the account ranks above the manager's (not because of the new role).
    s = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    s.users.add(MANAGER, "Əliyev Rauf Samir oğlu", "manager", MANAGER_PASSWORD)
    s.close()
    m = app.login(store_with_lawyer, MANAGER, MANAGER_PASSWORD)
    with language("en"), pytest.raises(PermissionDenied, match="account of role Administrator"):
        m.users.change_role(ADMIN, "lawyer")
    m.close()
    assert _refusals(store_with_lawyer) == [
        (
            MANAGER,
            "user",
            _ids(store_with_lawyer)[ADMIN],
            {
                "action": "user_role_changed",
                "target": ADMIN,
                "role": "admin",
                "refusal": "PermissionDenied",
            },
        )
    ]
