"""What HQ reads when it refuses a bundle: each refusal of the reader word for word, at its edge.

The import screen and ``bundle import`` show these messages as they are, so their words are part
of the contract: each names what is wrong (and the node or part), never the bundle's contents.
Each check is also tried at its limit: the smallest file, the largest header and file, the
manifest length that leaves no room for its signature.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import zlib
from collections.abc import Iterable
from typing import Any

import pytest

from bundle_craft import (
    FIELDS,
    Nodes,
    craft,
    entry,
    make_nodes,
    manifest_length,
    open_as_hq,
    raw_bundle,
    reject,
    valid_header,
)
from legalaid_desktop.domain.errors import (
    BundleDamaged,
    BundleMalformed,
    BundleNotAddressed,
    BundleTooLarge,
    BundleTooNew,
    BundleVersionUnsupported,
    InvalidJSON,
    ManifestInvalid,
    NotABundle,
    SenderMismatch,
    UnknownSender,
)
from legalaid_desktop.i18n import language
from legalaid_desktop.sync import strictjson
from legalaid_desktop.sync.container import (
    MAGIC,
    MAX_HEADER_SIZE,
    Limits,
    bundle_hash,
    open_bundle,
    read_header,
    reader,
    verify_bundle,
    write_bundle,
    writer,
)
from legalaid_desktop.sync.container import format as bundle_format
from legalaid_desktop.sync.keys import NodeKeys, recovery_keypair

DAMAGED = "The bundle is damaged or truncated: "
MANIFEST = "The list of contents inside the bundle is not valid: "
ENDS_EARLY = DAMAGED + "the file ends too early"


@pytest.fixture(scope="module")
def nodes() -> Nodes:
    return make_nodes()


@pytest.fixture(scope="module")
def bundle(nodes: Nodes) -> bytes:
    out = io.BytesIO()
    write_bundle(
        out,
        author=nodes.gnj,
        recipient=nodes.hq.public(),
        header_fields=FIELDS,
        parts=[("changes", b'{"op":"upsert"}\n' * 50), ("acks", b'{"HQ":6}')],
    )
    return out.getvalue()


def header_refusal(data: bytes, expected: type[Exception], limits: Limits | None = None) -> str:
    with pytest.raises(expected) as info:
        read_header(io.BytesIO(data), **({"limits": limits} if limits else {}))
    return str(info.value)


# --- the prefix --------------------------------------------------------------------------------


def test_a_file_that_is_not_a_bundle(nodes: Nodes) -> None:
    assert reject(b"", nodes, NotABundle) == "The file is empty; it is not a sync bundle."
    for data in (b"PK\x03\x04" + bytes(100), MAGIC[:7], MAGIC[:7] + b"?" + bytes(100)):
        assert reject(data, nodes, NotABundle) == "This file is not a LegalAid sync bundle."


def test_the_refusals_are_in_the_users_language(nodes: Nodes) -> None:
    """In Azerbaijani the reader's words are Azerbaijani, not the classes' English defaults."""
    with language("az"):
        assert reject(b"PK\x03\x04" + bytes(100), nodes, NotABundle) == (
            "Bu fayl LegalAid sinxronizasiya paketi deyil."
        )
        assert reject(b"", nodes, NotABundle) == "Fayl boşdur; bu, sinxronizasiya paketi deyil."


@pytest.mark.parametrize("length", [8, 9, 13])
def test_a_file_cut_inside_its_prefix_is_damaged_not_foreign(nodes: Nodes, length: int) -> None:
    """The magic is there: it is a bundle, cut short (a copy stopped half-way)."""
    data = struct.pack(">8sHI", MAGIC, 2, 100)[:length]
    assert reject(data, nodes, BundleDamaged) == ENDS_EARLY


@pytest.mark.parametrize(
    ("version", "expected", "message"),
    [
        (
            3,
            BundleTooNew,
            "This bundle was made by a newer version of LegalAid (format 3). "
            "Upgrade the app to import it.",
        ),
        (
            65535,
            BundleTooNew,
            "This bundle was made by a newer version of LegalAid (format 65535). "
            "Upgrade the app to import it.",
        ),
        (
            1,
            BundleVersionUnsupported,
            "This bundle was made by an older version of LegalAid (format 1), without the audit "
            "anchor this version requires. Upgrade LegalAid where it was made and export again.",
        ),
        (
            0,
            BundleVersionUnsupported,
            "This bundle uses format 0, which this version of LegalAid cannot read.",
        ),
    ],
)
def test_each_format_version_is_named(
    nodes: Nodes, bundle: bytes, version: int, expected: type[Exception], message: str
) -> None:
    data = bundle[:8] + struct.pack(">H", version) + bundle[10:]
    assert reject(data, nodes, expected) == message
    assert header_refusal(data, expected) == message


# --- the header's and the file's sizes ---------------------------------------------------------


def test_the_header_length_is_allowed_up_to_its_limit() -> None:
    body = bytes(200)
    at_limit = struct.pack(">8sHI", MAGIC, 2, MAX_HEADER_SIZE) + b"{" * MAX_HEADER_SIZE + body
    # At the limit the header is read (and refused for what it holds, not for its length).
    assert "Invalid data" in header_refusal(at_limit, InvalidJSON)
    over = struct.pack(">8sHI", MAGIC, 2, MAX_HEADER_SIZE + 1) + b"{" * MAX_HEADER_SIZE + body
    assert header_refusal(over, BundleMalformed) == (
        "The bundle header is malformed: the header is 65537 bytes; at most 65536 are allowed"
    )


def test_the_file_is_allowed_up_to_the_largest_the_limits_give(nodes: Nodes, bundle: bytes) -> None:
    limits = Limits(max_total_size=1000, max_manifest_size=1000)
    largest = limits.max_file_size()
    header = strictjson.dumps(valid_header(nodes, bundle))
    at_limit = raw_bundle(header, body=bytes(largest - 14 - len(header)))
    assert len(at_limit) == largest
    assert read_header(io.BytesIO(at_limit), limits=limits).sender == "GNJ"
    over = at_limit + b"\x00"
    assert header_refusal(over, BundleTooLarge, limits) == (
        f"The bundle is {largest + 1} bytes; at most {largest} are allowed."
    )
    with pytest.raises(BundleTooLarge):
        open_as_hq(io.BytesIO(over), nodes, limits=limits)


def test_the_smallest_file_holds_the_header_one_chunk_tag_and_the_signature(
    nodes: Nodes, bundle: bytes
) -> None:
    header = strictjson.dumps(valid_header(nodes, bundle))
    smallest = 14 + len(header) + 16 + 64
    exact = raw_bundle(header, body=bytes(smallest - 14 - len(header)))
    assert read_header(io.BytesIO(exact)).recipient == "HQ"
    for short in (1, 16, 64, 79):
        assert header_refusal(exact[:-short], BundleDamaged) == ENDS_EARLY


# --- the sender and the outer signature --------------------------------------------------------


def test_a_sender_not_enrolled_here(nodes: Nodes, bundle: bytes) -> None:
    with pytest.raises(UnknownSender) as info:
        open_bundle(io.BytesIO(bundle), me=nodes.hq, sender_keys=lambda code: None)
    assert str(info.value) == "The bundle claims to come from GNJ, which is not enrolled here."


def test_a_changed_file_fails_the_outer_signature(nodes: Nodes, bundle: bytes) -> None:
    changed = bytearray(bundle)
    changed[-100] ^= 0x01
    message = (
        DAMAGED + "its signature does not match; it was changed or cut short after it was written"
    )
    assert reject(bytes(changed), nodes, BundleDamaged) == message
    with pytest.raises(BundleDamaged) as info:
        verify_bundle(io.BytesIO(bytes(changed)), sender_keys=nodes.lookup)
    assert str(info.value) == message


# --- whom it is for ----------------------------------------------------------------------------


def test_a_bundle_for_another_node_names_both(nodes: Nodes) -> None:
    out = io.BytesIO()
    write_bundle(
        out, author=nodes.gnj, recipient=nodes.bak.public(), header_fields=FIELDS, parts=[]
    )
    assert reject(out.getvalue(), nodes, BundleNotAddressed) == (
        "This bundle is addressed to BAK, not to this node (HQ)."
    )


def test_a_bundle_for_an_old_key_of_this_node(nodes: Nodes) -> None:
    out = io.BytesIO()
    old = NodeKeys.generate("HQ").public()
    write_bundle(out, author=nodes.gnj, recipient=old, header_fields=FIELDS, parts=[])
    assert reject(out.getvalue(), nodes, BundleNotAddressed) == (
        "This bundle names HQ but was encrypted to another key (an old key, or another "
        "installation)."
    )


def test_a_recovery_key_the_bundle_does_not_name(nodes: Nodes, bundle: bytes) -> None:
    other = recovery_keypair(b"\x07" * 32, label="recovery:ganja")
    with pytest.raises(BundleNotAddressed) as info:
        open_bundle(io.BytesIO(bundle), me=other, sender_keys=nodes.lookup)
    assert str(info.value) == "This bundle holds no key for recovery:ganja."


# --- the manifest's place in the body ----------------------------------------------------------


def _sealed(
    nodes: Nodes,
    plaintext: Iterable[bytes],
    *,
    fields: dict[str, Any] | None = None,
    key: bytes | None = None,
    stanza: Any = None,
) -> bytes:
    """A body of any plaintext, encrypted and signed by GNJ as a valid bundle to HQ (a new
    header, content key and stanza unless given)."""
    key = key or os.urandom(32)
    stanza = stanza or writer._seal_stanza(key, "HQ", nodes.hq.public().hpke_key)
    out = io.BytesIO()
    writer._seal(
        out,
        signer=nodes.gnj.signing_key,
        header=writer._encode_header(
            fields or writer._header_fields("GNJ", "HQ", FIELDS), [stanza]
        ),
        content_key=key,
        plaintext=plaintext,
    )
    return out.getvalue()


@pytest.mark.parametrize("room", [0, 63])
def test_a_manifest_length_leaving_no_room_for_its_signature(nodes: Nodes, room: int) -> None:
    """The length says the manifest and its 64-byte signature run past the body's end."""
    manifest = b"{}" * 20
    body = struct.pack(">I", len(manifest) + 64 - room) + manifest + bytes(64 - room)
    assert reject(_sealed(nodes, [body]), nodes, ManifestInvalid) == (
        MANIFEST + "its size is not valid"
    )


