"""The bundle's header and signed manifest, field by field, at the edge of every limit.

A rogue but enrolled center signs whatever manifest it likes, and anyone can write a header: these
tests hand each check the value one under, at and one over its limit and read the refusal word for
word, as HQ's import screen and the CLI show it. They call the parsers the reader calls (after the
signatures are checked), so that each check is seen alone; ``test_container.py`` sends the same
kinds of bundles whole through ``open_bundle``.
"""

from __future__ import annotations

import base64
import hashlib
import math
from typing import Any

import pytest

from legalaid_desktop.domain.errors import (
    BundleDamaged,
    BundleMalformed,
    BundleTooLarge,
    InvalidJSON,
    ManifestInvalid,
    PartTooLarge,
    SenderMismatch,
    TooManyRecipients,
)
from legalaid_desktop.sync import strictjson
from legalaid_desktop.sync.audit_anchor import GENESIS, AuditAnchor
from legalaid_desktop.sync.container import format as bf
from legalaid_desktop.sync.container.format import (
    CHUNK_SIZE,
    MAX_HEADER_SIZE,
    BundleHeader,
    Limits,
    PartEntry,
    Stanza,
)

# Fixed, not new: parametrized test ids must be the same in every xdist worker.
BUNDLE_ID = "0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b"
HASH = "ab" * 32
CREATED = "2026-12-07T02:30:00Z"
STANZA_BYTES = bytes(range(256)) * 4 + bytes(144)  # 1,168 bytes: ML-KEM-768+X25519 enc, key, tag
HEADER_HASH = hashlib.sha256(b"prefix and header").digest()
MANIFEST = "The list of contents inside the bundle is not valid: "
MALFORMED = "The bundle header is malformed: "
NO_STANZA_FIELDS = "a recipient entry does not have the expected fields"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- the header --------------------------------------------------------------------------------


def header_dict(**changes: Any) -> dict[str, Any]:
    """A valid header from GNJ to HQ with one recovery recipient, with ``changes`` applied."""
    header: dict[str, Any] = {
        "bundle_id": BUNDLE_ID,
        "sender": "GNJ",
        "recipient": "HQ",
        "seq": 7,
        "prev_hash": HASH,
        "created": CREATED,
        "schema_version": "0003_cases",
        "suite": bf.SUITE,
        "chunk_size": CHUNK_SIZE,
        "stanzas": [
            {"to": "HQ", "enc": base64.b64encode(STANZA_BYTES).decode()},
            {"to": "recovery:hq", "enc": base64.b64encode(STANZA_BYTES[::-1]).decode()},
        ],
    }
    header.update(changes)
    return header


def parse_header(header: Any) -> BundleHeader:
    raw = header if isinstance(header, bytes) else strictjson.dumps(header)
    return bf._parse_header(raw, HEADER_HASH, 123_456)


def header_refusal(header: Any, expected: type[Exception] = BundleMalformed) -> str:
    with pytest.raises(expected) as info:
        parse_header(header)
    return str(info.value)


def test_a_valid_header_is_read_field_by_field() -> None:
    header = parse_header(header_dict())
    assert header == BundleHeader(
        format_version=2,
        bundle_id=BUNDLE_ID,
        sender="GNJ",
        recipient="HQ",
        seq=7,
        prev_hash=HASH,
        created=CREATED,
        schema_version="0003_cases",
        stanzas=(Stanza("HQ", STANZA_BYTES), Stanza("recovery:hq", STANZA_BYTES[::-1])),
        header_hash=HEADER_HASH,
        file_size=123_456,
    )
    assert header.recipients == ("HQ", "recovery:hq")
    # The first bundle on a channel has no previous hash; a creation time may carry microseconds.
    first = parse_header(header_dict(prev_hash=None, seq=0, created="2026-12-07T02:30:00.123456Z"))
    assert (first.prev_hash, first.seq, first.created) == (None, 0, "2026-12-07T02:30:00.123456Z")


