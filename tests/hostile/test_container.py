"""The bundle container against hostile input (research §4, items 1, 3, 7-13, 16-20, 23, 24).

Hostile bundles with *valid* signatures are built from the container's own low-level pieces
(``_seal``, ``_plaintext``, ...), as a malicious but enrolled node, or one whose key was stolen,
could build them. Each case must end in a specific ``BundleRejected`` subclass, never in a
crash, a hang or a partial result.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import struct
import tracemalloc
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bundle_craft import (
    FIELDS,
    Nodes,
    body_start,
    craft,
    entry,
    make_nodes,
    open_as_hq,
    raw_bundle,
    reject,
    resign,
    valid_header,
)
from legalaid_desktop.domain.errors import (
    BundleDamaged,
    BundleMalformed,
    BundleNotAddressed,
    BundleRejected,
    BundleTooLarge,
    BundleTooNew,
    BundleVersionUnsupported,
    InvalidJSON,
    ManifestInvalid,
    NotABundle,
    PartTooLarge,
    SenderMismatch,
    SyncError,
    TooManyRecipients,
    UnknownSender,
)
from legalaid_desktop.sync import container, strictjson
from legalaid_desktop.sync.container import (
    CHUNK_SIZE,
    MAGIC,
    BundleInfo,
    Limits,
    bundle_hash,
    open_bundle,
    read_header,
    reader,
    verify_bundle,
    write_bundle,
    writer,
)
from legalaid_desktop.sync.container import stream as chunk_stream
from legalaid_desktop.sync.keys import (
    NodeKeys,
    NodePublicKeys,
    decode_b64,
    encode_b64,
    recovery_keypair,
)
from step_count import count_steps

CT_CHUNK = CHUNK_SIZE + 16
MARKER = b"PLAINTEXT-MARKER-Z\xc9\x99YN\xc6\x8fB-5551234"  # "ZəYNƏB" in UTF-8


@pytest.fixture(scope="module")
def nodes() -> Nodes:
    return make_nodes()


def _att(data: bytes) -> tuple[str, bytes]:
    return ("att/" + hashlib.sha256(data).hexdigest(), data)


@pytest.fixture(scope="module")
def sample_parts() -> list[tuple[str, bytes]]:
    """A changes part with a marker, acks, and an incompressible attachment: 4 chunks in all."""
    rng = random.Random(1)
    changes = b'{"op":"upsert","fields":{"full_name":"' + MARKER + b'"}}\n'
    return [
        ("changes", changes * 200),
        ("acks", b'{"HQ":6}'),
        _att(rng.randbytes(3 * CHUNK_SIZE - 5000)),
    ]


@pytest.fixture
def written(tmp_path: Path, nodes: Nodes, sample_parts: list[tuple[str, bytes]]) -> Path:
    path = tmp_path / "gnj-to-hq.bundle"
    write_bundle(
        path,
        author=nodes.gnj,
        recipient=nodes.hq.public(),
        header_fields=FIELDS,
        parts=sample_parts,
        compress=False,
    )
    return path


# --- round trips ------------------------------------------------------------------------------


def test_roundtrip(written: Path, nodes: Nodes, sample_parts: list[tuple[str, bytes]]) -> None:
    header = read_header(written)
    assert (header.sender, header.recipient, header.seq) == ("GNJ", "HQ", 7)
    assert header.prev_hash == FIELDS["prev_hash"]
    assert header.schema_version == "0003_cases"
    assert header.recipients == ("HQ",)
    opened = open_as_hq(written, nodes)
    assert opened.author == "GNJ"
    assert list(opened.parts.items()) == sample_parts
    assert opened.bundle_hash == bundle_hash(written)
    assert opened.header == header
    assert [e.name for e in opened.manifest] == [name for name, _ in sample_parts]


def test_write_returns_info_and_leaves_no_temp_file(
    tmp_path: Path, nodes: Nodes, sample_parts: list[tuple[str, bytes]]
) -> None:
    path = tmp_path / "out.bundle"
    info = write_bundle(
        path,
        author=nodes.gnj,
        recipient=nodes.hq.public(),
        header_fields=FIELDS,
        parts=sample_parts,
    )
    assert isinstance(info, BundleInfo)
    assert info.size == path.stat().st_size
    assert info.bundle_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert info.header == read_header(path)
    assert os.listdir(tmp_path) == ["out.bundle"]


def test_failed_write_leaves_old_file_and_no_temp(
    tmp_path: Path, nodes: Nodes, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "out.bundle"
    path.write_bytes(b"previous")

    def explode(self: Any, data: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(chunk_stream._ChunkWriter, "write", explode)
    with pytest.raises(OSError, match="disk full"):
        write_bundle(
            path,
            author=nodes.gnj,
            recipient=nodes.hq.public(),
            header_fields=FIELDS,
            parts=[("changes", b"x")],
        )
    assert path.read_bytes() == b"previous"
    assert os.listdir(tmp_path) == ["out.bundle"]


def test_file_objects_and_compression(nodes: Nodes) -> None:
    changes = b'{"op":"upsert","table":"client"}\n' * 5000
    out = io.BytesIO()
    write_bundle(
        out,
        author=nodes.hq,
        recipient=nodes.bak.public(),
        header_fields=FIELDS,
        parts=[("changes", changes), ("roster", b"")],
    )
    data = out.getvalue()
    assert len(data) < len(changes) // 10  # compressed
    opened = open_bundle(io.BytesIO(data), me=nodes.bak, sender_keys=nodes.lookup)
    assert opened.parts == {"changes": changes, "roster": b""}
    assert opened.manifest[0].encoding == "zlib"
    assert opened.manifest[1].encoding == "raw"


def test_five_megabyte_part_streams_in_bounded_memory(tmp_path: Path, nodes: Nodes) -> None:
    big = random.Random(5).randbytes(5 * 1024 * 1024)
    path = tmp_path / "big.bundle"
    tracemalloc.start()
    try:
        write_bundle(
            path,
            author=nodes.gnj,
            recipient=nodes.hq.public(),
            header_fields=FIELDS,
            parts=[_att(big)],
        )
        _current, write_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        opened = open_as_hq(path, nodes)
        _current, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert next(iter(opened.parts.values())) == big
    # The part itself is held once (the caller's copy); chunks come and go.
    assert write_peak < 2 * len(big), write_peak
    assert read_peak < 2.5 * len(big), read_peak


def test_recovery_key_opens_and_node_check_is_skipped(
    nodes: Nodes, sample_parts: list[tuple[str, bytes]]
) -> None:
    recovery = recovery_keypair(b"\x42" * 32)
    out = io.BytesIO()
    write_bundle(
        out,
        author=nodes.gnj,
        recipient=nodes.hq.public(),
        header_fields=FIELDS,
        parts=sample_parts,
        extra_recipients=[recovery.recipient()],
    )
    data = out.getvalue()
    assert read_header(io.BytesIO(data)).recipients == ("HQ", "recovery:hq")
    by_hq = open_as_hq(io.BytesIO(data), nodes)
    again = recovery_keypair(b"\x42" * 32)  # re-derived from the printed secret
    by_recovery = open_bundle(io.BytesIO(data), me=again, sender_keys=nodes.lookup)
    assert by_recovery.parts == by_hq.parts
    with pytest.raises(BundleNotAddressed):  # a different recovery key
        open_bundle(io.BytesIO(data), me=recovery_keypair(b"\x43" * 32), sender_keys=nodes.lookup)


def test_no_plaintext_marker_in_bundle_bytes(written: Path) -> None:
    data = written.read_bytes()
    for needle in (MARKER, b"PLAINTEXT-MARKER", b"full_name", b"upsert", "ZəYNƏB".encode()):
        assert needle not in data
    # ... nor compressed
    for compress in (True, False):
        out = io.BytesIO()
        keys = NodeKeys.generate("X1")
        write_bundle(
            out,
            author=keys,
            recipient=keys.public(),
            header_fields=FIELDS,
            parts=[("changes", MARKER * 100)],
            compress=compress,
        )
        assert MARKER not in out.getvalue()


def test_verify_bundle_checks_outer_signature_only(written: Path, nodes: Nodes) -> None:
    assert verify_bundle(written, sender_keys=nodes.lookup).sender == "GNJ"
    data = bytearray(written.read_bytes())
    data[-100] ^= 1
    with pytest.raises(BundleDamaged):
        verify_bundle(io.BytesIO(bytes(data)), sender_keys=nodes.lookup)


# --- senders and recipients --------------------------------------------------------------------


def test_unknown_sender(written: Path, nodes: Nodes) -> None:
    calls: list[str] = []

    def nobody(code: str) -> NodePublicKeys | None:
        calls.append(code)
        return None

    with pytest.raises(UnknownSender, match="GNJ"):
        open_bundle(written, me=nodes.hq, sender_keys=nobody)
    assert calls == ["GNJ"]


def test_pinned_key_of_another_node_is_unknown_sender(written: Path, nodes: Nodes) -> None:
    with pytest.raises(UnknownSender):
        open_bundle(written, me=nodes.hq, sender_keys=lambda code: nodes.pins["BAK"])


def test_impostor_signing_with_own_key(nodes: Nodes) -> None:
    """A stranger claims to be GNJ but can only sign with its own key."""
    stranger = NodeKeys.generate("GNJ")
    out = io.BytesIO()
    write_bundle(
        out,
        author=stranger,
        recipient=nodes.hq.public(),
        header_fields=FIELDS,
        parts=[("changes", b"[]")],
    )
    assert "signature" in reject(out.getvalue(), nodes, BundleDamaged)


def test_outer_signature_by_a_around_inner_manifest_signed_by_b(nodes: Nodes) -> None:
    """BAK re-wraps content whose manifest GNJ signed (research §4 item 3)."""
    data = b"[]"
    bundle = craft(
        nodes,
        author=nodes.bak,
        inner_signer=nodes.gnj,
        manifest_changes={"author": "GNJ"},
        entries=[entry("changes", data)],
        stream=[data],
    )
    assert "not signed by its sender" in reject(bundle, nodes, SenderMismatch)


def test_manifest_naming_another_author(nodes: Nodes) -> None:
    data = b"[]"
    bundle = craft(
        nodes, manifest_changes={"author": "BAK"}, entries=[entry("changes", data)], stream=[data]
    )
    assert "BAK" in reject(bundle, nodes, SenderMismatch)


def test_not_addressed_to_me(nodes: Nodes) -> None:
    out = io.BytesIO()
    write_bundle(
        out,
        author=nodes.gnj,
        recipient=nodes.bak.public(),
        header_fields=FIELDS,
        parts=[("changes", b"[]")],
    )
    assert "BAK" in reject(out.getvalue(), nodes, BundleNotAddressed)


def test_addressed_to_an_old_key_of_mine(nodes: Nodes) -> None:
    old_hq = NodeKeys.generate("HQ")
    out = io.BytesIO()
    write_bundle(
        out,
        author=nodes.gnj,
        recipient=old_hq.public(),
        header_fields=FIELDS,
        parts=[("changes", b"[]")],
    )
    reject(out.getvalue(), nodes, BundleNotAddressed)


# --- recipient stanzas -------------------------------------------------------------------------


def test_ten_thousand_real_stanzas_rejected_fast(nodes: Nodes, written: Path) -> None:
    header = valid_header(nodes, written.read_bytes())
    header["stanzas"] = header["stanzas"] * 10_000
    data = raw_bundle(header)
    looked_up: list[str] = []
    with pytest.raises(BundleMalformed, match="header"):
        open_bundle(io.BytesIO(data), me=nodes.hq, sender_keys=looked_up.append)
    assert looked_up == []
    # Refused before the header is even parsed: fewer steps than opening 17 stanzas' header.
    header["stanzas"] = header["stanzas"][:1] * 17
    few = raw_bundle(header)
    huge = count_steps(lambda: open_bundle(io.BytesIO(data), me=nodes.hq, sender_keys=nodes.lookup))
    small = count_steps(lambda: open_bundle(io.BytesIO(few), me=nodes.hq, sender_keys=nodes.lookup))
    assert isinstance(huge.raised, BundleMalformed)
    assert huge.calls["_open_stanza"] == 0 and huge.calls["_object_pairs"] == 0
    assert huge.lines < small.lines


def test_ten_thousand_small_stanzas_rejected_before_any_work(nodes: Nodes, written: Path) -> None:
    header = valid_header(nodes, written.read_bytes())
    header["stanzas"] = [{}] * 10_000
    data = raw_bundle(header)
    assert len(data) < container.MAX_HEADER_SIZE
    looked_up: list[str] = []
    with pytest.raises(TooManyRecipients, match="10000"):
        open_bundle(io.BytesIO(data), me=nodes.hq, sender_keys=looked_up.append)
    assert looked_up == []
    # No stanza is opened, and none is looked at beyond parsing the header once: the same
    # functions run as for 20 stanzas, the JSON object hook once per stanza plus the header.
    header["stanzas"] = [{}] * 20
    few = raw_bundle(header)
    huge = count_steps(lambda: open_bundle(io.BytesIO(data), me=nodes.hq, sender_keys=nodes.lookup))
    small = count_steps(lambda: open_bundle(io.BytesIO(few), me=nodes.hq, sender_keys=nodes.lookup))
    assert isinstance(huge.raised, TooManyRecipients)
    assert huge.calls["_open_stanza"] == 0
    assert set(huge.calls) == set(small.calls)
    assert huge.calls["_object_pairs"] == 10_000 + 1
    per_stanza = {"_object_pairs", "<genexpr>"}  # parsing, and one type check of each stanza
    assert {k: v for k, v in huge.calls.items() if k not in per_stanza} == {
        k: v for k, v in small.calls.items() if k not in per_stanza
    }


def test_seventeen_stanzas(nodes: Nodes, written: Path) -> None:
    header = valid_header(nodes, written.read_bytes())
    header["stanzas"] = header["stanzas"] * 17
    reject(raw_bundle(header), nodes, TooManyRecipients)


def test_writer_refuses_too_many_recipients(nodes: Nodes) -> None:
    extra = [
        recovery_keypair(bytes([i]) * 32, label=f"recovery:r{i}").recipient() for i in range(16)
    ]
    with pytest.raises(TooManyRecipients):
        write_bundle(
            io.BytesIO(),
            author=nodes.gnj,
            recipient=nodes.hq.public(),
            header_fields=FIELDS,
            parts=[],
            extra_recipients=extra,
        )


@pytest.mark.parametrize(
    "change",
    [
        lambda h: h.update(stanzas=[]),
        lambda h: h["stanzas"].append(h["stanzas"][0]),  # HQ twice
        lambda h: h["stanzas"].insert(0, {**h["stanzas"][0], "to": "recovery:hq"}),
        lambda h: h["stanzas"].append({**h["stanzas"][0], "to": "BAK"}),  # extra must be recovery
        lambda h: h["stanzas"][0].update(to="BAK"),
        lambda h: h["stanzas"][0].update(enc=h["stanzas"][0]["enc"][:-4]),
        lambda h: h["stanzas"][0].update(enc=h["stanzas"][0]["enc"].rstrip("=")),
        lambda h: h["stanzas"][0].update(extra=1),
        lambda h: h.update(stanzas={"to": "HQ"}),
    ],
)
def test_malformed_stanzas(nodes: Nodes, written: Path, change: Callable[[Any], Any]) -> None:
    header = valid_header(nodes, written.read_bytes())
    change(header)
    reject(raw_bundle(header), nodes, BundleMalformed)


# --- header fields -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("suite", "X25519/HKDF-SHA256/AES-256-GCM"),
        ("chunk_size", 1),
        ("chunk_size", 65536.0),
        ("bundle_id", "not-a-uuid"),
        ("bundle_id", "0190c2a6-1c7d-4f9e-8c3b-2b8f2b8f2b8f"),  # v4, not v7
        ("sender", "../HQ"),
        ("sender", None),
        ("recipient", ""),
        ("seq", -1),
        ("seq", True),
        ("seq", 1.0),
        ("seq", "7"),
        ("prev_hash", "AB" * 32),
        ("prev_hash", "ab" * 31),
        ("created", "2026-02-30T00:00:00Z"),
        ("created", "2026-01-01 00:00:00"),
        ("created", "2026-01-01T00:00:00+04:00"),
        ("schema_version", ""),
        ("schema_version", "a/b"),
        ("unexpected", 1),
    ],
)
def test_invalid_header_fields(nodes: Nodes, written: Path, field: str, value: Any) -> None:
    header = valid_header(nodes, written.read_bytes())
    header[field] = value
    reject(raw_bundle(header), nodes, BundleMalformed)


def test_missing_header_field(nodes: Nodes, written: Path) -> None:
    header = valid_header(nodes, written.read_bytes())
    del header["seq"]
    reject(raw_bundle(header), nodes, BundleMalformed)


@pytest.mark.parametrize(
    "header",
    [
        b'{"sender":"GNJ","sender":"HQ"}',
        b'{"seq":NaN}',
        b'{"seq":1e400}',
        b'{"seq":' + b"9" * 5000 + b"}",
        b"[" * 100_000,
        b'{"sender":"\\ud800"}',
        b'{"sender":"\xff"}',
        b"\xef\xbb\xbf{}",
        b"{} trailing",
        b"[]",
        b"",
    ],
)
def test_strict_json_in_header(nodes: Nodes, header: bytes) -> None:
    reject(raw_bundle(header), nodes, BundleMalformed)


def test_non_canonical_header(nodes: Nodes, written: Path) -> None:
    header = valid_header(nodes, written.read_bytes())
    spaced = strictjson.dumps(header).replace(b'","', b'", "', 1)
    with pytest.raises(InvalidJSON, match="canonical"):
        open_as_hq(io.BytesIO(raw_bundle(spaced)), nodes)


def test_header_length_over_cap(nodes: Nodes) -> None:
    data = struct.pack(">8sHI", MAGIC, container.FORMAT_VERSION, 2**32 - 1) + b"{}"
    reject(data, nodes, BundleMalformed)


# --- not a bundle, versions --------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_random_bytes(nodes: Nodes, seed: int) -> None:
    data = random.Random(seed).randbytes(random.Random(seed).randint(1, 100_000))
    reject(data, nodes, NotABundle)


def test_random_bytes_after_magic(nodes: Nodes) -> None:
    rng = random.Random(9)
    for _ in range(20):
        reject(MAGIC + b"\x00\x01" + rng.randbytes(rng.randint(0, 5000)), nodes)


def test_empty_file(tmp_path: Path, nodes: Nodes) -> None:
    path = tmp_path / "empty.bundle"
    path.write_bytes(b"")
    with pytest.raises(NotABundle, match="empty"):
        open_as_hq(path, nodes)
    with pytest.raises(NotABundle):
        read_header(path)


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04" + b"\x00" * 100, b'{"sender":"GNJ"}', b"\x89PNG\r\n\x1a\n" + b"\x00" * 50],
)
def test_wrong_magic(nodes: Nodes, data: bytes) -> None:
    reject(data, nodes, NotABundle)


def test_line_ending_mangled_magic(written: Path, nodes: Nodes) -> None:
    data = written.read_bytes()
    reject(data.replace(b"\r\n", b"\n", 1), nodes, NotABundle)


def test_newer_format_version(written: Path, nodes: Nodes) -> None:
    data = bytearray(written.read_bytes())
    data[8:10] = struct.pack(">H", container.FORMAT_VERSION + 1)
    message = reject(bytes(data), nodes, BundleTooNew)
    assert "Upgrade" in message
    with pytest.raises(BundleTooNew):
        read_header(io.BytesIO(bytes(data)))


def test_unknown_older_format_version(written: Path, nodes: Nodes) -> None:
    data = bytearray(written.read_bytes())
    data[8:10] = b"\x00\x00"
    with pytest.raises(BundleVersionUnsupported) as info:
        open_as_hq(io.BytesIO(bytes(data)), nodes)
    assert not isinstance(info.value, BundleTooNew)


def test_file_over_size_cap(written: Path, nodes: Nodes) -> None:
    limits = Limits(max_total_size=1000, max_manifest_size=1000)
    with pytest.raises(BundleTooLarge):
        open_as_hq(written, nodes, limits=limits)


# --- truncation, bit flips, splicing -----------------------------------------------------------


def _cut_points(data: bytes) -> dict[str, int]:
    start = body_start(data)
    return {
        "in magic": 5,
        "in prefix": 11,
        "in header": start // 2,
        "end of header": start,
        "mid first chunk": start + 1000,
        "first chunk tag": start + CT_CHUNK - 3,
        "chunk boundary": start + CT_CHUNK,
        "mid third chunk": start + 2 * CT_CHUNK + 777,
        "missing last chunk": start + 3 * CT_CHUNK,
        "in last chunk": len(data) - 100,
        "in signature": len(data) - 10,
        "signature missing": len(data) - 64,
        "one byte short": len(data) - 1,
    }


def test_sample_bundle_has_four_chunks(written: Path) -> None:
    data = written.read_bytes()
    body = len(data) - body_start(data) - 64
    assert 3 * CT_CHUNK < body < 4 * CT_CHUNK


_CUT_NAMES = [
    "in magic",
    "in prefix",
    "in header",
    "end of header",
    "mid first chunk",
    "first chunk tag",
    "chunk boundary",
    "mid third chunk",
    "missing last chunk",
    "in last chunk",
    "in signature",
    "signature missing",
    "one byte short",
]


@pytest.mark.parametrize("where", _CUT_NAMES)
def test_truncated(written: Path, nodes: Nodes, where: str) -> None:
    data = written.read_bytes()
    cut = _cut_points(data)[where]
    expected = NotABundle if cut < len(MAGIC) else BundleDamaged
    reject(data[:cut], nodes, expected)


@pytest.mark.parametrize(
    "where",
    ["mid first chunk", "chunk boundary", "mid third chunk", "missing last chunk", "in last chunk"],
)
def test_truncated_and_resigned_by_sender(written: Path, nodes: Nodes, where: str) -> None:
    """Even with a valid outer signature, the chunk layer notices the cut (final-chunk flag)."""
    data = written.read_bytes()
    cut = _cut_points(data)[where]
    reject(resign(data[:cut], nodes.gnj), nodes, BundleDamaged)


def test_appended_data(written: Path, nodes: Nodes) -> None:
    data = written.read_bytes()
    reject(data + b"\x00", nodes, BundleDamaged)
    reject(resign(data[:-64] + os.urandom(100), nodes.gnj), nodes, BundleDamaged)


def _flip_offsets(data: bytes) -> dict[str, int]:
    start = body_start(data)
    offsets = {
        "magic": 0,
        "magic end": 7,
        "version": 9,
        "header length": 13,
        "header start": 14,
        "header stanza": 14 + data[14:start].index(b'"enc":"') + 100,
        "header end": start - 1,
        "chunk 0 start": start,
        "chunk 0 tag": start + CT_CHUNK - 1,
        "last chunk tag": len(data) - 65,
        "signature start": len(data) - 64,
        "signature end": len(data) - 1,
    }
    for i in range(4):
        offsets[f"chunk {i} middle"] = start + i * CT_CHUNK + 5000
    return offsets


_FLIP_NAMES = [
    "magic",
    "magic end",
    "version",
    "header length",
    "header start",
    "header stanza",
    "header end",
    "chunk 0 start",
    "chunk 0 tag",
    "last chunk tag",
    "signature start",
    "signature end",
    "chunk 0 middle",
    "chunk 1 middle",
    "chunk 2 middle",
    "chunk 3 middle",
]


@pytest.mark.parametrize("where", _FLIP_NAMES)
@pytest.mark.parametrize("bit", [0, 7])
def test_one_flipped_bit(written: Path, nodes: Nodes, where: str, bit: int) -> None:
    data = bytearray(written.read_bytes())
    offset = _flip_offsets(bytes(data))[where]
    data[offset] ^= 1 << bit
    reject(bytes(data), nodes)


def test_one_flipped_bit_everywhere(written: Path, nodes: Nodes) -> None:
    original = written.read_bytes()
    for offset in range(0, len(original), 1009):
        data = bytearray(original)
        data[offset] ^= 0x10
        with pytest.raises(BundleRejected):
            open_as_hq(io.BytesIO(bytes(data)), nodes)


@pytest.mark.parametrize("chunk", [0, 1, 2, 3])
def test_flipped_bit_in_chunk_with_valid_outer_signature(
    written: Path, nodes: Nodes, chunk: int
) -> None:
    data = bytearray(written.read_bytes()[:-64])
    data[body_start(bytes(data)) + chunk * CT_CHUNK + 11] ^= 0x01
    reject(resign(bytes(data), nodes.gnj), nodes, BundleDamaged)


def test_flipped_stanza_with_valid_outer_signature(written: Path, nodes: Nodes) -> None:
    data = written.read_bytes()[:-64]
    header = valid_header(nodes, data)
    sealed = bytearray(decode_b64(header["stanzas"][0]["enc"]))
    sealed[-1] ^= 1
    header["stanzas"][0]["enc"] = encode_b64(bytes(sealed))
    encoded = strictjson.dumps(header)
    rebuilt = (
        struct.pack(">8sHI", MAGIC, container.FORMAT_VERSION, len(encoded))
        + encoded
        + data[body_start(data) :]
    )
    reject(resign(rebuilt, nodes.gnj), nodes, BundleNotAddressed)


def test_chunks_swapped_with_valid_outer_signature(written: Path, nodes: Nodes) -> None:
    data = written.read_bytes()[:-64]
    s = body_start(data)
    first, second = data[s : s + CT_CHUNK], data[s + CT_CHUNK : s + 2 * CT_CHUNK]
    swapped = data[:s] + second + first + data[s + 2 * CT_CHUNK :]
    reject(resign(swapped, nodes.gnj), nodes, BundleDamaged)


def test_chunk_from_another_bundle_spliced_in(
    tmp_path: Path, nodes: Nodes, sample_parts: list[tuple[str, bytes]], written: Path
) -> None:
    other_path = tmp_path / "other.bundle"
    write_bundle(
        other_path,
        author=nodes.gnj,
        recipient=nodes.hq.public(),
        header_fields=FIELDS,
        parts=sample_parts,
        compress=False,
    )
    ours, theirs = written.read_bytes(), other_path.read_bytes()
    assert len(ours) == len(theirs)
    s, t = body_start(ours), body_start(theirs)
    spliced = (
        ours[: s + CT_CHUNK] + theirs[t + CT_CHUNK : t + 2 * CT_CHUNK] + ours[s + 2 * CT_CHUNK :]
    )
    reject(spliced, nodes, BundleDamaged)  # the outer signature catches it ...
    reject(resign(spliced[:-64], nodes.gnj), nodes, BundleDamaged)  # ... and so do the chunks


def test_header_of_another_bundle_with_valid_outer_signature(
    tmp_path: Path, nodes: Nodes, sample_parts: list[tuple[str, bytes]], written: Path
) -> None:
    other = io.BytesIO()
    write_bundle(
        other,
        author=nodes.gnj,
        recipient=nodes.hq.public(),
        header_fields={**FIELDS, "seq": 8},
        parts=sample_parts,
        compress=False,
    )
    ours, theirs = written.read_bytes(), other.getvalue()
    mixed = theirs[: body_start(theirs)] + ours[body_start(ours) : -64]
    reject(resign(mixed, nodes.gnj), nodes, BundleDamaged)


def test_file_changing_between_passes(
    written: Path, nodes: Nodes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signature pass and the decryption pass must see the same bytes."""
    original = written.read_bytes()
    tampered = bytearray(original)
    tampered[-200] ^= 1
    real_verify = reader._verify_outer

    def verify_then_swap(f: Any, size: int, key: Any) -> tuple[bytes, bytes]:
        result = real_verify(f, size, key)
        f.seek(0)
        f.write(bytes(tampered))
        return result

    monkeypatch.setattr(reader, "_verify_outer", verify_then_swap)
    with pytest.raises(BundleDamaged):
        open_as_hq(io.BytesIO(original), nodes)


