"""A full disk or a read-only store: one translated line, no traceback, no client data (issue 13).

A full disk during an import used to print SQLAlchemy's exception with a traceback on stderr
(cron mail, the journal), and its text could quote the statement's values: a client's name, a
lawyer's notes. The real ``legalaid`` command runs here in a subprocess against a real HQ store
on a small tmpfs (mounted only when the tests run as root, else skipped) that is filled up
before a center's bundle is imported; and against a store whose folder, or whose database
file alone, is bind-mounted read-only (root as well: root ignores file modes, not a read-only
mount).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from legalaid_desktop import app
from legalaid_desktop.domain.cases import ConsultationInput
from sync_support import PASSWORD, add_case, enroll, make_node, snapshot, sync

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="needs Linux mounts (tmpfs, bind)"
)

SRC = Path(__file__).resolve().parents[2] / "src"
CLIENT_NAME = "Gizlinova Sevda Arif qızı"
PHONE = "+994 55 765 43 21"
NOTE_MARK = "GIZLI-QEYD"


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here: {done.stderr.strip()}")


def _umount(where: Path) -> None:
    if subprocess.run(["umount", str(where)], capture_output=True, check=False).returncode:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


@contextlib.contextmanager
def small_disk(where: Path, size: str = "8m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``where`` for the block (root only, else skipped)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small disk needs root")
    where.mkdir()
    _mount("-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where))
    try:
        yield where
    finally:
        _umount(where)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` (a folder or a file) bind-mounted read-only onto itself for the block."""
    if os.geteuid() != 0:
        pytest.skip("a read-only bind mount needs root")
    _mount("--bind", str(path), str(path))
    try:
        _mount("-o", "remount,bind,ro", str(path))
        yield
    finally:
        _umount(path)


def fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` up, then give back ``leave`` bytes; returns the filler file."""
    filler = disk / "filler"
    block = b"\0" * 65536
    with filler.open("wb") as out:
        with contextlib.suppress(OSError):  # ENOSPC: full
            while True:
                out.write(block)
                out.flush()
    os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def run_cli(data_dir: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "LEGALAID_PASSWORD": PASSWORD,
        "LEGALAID_LANG": "en",
    }
    command = [sys.executable, "-m", "legalaid_desktop.cli.main", "--data-dir", str(data_dir)]
    return subprocess.run(
        [*command, "--user", "admin", *argv],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def center_bundle(hq: app.AppSession, tmp_path: Path) -> tuple[Path, list[str]]:
    """A center enrolled with ``hq``, a client with long notes, and its bundle for HQ.

    Returns the bundle and the secrets (name, phone, notes) no error text may show.
    """
    center = make_node(tmp_path, "QBA")
    try:
        enroll(hq, center, tmp_path)
        _client, number = add_case(center, name=CLIENT_NAME, phone=PHONE)
        notes = [f"{NOTE_MARK}-{i} " + os.urandom(9000).hex() for i in range(4)]
        for note in notes:
            center.records.add_consultation(number, ConsultationInput(notes=note))
        bundle = sync(center).export(tmp_path / "qba.bundle").path
    finally:
        center.close()
    return bundle, [CLIENT_NAME, PHONE, NOTE_MARK, *(n.split()[1][:40] for n in notes)]


def assert_one_clean_line(done: subprocess.CompletedProcess[str], secrets: list[str]) -> str:
    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("legalaid: ")
    assert "Traceback" not in done.stderr and "sqlalchemy" not in done.stderr.lower()
    for secret in secrets:
        assert secret not in done.stderr and secret not in done.stdout
    return lines[0]


def failed_import_events(session: app.AppSession) -> list[dict[str, object]]:
    with session.ws.read() as s:
        rows = s.execute(
            text("SELECT details FROM audit_events WHERE action = 'bundle_import_failed'")
        ).all()
    return [json.loads(r[0]) if isinstance(r[0], str) else r[0] for r in rows]


@pytest.mark.parametrize(
    ("leave_kib", "audited"),
    [
        pytest.param(192, True, id="room-for-the-audit"),
        pytest.param(32, None, id="no-room-for-the-audit"),
    ],
)
def test_full_disk_during_import_is_one_line_and_changes_nothing(
    tmp_path: Path, leave_kib: int, audited: bool | None
) -> None:
    """The import fails on the full disk and is rolled back. With a little room left, the
    failure is audited after the rollback (class only); with less, even that write may fail,
    and must not change the one line the user gets."""
    with small_disk(tmp_path / "disk") as disk:
        hq = make_node(disk, "BAK", hq=True)
        try:
            bundle, secrets = center_bundle(hq, tmp_path)
            before = snapshot(hq)
        finally:
            hq.close()
        filler = fill(disk, leave=leave_kib * 1024)  # room to log in, not for the bundle

        done = run_cli(disk / "bak", "bundle", "import", str(bundle))

        line = assert_one_clean_line(done, secrets)
        assert "The disk is full; nothing was changed." in line
        filler.unlink()
        hq = app.login(disk / "bak", "admin", PASSWORD)
        try:
            assert snapshot(hq) == before
            expected = [{"peer": "QBA", "seq": 1, "reason": "StoreDiskFull"}]
            events = failed_import_events(hq)
            assert events == expected if audited else events in ([], expected)
            assert sync(hq).import_bundle(bundle).inserted > 0  # with space, it goes through
        finally:
            hq.close()


def test_full_disk_at_login_is_not_called_damage(tmp_path: Path) -> None:
    """SQLite says "disk I/O error" when it cannot make its shared-memory file: that is a full
    disk, not a damaged store (which would send the user to an old backup)."""
    with small_disk(tmp_path / "disk") as disk:
        make_node(disk, "BAK", hq=True).close()
        filler = fill(disk, leave=0)

        done = run_cli(disk / "bak", "db", "status")

        line = assert_one_clean_line(done, [])
        assert "The disk is full; nothing was changed." in line
        assert "damaged" not in line
        filler.unlink()
        assert run_cli(disk / "bak", "db", "status").returncode == 0


def test_read_only_folder_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    hq = make_node(tmp_path, "BAK", hq=True)
    try:
        bundle, secrets = center_bundle(hq, tmp_path)
        before = snapshot(hq)
    finally:
        hq.close()
    data = tmp_path / "bak"

    with read_only(data):
        done = run_cli(data, "bundle", "import", str(bundle))

    line = assert_one_clean_line(done, secrets)
    assert "is read-only; nothing was changed." in line
    hq = app.login(data, "admin", PASSWORD)
    try:
        assert snapshot(hq) == before
    finally:
        hq.close()


def test_read_only_database_file_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    """The folder is writable (the lock and login files work), the database file is not."""
    hq = make_node(tmp_path, "BAK", hq=True)
    try:
        bundle, secrets = center_bundle(hq, tmp_path)
        before = snapshot(hq)
    finally:
        hq.close()
    data = tmp_path / "bak"

    with read_only(data / "legalaid.db"):
        done = run_cli(data, "bundle", "import", str(bundle))

    line = assert_one_clean_line(done, secrets)
    assert "is read-only; nothing was changed." in line
    hq = app.login(data, "admin", PASSWORD)
    try:
        assert snapshot(hq) == before
    finally:
        hq.close()
