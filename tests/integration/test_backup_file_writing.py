"""How a backup file is written on a stick: who may read it there, what is never written through,
and how the copy reports its progress.

A stick is passed from hand to hand and may be shared with other programs: the file is made
readable by its owner only, created new (never opened through a file or link already there), and
the progress bar hears of the copy at most ten times a second, against the copy's own total.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlcipher3 import dbapi2

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD, create_store
from legalaid_desktop import app
from legalaid_desktop.domain.errors import AuthenticationError, BackupCancelled, BackupRejected
from legalaid_desktop.services.backups import restore_backup
from legalaid_desktop.store import backup_file
from legalaid_desktop.store.rotation import backup_mac_keys, backup_slots
from sync_support import add_case


@pytest.fixture
def session(admin_session: app.AppSession) -> app.AppSession:
    for i, name in enumerate(("Əliyev Rəşad İsmayıl oğlu", "Qasımova Şəbnəm Ülvi qızı")):
        add_case(admin_session, name=name, phone=f"+994 50 123 45 6{i}")
    return admin_session


def test_the_file_is_readable_by_its_owner_only(session: app.AppSession, tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    old = os.umask(0o022)  # the usual umask: without a mode of its own the file would be 0644
    try:
        item = session.maintenance.backups.write_outside(stick)
    finally:
        os.umask(old)
    assert stat.S_IMODE(Path(item.path).stat().st_mode) == 0o600


def test_a_link_planted_at_the_copys_name_is_never_written_through(
    session: app.AppSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone with the stick plants a link where the copy is about to be made (the name is
    predictable: the center and the time). The copy must not follow it into their file."""
    stick = tmp_path / "stick"
    stick.mkdir()
    victim = tmp_path / "someone-elses-file"
    victim.write_bytes(b"their own data")
    name = "legalaid-GNJ-20261207T030000Z" + backup_file.SUFFIX
    monkeypatch.setattr(backup_file, "file_name", lambda *_args: name)
    (stick / f".{name}.partial").symlink_to(victim)
    with pytest.raises(FileExistsError):
        session.maintenance.backups.write_outside(stick)
    assert victim.read_bytes() == b"their own data"
    assert not (stick / name).exists()