# --- the signed manifest and the parts ---------------------------------------------------------


def test_crafted_valid_bundle_opens(nodes: Nodes) -> None:
    """Sanity check of the crafting helper itself."""
    data = b'{"ok":true}'
    opened = open_as_hq(
        io.BytesIO(craft(nodes, entries=[entry("changes", data)], stream=[data])), nodes
    )
    assert opened.parts == {"changes": data}


def test_part_missing(nodes: Nodes) -> None:
    a, b = b"[1]", b"[2]"
    bundle = craft(nodes, entries=[entry("changes", a), entry("acks", b)], stream=[a])
    assert "missing" in reject(bundle, nodes, ManifestInvalid)


def test_part_duplicated_in_manifest(nodes: Nodes) -> None:
    a = b"[1]"
    bundle = craft(nodes, entries=[entry("changes", a), entry("changes", a)], stream=[a, a])
    assert "twice" in reject(bundle, nodes, ManifestInvalid)


def test_undeclared_data(nodes: Nodes) -> None:
    a = b"[1]"
    bundle = craft(nodes, entries=[entry("changes", a)], stream=[a, b"[2]"])
    assert "not listed" in reject(bundle, nodes, ManifestInvalid)


def test_no_parts_at_all_but_data(nodes: Nodes) -> None:
    bundle = craft(nodes, entries=[], stream=[b"hidden"])
    reject(bundle, nodes, ManifestInvalid)


