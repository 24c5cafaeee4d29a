"""The parse phase of an import, part by part, without a store (sync/inbound.py).

:func:`parse_bundle` gets the parts of a bundle already authenticated: what a rogue center (or
a thief with a center's keys) can still put in them is checked here, one rule at a time, with
the value at each limit and one past it, and the refusal's words. The bundles behind these parts
were signed by an enrolled node, so none of this is caught by the container.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from legalaid_desktop.domain.errors import BundleContentInvalid, BundleTooNew, EnrollmentRejected
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.domain.reference import ReferenceCatalog, ReferenceItem, ReferenceList
from legalaid_desktop.sync import strictjson
from legalaid_desktop.sync.audit_anchor import AuditAnchor
from legalaid_desktop.sync.container import BundleHeader, OpenedBundle
from legalaid_desktop.sync.enrollment import parse_roster
from legalaid_desktop.sync.export import schema_version
from legalaid_desktop.sync.inbound import (
    Ack,
    Transfer,
    Trust,
    check_schema,
    parse_bundle,
    refuse_revoked,
)
from sync_support import client_record, jsonl, meta_part, stamp

PREV = "ab" * 32
HASH = "cd" * 32
CASE = "0190a0b1-0000-7000-8000-000000000001"
TRANSFER = "0190a0b1-0000-7000-8000-000000000002"


def _header(sender: str = "GNJ") -> BundleHeader:
    return BundleHeader(
        format_version=1,
        bundle_id=new_id(),
        sender=sender,
        recipient="BAK",
        seq=7,
        prev_hash=PREV,
        created="2026-12-07T05:00:00Z",
        schema_version=schema_version(),
        stanzas=(),
        header_hash=b"\x00" * 32,
        file_size=4096,
    )


def _opened(parts: dict[str, bytes], audit: AuditAnchor | None = None) -> OpenedBundle:
    header = _header()
    return OpenedBundle(
        header=header, bundle_hash=HASH, author=header.sender, manifest=(), parts=parts, audit=audit
    )


def _parts(**replaced: bytes) -> dict[str, bytes]:
    parts = {"meta": meta_part("GNJ"), "acks": b"[]", "changes": jsonl([client_record("GNJ")])}
    parts.update(replaced)
    return parts


def _json(value: Any) -> bytes:
    return strictjson.dumps(value)


def _refused(
    parts: dict[str, bytes], *, from_hq: bool = False, audit: AuditAnchor | None = None
) -> str:
    with pytest.raises(BundleContentInvalid) as caught:
        parse_bundle(_opened(parts, audit), from_hq=from_hq)
    return str(caught.value)


def _words(detail: str) -> str:
    return f"The bundle's contents are not valid: {detail}. Nothing was imported."


# --- the whole bundle -----------------------------------------------------------------------------


def test_a_good_bundle_is_handed_on_whole() -> None:
    first, second = client_record("GNJ"), client_record("GNJ", name="Həsənov Orxan")
    ack = {"node": "BAK", "seq": 3, "hash": "ef" * 32, "hlc": stamp("BAK")}
    parts = _parts(acks=_json([ack]), changes=jsonl([first, second]))
    parsed = parse_bundle(_opened(parts), from_hq=False)
    assert (parsed.peer, parsed.seq, parsed.prev_hash) == ("GNJ", 7, PREV)
    assert (parsed.bundle_hash, parsed.created) == (HASH, "2026-12-07T05:00:00Z")
    assert [(r.spec.name, r.id) for r in parsed.records] == [
        ("clients", first["id"]),
        ("clients", second["id"]),
    ]
    assert parsed.acks == [Ack("BAK", 3, "ef" * 32, ack["hlc"])]
    assert parsed.meta == strictjson.loads(meta_part("GNJ"))
    assert parsed.attachments == {}
    assert (parsed.roster, parsed.reference, parsed.transfers) == (None, None, [])
    assert (parsed.audit, parsed.audit_hashes) == (None, [])


def test_an_empty_change_list_is_a_bundle() -> None:
    parsed = parse_bundle(_opened(_parts(changes=b"")), from_hq=False)
    assert parsed.records == []


# --- which parts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["roster", "reference", "transfers", "audit", "users"])
def test_a_center_sends_only_its_own_parts(name: str) -> None:
    message = _refused(_parts(**{name: b"[]"}))
    assert message == _words(f"the part {name} is not expected from GNJ")


def test_hq_may_send_roster_reference_and_transfers_but_no_audit_part_without_an_anchor() -> None:
    roster = {"version": 1, "nodes": [], "hq_recovery_public": None}
    parts = _parts(roster=_json(roster), reference=b"[]", transfers=b"[]")
    parsed = parse_bundle(_opened(parts), from_hq=True)
    assert parsed.roster == parse_roster(roster)
    assert parsed.reference == ReferenceCatalog([])
    assert parsed.transfers == []
    assert _refused(_parts(audit=b"[]"), from_hq=True) == _words(
        "the part audit is not expected from GNJ"
    )


@pytest.mark.parametrize("name", ["meta", "acks", "changes"])
def test_each_common_part_is_required(name: str) -> None:
    parts = _parts()
    del parts[name]
    assert _refused(parts) == _words(f"the part {name} is missing")


@pytest.mark.parametrize("name", ["meta", "acks", "roster", "reference", "transfers"])
def test_a_part_that_is_not_json_is_named(name: str) -> None:
    with pytest.raises(Exception) as reason:
        strictjson.loads(b"{", max_depth=8)
    message = _refused(_parts(**{name: b"{"}), from_hq=True)
    assert message == _words(f"the part {name}: {reason.value}")


def test_a_part_may_nest_eight_levels_and_no_more() -> None:
    def nested(levels: int) -> dict[str, Any]:
        value: Any = 1
        for _ in range(levels - 1):  # meta itself is the first level
            value = {"a": value}
        return value

    deep = strictjson.loads(meta_part("GNJ"))
    deep["counts"] = nested(8)
    parse_bundle(_opened(_parts(meta=_json(deep))), from_hq=False)
    deep["counts"] = nested(9)
    message = _refused(_parts(meta=_json(deep)))
    assert message == _words(
        "the part meta: Invalid data: arrays and objects are nested more than 8 levels deep"
    )


def test_a_part_over_64_mib_is_refused_by_its_size() -> None:
    limit = 64 * 1024 * 1024
    message = _refused(_parts(meta=b" " * (limit + 1)))
    assert message == _words(
        f"the part meta: Invalid data: the document is {limit + 1} bytes; at most {limit} "
        "are allowed"
    )


# --- meta -----------------------------------------------------------------------------------------

_FIELDS = "the part meta does not have the expected fields"


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        pytest.param({"node": "QBA"}, "the part meta does not match the bundle", id="other-node"),
        pytest.param({"schema": "0000"}, "the part meta does not match the bundle", id="schema"),
        pytest.param({"counts": []}, _FIELDS, id="counts-list"),
        pytest.param({"reference": []}, _FIELDS, id="reference-list"),
        pytest.param({"max_change_seq": "1"}, _FIELDS, id="seq-text"),
        pytest.param({"max_change_seq": True}, _FIELDS, id="seq-bool"),
        pytest.param({"full": 1}, _FIELDS, id="full-int"),
        pytest.param({"name": 5}, _FIELDS, id="name-int"),
        pytest.param({"name": "ə" * 201}, _FIELDS, id="name-201"),
        pytest.param({"extra": 1}, _FIELDS, id="extra-field"),
    ],
)
def test_meta_refused(change: dict[str, Any], detail: str) -> None:
    meta = strictjson.loads(meta_part("GNJ"))
    meta.update(change)
    assert _refused(_parts(meta=_json(meta))) == _words(detail)


def test_meta_without_a_field_or_not_an_object() -> None:
    for field in ("schema", "node", "name", "counts", "reference", "max_change_seq", "full"):
        value = strictjson.loads(meta_part("GNJ"))
        del value[field]
        assert _refused(_parts(meta=_json(value))) == _words(_FIELDS)
    assert _refused(_parts(meta=b"[]")) == _words(_FIELDS)


def test_meta_at_its_limits() -> None:
    meta = meta_part("GNJ", name="ə" * 200, max_change_seq=0, full=True, counts={"a": 1})
    assert parse_bundle(_opened(_parts(meta=meta)), from_hq=False).meta["name"] == "ə" * 200


# --- acknowledgements -----------------------------------------------------------------------------


def _ack(**change: Any) -> dict[str, Any]:
    ack = {"node": "BAK", "seq": 1, "hash": "0f" * 32, "hlc": stamp("BAK")}
    ack.update(change)
    return ack


def test_sixteen_acknowledgements_and_no_more() -> None:
    acks = [_ack(seq=n) for n in range(1, 17)]
    parsed = parse_bundle(_opened(_parts(acks=_json(acks))), from_hq=False)
    assert [a.seq for a in parsed.acks] == list(range(1, 17))
    listed = _words("the part acks is not a list of acknowledgements")
    assert _refused(_parts(acks=_json([*acks, _ack(seq=17)]))) == listed
    assert _refused(_parts(acks=b"{}")) == listed
    # Sixteen of anything pass the length check and are read one by one.
    assert _refused(_parts(acks=_json([0] * 16))) == _words(
        "an acknowledgement does not have the expected fields"
    )


@pytest.mark.parametrize(
    "ack",
    [
        pytest.param(_ack(node="bak!"), id="node-pattern"),
        pytest.param(_ack(node="N" * 17), id="node-17"),
        pytest.param(_ack(node=5), id="node-int"),
        pytest.param(_ack(seq=0), id="seq-0"),
        pytest.param(_ack(seq=-1), id="seq-negative"),
        pytest.param(_ack(seq="1"), id="seq-text"),
        pytest.param(_ack(seq=True), id="seq-bool"),
        pytest.param(_ack(hash="0F" * 32), id="hash-upper"),
        pytest.param(_ack(hash="0f" * 31), id="hash-short"),
        pytest.param(_ack(hash="0f" * 32 + "0"), id="hash-long"),
        pytest.param(_ack(hash=None), id="hash-null"),
        pytest.param(_ack(hlc="yesterday"), id="stamp"),
        pytest.param(_ack(hlc=5), id="stamp-int"),
    ],
)
def test_an_acknowledgement_not_valid(ack: dict[str, Any]) -> None:
    assert _refused(_parts(acks=_json([ack]))) == _words("an acknowledgement is not valid")


def test_an_acknowledgement_with_other_fields() -> None:
    extra = {**_ack(), "more": 1}
    short = _ack()
    del short["hlc"]
    for ack in (extra, short, [1]):
        assert _refused(_parts(acks=_json([ack]))) == _words(
            "an acknowledgement does not have the expected fields"
        )


def test_an_acknowledgement_at_its_limits() -> None:
    ack = _ack(node="N" * 16)
    parsed = parse_bundle(_opened(_parts(acks=_json([ack]))), from_hq=False)
    assert parsed.acks == [Ack("N" * 16, 1, "0f" * 32, ack["hlc"])]


# --- transfers (from HQ) --------------------------------------------------------------------------


def _transfer(**change: Any) -> dict[str, Any]:
    item = {
        "id": TRANSFER,
        "case_id": CASE,
        "number": "GNJ-2026-00012",
        "from": "GNJ",
        "to": "QBA",
        "hlc": stamp("BAK"),
        "reason": "Müştəri Qubaya köçdü",
    }
    item.update(change)
    return item


def test_transfers_are_read_field_by_field() -> None:
    item = _transfer(number="N" * 24, reason="r" * 500)
    short = _transfer(id=CASE, case_id=TRANSFER, number="7", reason="")
    parsed = parse_bundle(_opened(_parts(transfers=_json([item, short]))), from_hq=True)
    assert parsed.transfers == [
        Transfer(TRANSFER, CASE, "N" * 24, "GNJ", "QBA", item["hlc"], "r" * 500),
        Transfer(CASE, TRANSFER, "7", "GNJ", "QBA", short["hlc"], ""),
    ]


def test_transfers_at_most_a_hundred_thousand() -> None:
    listed = _words("the part transfers is not a list of transfers")
    assert _refused(_parts(transfers=_json([0] * 100_001)), from_hq=True) == listed
    assert _refused(_parts(transfers=b"{}"), from_hq=True) == listed
    assert _refused(_parts(transfers=_json([0] * 100_000)), from_hq=True) == _words(
        "a transfer does not have the expected fields"
    )


@pytest.mark.parametrize(
    "item",
    [
        pytest.param(_transfer(id="not-a-uuid"), id="id"),
        pytest.param(_transfer(id="0" * 8 + "-0000-4000-8000-" + "0" * 12), id="id-uuid4"),
        pytest.param(_transfer(case_id="not-a-uuid"), id="case"),
        pytest.param(_transfer(number=""), id="number-empty"),
        pytest.param(_transfer(number="N" * 25), id="number-25"),
        pytest.param(_transfer(number=12), id="number-int"),
        pytest.param(_transfer(**{"from": "gnj!"}), id="from"),
        pytest.param(_transfer(to="Q" * 17), id="to-17"),
        pytest.param(_transfer(hlc="later"), id="stamp"),
        pytest.param(_transfer(reason=None), id="reason-null"),
        pytest.param(_transfer(reason="r" * 501), id="reason-501"),
    ],
)
def test_a_transfer_not_valid(item: dict[str, Any]) -> None:
    assert _refused(_parts(transfers=_json([item])), from_hq=True) == _words(
        "a transfer is not valid"
    )


def test_a_transfer_with_other_fields() -> None:
    short = _transfer()
    del short["reason"]
    for item in ({**_transfer(), "by": "admin"}, short, "x"):
        assert _refused(_parts(transfers=_json([item])), from_hq=True) == _words(
            "a transfer does not have the expected fields"
        )


# --- reference lists (from HQ) --------------------------------------------------------------------


def _item(code: Any = "AZ-GA", **change: Any) -> dict[str, Any]:
    item = {"code": code, "labels": {"az": "Gəncə", "ru": "Гянджа"}, "extra": {"n": 1}}
    item.update(change)
    return item


def _list(kind: Any = "region", version: Any = 3, items: Any = None) -> dict[str, Any]:
    return {"kind": kind, "version": version, "items": [_item()] if items is None else items}


def _reference_refused(value: Any) -> str:
    return _refused(_parts(reference=_json(value)), from_hq=True)


def test_reference_lists_are_read_item_by_item() -> None:
    lists = [
        _list(kind="k" * 32, version=2**31 - 1, items=[_item("c" * 32), _item("B")]),
        _list(kind="court", version=0, items=[_item(labels={"l" * 8: "x" * 300})]),
    ]
    parsed = parse_bundle(_opened(_parts(reference=_json(lists))), from_hq=True)
    assert parsed.reference == ReferenceCatalog(
        [
            ReferenceList(
                kind="k" * 32,
                version=2**31 - 1,
                items=(
                    ReferenceItem("c" * 32, {"az": "Gəncə", "ru": "Гянджа"}, {"n": 1}),
                    ReferenceItem("B", {"az": "Gəncə", "ru": "Гянджа"}, {"n": 1}),
                ),
            ),
            ReferenceList(
                kind="court",
                version=0,
                items=(ReferenceItem("AZ-GA", {"l" * 8: "x" * 300}, {"n": 1}),),
            ),
        ]
    )


def test_reference_lists_at_most_two_hundred_of_ten_thousand_items() -> None:
    assert _reference_refused([0] * 201) == _words(
        "the part reference is not a list of reference lists"
    )
    assert _reference_refused({}) == _words("the part reference is not a list of reference lists")
    assert _reference_refused([0] * 200) == _words(
        "a reference list does not have the expected fields"
    )
    assert _reference_refused([_list(items=[0] * 10_001)]) == _words(
        "a reference list is not valid"
    )
    assert _reference_refused([_list(items=[0] * 10_000)]) == _words(
        "a reference item does not have the expected fields"
    )


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(_list(kind=""), id="kind-empty"),
        pytest.param(_list(kind="k" * 33), id="kind-33"),
        pytest.param(_list(kind=5), id="kind-int"),
        pytest.param(_list(version=-1), id="version-negative"),
        pytest.param(_list(version=2**31), id="version-2^31"),
        pytest.param(_list(version="3"), id="version-text"),
        pytest.param(_list(items={}), id="items-object"),
    ],
)
def test_a_reference_list_not_valid(entry: dict[str, Any]) -> None:
    assert _reference_refused([entry]) == _words("a reference list is not valid")


def test_a_reference_list_with_other_fields() -> None:
    short = _list()
    del short["items"]
    entries: list[Any] = [{**_list(), "by": "HQ"}, short, []]
    for entry in entries:
        assert _reference_refused([entry]) == _words(
            "a reference list does not have the expected fields"
        )


@pytest.mark.parametrize(
    "item",
    [
        pytest.param(_item(""), id="code-empty"),
        pytest.param(_item("c" * 33), id="code-33"),
        pytest.param(_item(code=7), id="code-int"),
        pytest.param(_item(labels=[]), id="labels-list"),
        pytest.param(_item(extra=[]), id="extra-list"),
        pytest.param(_item(labels={"": "x"}), id="language-empty"),
        pytest.param(_item(labels={"l" * 9: "x"}), id="language-9"),
        pytest.param(_item(labels={"az": 5}), id="label-int"),
        pytest.param(_item(labels={"az": "x" * 301}), id="label-301"),
        pytest.param(_item(labels={"az": "Gəncə", "ru": None}), id="second-label-null"),
    ],
)
def test_a_reference_item_not_valid(item: dict[str, Any]) -> None:
    assert _reference_refused([_list(items=[item])]) == _words("a reference item is not valid")


def test_a_reference_item_with_other_fields() -> None:
    short = _item()
    del short["extra"]
    for item in ({**_item(), "x": 1}, short, "AZ-GA"):
        assert _reference_refused([_list(items=[item])]) == _words(
            "a reference item does not have the expected fields"
        )


def test_a_code_twice_in_a_list_or_a_list_twice() -> None:
    assert _reference_refused([_list(items=[_item("A"), _item("A")])]) == _words(
        "a reference list repeats a code"
    )
    assert _reference_refused([_list(), _list(version=4)]) == _words(
        "a reference list appears twice"
    )


# --- roster (from HQ) -----------------------------------------------------------------------------


def test_a_roster_hq_may_not_have_sent_is_refused_in_the_rosters_words() -> None:
    bad = {"version": -1, "nodes": [], "hq_recovery_public": None}
    with pytest.raises(EnrollmentRejected) as reason:
        parse_roster(bad)
    assert _refused(_parts(roster=_json(bad)), from_hq=True) == _words(str(reason.value))


# --- changes and attachments ----------------------------------------------------------------------


def test_changes_not_json_lines_are_named() -> None:
    with pytest.raises(Exception) as reason:
        strictjson.loads_lines(b"{}")
    assert _refused(_parts(changes=b"{}")) == _words(f"the part changes: {reason.value}")


def test_changes_at_most_two_million_lines_and_256_mib() -> None:
    assert _refused(_parts(changes=b"\n" * 2_000_001)) == _words(
        "the part changes: Invalid data: the document has 2000001 lines; at most 2000000 "
        "are allowed"
    )
    # Two million lines pass the count and are then read: the first one is empty.
    assert _refused(_parts(changes=b"\n" * 2_000_000)) == _words(
        "the part changes: Invalid data: Expecting value (line 1)"
    )
    limit = 256 * 1024 * 1024
    assert _refused(_parts(changes=b"\n" * (limit + 1))) == _words(
        f"the part changes: Invalid data: the document is {limit + 1} bytes; at most {limit} "
        "are allowed"
    )


def test_an_invalid_record_is_named_by_its_line() -> None:
    bad = {**client_record("GNJ"), "t": "users"}
    with pytest.raises(BundleContentInvalid) as refused:
        parse_bundle(_opened(_parts(changes=jsonl([client_record("GNJ"), bad]))), from_hq=False)
    assert str(refused.value).startswith("The bundle holds an invalid record (line 2): ")


def test_a_row_twice_names_the_second_line() -> None:
    record = client_record("GNJ")
    other = client_record("GNJ")
    changes = jsonl([record, other, record])
    assert _refused(_parts(changes=changes)) == _words("a row appears twice (line 3)")


def _attachment(content: bytes, file_name: str = "ərizə.pdf") -> dict[str, Any]:
    digest = hashlib.sha256(content).hexdigest()
    return {
        "t": "attachments",
        "id": new_id(),
        "o": "GNJ",
        "u": "admin",
        "x": {"added_at": "2026-01-05T10:00:00.000Z"},
        "g": {
            "file": {
                "c": stamp("GNJ"),
                "v": {
                    "case_id": CASE,
                    "client_id": None,
                    "file_name": file_name,
                    "media_type": "application/pdf",
                    "size": len(content),
                    "sha256": digest,
                    "content": digest,
                },
            }
        },
        "d": None,
    }


def test_attachments_come_with_their_records_and_plain_names() -> None:
    scan, letter = b"%PDF scanned", b"%PDF letter"
    records = [_attachment(scan, "../../etc/passwd"), _attachment(letter, "")]
    parts = _parts(changes=jsonl(records))
    parts["att/" + hashlib.sha256(scan).hexdigest()] = scan
    parts["att/" + hashlib.sha256(letter).hexdigest()] = letter
    parsed = parse_bundle(_opened(parts), from_hq=False)
    assert parsed.attachments == {
        hashlib.sha256(scan).hexdigest(): scan,
        hashlib.sha256(letter).hexdigest(): letter,
    }
    names = [r.value("file_name") for r in parsed.records]
    assert names == ["passwd", ""]  # a path is cut to its name; an emptied one stays empty


def test_an_attachment_no_record_refers_to_or_a_record_without_its_attachment() -> None:
    scan = b"%PDF scanned"
    stray = _parts()
    stray["att/" + hashlib.sha256(scan).hexdigest()] = scan
    assert _refused(stray) == _words("the bundle holds an attachment no record refers to")
    missing = _parts(changes=jsonl([_attachment(scan)]))
    assert "the content of an attachment is missing" in _refused(missing)


# --- the audit part -------------------------------------------------------------------------------


def _anchor(count: int, since: int, head: str) -> AuditAnchor:
    return AuditAnchor(
        count=count, head=head, since=since, since_hash="00" * 32, ack_count=0, ack_head="00" * 32
    )


def test_the_audit_part_goes_with_the_anchor() -> None:
    hashes = ["11" * 32, "22" * 32]
    anchor = _anchor(5, 3, "22" * 32)
    parsed = parse_bundle(_opened(_parts(audit=_json(hashes)), anchor), from_hq=False)
    assert (parsed.audit, parsed.audit_hashes) == (anchor, hashes)
    assert _refused(_parts(), audit=anchor) == _words("the part audit is missing")
    assert _refused(_parts(audit=_json(hashes[:1])), audit=anchor) == _words(
        "the list of audit hashes does not match the audit anchor"
    )


def test_the_audit_part_is_a_flat_list() -> None:
    anchor = _anchor(1, 0, "22" * 32)
    two_levels = _refused(_parts(audit=_json([["22" * 32]])), audit=anchor)
    assert two_levels == _words("the list of audit hashes holds something other than hashes")
    deep = _refused(_parts(audit=_json([[["22" * 32]]])), audit=anchor)
    assert deep == _words(
        "the part audit: Invalid data: arrays and objects are nested more than 2 levels deep"
    )


# --- schema and revoked senders -------------------------------------------------------------------


def test_a_newer_schema_is_refused_in_words() -> None:
    check_schema("0007", ["0006", "0007"])
    with pytest.raises(BundleTooNew) as refused:
        check_schema("0008", iter(["0006", "0007"]))
    assert str(refused.value) == (
        "This bundle was made by a newer version of LegalAid (database version 0008). "
        "Upgrade the app to import it."
    )


def test_a_revoked_sender_is_refused_in_words() -> None:
    from legalaid_desktop.domain.errors import UnknownSender

    trust = Trust(me="BAK", keys=None, pins={}, revoked=frozenset({"QBA"}), hq=True)
    refuse_revoked(_header("GNJ"), trust)
    with pytest.raises(UnknownSender) as refused:
        refuse_revoked(_header("QBA"), trust)
    assert str(refused.value) == (
        "Security alert: the bundle comes from QBA, which was revoked. It was refused."
    )
