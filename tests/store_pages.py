"""The bytes a store's files hold, decrypted: what a thief with the key would read in them.

SQLCipher 4 encrypts each page with AES-256-CBC, its IV in the first 16 of the 80 bytes the page
reserves at its end (the rest is the HMAC); the database file's first page starts with the
16-byte salt. A WAL file is a 32-byte header and frames of a 24-byte header and one page.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from legalaid_desktop.store.engine import connect_raw

RESERVE = 80


def _page(key: bytes, page: bytes, first: int) -> bytes:
    size = len(page)
    iv = page[size - RESERVE : size - RESERVE + 16]
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return dec.update(page[first : size - RESERVE]) + dec.finalize()


def page_size(key: bytes, db: Path) -> int:
    conn = connect_raw(db, key)
    try:
        return int(conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()


def file_pages(key: bytes, db: Path) -> bytes:
    """Every page of the database FILE decrypted, free pages included, after the WAL was
    checkpointed into it."""
    conn = connect_raw(db, key)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.close()
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    return pages_as_they_are(key, db)


def pages_as_they_are(key: bytes, db: Path) -> bytes:
    """The database file's pages and the WAL's frames decrypted as they lie on the disk now
    (no checkpoint first: an older copy of a page in either is read too)."""
    size = page_size(key, db)
    raw = db.read_bytes()
    out = bytearray()
    for start in range(0, len(raw), size):
        out += _page(key, raw[start : start + size], 16 if start == 0 else 0)
    assert out[0:2] == size.to_bytes(2, "big")  # the header decrypted: the page size
    wal = db.with_name(db.name + "-wal")
    frames = wal.read_bytes() if wal.exists() else b""
    for start in range(32, len(frames) - size + 1, 24 + size):
        out += _page(key, frames[start + 24 : start + 24 + size], 0)
    return bytes(out)
