"""The bundle writer's own checks: what it refuses to write, at the edge of each limit.

A center's export must never write a bundle HQ's reader would refuse for its size, nor one it
would read differently: the writer holds the same limits (at the limit it writes, one over it
refuses with a message the export shows), writes the creation time in UTC whatever the clock's
zone, and compresses only where that helps.
"""

from __future__ import annotations

import io
import random
import re
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from bundle_craft import FIELDS, Nodes, make_nodes, manifest_length, open_as_hq
from legalaid_desktop.domain.errors import BundleMalformed, SyncError, TooManyRecipients
from legalaid_desktop.sync.audit_anchor import GENESIS, AuditAnchor
from legalaid_desktop.sync.container import (
    MAX_HEADER_SIZE,
    Limits,
    OpenedBundle,
    write_bundle,
    writer,
)
from legalaid_desktop.sync.keys import recovery_keypair


@pytest.fixture(scope="module")
def nodes() -> Nodes:
    return make_nodes()


def written(nodes: Nodes, parts: list[tuple[str, bytes]], **kwargs: Any) -> OpenedBundle:
    out = io.BytesIO()
    fields = kwargs.pop("header_fields", FIELDS)
    write_bundle(
        out,
        author=nodes.gnj,
        recipient=nodes.hq.public(),
        header_fields=fields,
        parts=parts,
        **kwargs,
    )
    return open_as_hq(io.BytesIO(out.getvalue()), nodes, limits=kwargs.get("limits", Limits()))


def refusal(
    nodes: Nodes, expected: type[Exception], parts: list[tuple[str, bytes]], **kw: Any
) -> str:
    with pytest.raises(expected) as info:
        written(nodes, parts, **kw)
    return str(info.value)


# --- the limits --------------------------------------------------------------------------------


def test_the_part_count_up_to_the_limit(nodes: Nodes) -> None:
    parts = [("changes", b"1"), ("acks", b"2"), ("roster", b"3")]
    assert len(written(nodes, parts, limits=Limits(max_parts=3)).parts) == 3
    assert refusal(nodes, SyncError, parts, limits=Limits(max_parts=2)) == (
        "A bundle can hold at most 2 parts."
    )


def test_each_part_up_to_the_part_limit(nodes: Nodes) -> None:
    limits = Limits(max_part_size=10)
    assert written(nodes, [("changes", b"x" * 10)], limits=limits).parts["changes"] == b"x" * 10
    assert refusal(nodes, SyncError, [("changes", b"x" * 11)], limits=limits) == (
        "The part changes is larger than 10 bytes."
    )


def test_the_parts_up_to_the_total_limit(nodes: Nodes) -> None:
    limits = Limits(max_part_size=10, max_total_size=15)
    assert len(written(nodes, [("changes", b"x" * 10), ("acks", b"y" * 5)], limits=limits).parts)
    assert refusal(
        nodes, SyncError, [("changes", b"x" * 10), ("acks", b"y" * 6)], limits=limits
    ) == ("The bundle would be larger than 15 bytes.")
    # The total counts from nothing: one part alone at the total limit is written.
    assert written(
        nodes, [("changes", b"x" * 15)], limits=Limits(max_part_size=15, max_total_size=15)
    )


def test_the_manifest_up_to_its_limit(nodes: Nodes) -> None:
    fields = {**FIELDS, "bundle_id": "01900000-0000-7000-8000-000000000000"}
    fields["created"] = "2026-12-07T03:00:00Z"
    parts = [("changes", b"[1]")]
    length = manifest_length(written(nodes, parts, header_fields=fields))
    limits = Limits(max_manifest_size=length)
    assert written(nodes, parts, header_fields=fields, limits=limits).parts == {"changes": b"[1]"}
    assert refusal(
        nodes, SyncError, parts, header_fields=fields, limits=Limits(max_manifest_size=length - 1)
    ) == ("The list of contents of the bundle is too large.")


def test_sixteen_recipients_are_written_and_seventeen_refused(nodes: Nodes) -> None:
    extra = [
        recovery_keypair(bytes([n]) * 32, label=f"recovery:r{n}").recipient() for n in range(16)
    ]
    opened = written(nodes, [], extra_recipients=extra[:15])
    assert opened.header.recipients == ("HQ", *(f"recovery:r{n}" for n in range(15)))
    assert refusal(nodes, TooManyRecipients, [], extra_recipients=extra) == (
        "The bundle names 17 recipients; at most 16 are allowed."
    )


