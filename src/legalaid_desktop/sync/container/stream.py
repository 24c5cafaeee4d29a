"""The chunked AEAD stream of a bundle body: 64 KiB AES-256-GCM chunks, the last one flagged.

The key is derived from the content key with the header hash as salt; the header hash is also
every chunk's AAD, and the nonce is the chunk counter plus a final-chunk flag
(docs/bundle-format.md §4).
"""

from __future__ import annotations

import math
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from legalaid_desktop.i18n import _
from legalaid_desktop.sync.container.format import (
    _CT_CHUNK_SIZE,
    _PAYLOAD_INFO,
    _TAG_SIZE,
    CHUNK_SIZE,
    _bad_manifest,
    _damaged,
)


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _payload_aead(content_key: bytes, header_hash: bytes) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=header_hash, info=_PAYLOAD_INFO).derive(
        content_key
    )
    return AESGCM(key)


class _ChunkWriter:
    """Encrypts a plaintext stream into 64 KiB chunks; the last one carries the final flag."""

    def __init__(self, out: BinaryIO, aead: AESGCM, aad: bytes, hasher: Any) -> None:
        self._out = out
        self._aead = aead
        self._aad = aad
        self._hasher = hasher
        self._buf = bytearray()
        self._counter = 0
        self.written = 0

    def _emit(self, data: bytes | bytearray | memoryview, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._counter, last), data, self._aad)
        self._out.write(sealed)
        self._hasher.update(sealed)
        self.written += len(sealed)
        self._counter += 1

    def write(self, data: bytes | bytearray | memoryview) -> None:
        view = memoryview(data).cast("B")
        if self._buf:
            take = min(CHUNK_SIZE - len(self._buf), len(view))
            self._buf += view[:take]
            view = view[take:]
            if not view:
                return
            self._emit(self._buf, last=False)  # full, and more data follows
            self._buf = bytearray()
        while len(view) > CHUNK_SIZE:
            self._emit(view[:CHUNK_SIZE], last=False)
            view = view[CHUNK_SIZE:]
        self._buf += view

    def close(self) -> None:
        self._emit(self._buf, last=True)
        self._buf = bytearray()


class _ChunkReader:
    """Decrypts the body chunk by chunk, holding one chunk at a time.

    It also hashes every byte it reads, so the caller can check that the file did not change
    since the outer signature was verified.
    """

    def __init__(self, f: BinaryIO, body_len: int, aead: AESGCM, aad: bytes, hasher: Any) -> None:
        self._f = f
        self._aead = aead
        self._aad = aad
        self._hasher = hasher
        if body_len < _TAG_SIZE:
            raise _damaged(_("the encrypted content is missing"))
        self._chunks = math.ceil(body_len / _CT_CHUNK_SIZE)
        self._last_len = body_len - (self._chunks - 1) * _CT_CHUNK_SIZE
        if self._last_len < _TAG_SIZE or (self._chunks > 1 and self._last_len == _TAG_SIZE):
            raise _damaged(_("the last piece of the encrypted content is cut off"))
        self.plaintext_len = body_len - self._chunks * _TAG_SIZE
        # Authenticate the final chunk first: a cut-off file is reported as such, before any
        # size in the manifest is compared with what is there.
        start = f.tell()
        f.seek(start + body_len - self._last_len)
        sealed = _read_exact(f, self._last_len)
        try:
            aead.decrypt(_nonce(self._chunks - 1, True), sealed, aad)
        except InvalidTag:
            raise _damaged(_("its end is missing or was altered")) from None
        f.seek(start)
        self._index = 0
        self._buf = b""
        self._pos = 0
        self._consumed = 0

    def _next_chunk(self) -> None:
        if self._index >= self._chunks:
            raise _damaged(_("the content ends too early"))
        last = self._index == self._chunks - 1
        size = self._last_len if last else _CT_CHUNK_SIZE
        sealed = self._f.read(size)
        if len(sealed) != size:
            raise _damaged(_("the file ends too early"))
        self._hasher.update(sealed)
        try:
            self._buf = self._aead.decrypt(_nonce(self._index, last), sealed, self._aad)
        except InvalidTag:
            raise _damaged(
                _("piece {n} of the encrypted content fails its check").format(n=self._index + 1)
            ) from None
        self._pos = 0
        self._index += 1

    def read(self, n: int) -> bytes:
        """Return exactly ``n`` plaintext bytes."""
        if n > self.plaintext_len - self._consumed:
            raise _damaged(_("the content ends too early"))
        pieces: list[bytes] = []
        remaining = n
        while remaining:
            if self._pos == len(self._buf):
                self._next_chunk()
                continue
            take = min(remaining, len(self._buf) - self._pos)
            pieces.append(self._buf[self._pos : self._pos + take])
            self._pos += take
            remaining -= take
        self._consumed += n
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def finish(self) -> None:
        """Check that all the plaintext, up to and including the final chunk, was used."""
        if self._consumed != self.plaintext_len or self._index != self._chunks:
            raise _bad_manifest(_("there is data that is not listed"))


def _read_exact(f: BinaryIO, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise _damaged(_("the file ends too early"))
    return data