def test_a_manifest_at_the_size_limit_opens_and_one_byte_over_is_refused(nodes: Nodes) -> None:
    data = b"[1]"
    bundle = craft(nodes, entries=[entry("changes", data)], stream=[data])
    length = manifest_length(open_as_hq(io.BytesIO(bundle), nodes))
    assert open_as_hq(io.BytesIO(bundle), nodes, limits=Limits(max_manifest_size=length)).parts
    with pytest.raises(ManifestInvalid) as info:
        open_as_hq(io.BytesIO(bundle), nodes, limits=Limits(max_manifest_size=length - 1))
    assert str(info.value) == MANIFEST + "its size is not valid"


def test_contents_not_signed_by_the_sender(nodes: Nodes) -> None:
    data = b"[1]"
    bundle = craft(nodes, entries=[entry("changes", data)], stream=[data], inner_signer=nodes.bak)
    assert reject(bundle, nodes, SenderMismatch) == (
        "The contents of the bundle were not signed by its sender, GNJ."
    )


def test_listed_parts_and_the_body_must_agree(nodes: Nodes) -> None:
    a, b = b"[1]", b"[2]"
    missing = craft(nodes, entries=[entry("changes", a), entry("acks", b)], stream=[a])
    assert reject(missing, nodes, ManifestInvalid) == MANIFEST + "a listed part is missing"
    extra = craft(nodes, entries=[entry("changes", a)], stream=[a, b])
    assert reject(extra, nodes, ManifestInvalid) == MANIFEST + "there is data that is not listed"
    swapped = craft(nodes, entries=[entry("changes", a)], stream=[b])
    assert reject(swapped, nodes, ManifestInvalid) == (
        MANIFEST + "the part changes does not match its checksum"
    )


