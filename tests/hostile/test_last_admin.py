"""The last active administrator of a store, when another administrator's revocation was cut short.

`users.revoke` marks the account inactive, then removes its key slot; a crash in between leaves
an inactive administrator who still has a slot (the revoke can be finished later). Such an account
must not count as "another administrator": otherwise the last active one could be revoked and
the store left with nobody who can maintain it. Each refusal is audited on the user it protects.
(Found by mutation testing, see docs/testing.md.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from conftest import ADMIN, ADMIN_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.domain.errors import UserChangeRefused
from legalaid_desktop.i18n import language
from legalaid_desktop.services.workspace import DENIED_ACTION
from legalaid_desktop.store.models import AuditEvent, User
from legalaid_desktop.store.vault import FLOOR


def test_a_half_revoked_administrator_does_not_count_as_another_one(tmp_path: Path) -> None:
    data_dir = tmp_path / "store"
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
    # A revoke of "second" cut short after the user row was written: inactive, slot still there.
    with s.ws.store.session(write=True) as db:
        db.execute(update(User).where(User.username == "second").values(active=False))
    assert "second" in s.ws.store.vault.usernames()
    with s.ws.read() as db:
        admin_id = db.scalar(select(User.id).where(User.username == ADMIN))
    s.close()

    r = app.recover(data_dir, recovery_key)
    with language("en"), pytest.raises(UserChangeRefused) as refused:
        r.users.revoke(ADMIN)
    assert str(refused.value) == (
        f"{ADMIN} is the last active administrator of this data store: add another "
        "administrator first. The last administrator cannot be revoked or demoted."
    )
    with pytest.raises(UserChangeRefused, match="last active administrator"):
        r.users.change_role(ADMIN, "manager")
    with r.ws.read() as db:
        refusals = db.execute(
            select(AuditEvent.entity_type, AuditEvent.entity_id).where(
                AuditEvent.action == DENIED_ACTION
            )
        ).all()
        admin = db.scalar(select(User).where(User.username == ADMIN))
        assert admin is not None and admin.active and admin.role == "admin"
    r.close()
    # The refusals name the account they protected.
    assert [tuple(row) for row in refusals] == [("user", admin_id), ("user", admin_id)]