def test_the_header_json_is_held_to_its_depth_and_size() -> None:
    # Four levels are what a header needs at most; a fifth is refused by the parser itself, before
    # any field is looked at (a deeper value in a field the checks read later would be refused
    # there, with another message).
    deep = header_dict(schema_version=[[["x"]]])
    assert "levels deep" not in header_refusal(deep)
    deeper = header_dict(schema_version=[[[["x"]]]])
    assert header_refusal(deeper, InvalidJSON) == (
        "Invalid data: arrays and objects are nested more than 4 levels deep"
    )
    padded = header_dict(schema_version="v" * 64)
    filler = MAX_HEADER_SIZE - len(strictjson.dumps(padded)) + len(bf.SUITE)
    at_limit = header_dict(schema_version="v" * 64, suite="s" * filler)
    assert len(strictjson.dumps(at_limit)) == MAX_HEADER_SIZE
    assert header_refusal(at_limit) == MALFORMED + "it names an unknown encryption suite"
    over = header_dict(schema_version="v" * 64, suite="s" * (filler + 1))
    assert header_refusal(over, InvalidJSON) == (
        f"Invalid data: the document is {MAX_HEADER_SIZE + 1} bytes; "
        f"at most {MAX_HEADER_SIZE} are allowed"
    )


def test_sixteen_recipients_are_read_and_seventeen_refused_first() -> None:
    stanzas = header_dict()["stanzas"][:1] + [
        {"to": f"recovery:r{n}", "enc": base64.b64encode(STANZA_BYTES).decode()} for n in range(15)
    ]
    assert len(parse_header(header_dict(stanzas=stanzas)).stanzas) == 16
    # Seventeen are refused before anything else is checked, even a header missing its fields.
    seventeen = [*stanzas, {"to": "recovery:r99", "enc": "x"}]
    assert header_refusal({"stanzas": seventeen}, TooManyRecipients) == (
        "The bundle names 17 recipients; at most 16 are allowed."
    )


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ([], "it is not an object"),
        ({"stanzas": {}}, "it has no list of recipients"),
        (header_dict(stanzas="HQ"), "it has no list of recipients"),
        ({"stanzas": []}, "it does not have the expected fields"),
        ({**header_dict(), "extra": 1}, "it does not have the expected fields"),
        (header_dict(suite="X25519/AES-128-GCM"), "it names an unknown encryption suite"),
        (header_dict(chunk_size=CHUNK_SIZE * 2), "it names an unsupported chunk size"),
        (header_dict(chunk_size=str(CHUNK_SIZE)), "it names an unsupported chunk size"),
        (header_dict(sender="G:NJ"), "the sender is not a node code"),
        (header_dict(sender=None), "the sender is not a node code"),
        (header_dict(sender="G" * 65), "the sender is not a node code"),
        (header_dict(stanzas=[]), "it names no recipient"),
        (header_dict(stanzas=[["HQ", "x"]]), NO_STANZA_FIELDS),
        (header_dict(stanzas=[{"to": "HQ"}]), NO_STANZA_FIELDS),
        (
            header_dict(stanzas=[{"to": "BAK", "enc": base64.b64encode(STANZA_BYTES).decode()}]),
            "the first recipient entry is not the addressed node",
        ),
        (
            header_dict(
                stanzas=[
                    header_dict()["stanzas"][0],
                    {"to": "BAK", "enc": base64.b64encode(STANZA_BYTES).decode()},
                ]
            ),
            "an extra recipient is not a recovery key",
        ),
        (
            header_dict(stanzas=[header_dict()["stanzas"][0], {"to": 5, "enc": "x"}]),
            "an extra recipient is not a recovery key",
        ),
        (
            header_dict(stanzas=[{"to": "HQ", "enc": base64.b64encode(STANZA_BYTES[1:]).decode()}]),
            "The recipient entry has the wrong length.",
        ),
        (
            header_dict(stanzas=[header_dict()["stanzas"][1]] * 2),
            "the first recipient entry is not the addressed node",
        ),
        (
            header_dict(stanzas=[header_dict()["stanzas"][0], *[header_dict()["stanzas"][1]] * 2]),
            "a recipient appears twice",
        ),
    ],
)
def test_each_header_refusal_says_what_is_wrong(header: Any, detail: str) -> None:
    assert header_refusal(header) == MALFORMED + detail


def test_the_chunk_size_must_be_an_integer_not_a_boolean() -> None:
    # True == 1 in Python: a chunk size is checked for its type as well as its value.
    assert header_refusal(header_dict(chunk_size=True)) == (
        MALFORMED + "it names an unsupported chunk size"
    )