# --- compressed parts --------------------------------------------------------------------------


def _zlib_part(
    nodes: Nodes, stored: bytes, size: int, data: bytes | None = None, limits: Limits | None = None
) -> str:
    item = entry("roster", data if data is not None else bytes(size), encoding="zlib")
    item.update(size=size, stored=len(stored))
    bundle = craft(nodes, entries=[item], stream=[stored])
    with pytest.raises(ManifestInvalid) as info:
        open_as_hq(io.BytesIO(bundle), nodes, **({"limits": limits} if limits else {}))
    return str(info.value)


@pytest.mark.parametrize("extra", [1, 2, 10_000])
def test_a_part_expanding_beyond_its_size_is_stopped_there(nodes: Nodes, extra: int) -> None:
    packed = zlib.compress(b"r" * (100 + extra))
    assert _zlib_part(nodes, packed, 100) == (
        MANIFEST + "the part roster expands beyond its declared size"
    )


@pytest.mark.parametrize(
    "stored", [b"not zlib", zlib.compress(b"r" * 100)[:-6], zlib.compress(b"r" * 100) + b"!"]
)
def test_a_part_that_is_not_whole_compressed_data(nodes: Nodes, stored: bytes) -> None:
    message = _zlib_part(nodes, stored, 100, b"r" * 100)
    assert message in (
        MANIFEST + "the part roster is not valid compressed data",
        MANIFEST + "the part roster does not have its declared size",
    )
    if stored == b"not zlib":
        assert message == MANIFEST + "the part roster is not valid compressed data"
    else:  # cut short, or something after the end of the stream
        assert message == MANIFEST + "the part roster does not have its declared size"