@pytest.mark.parametrize(
    "name",
    [
        "../etc/passwd",
        "/etc/passwd",
        "C:\\Windows\\x",
        "changes/../roster",
        "att/../../x",
        "att/" + "A" * 64,
        "att/" + "0" * 63,
        "CHANGES",
        "changes\x00",
        "notes",
        "",
    ],
)
def test_part_names_outside_the_allow_list(nodes: Nodes, name: str) -> None:
    bundle = craft(nodes, entries=[entry(name, b"x")], stream=[b"x"])
    assert "name" in reject(bundle, nodes, ManifestInvalid)


def test_attachment_not_named_by_its_hash(nodes: Nodes) -> None:
    data = b"scan"
    name = "att/" + hashlib.sha256(b"other").hexdigest()
    bundle = craft(
        nodes, entries=[entry(name, data, sha=hashlib.sha256(b"other").hexdigest())], stream=[data]
    )
    reject(bundle, nodes, ManifestInvalid)
    bundle = craft(nodes, entries=[entry(name, data)], stream=[data])
    reject(bundle, nodes, ManifestInvalid)


def test_part_hash_mismatch(nodes: Nodes) -> None:
    bundle = craft(nodes, entries=[entry("changes", b"[1]")], stream=[b"[2]"])
    assert "checksum" in reject(bundle, nodes, ManifestInvalid)


