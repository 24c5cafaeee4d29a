"""The chunked AEAD stream of a bundle body, read back piece by piece (sync/container/stream.py).

A body written by the real writer under a real key, then read the way the importer reads it:
across chunk boundaries, with a chunk altered, with the file cut short after the reader checked
its end (a file that shrinks while it is read), with data left unread. Each failure must name
what is wrong, since that is what a center's manager reads when a bundle is refused.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from legalaid_desktop.domain.errors import BundleDamaged, ManifestInvalid
from legalaid_desktop.i18n import language
from legalaid_desktop.sync.container import stream
from legalaid_desktop.sync.container.format import _CT_CHUNK_SIZE, _PAYLOAD_INFO, CHUNK_SIZE

AAD = hashlib.sha256(b"header").digest()
CONTENT_KEY = bytes(range(32))
PLAIN = os.urandom(2 * CHUNK_SIZE + 100)  # three chunks: two full, one of 100 bytes


def _body(plain: bytes = PLAIN) -> bytes:
    out = io.BytesIO()
    writer = stream._ChunkWriter(out, stream._payload_aead(CONTENT_KEY, AAD), AAD, hashlib.sha256())
    writer.write(plain)
    writer.close()
    return out.getvalue()


def _reader(body: bytes, f: io.BytesIO | None = None) -> stream._ChunkReader:
    f = f if f is not None else io.BytesIO(body)
    return stream._ChunkReader(
        f, len(body), stream._payload_aead(CONTENT_KEY, AAD), AAD, hashlib.sha256()
    )


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with language("en"):
        yield


def test_reads_across_chunk_boundaries_and_finishes() -> None:
    body = _body()
    assert len(body) == 2 * _CT_CHUNK_SIZE + 100 + 16
    hasher = hashlib.sha256()
    reader = stream._ChunkReader(
        io.BytesIO(body), len(body), stream._payload_aead(CONTENT_KEY, AAD), AAD, hasher
    )
    assert reader.plaintext_len == len(PLAIN)
    got = b"".join(reader.read(n) for n in (10, CHUNK_SIZE, CHUNK_SIZE - 10, 100))
    assert got == PLAIN
    reader.finish()
    assert hasher.digest() == hashlib.sha256(body).digest()  # every byte read was hashed


def test_an_altered_middle_chunk_is_named_by_its_number() -> None:
    body = bytearray(_body())
    body[_CT_CHUNK_SIZE + 7] ^= 0x01  # a byte of the second chunk
    reader = _reader(bytes(body))
    assert reader.read(CHUNK_SIZE) == PLAIN[:CHUNK_SIZE]
    with pytest.raises(BundleDamaged) as caught:
        reader.read(1)
    assert str(caught.value) == (
        "The bundle is damaged or truncated: piece 2 of the encrypted content fails its check"
    )


def test_a_file_cut_short_while_it_is_read_is_named() -> None:
    body = _body()
    f = io.BytesIO(body)
    reader = _reader(body, f)  # the end checked while the file was whole
    assert reader.read(CHUNK_SIZE) == PLAIN[:CHUNK_SIZE]
    f.truncate(_CT_CHUNK_SIZE + 1000)  # then the stick was pulled
    with pytest.raises(BundleDamaged) as caught:
        reader.read(1)
    assert str(caught.value) == "The bundle is damaged or truncated: the file ends too early"


def test_reading_past_the_content_or_past_the_last_chunk_is_refused() -> None:
    reader = _reader(_body())
    with pytest.raises(BundleDamaged, match="the content ends too early"):
        reader.read(len(PLAIN) + 1)
    assert reader.read(len(PLAIN)) == PLAIN
    with pytest.raises(BundleDamaged) as caught:
        reader._next_chunk()  # every chunk was used: there is no fourth
    assert str(caught.value) == "The bundle is damaged or truncated: the content ends too early"


@pytest.mark.parametrize("unread", [1, 100, CHUNK_SIZE + 100])
def test_data_left_unread_is_data_not_listed(unread: int) -> None:
    reader = _reader(_body())
    reader.read(len(PLAIN) - unread)
    with pytest.raises(ManifestInvalid) as caught:
        reader.finish()
    assert str(caught.value) == (
        "The list of contents inside the bundle is not valid: there is data that is not listed"
    )


def test_an_empty_body_has_its_one_chunk_to_use() -> None:
    """A body of no plaintext is one sealed empty chunk: finishing without reading it (and so
    without checking it in order) is refused as well."""
    body = _body(b"")
    reader = _reader(body)
    assert reader.plaintext_len == 0
    with pytest.raises(ManifestInvalid, match="there is data that is not listed"):
        reader.finish()


def _spec_body(plain: bytes) -> bytes:
    """The body as docs/bundle-format.md §4 describes it, written here from the description:
    the chunk key is HKDF-SHA256 of the content key (salt: the header hash, info: the payload
    label), each chunk's nonce its counter in 11 big-endian bytes and a last-chunk flag byte,
    the header hash the AAD of every chunk; the last chunk holds what is left (never empty when
    there is more than one)."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=AAD, info=_PAYLOAD_INFO).derive(
        CONTENT_KEY
    )
    aead = AESGCM(key)
    pieces = [plain[i : i + CHUNK_SIZE] for i in range(0, len(plain), CHUNK_SIZE)] or [b""]
    return b"".join(
        aead.encrypt(
            i.to_bytes(11, "big") + (b"\x01" if i == len(pieces) - 1 else b"\x00"), piece, AAD
        )
        for i, piece in enumerate(pieces)
    )