# The fields that header and manifest share, each with a wrong value and the detail it gets.
SHARED_FIELD_REFUSALS = [
    ("bundle_id", "0190a000-0000-4000-8000-000000000000", "the bundle id is not a UUID v7"),
    ("bundle_id", 7, "the bundle id is not a UUID v7"),
    ("recipient", "H Q", "the recipient is not a node code"),
    ("recipient", ["HQ"], "the recipient is not a node code"),
    ("seq", -1, "the sequence number is not valid"),
    ("seq", "7", "the sequence number is not valid"),
    ("seq", True, "the sequence number is not valid"),
    ("seq", 7.5, "the sequence number is not valid"),
    ("prev_hash", "AB" * 32, "the previous bundle hash is not valid"),
    ("prev_hash", "ab" * 31, "the previous bundle hash is not valid"),
    ("prev_hash", 0, "the previous bundle hash is not valid"),
    ("created", "2026-12-07 02:30:00Z", "the creation time is not valid"),
    ("created", "2026-02-30T02:30:00Z", "the creation time is not valid"),
    ("created", "2026-12-07T02:30:00", "the creation time is not valid"),
    ("created", 20261207, "the creation time is not valid"),
    ("schema_version", "", "the schema version is not valid"),
    ("schema_version", "v" * 65, "the schema version is not valid"),
    ("schema_version", "0003 cases", "the schema version is not valid"),
    ("schema_version", 3, "the schema version is not valid"),
]


@pytest.mark.parametrize(("field", "value", "detail"), SHARED_FIELD_REFUSALS)
def test_each_shared_header_field_is_checked(field: str, value: Any, detail: str) -> None:
    stanzas = header_dict()["stanzas"]
    if field == "recipient":  # the first stanza must name the recipient, whatever it is
        stanzas = [{**stanzas[0], "to": value}]
    assert header_refusal(header_dict(**{field: value}, stanzas=stanzas)) == MALFORMED + detail


def test_the_sequence_number_reaches_the_largest_signed_64_bit_integer() -> None:
    assert parse_header(header_dict(seq=strictjson.INT_MAX)).seq == strictjson.INT_MAX


# --- the manifest ------------------------------------------------------------------------------

HEADER = parse_header(header_dict())
RAW = b'{"op":"upsert"}\n'
SCAN = b"%PDF-1.7 scan of a complaint"


def part(name: str, data: bytes = RAW, **changes: Any) -> dict[str, Any]:
    item = {
        "name": name,
        "size": len(data),
        "sha256": _sha(data),
        "encoding": "raw",
        "stored": len(data),
    }
    item.update(changes)
    return item


def manifest_dict(parts: list[Any] | None = None, **changes: Any) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "bundle_id": BUNDLE_ID,
        "recipient": "HQ",
        "seq": 7,
        "prev_hash": HASH,
        "created": CREATED,
        "schema_version": "0003_cases",
        "author": "GNJ",
        "recipients": ["HQ", "recovery:hq"],
        "parts": [part("changes")] if parts is None else parts,
        "audit": None,
    }
    manifest.update(changes)
    return manifest


def parse_manifest(
    manifest: Any, limits: Limits = bf.DEFAULT_LIMITS
) -> tuple[tuple[PartEntry, ...], AuditAnchor | None]:
    raw = manifest if isinstance(manifest, bytes) else strictjson.dumps(manifest)
    return bf._parse_manifest(raw, HEADER, limits)


def manifest_refusal(
    manifest: Any, expected: type[Exception] = ManifestInvalid, limits: Limits = bf.DEFAULT_LIMITS
) -> str:
    with pytest.raises(expected) as info:
        parse_manifest(manifest, limits)
    return str(info.value)


def test_a_valid_manifest_is_read_part_by_part() -> None:
    packed = b"x\x9c+\xc9\xc8,\x06\x00\x04\x90\x01\xd5"
    entries, anchor = parse_manifest(
        manifest_dict(
            [
                part("changes"),
                part("acks", b"", encoding="zlib", stored=len(packed)),
                part("att/" + _sha(SCAN), SCAN),
            ]
        )
    )
    assert entries == (
        PartEntry("changes", len(RAW), _sha(RAW), "raw", len(RAW)),
        PartEntry("acks", 0, _sha(b""), "zlib", len(packed)),
        PartEntry("att/" + _sha(SCAN), len(SCAN), _sha(SCAN), "raw", len(SCAN)),
    )
    assert anchor is None
    audit: dict[str, Any] = {
        "count": 3,
        "head": "cd" * 32,
        "since": 1,
        "since_hash": "ef" * 32,
        "ack_count": 0,
        "ack_head": GENESIS,
    }
    assert parse_manifest(manifest_dict(audit=audit))[1] == AuditAnchor(**audit)
    assert parse_manifest(manifest_dict([])) == ((), None)