@pytest.mark.parametrize("declared", [2**40, 2**62, 2**63 - 1, 64 * 1024 * 1024 + 1])
def test_declared_size_far_beyond_real(nodes: Nodes, declared: int) -> None:
    bundle = craft(
        nodes, entries=[entry("changes", b"[1]", size=declared, stored=declared)], stream=[b"[1]"]
    )
    tracemalloc.start()
    try:
        reject(bundle, nodes, PartTooLarge)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10 * 1024 * 1024
    # About as many steps as for a size just over the cap: nothing reads or loops up to the size.
    over = 64 * 1024 * 1024 + 1
    just_over = craft(
        nodes, entries=[entry("changes", b"[1]", size=over, stored=over)], stream=[b"[1]"]
    )
    steps = count_steps(lambda: open_as_hq(io.BytesIO(bundle), nodes))
    baseline = count_steps(lambda: open_as_hq(io.BytesIO(just_over), nodes))
    assert isinstance(steps.raised, PartTooLarge)
    assert steps.lines < 2 * baseline.lines  # a few lines more to word a bigger number at most


def test_declared_size_beyond_int64(nodes: Nodes) -> None:
    raw = b'{"parts":[{"size":' + str(2**64).encode() + b"}]}"
    bundle = craft(nodes, entries=[], stream=[], manifest_bytes=raw)
    assert "integer" in reject(bundle, nodes, InvalidJSON)