@pytest.mark.parametrize("size", [0, 5, CHUNK_SIZE, CHUNK_SIZE + 5, 2 * CHUNK_SIZE])
def test_the_body_is_the_documented_format(size: int) -> None:
    plain = PLAIN[:size] if size <= len(PLAIN) else os.urandom(size)
    body = _body(plain)
    assert body == _spec_body(plain)
    reader = _reader(body)
    assert reader.read(size) == plain if size else reader.plaintext_len == 0


def test_the_body_written_in_several_writes_is_the_same() -> None:
    out = io.BytesIO()
    writer = stream._ChunkWriter(out, stream._payload_aead(CONTENT_KEY, AAD), AAD, hashlib.sha256())
    for start in range(0, len(PLAIN), 50_000):  # pieces that straddle the chunks
        writer.write(PLAIN[start : start + 50_000])
    writer.close()
    assert out.getvalue() == _spec_body(PLAIN)


def _refused(body: bytes, body_len: int | None = None) -> str:
    with pytest.raises(BundleDamaged) as caught:
        stream._ChunkReader(
            io.BytesIO(body),
            len(body) if body_len is None else body_len,
            stream._payload_aead(CONTENT_KEY, AAD),
            AAD,
            hashlib.sha256(),
        )
    return str(caught.value).removeprefix("The bundle is damaged or truncated: ")


def test_a_body_shorter_than_one_check_is_missing() -> None:
    assert _refused(b"\x00" * 15) == "the encrypted content is missing"


@pytest.mark.parametrize(
    "length",
    [
        _CT_CHUNK_SIZE + 5,  # a last piece shorter than its check
        _CT_CHUNK_SIZE + 16,  # two pieces, the last one only a check: never written so
        2 * _CT_CHUNK_SIZE + 16,
    ],
)
def test_a_last_piece_cut_off_is_named(length: int) -> None:
    body = (_body() + b"\x00" * _CT_CHUNK_SIZE)[:length]
    assert _refused(body) == "the last piece of the encrypted content is cut off"


def test_an_altered_or_cut_end_is_named_before_anything_is_read() -> None:
    body = bytearray(_body())
    body[-1] ^= 0x01
    assert _refused(bytes(body)) == "its end is missing or was altered"
    whole = _body()
    assert _refused(whole[:-1], body_len=len(whole)) == "the file ends too early"


def test_reading_more_than_is_left_is_refused() -> None:
    reader = _reader(_body())
    reader.read(100)
    with pytest.raises(BundleDamaged) as caught:
        reader.read(len(PLAIN) - 100 + 1)
    assert str(caught.value) == "The bundle is damaged or truncated: the content ends too early"
    assert reader.read(len(PLAIN) - 100) == PLAIN[100:]
