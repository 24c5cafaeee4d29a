"""Each check of ``backup_file.read`` on a file made to fail it alone (issue 14).

A backup file comes back from a USB stick that anyone may have had: a damaged or hand-made
trailer or footer must be refused with the one plain message (the file's name, "damaged or was
altered"), before any key is tried, and never read past. Each crafted file below fails one
check and passes the others (its footer's digest remade where the check comes after it), beside
the file that passes them all, so a check dropped or moved by one makes a test fail.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import new_center_store
from legalaid_desktop.domain.errors import BackupRejected
from legalaid_desktop.store import backup_file

TRAILER = backup_file.TRAILER


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("backup-file-refusals")
    session = new_center_store(folder / "store")
    stick = folder / "stick"
    stick.mkdir()
    try:
        yield Path(session.maintenance.backups.write_outside(stick).path)
    finally:
        session.close()


def _parts(file: Path) -> tuple[bytes, dict[str, Any], bytes]:
    data = file.read_bytes()
    magic, db_length, footer_length, _digest = TRAILER.unpack(data[-TRAILER.size :])
    return data[:db_length], json.loads(data[db_length : db_length + footer_length]), magic


def _assemble(
    path: Path,
    db: bytes,
    footer: bytes,
    *,
    magic: bytes = backup_file.MAGIC,
    db_length: int | None = None,
    footer_length: int | None = None,
) -> Path:
    """A file of these parts with a trailer whose digest is right unless told otherwise."""
    trailer = TRAILER.pack(
        magic,
        len(db) if db_length is None else db_length,
        len(footer) if footer_length is None else footer_length,
        hashlib.sha256(footer).digest(),
    )
    path.write_bytes(db + footer + trailer)
    return path


def _damaged(path: Path) -> str:
    return (
        f"{path.name} is damaged or was altered (or is not a LegalAid backup); nothing was "
        "restored from it."
    )


def _refused(path: Path) -> None:
    with pytest.raises(BackupRejected) as refused:
        backup_file.read(path)
    assert str(refused.value) == _damaged(path)


def test_the_file_as_written_and_its_footer_remade_alike_are_read(
    written: Path, tmp_path: Path
) -> None:
    """The positive control: the footer taken apart and put back (compact JSON, a new
    trailer) reads as the original does."""
    db, footer, _magic = _parts(written)
    copy = _assemble(tmp_path / "same.labackup", db, json.dumps(footer).encode())
    for path in (written, copy):
        bf = backup_file.read(path)
        assert (bf.db_length, bf.keys.backup_id) == (len(db), footer["keys"]["backup_id"])
        assert bf.sealed == base64.b64decode(footer["sealed"])


def test_a_missing_file_and_a_folder(tmp_path: Path) -> None:
    missing = tmp_path / "gone.labackup"
    with pytest.raises(BackupRejected) as refused:
        backup_file.read(missing)
    assert str(refused.value) == f"There is no file {missing}."
    folder = tmp_path / "folder.labackup"
    folder.mkdir()
    _refused(folder)


@pytest.mark.parametrize("size", [0, 1, TRAILER.size - 1])
def test_a_file_shorter_than_the_trailer(tmp_path: Path, size: int) -> None:
    path = tmp_path / "short.labackup"
    path.write_bytes((backup_file.MAGIC * 4)[:size])
    _refused(path)


def test_another_magic_string(written: Path, tmp_path: Path) -> None:
    db, footer, magic = _parts(written)
    other = bytes([magic[0] ^ 0x20]) + magic[1:]
    _refused(_assemble(tmp_path / "magic.labackup", db, json.dumps(footer).encode(), magic=other))


def test_lengths_that_do_not_add_up_to_the_size(written: Path, tmp_path: Path) -> None:
    db, footer, _magic = _parts(written)
    raw = json.dumps(footer).encode()
    for name, lengths in {
        "db-longer": {"db_length": len(db) + 1},
        "db-shorter": {"db_length": len(db) - 1},
        "footer-longer": {"footer_length": len(raw) + 1},
        "footer-shorter": {"footer_length": len(raw) - 1},
    }.items():
        _refused(_assemble(tmp_path / f"{name}.labackup", db, raw, **lengths))
    # Bytes slipped in between the footer and the trailer: the lengths and the digest are
    # those of the parts as written, only the size tells.
    padded = _assemble(tmp_path / "padded.labackup", db, raw)
    data = padded.read_bytes()
    padded.write_bytes(data[: -TRAILER.size] + b"\0" * 16 + data[-TRAILER.size :])
    _refused(padded)


def test_a_file_with_no_database_part(written: Path, tmp_path: Path) -> None:
    """Only a footer and a trailer, all consistent: no database, nothing to restore."""
    _db, footer, _magic = _parts(written)
    _refused(_assemble(tmp_path / "no-db.labackup", b"", json.dumps(footer).encode()))


def test_the_footer_size_limit(written: Path, tmp_path: Path) -> None:
    """A footer of exactly the limit (the JSON padded with spaces) is read; one byte more is
    refused before it is read into memory."""
    db, footer, _magic = _parts(written)
    raw = json.dumps(footer).encode()
    at_limit = raw + b" " * (backup_file.MAX_FOOTER - len(raw))
    assert len(at_limit) == backup_file.MAX_FOOTER
    bf = backup_file.read(_assemble(tmp_path / "at-limit.labackup", db, at_limit))
    assert bf.keys.backup_id == footer["keys"]["backup_id"]
    _refused(_assemble(tmp_path / "over-limit.labackup", db, at_limit + b" "))


def test_a_footer_whose_digest_is_not_the_trailers(written: Path, tmp_path: Path) -> None:
    db, footer, magic = _parts(written)
    raw = json.dumps(footer).encode()
    path = tmp_path / "digest.labackup"
    path.write_bytes(
        db + raw + TRAILER.pack(magic, len(db), len(raw), hashlib.sha256(raw + b" ").digest())
    )
    _refused(path)


def _changed(footer: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> bytes:
    copy = json.loads(json.dumps(footer))
    change(copy)
    return json.dumps(copy).encode()


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("format", lambda f: f.update(format="legalaid-backup")),
        ("no-format", lambda f: f.pop("format")),
        ("version", lambda f: f.update(version=2)),
        ("version-text", lambda f: f.update(version="1")),
        ("no-keys", lambda f: f.pop("keys")),
        ("keys-not-an-object", lambda f: f.update(keys=[])),
        ("keys-without-slots", lambda f: f["keys"].pop("slots")),
        ("no-seal", lambda f: f.pop("sealed")),
        ("seal-not-base64", lambda f: f.update(sealed=f["sealed"][:-4] + "$$$$")),
        ("seal-not-text", lambda f: f.update(sealed=12345)),
    ],
)
def test_a_footer_remade_with_a_field_wrong(
    written: Path, tmp_path: Path, name: str, change: Callable[[dict[str, Any]], None]
) -> None:
    """Its digest remade (anyone can): the footer's own checks refuse it, with the file's name,
    never an error of another kind."""
    db, footer, _magic = _parts(written)
    _refused(_assemble(tmp_path / f"{name}.labackup", db, _changed(footer, change)))


@pytest.mark.parametrize("footer", [b"\xff\xfe not UTF-8", b"[1, 2, 3]", b"{", b"null"])
def test_a_footer_that_is_not_a_json_object(written: Path, tmp_path: Path, footer: bytes) -> None:
    db, _footer, _magic = _parts(written)
    _refused(_assemble(tmp_path / "not-json.labackup", db, footer))