def test_declared_size_larger_than_real_within_caps(nodes: Nodes) -> None:
    bundle = craft(
        nodes, entries=[entry("changes", b"[1]", size=1000, stored=1000)], stream=[b"[1]"]
    )
    assert "missing" in reject(bundle, nodes, ManifestInvalid)


def test_raw_part_with_inconsistent_sizes(nodes: Nodes) -> None:
    bundle = craft(nodes, entries=[entry("changes", b"[1]", size=2)], stream=[b"[1]"])
    reject(bundle, nodes, ManifestInvalid)


def test_total_size_over_cap(nodes: Nodes) -> None:
    limits = Limits(max_part_size=100, max_total_size=150)
    data = b"x" * 100
    bundle = craft(
        nodes, entries=[entry("changes", data), entry("acks", data)], stream=[data, data]
    )
    with pytest.raises(BundleTooLarge):
        open_as_hq(io.BytesIO(bundle), nodes, limits=limits)


def test_too_many_parts(nodes: Nodes) -> None:
    names = ["changes", "acks", "roster", "reference"]
    bundle = craft(nodes, entries=[entry(n, b"") for n in names], stream=[])
    with pytest.raises(BundleTooLarge):
        open_as_hq(io.BytesIO(bundle), nodes, limits=Limits(max_parts=3))
    assert open_as_hq(io.BytesIO(bundle), nodes).parts == dict.fromkeys(names, b"")