def test_the_manifest_json_is_held_to_its_depth() -> None:
    # Four levels hold every valid manifest (object, parts, part, nothing deeper); a fifth is
    # refused by the parser. At four, the wrong audit value is refused by the manifest's checks.
    four = manifest_dict(audit={"count": [[1]]})
    assert manifest_refusal(four) == MANIFEST + "the audit anchor does not have the expected fields"
    five = manifest_dict(audit={"count": [[[1]]]})
    assert manifest_refusal(five, InvalidJSON) == (
        "Invalid data: arrays and objects are nested more than 4 levels deep"
    )


def test_the_manifest_is_held_to_the_limits_size() -> None:
    raw = strictjson.dumps(manifest_dict())
    assert parse_manifest(raw, Limits(max_manifest_size=len(raw)))[0][0].name == "changes"
    assert manifest_refusal(raw, InvalidJSON, Limits(max_manifest_size=len(raw) - 1)) == (
        f"Invalid data: the document is {len(raw)} bytes; at most {len(raw) - 1} are allowed"
    )


def test_the_manifest_must_be_canonical() -> None:
    raw = strictjson.dumps(manifest_dict())
    spaced = raw.replace(b'"audit":null', b'"audit": null')
    assert manifest_refusal(spaced, InvalidJSON) == (
        "Invalid data: the document is not in canonical form"
    )


@pytest.mark.parametrize(
    "manifest",
    [
        [],
        "parts",
        {key: value for key, value in manifest_dict().items() if key != "audit"},
        {**manifest_dict(), "note": "x"},
    ],
    ids=["list", "string", "no-audit", "extra-key"],
)
def test_a_manifest_without_its_fields(manifest: Any) -> None:
    assert manifest_refusal(manifest) == MANIFEST + "it does not have the expected fields"


@pytest.mark.parametrize(
    ("author", "shown"),
    [
        ("BAK", "BAK"),
        ("gnj", "gnj"),
        ("G:NJ", "'G:NJ'"),
        (None, "None"),
        ("GNJ\x1b[2J\nHQ", "'GNJ\\x1b[2J\\nHQ'"),
        ("ə" * 38, "'" + "ə" * 38 + "'"),
        ("ə" * 39, "'" + "ə" * 36 + "..."),
        (list(range(30)), "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11..."),
    ],
)
def test_contents_written_by_another_node_name_it_safely(author: Any, shown: str) -> None:
    """The author is named as it is when it is a node code, else escaped and cut to 40 characters.

    The message reaches a terminal and the GUI on one line: no newline, no escape sequence, no
    screenful of text from a rogue center.
    """
    message = manifest_refusal(manifest_dict(author=author), SenderMismatch)
    assert message == f"The contents of the bundle were written by {shown}, but it was sent by GNJ."
    assert "\n" not in message and "\x1b" not in message
    assert len(bf._shown(author)) <= 40


@pytest.mark.parametrize(("field", "value", "detail"), SHARED_FIELD_REFUSALS)
def test_each_shared_manifest_field_is_checked(field: str, value: Any, detail: str) -> None:
    assert manifest_refusal(manifest_dict(**{field: value})) == MANIFEST + detail


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bundle_id", "0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6c"),
        ("recipient", "BAK"),
        ("seq", 8),
        ("prev_hash", None),
        ("prev_hash", "cd" * 32),
        ("created", "2026-12-07T02:30:01Z"),
        ("schema_version", "0004_more"),
    ],
)
def test_a_manifest_bound_to_another_header_names_the_field(field: str, value: Any) -> None:
    assert manifest_refusal(manifest_dict(**{field: value})) == (
        MANIFEST + f"it does not match the bundle header ({field})"
    )


@pytest.mark.parametrize(
    "recipients", [["HQ"], ["recovery:hq", "HQ"], ["HQ", "recovery:hq", "recovery:x"], "HQ"]
)
def test_a_manifest_naming_other_recipients(recipients: Any) -> None:
    assert manifest_refusal(manifest_dict(recipients=recipients)) == (
        MANIFEST + "it does not match the recipients in the bundle header"
    )