def test_a_header_over_its_limit_is_not_written(nodes: Nodes) -> None:
    """``_seal`` refuses a header longer than the reader reads; one at the limit is written
    (and then refused for what it holds: no header LegalAid writes comes near that length)."""

    def seal(header: bytes) -> None:
        writer._seal(
            io.BytesIO(),
            signer=nodes.gnj.signing_key,
            header=header,
            content_key=bytes(32),
            plaintext=[b""],
        )

    with pytest.raises(BundleMalformed):
        seal(b"{" * MAX_HEADER_SIZE)
    with pytest.raises(SyncError) as info:
        seal(b"{" * (MAX_HEADER_SIZE + 1))
    assert str(info.value) == "The bundle header is too large."


# --- the header's fields -----------------------------------------------------------------------


@pytest.fixture
def baku_clock() -> Iterator[None]:
    """The machine's clock in Baku's zone (UTC+4), as the centers' laptops are set."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "<+04>-4")  # POSIX form: Baku, without the zone database
        time.tzset()
        try:
            yield
        finally:
            patch.undo()
            time.tzset()


@pytest.mark.usefixtures("baku_clock")
def test_the_creation_time_is_written_in_utc(nodes: Nodes) -> None:
    baku = timezone(timedelta(hours=4))
    at_nine = datetime(2026, 12, 7, 9, 0, 5, tzinfo=baku)
    opened = written(nodes, [], header_fields={**FIELDS, "created": at_nine})
    assert opened.header.created == "2026-12-07T05:00:05Z"
    given = written(nodes, [], header_fields={**FIELDS, "created": "2026-01-02T03:04:05Z"})
    assert given.header.created == "2026-01-02T03:04:05Z"
    now = written(nodes, [])
    stamped = datetime.fromisoformat(now.header.created)
    assert abs(stamped - datetime.now(UTC)) < timedelta(minutes=5)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({**FIELDS, "sender": "HQ"}, "unknown header fields: ['sender']"),
        ({"seq": 1, "prev_hash": None}, "missing header fields: ['schema_version']"),
        # A naive time is what this case is about.
        ({**FIELDS, "created": datetime(2026, 1, 1)}, "created must be timezone-aware"),  # noqa: DTZ001
        ({**FIELDS, "seq": -1}, "the sequence number is not valid"),
        ({**FIELDS, "created": "yesterday"}, "the creation time is not valid"),
    ],
)
def test_header_fields_the_writer_refuses(
    nodes: Nodes, fields: dict[str, Any], message: str
) -> None:
    assert refusal(nodes, ValueError, [], header_fields=fields) == message


def test_recipient_labels_the_writer_refuses(nodes: Nodes) -> None:
    key = recovery_keypair(b"\x01" * 32)
    label, public = key.recipient()
    assert refusal(nodes, ValueError, [], extra_recipients=[("HQ", public)]) == (
        "extra recipient label must look like recovery:<name>: 'HQ'"
    )
    assert refusal(nodes, ValueError, [], extra_recipients=[(label, public)] * 2) == (
        "a recipient label appears twice"
    )


ZEROS = "att/" + "0" * 64


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ([("../x", b"")], "part name not allowed or repeated: '../x'"),
        ([("acks", b""), ("acks", b"")], "part name not allowed or repeated: 'acks'"),
        (
            [("att/" + "0" * 64, b"scan")],
            "attachment 'att/" + "0" * 64 + "' does not hash to its name",
        ),
    ],
)
def test_parts_the_writer_refuses(
    nodes: Nodes, parts: list[tuple[str, bytes]], message: str
) -> None:
    assert refusal(nodes, ValueError, parts) == message


def test_an_invalid_audit_anchor_is_not_written(nodes: Nodes) -> None:
    wrong = AuditAnchor(
        count=1, head="ab" * 32, since=2, since_hash="cd" * 32, ack_count=0, ack_head=GENESIS
    )
    with pytest.raises(ValueError, match=re.escape("the audit anchor has an invalid count")):
        written(nodes, [], audit=wrong)
    right = AuditAnchor(
        count=2, head="ab" * 32, since=1, since_hash="cd" * 32, ack_count=0, ack_head=GENESIS
    )
    assert written(nodes, [], audit=right).audit == right


# --- compression -------------------------------------------------------------------------------


def _encoding(nodes: Nodes, data: bytes, compress: bool = True) -> str:
    opened = written(nodes, [("changes", data)], compress=compress)
    assert opened.parts["changes"] == data
    return opened.manifest[0].encoding


def test_a_part_is_compressed_from_512_bytes_when_that_helps(nodes: Nodes) -> None:
    assert _encoding(nodes, b"a" * 511) == "raw"  # too small to be worth it
    assert _encoding(nodes, b"a" * 512) == "zlib"
    assert _encoding(nodes, b"a" * 512, compress=False) == "raw"
    random_bytes = random.Random(14).randbytes(4096)
    assert len(zlib.compress(random_bytes, 1)) >= 0.9 * len(random_bytes)
    assert _encoding(nodes, random_bytes) == "raw"  # does not compress well enough