def test_zip_bomb_decompressed_larger_than_declared(nodes: Nodes) -> None:
    bomb = zlib.compress(b"\x00" * (20 * 1024 * 1024), 9)
    assert len(bomb) < 50_000
    bundle = craft(
        nodes,
        entries=[entry("changes", b"\x00" * 1000, encoding="zlib", stored=len(bomb))],
        stream=[bomb],
    )
    tracemalloc.start()
    try:
        message = reject(bundle, nodes, ManifestInvalid)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "declared size" in message
    assert peak < 5 * 1024 * 1024
    # A bomb of 1 MiB takes as many steps: inflating stops at the declared size, whatever follows.
    small_bomb = zlib.compress(b"\x00" * (1024 * 1024), 9)
    small = craft(
        nodes,
        entries=[entry("changes", b"\x00" * 1000, encoding="zlib", stored=len(small_bomb))],
        stream=[small_bomb],
    )
    steps = count_steps(lambda: open_as_hq(io.BytesIO(bundle), nodes))
    baseline = count_steps(lambda: open_as_hq(io.BytesIO(small), nodes))
    assert isinstance(steps.raised, ManifestInvalid)
    assert steps.lines == baseline.lines


def test_zip_bomb_declared_at_the_cap(nodes: Nodes) -> None:
    """Declared just at the part cap, expanding far beyond it: cut off at cap + 1."""
    limits = Limits(max_part_size=1024 * 1024)
    bomb = zlib.compress(b"\x00" * (20 * 1024 * 1024), 9)
    bundle = craft(
        nodes,
        entries=[entry("changes", b"", size=1024 * 1024, encoding="zlib", stored=len(bomb))],
        stream=[bomb],
    )
    with pytest.raises(ManifestInvalid, match="declared size"):
        open_as_hq(io.BytesIO(bundle), nodes, limits=limits)