def test_an_invalid_audit_anchor_is_a_manifest_refusal() -> None:
    assert manifest_refusal(manifest_dict(audit={"count": 1})) == (
        MANIFEST + "the audit anchor does not have the expected fields"
    )


def test_parts_that_are_not_a_list() -> None:
    for parts in ({"changes": part("changes")}, None, "changes"):
        manifest = {**manifest_dict(), "parts": parts}
        assert manifest_refusal(manifest) == MANIFEST + "it has no list of parts"


NAMES = ["changes", "acks", "roster", "reference", "transfers", "meta", "audit"]


def test_the_part_count_is_allowed_up_to_the_limit() -> None:
    parts = [part(name) for name in NAMES[:3]]
    assert len(parse_manifest(manifest_dict(parts), Limits(max_parts=3))[0]) == 3
    assert manifest_refusal(manifest_dict(parts), BundleTooLarge, Limits(max_parts=2)) == (
        "The bundle holds 3 parts; at most 2 are allowed."
    )


@pytest.mark.parametrize(
    "item",
    [
        ["changes", 3],
        {k: v for k, v in part("changes").items() if k != "stored"},
        {**part("changes"), "path": "/etc/passwd"},
    ],
    ids=["list", "no-stored", "extra-key"],
)
def test_a_part_entry_without_its_fields(item: Any) -> None:
    assert manifest_refusal(manifest_dict([item])) == (
        MANIFEST + "a part entry does not have the expected fields"
    )


@pytest.mark.parametrize("name", [7, None, "att/" + "AB" * 32, "changes/", "../changes"])
def test_a_part_name_outside_the_list(name: Any) -> None:
    item = {**part("changes"), "name": name}
    assert manifest_refusal(manifest_dict([item])) == (
        MANIFEST + "a part has a name that is not allowed"
    )


def test_a_part_listed_twice_is_named() -> None:
    manifest = manifest_dict([part("acks"), part("roster"), part("acks")])
    assert manifest_refusal(manifest) == MANIFEST + "the part acks is listed twice"


@pytest.mark.parametrize(
    ("size", "stored"),
    [(-1, 5), (5, -1), (-1, -1), ("5", 5), (5, "5"), (True, 5), (5, True), (5, 5.0), (None, 5)],
)
def test_a_part_with_an_invalid_size(size: Any, stored: Any) -> None:
    """Either size alone, negative or not an integer, is refused (zlib: the two may differ)."""
    item = part("roster", size=size, stored=stored, encoding="zlib")
    assert manifest_refusal(manifest_dict([item])) == (
        MANIFEST + "the part roster has an invalid size"
    )


def test_each_size_of_a_part_is_allowed_up_to_the_part_limit() -> None:
    limits = Limits(max_part_size=1000)
    both = part("changes", size=1000, stored=1000)
    assert parse_manifest(manifest_dict([both]), limits)[0][0].size == 1000
    for size, stored in ((1001, 10), (10, 1001), (1001, 1001)):
        item = part("changes", size=size, stored=stored, encoding="zlib")
        assert manifest_refusal(manifest_dict([item]), PartTooLarge, limits) == (
            "The part changes is 1001 bytes; at most 1000 are allowed."
        )
    item = part("changes", size=5000, stored=20, encoding="zlib")
    assert manifest_refusal(manifest_dict([item]), PartTooLarge, limits) == (
        "The part changes is 5000 bytes; at most 1000 are allowed."
    )


@pytest.mark.parametrize("digest", [None, 7, "AB" * 32, "ab" * 31, "ab" * 32 + "\n", ""])
def test_a_part_with_an_invalid_checksum(digest: Any) -> None:
    assert manifest_refusal(manifest_dict([part("meta", sha256=digest)])) == (
        MANIFEST + "the part meta has an invalid checksum"
    )


def test_an_attachment_must_be_named_by_its_checksum() -> None:
    name = "att/" + _sha(b"another scan")
    assert manifest_refusal(manifest_dict([part(name, SCAN)])) == (
        MANIFEST + f"the attachment {name} is not named by its checksum"
    )