def test_a_part_smaller_than_declared(nodes: Nodes) -> None:
    assert _zlib_part(nodes, zlib.compress(b"r" * 99), 100) == (
        MANIFEST + "the part roster does not have its declared size"
    )


def test_a_compressed_part_of_exactly_its_size_opens(nodes: Nodes) -> None:
    data = b"r" * 100
    packed = zlib.compress(data)
    item = entry("roster", data, encoding="zlib", stored=len(packed))
    bundle = craft(nodes, entries=[item], stream=[packed])
    assert open_as_hq(io.BytesIO(bundle), nodes).parts == {"roster": data}


# --- a file that changes while it is read ------------------------------------------------------


def _swap_after_verifying(monkeypatch: pytest.MonkeyPatch, replacement: bytes) -> None:
    real_verify = reader._verify_outer

    def verify_then_swap(f: Any, size: int, key: Any) -> tuple[bytes, bytes]:
        result = real_verify(f, size, key)
        f.seek(0)
        f.write(replacement)
        return result

    monkeypatch.setattr(reader, "_verify_outer", verify_then_swap)


def test_a_file_cut_short_while_its_signature_is_checked(
    nodes: Nodes, bundle: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is cut after its size was read (a stick pulled out, another program writing)."""
    real_read = reader._read_prefix_and_header

    def read_then_cut(f: Any, size: int, limits: Limits) -> Any:
        result = real_read(f, size, limits)
        f.truncate(size // 2)
        return result

    monkeypatch.setattr(reader, "_read_prefix_and_header", read_then_cut)
    assert reject(bundle, nodes, BundleDamaged) == ENDS_EARLY


def test_a_header_changed_between_the_two_passes(
    nodes: Nodes, bundle: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    changed = bundle.replace(b'"seq":7', b'"seq":8', 1)
    assert changed != bundle
    _swap_after_verifying(monkeypatch, changed)
    assert reject(bundle, nodes, BundleDamaged) == (
        DAMAGED + "the file changed while it was being read"
    )


def test_a_body_changed_between_the_two_passes_under_the_same_key(
    nodes: Nodes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sender knows the content key: it can write a second body that decrypts as well.

    A file that is one bundle while its signature is checked and the other while it is decrypted
    is refused: the second pass hashes what it decrypts and compares it with what was signed.
    """
    key = os.urandom(32)
    stanza = writer._seal_stanza(key, "HQ", nodes.hq.public().hpke_key)
    first, second = (_sealed_part(nodes, key, stanza, data) for data in (b"[1]", b"[2]"))
    assert first[:200] == second[:200] and first != second  # one header, two bodies
    assert open_as_hq(io.BytesIO(second), nodes).parts == {"changes": b"[2]"}
    _swap_after_verifying(monkeypatch, second)
    assert reject(first, nodes, BundleDamaged) == (
        DAMAGED + "the file changed while it was being read"
    )


def _sealed_part(nodes: Nodes, key: bytes, stanza: Any, data: bytes) -> bytes:
    """A valid bundle holding ``data``, with a fixed header, content key and stanza."""
    fixed = {"bundle_id": "01900000-0000-7000-8000-000000000000", "created": "2026-12-07T03:00:00Z"}
    fields = writer._header_fields("GNJ", "HQ", {**FIELDS, **fixed})
    manifest = {
        **{k: fields[k] for k in bundle_format._BOUND_KEYS},
        "author": "GNJ",
        "recipients": ["HQ"],
        "parts": [entry("changes", data)],
        "audit": None,
    }
    raw = strictjson.dumps(manifest)
    inner = nodes.gnj.signing_key.sign(bundle_format._INNER_DOMAIN + raw)
    plaintext = writer._plaintext(raw, inner, [data])
    return _sealed(nodes, plaintext, fields=fields, key=key, stanza=stanza)


def test_the_bundle_hash_is_the_files_sha256(bundle: bytes) -> None:
    big = bundle + os.urandom(3 * 1024 * 1024)  # more than one read block
    assert bundle_hash(io.BytesIO(big)) == hashlib.sha256(big).hexdigest()