def test_decompressed_smaller_than_declared(nodes: Nodes) -> None:
    packed = zlib.compress(b"[1]")
    bundle = craft(
        nodes,
        entries=[entry("changes", b"[1]", size=10, encoding="zlib", stored=len(packed))],
        stream=[packed],
    )
    reject(bundle, nodes, ManifestInvalid)


@pytest.mark.parametrize(
    "stored",
    [
        b"not zlib at all",
        zlib.compress(b"[1]")[:-3],  # truncated stream
        zlib.compress(b"[1]") + b"junk",  # data after the stream
    ],
)
def test_bad_compressed_data(nodes: Nodes, stored: bytes) -> None:
    bundle = craft(
        nodes,
        entries=[entry("changes", b"[1]", encoding="zlib", stored=len(stored))],
        stream=[stored],
    )
    reject(bundle, nodes, ManifestInvalid)


def test_unknown_encoding(nodes: Nodes) -> None:
    bundle = craft(nodes, entries=[entry("changes", b"[1]", encoding="gzip")], stream=[b"[1]"])
    reject(bundle, nodes, ManifestInvalid)


@pytest.mark.parametrize(
    "changes",
    [
        {"seq": 8},
        {"prev_hash": None},
        {"recipient": "BAK"},
        {"schema_version": "0004"},
        {"bundle_id": "01900000-0000-7000-8000-000000000000"},
        {"created": "2020-01-01T00:00:00Z"},
        {"recipients": ["HQ", "recovery:hq"]},
        {"recipients": []},
        {"extra": 1},
        {"parts": {"changes": 1}},
    ],
)
def test_manifest_disagreeing_with_header(nodes: Nodes, changes: dict[str, Any]) -> None:
    bundle = craft(
        nodes, entries=[entry("changes", b"[]")], stream=[b"[]"], manifest_changes=changes
    )
    reject(bundle, nodes, ManifestInvalid)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"parts":[],"parts":[]}',
        b'{"a": 1}',
        b"[" * 5000,
        b"\xff\xfe",
        b"",
    ],
)
def test_manifest_not_strict_json(nodes: Nodes, raw: bytes) -> None:
    bundle = craft(nodes, entries=[], stream=[], manifest_bytes=raw)
    reject(bundle, nodes, InvalidJSON)