def test_progress_is_reported_against_the_total_at_most_ten_times_a_second(
    session: app.AppSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    # Many small steps: SQLite asks the progress handler every step, not every 1,000.
    real_export = backup_file._export

    def every_step(source: object, *args: object) -> None:
        real_set = source.set_progress_handler  # type: ignore[attr-defined]

        class Source:
            def __getattr__(self, name: str) -> object:
                return getattr(source, name)

            def set_progress_handler(self, handler: object, steps: int) -> None:
                real_set(handler, 1 if handler is not None else steps)

        real_export(Source(), *args)  # type: ignore[arg-type]

    monkeypatch.setattr(backup_file, "_export", every_step)
    seen: list[tuple[int, int]] = []
    started = time.monotonic()
    item = session.maintenance.backups.write_outside(
        stick, report=lambda done, total: seen.append((done, total))
    )
    elapsed = time.monotonic() - started
    during, final = seen[:-1], seen[-1]
    # One report at the start of the copy, then one per tenth of a second at most (the clock
    # the code reads is the one measured here, so this bound holds however slow the machine).
    assert 1 <= len(during) <= 1 + elapsed / 0.1
    total = final[1]
    assert final == (total, total)
    assert all(t == total for _d, t in during)
    assert all(0 <= d <= total for d, _t in during)
    assert Path(item.path).exists()


def test_the_same_session_writes_two_backups_one_after_the_other(
    session: app.AppSession, data_dir: Path, tmp_path: Path
) -> None:
    """Two backups in a row from one session: each gets a name of its own, both are recorded."""
    stick = tmp_path / "stick"
    stick.mkdir()
    first = session.maintenance.backups.write_outside(stick)
    second = session.maintenance.backups.write_outside(stick)
    assert first.path != second.path
    session.close()
    again = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    assert len(again.maintenance.backups.list_outside()) == 2
    again.close()


def test_no_room_on_a_stick_pulled_out_says_nothing_is_free(tmp_path: Path) -> None:
    """The free space cannot be read from a stick that is gone: the message says 0 MB free."""
    gone = tmp_path / "pulled-out"
    error = backup_file.no_space(gone, 2_450_001)
    assert str(error) == (
        f"There is not enough space in {gone}: 2.5 MB needed, 0.0 MB free. "
        "Nothing of the backup was left there."
    )


def test_the_file_is_named_by_center_and_time_and_never_over_another(tmp_path: Path) -> None:
    """``legalaid-<CENTER>-<UTC stamp>.labackup``, then ``-2``, ``-3``: never over a file or
    over a copy left half-way (the name holds no client data)."""
    when = datetime(2026, 12, 7, 3, 4, 5, tzinfo=UTC)
    base = "legalaid-GNJ-20261207T030405Z"
    assert backup_file.file_name("GNJ", when, tmp_path) == base + ".labackup"
    (tmp_path / (base + ".labackup")).write_bytes(b"an earlier backup")
    assert backup_file.file_name("GNJ", when, tmp_path) == base + "-2.labackup"
    (tmp_path / f".{base}-2.labackup.partial").write_bytes(b"a copy left half-way")
    assert backup_file.file_name("GNJ", when, tmp_path) == base + "-3.labackup"
    (tmp_path / (base + "-3.labackup")).write_bytes(b"")
    assert backup_file.file_name("GNJ", when, tmp_path) == base + "-4.labackup"


def test_a_folder_that_cannot_be_synced_does_not_stop_the_backup(tmp_path: Path) -> None:
    """FAT sticks and Windows cannot fsync a folder: that is skipped, not an error."""
    backup_file._fsync(tmp_path / "not-a-folder-here")  # cannot even be opened


def test_a_file_read_back_that_names_another_store_is_refused(
    session: app.AppSession, tmp_path: Path
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    path = Path(session.maintenance.backups.write_outside(stick).path)
    bf = backup_file.read(path)
    # What the key part says in clear: a backup made outside the data folder, the first of its
    # generation, stamped in UTC, by the administrator.
    assert (bf.keys.reason, bf.keys.generation, bf.keys.made_by) == ("outside", 1, ADMIN)
    assert datetime.fromisoformat(bf.keys.made_at).utcoffset() == timedelta(0)
    key, facts = backup_file.unlock(bf, backup_file.opener_for_password(bf, ADMIN, ADMIN_PASSWORD))
    assert backup_file.verify_file(path, key, facts.store_id) == facts
    # A raw 256-bit SQLCipher key: of any other length SQLCipher would take it as a passphrase.
    assert len(key) == 32
    # The sealed facts name the node the backup was made at, as its store knows it.
    with session.ws.read() as s:
        node_id, code, name = s.execute(
            text("SELECT id, code, name FROM nodes WHERE code = :code"),
            {"code": session.ws.node_code},
        ).one()
    assert (facts.node_id, facts.node_code, facts.node_name) == (node_id, code, name)
    assert facts.node_id and facts.schema_revision
    with pytest.raises(BackupRejected) as refused:
        backup_file.verify_file(path, key, "0190a000-0000-7000-8000-000000000000")
    assert str(refused.value) == (
        f"{path.name} is damaged or was altered (or is not a LegalAid backup); nothing was "
        "restored from it."
    )


def test_a_rekey_clears_what_an_earlier_cut_off_rekey_left(
    session: app.AppSession, tmp_path: Path
) -> None:
    """A re-key writes its copy beside the file; one cut off (the stick pulled) left its half-way
    copy there. The next re-key removes it and leaves only the re-keyed file."""
    stick = tmp_path / "stick"
    stick.mkdir()
    path = Path(session.maintenance.backups.write_outside(stick).path)
    leftover = stick / f".{path.name}.rekey.partial"
    leftover.write_bytes(b"half of an earlier re-key")
    bf = backup_file.read(path)
    opener = backup_file.opener_for_password(bf, ADMIN, ADMIN_PASSWORD)
    store = session.ws.store
    written = backup_file.rekey(path, opener, backup_slots(store), backup_mac_keys(store))
    assert sorted(p.name for p in stick.iterdir()) == [path.name]
    assert backup_file.read(path).keys.generation == bf.keys.generation + 1 == 2
    assert written.path == path and written.holders == (ADMIN,)


def test_a_cancelled_backup_says_so_and_a_failed_one_is_not_called_cancelled(
    session: app.AppSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    with pytest.raises(BackupCancelled) as cancelled:
        session.maintenance.backups.write_outside(stick, cancelled=lambda: True)
    assert str(cancelled.value) == (f"The backup was cancelled; nothing of it was left in {stick}.")
    assert list(stick.iterdir()) == []

    # A failure of SQLite that is not the user's Cancel (here: the disk reports an I/O error)
    # must not be told to the user as a cancel.
    def failing(_source: object) -> None:
        raise dbapi2.OperationalError("disk I/O error")

    monkeypatch.setattr(backup_file, "fast_target", failing)
    with pytest.raises(dbapi2.OperationalError) as failed:
        session.maintenance.backups.write_outside(stick)
    assert "disk I/O error" in str(failed.value)
    assert list(stick.iterdir()) == []


def test_who_cannot_open_a_backup_is_told_why(session: app.AppSession, tmp_path: Path) -> None:
    session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    stick = tmp_path / "stick"
    stick.mkdir()
    bf = backup_file.read(Path(session.maintenance.backups.write_outside(stick).path))
    with pytest.raises(AuthenticationError) as lawyer:
        backup_file.unlock(bf, backup_file.opener_for_password(bf, LAWYER, LAWYER_PASSWORD))
    assert str(lawyer.value) == (
        "This backup opens only with the password of an administrator it was made for, "
        "or with the recovery key."
    )
    other, other_recovery = create_store(tmp_path / "another-store", "QBA", "Quba", "Admin")
    other.close()
    with pytest.raises(AuthenticationError) as recovery:
        backup_file.unlock(bf, backup_file.opener_for_recovery(bf, other_recovery))
    assert str(recovery.value) == "This recovery key does not belong to this data store."


def test_an_opener_for_another_file_is_refused_in_words(
    session: app.AppSession, tmp_path: Path
) -> None:
    """An administrator added after a file was written has no wrap in it: the opener made from
    a newer file's key part is refused by the older file, word for word."""
    stick = tmp_path / "stick"
    stick.mkdir()
    older = backup_file.read(Path(session.maintenance.backups.write_outside(stick).path))
    session.users.add("ikinci.admin", "Quliyev Tural Rauf oğlu", "admin", LAWYER_PASSWORD)
    newer = backup_file.read(Path(session.maintenance.backups.write_outside(stick).path))
    opener = backup_file.opener_for_password(newer, "ikinci.admin", LAWYER_PASSWORD)
    assert backup_file.unlock(newer, opener)[1].store_id == older.keys.store_id
    with pytest.raises(AuthenticationError) as refused:
        backup_file.unlock(older, opener)
    assert str(refused.value) == (
        "This backup opens only with the password of an administrator it was made for, "
        "or with the recovery key."
    )


def _refooter(file: Path, copy: Path, sealed: bytes) -> Path:
    """``file`` with other sealed facts, its footer's digest remade (what anyone can do: the
    digest is no secret; only the backup key makes a seal that opens)."""
    data = file.read_bytes()
    magic, db_length, footer_length, _digest = backup_file.TRAILER.unpack(
        data[-backup_file.TRAILER.size :]
    )
    footer = json.loads(data[db_length : db_length + footer_length])
    footer["sealed"] = base64.b64encode(sealed).decode()
    raw = json.dumps(footer).encode()
    trailer = backup_file.TRAILER.pack(magic, db_length, len(raw), hashlib.sha256(raw).digest())
    copy.write_bytes(data[:db_length] + raw + trailer)
    return copy


def test_sealed_facts_altered_or_taken_from_another_file_are_refused_in_words(
    session: app.AppSession, tmp_path: Path
) -> None:
    """A footer remade whole around a changed seal, or around the seal of another backup of the
    same store (the same administrators, another backup key), reads back as a file and is
    refused, with the damaged file's name, by unlock and by a restore with the password."""
    stick = tmp_path / "stick"
    stick.mkdir()
    first = Path(session.maintenance.backups.write_outside(stick).path)
    second = Path(session.maintenance.backups.write_outside(stick).path)
    sealed = backup_file.read(first).sealed
    changed = sealed[:20] + bytes([sealed[20] ^ 1]) + sealed[21:]
    for name, seal in (("changed", changed), ("other", backup_file.read(second).sealed)):
        copy = _refooter(first, tmp_path / f"{name}.labackup", seal)
        assert backup_file.read(copy).sealed == seal  # it reads as a backup file
        bf = backup_file.read(copy)
        with pytest.raises(BackupRejected) as caught:
            backup_file.unlock(bf, backup_file.opener_for_password(bf, ADMIN, ADMIN_PASSWORD))
        assert str(caught.value) == (
            f"{copy.name} is damaged or was altered (or is not a LegalAid backup); "
            "nothing was restored from it."
        )
        target = tmp_path / f"target-{name}"
        with pytest.raises(BackupRejected) as caught:
            restore_backup(copy, target, username=ADMIN, password=ADMIN_PASSWORD)
        assert copy.name in str(caught.value)
        assert not target.exists()


def test_the_seal_opens_as_docs_store_security_describes_it(
    session: app.AppSession, tmp_path: Path
) -> None:
    """The sealed facts, opened from their description in docs/store-security.md ("The
    format") with the backup key, not through the code that wrote them: a label or associated
    data changed on both sides at once would still round-trip, and old files would not open."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    stick = tmp_path / "stick"
    stick.mkdir()
    file = Path(session.maintenance.backups.write_outside(stick).path)
    bf = backup_file.read(file)
    key, facts = backup_file.unlock(bf, backup_file.opener_for_password(bf, ADMIN, ADMIN_PASSWORD))
    data = file.read_bytes()
    footer = json.loads(data[bf.db_length : len(data) - backup_file.TRAILER.size])
    compact = json.dumps(footer["keys"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    aad = b"legalaid-backup-file|" + hashlib.sha256(compact.encode()).digest()
    facts_key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"legalaid-backup-file facts"
    ).derive(key)
    sealed = base64.b64decode(footer["sealed"])
    plain = AESGCM(facts_key).decrypt(sealed[:12], sealed[12:], aad)
    opened = json.loads(plain)
    assert opened["db_sha256"] == hashlib.sha256(data[: bf.db_length]).hexdigest()
    assert opened["db_length"] == bf.db_length
    assert opened == {k: getattr(facts, k) for k in opened}
    assert plain == json.dumps(
        opened, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def test_the_read_back_asks_for_the_disk_not_the_cache(
    session: app.AppSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before the database part is hashed, the kernel is asked to drop the whole file's cached
    pages (so a stick that kept the bytes in memory but wrote others is caught), and a system
    that refuses the request does not stop the backup. The real call is made and watched."""
    if not hasattr(os, "posix_fadvise"):
        pytest.skip("no posix_fadvise on this system")
    real = os.posix_fadvise
    asked: list[tuple[int, int, int]] = []

    def watched(fd: int, offset: int, length: int, advice: int) -> None:
        asked.append((offset, length, advice))
        real(fd, offset, length, advice)

    stick = tmp_path / "stick"
    stick.mkdir()
    monkeypatch.setattr(os, "posix_fadvise", watched)
    session.maintenance.backups.write_outside(stick)
    assert asked and set(asked) == {(0, 0, os.POSIX_FADV_DONTNEED)}

    def refused(fd: int, offset: int, length: int, advice: int) -> None:
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(os, "posix_fadvise", refused)
    written = session.maintenance.backups.write_outside(stick)
    assert Path(written.path).is_file()


def test_an_administrators_wrap_altered_is_a_damaged_file_not_a_wrong_password(
    session: app.AppSession, tmp_path: Path
) -> None:
    """The footer remade around the administrator's wrap with one byte of its ciphertext
    changed: the password is right, the wrap does not open, and the file is called damaged
    by name (exit 4), not the password wrong (exit 3)."""
    stick = tmp_path / "stick"
    stick.mkdir()
    file = Path(session.maintenance.backups.write_outside(stick).path)
    data = file.read_bytes()
    magic, db_length, footer_length, _digest = backup_file.TRAILER.unpack(
        data[-backup_file.TRAILER.size :]
    )
    footer = json.loads(data[db_length : db_length + footer_length])
    slot_id = backup_file.opener_for_password(backup_file.read(file), ADMIN, ADMIN_PASSWORD).slot_id
    ct = bytearray(base64.b64decode(footer["keys"]["wraps"][slot_id]["ct"]))
    ct[20] ^= 1
    footer["keys"]["wraps"][slot_id]["ct"] = base64.b64encode(bytes(ct)).decode()
    raw = json.dumps(footer).encode()
    copy = tmp_path / "wrap.labackup"
    copy.write_bytes(
        data[:db_length]
        + raw
        + backup_file.TRAILER.pack(magic, db_length, len(raw), hashlib.sha256(raw).digest())
    )
    bf = backup_file.read(copy)
    with pytest.raises(BackupRejected) as caught:
        backup_file.unlock(bf, backup_file.opener_for_password(bf, ADMIN, ADMIN_PASSWORD))
    assert str(caught.value) == (
        "wrap.labackup is damaged or was altered (or is not a LegalAid backup); nothing was "
        "restored from it."
    )
