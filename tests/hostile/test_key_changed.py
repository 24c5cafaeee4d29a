"""A program already open when another one revokes a user is told the key changed (issue 13).

Two sessions over one data folder, as two programs would have: the second revokes a user, which
rotates the database key. The first one's next read must not call the store damaged (that
invites restoring an old copy and losing records): it says the key changed and asks for a new
login, after which everything opens.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER
from legalaid_desktop import app
from legalaid_desktop.domain.errors import StoreCorrupted, StoreKeyChanged


def test_a_program_open_during_a_revocation_is_asked_to_log_in_again(
    store_with_lawyer: Path,
) -> None:
    first = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    assert LAWYER in {u.username for u in first.users.list()}  # its connections are open
    second = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    second.users.revoke(LAWYER)
    second.close()
    for attempt in range(2):  # the pooled connection, then a new one
        with pytest.raises(StoreKeyChanged) as caught:
            first.users.list()
        message = str(caught.value)
        assert not isinstance(caught.value, StoreCorrupted)
        assert "key was changed" in message and "Log in again" in message, attempt
        assert "damaged" not in message.replace("not damaged", "")
    first.close()
    again = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    assert {u.username: u.active for u in again.users.list()}[LAWYER] is False
    again.close()


def test_a_program_that_rotated_the_key_itself_is_told_when_another_rotates_it_again(
    store_with_lawyer: Path,
) -> None:
    """The first program revokes one user (its engine is replaced, under the new key), then a
    second program revokes another: the first one's next read still says the key changed, not
    that the store is damaged (the replaced engine's errors are translated like the first)."""
    first = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    first.users.add("ikinci", "Quliyev Tural Rauf oğlu", "lawyer", "Bir-başqa-parol-2026")
    first.users.revoke(LAWYER)
    assert {u.username: u.active for u in first.users.list()}[LAWYER] is False
    second = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    second.users.revoke("ikinci")
    second.close()
    with pytest.raises(StoreKeyChanged) as caught:
        first.users.list()
    assert str(caught.value) == (
        "The database key was changed by another program (a user was revoked or the key was "
        "rotated). Nothing was written. Log in again; the data store is not damaged, do not "
        "restore a backup."
    )
    first.close()