def test_manifest_length_beyond_content(nodes: Nodes) -> None:
    """A body whose manifest length field points past the end."""
    content_key = os.urandom(32)
    hq = nodes.hq.public()
    fields = writer._header_fields("GNJ", "HQ", FIELDS)
    stanza = writer._seal_stanza(content_key, "HQ", hq.hpke_key)
    for plaintext in ([struct.pack(">I", 2**32 - 1) + b"{}"], [b"\x00\x00"], [b""]):
        out = io.BytesIO()
        writer._seal(
            out,
            signer=nodes.gnj.signing_key,
            header=writer._encode_header(fields, [stanza]),
            content_key=content_key,
            plaintext=plaintext,
        )
        reject(out.getvalue(), nodes)


# --- the writer's own checks -------------------------------------------------------------------


@pytest.mark.parametrize(
    "parts",
    [
        [("../x", b"")],
        [("changes", b""), ("changes", b"")],
        [("att/" + "0" * 64, b"not that hash")],
    ],
)
def test_writer_refuses_bad_parts(nodes: Nodes, parts: list[tuple[str, bytes]]) -> None:
    with pytest.raises(ValueError):
        write_bundle(
            io.BytesIO(),
            author=nodes.gnj,
            recipient=nodes.hq.public(),
            header_fields=FIELDS,
            parts=parts,
        )


@pytest.mark.parametrize(
    ("limits", "parts"),
    [
        (Limits(max_part_size=10), [("changes", b"x" * 11)]),
        (Limits(max_parts=1), [("changes", b""), ("acks", b"")]),
        (Limits(max_part_size=10, max_total_size=15), [("changes", b"x" * 10), ("acks", b"y" * 6)]),
    ],
)
def test_writer_enforces_limits(
    nodes: Nodes, limits: Limits, parts: list[tuple[str, bytes]]
) -> None:
    with pytest.raises(SyncError) as info:
        write_bundle(
            io.BytesIO(),
            author=nodes.gnj,
            recipient=nodes.hq.public(),
            header_fields=FIELDS,
            parts=parts,
            limits=limits,
        )
    assert not isinstance(info.value, BundleRejected)  # the writer's limit, not a refusal


@pytest.mark.parametrize(
    "fields",
    [
        {"seq": 1, "prev_hash": None},
        {"seq": -1, "prev_hash": None, "schema_version": "1"},
        {"seq": 1, "prev_hash": "x", "schema_version": "1"},
        {"seq": 1, "prev_hash": None, "schema_version": "1", "surprise": 1},
        {"seq": 1, "prev_hash": None, "schema_version": "1", "bundle_id": "x"},
    ],
)
def test_writer_refuses_bad_header_fields(nodes: Nodes, fields: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        write_bundle(
            io.BytesIO(),
            author=nodes.gnj,
            recipient=nodes.hq.public(),
            header_fields=fields,
            parts=[],
        )


def test_writer_refuses_bad_extra_recipient_label(nodes: Nodes) -> None:
    recovery = recovery_keypair(b"\x01" * 32)
    with pytest.raises(ValueError):
        write_bundle(
            io.BytesIO(),
            author=nodes.gnj,
            recipient=nodes.hq.public(),
            header_fields=FIELDS,
            parts=[],
            extra_recipients=[("BAK", recovery.public_bytes)],
        )


# --- the audit anchor in the manifest (format 2) -------------------------------------------------

_ANCHOR = {
    "count": 3,
    "head": "c" * 64,
    "since": 1,
    "since_hash": "a" * 64,
    "ack_count": 0,
    "ack_head": "0" * 64,
}


def test_manifest_anchor_round_trip(nodes: Nodes) -> None:
    from legalaid_desktop.sync.audit_anchor import AuditAnchor

    out = io.BytesIO()
    anchor = AuditAnchor(**_ANCHOR)
    write_bundle(
        out,
        author=nodes.gnj,
        recipient=nodes.hq.public(),
        header_fields=FIELDS,
        parts=[("audit", strictjson.dumps(["b" * 64, "c" * 64]))],
        audit=anchor,
    )
    assert open_as_hq(io.BytesIO(out.getvalue()), nodes).audit == anchor


@pytest.mark.parametrize(
    "audit",
    [
        {**_ANCHOR, "extra": 1},
        {k: v for k, v in _ANCHOR.items() if k != "ack_head"},
        {**_ANCHOR, "count": -1},
        {**_ANCHOR, "count": True},
        {**_ANCHOR, "since": 4},
        {**_ANCHOR, "head": "C" * 64},
        {**_ANCHOR, "since_hash": "a" * 63},
        {**_ANCHOR, "since": 3},  # nothing listed, but the head is not the since hash
        {**_ANCHOR, "count": 0, "since": 0},  # an empty log with a head
        {**_ANCHOR, "since": 0},  # the list starts at the beginning after a hash
        {**_ANCHOR, "ack_head": "d" * 64},  # an acknowledged empty log with a head
        [3, "c" * 64],
        "anchor",
    ],
)
def test_manifest_anchor_is_strict(nodes: Nodes, audit: Any) -> None:
    bundle = craft(
        nodes,
        entries=[entry("changes", b"[]")],
        stream=[b"[]"],
        manifest_changes={"audit": audit},
    )
    reject(bundle, nodes, ManifestInvalid)


def test_format_1_bundle_says_upgrade_the_sender(written: Path, nodes: Nodes) -> None:
    data = bytearray(written.read_bytes())
    data[8:10] = struct.pack(">H", 1)
    with pytest.raises(BundleVersionUnsupported, match="older version") as info:
        open_as_hq(io.BytesIO(bytes(data)), nodes)
    assert not isinstance(info.value, BundleTooNew)
