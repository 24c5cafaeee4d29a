"""A program already open when another one revokes a user is told the key changed (issue 13).

Two sessions over one data folder, as two programs would have: the second revokes a user, which
rotates the database key. The first one's next read must not call the store damaged (that
invites restoring an old copy and losing records): it says the key changed and asks for a new
login, after which everything opens.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER
from legalaid_desktop import app
from legalaid_desktop.domain.errors import StoreCorrupted, StoreKeyChanged
from legalaid_desktop.store.engine import WrongStoreKey
from legalaid_desktop.store.vault import Vault


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


def test_a_revocation_killed_after_the_rekey_is_a_key_change_too(
    store_with_lawyer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second program is killed after it rekeyed the database and before the key file
    names the new key its own: the file still holds it as *pending*. The first program is told
    the key changed (not that the store is damaged), and the next login finishes the revocation.
    """
    first = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    assert LAWYER in {u.username for u in first.users.list()}
    second = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt  # the program stops here; nothing after it runs

    with monkeypatch.context() as patch:
        patch.setattr(Vault, "finish_rotation", killed)
        with pytest.raises(KeyboardInterrupt):
            second.users.revoke(LAWYER)
    assert Vault.load(store_with_lawyer / "vault.json").pending is not None
    with pytest.raises(StoreKeyChanged):
        first.users.list()
    first.close()
    again = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    assert {u.username: u.active for u in again.users.list()}[LAWYER] is False
    assert Vault.load(store_with_lawyer / "vault.json").pending is None
    again.close()


def test_a_key_file_damaged_after_a_rotation_is_not_called_a_key_change(
    store_with_lawyer: Path,
) -> None:
    """A key file that no longer reads is no sign of a rotation: "the store is not damaged,
    log in again" would be false advice there, and the error the read met is reported."""
    first = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    assert LAWYER in {u.username for u in first.users.list()}
    second = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    second.users.revoke(LAWYER)
    second.close()
    vault = store_with_lawyer / "vault.json"
    vault.write_bytes(vault.read_bytes()[:100])
    with pytest.raises(StoreCorrupted) as caught:  # the key file cannot open the database
        first.users.list()
    assert not isinstance(caught.value, StoreKeyChanged)
    assert "is damaged" in str(caught.value) and "legalaid db verify" in str(caught.value)
    first.close()


def test_a_database_damaged_while_open_is_not_called_a_key_change(
    store_with_lawyer: Path,
) -> None:
    """No rotation happened (the key file is as this program read it): a database that no
    longer opens is reported as such, not with "the store is not damaged, do not restore a
    backup"."""
    first = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    assert LAWYER in {u.username for u in first.users.list()}
    first.ws.store.engine.dispose()  # the next read opens the file again
    database = store_with_lawyer / "legalaid.db"
    database.write_bytes(os.urandom(database.stat().st_size))
    for attempt in range(2):
        with pytest.raises(WrongStoreKey) as caught:
            first.users.list()
        assert not isinstance(caught.value, StoreKeyChanged), attempt
        assert "does not open the data store" in str(caught.value)
    first.close()