@pytest.mark.parametrize("encoding", ["gzip", "RAW", None, ""])
def test_a_part_with_an_unknown_encoding(encoding: Any) -> None:
    assert manifest_refusal(manifest_dict([part("transfers", encoding=encoding)])) == (
        MANIFEST + "the part transfers has an unknown encoding"
    )


def test_a_raw_part_must_be_stored_at_its_size() -> None:
    assert manifest_refusal(manifest_dict([part("reference", stored=len(RAW) - 1)])) == (
        MANIFEST + "the part reference has inconsistent sizes"
    )
    # Compressed, the stored bytes may be fewer or more than the part's size.
    assert parse_manifest(manifest_dict([part("reference", stored=3, encoding="zlib")]))


def _parts_of(sizes: list[tuple[int, int]]) -> list[dict[str, Any]]:
    return [
        part(name, size=size, stored=stored, encoding="zlib")
        for name, (size, stored) in zip(NAMES, sizes, strict=False)
    ]


@pytest.mark.parametrize(
    "sizes",
    [
        [(100, 10), (50, 10)],  # the sizes reach the total exactly
        [(10, 100), (10, 50)],  # so do the stored bytes
        [(100, 100), (50, 50)],  # both
        [(0, 0), (150, 150), (0, 0)],
    ],
)
def test_the_parts_may_add_up_to_the_total_limit(sizes: list[tuple[int, int]]) -> None:
    limits = Limits(max_part_size=150, max_total_size=150)
    assert len(parse_manifest(manifest_dict(_parts_of(sizes)), limits)[0]) == len(sizes)


@pytest.mark.parametrize(
    "sizes",
    [
        [(100, 10), (51, 10)],  # the sizes one over, the stored bytes far under
        [(10, 100), (10, 51)],  # the stored bytes one over
        [(150, 150), (0, 0), (1, 1)],
        [(75, 75), (75, 75), (1, 0)],
    ],
)
def test_parts_adding_up_to_more_than_the_total_limit(sizes: list[tuple[int, int]]) -> None:
    limits = Limits(max_part_size=150, max_total_size=150)
    assert manifest_refusal(manifest_dict(_parts_of(sizes)), BundleTooLarge, limits) == (
        "The parts of the bundle add up to more than 150 bytes."
    )


# --- the limits and the reader's messages ------------------------------------------------------


def test_the_largest_file_follows_the_layout() -> None:
    """docs/bundle-format.md: prefix (14), header (at most 64 KiB), the body's chunks (each with a
    16-byte tag, at least one) and the outer signature (64); the body is the manifest's length (4),
    the manifest, its signature (64) and the parts."""
    small = Limits(max_total_size=1000, max_manifest_size=1000)
    assert small.max_plaintext_size() == 4 + 1000 + 64 + 1000
    assert small.max_file_size() == 14 + 65536 + 2068 + 16 + 64
    nothing = Limits(max_total_size=0, max_manifest_size=0)
    assert nothing.max_file_size() == 14 + 65536 + 68 + 16 + 64
    # A body of exactly two chunks takes two tags, one byte more takes three.
    two = Limits(max_total_size=2 * CHUNK_SIZE - 68, max_manifest_size=0)
    assert two.max_plaintext_size() == 2 * CHUNK_SIZE
    assert two.max_file_size() == 14 + 65536 + 2 * CHUNK_SIZE + 2 * 16 + 64
    three = Limits(max_total_size=2 * CHUNK_SIZE - 67, max_manifest_size=0)
    assert three.max_file_size() == 14 + 65536 + 2 * CHUNK_SIZE + 1 + 3 * 16 + 64
    default = bf.DEFAULT_LIMITS
    plain = 4 + 2**20 + 64 + 2**28
    assert default.max_plaintext_size() == plain
    assert default.max_file_size() == 14 + 65536 + plain + math.ceil(plain / 65536) * 16 + 64


@pytest.mark.parametrize(
    ("build", "kind", "start"),
    [
        (bf._damaged, BundleDamaged, "The bundle is damaged or truncated: "),
        (bf._malformed, BundleMalformed, MALFORMED),
        (bf._bad_manifest, ManifestInvalid, MANIFEST),
    ],
)
def test_each_kind_of_refusal_carries_its_detail(build: Any, kind: type, start: str) -> None:
    error = build("the last chunk is missing")
    assert type(error) is kind
    assert str(error) == start + "the last chunk is missing"
