"""Strict JSON Lines, change-record checks and enrollment helpers (no store needed)."""

from __future__ import annotations

from typing import Any

import pytest

from legalaid_desktop.domain.errors import (
    BundleContentInvalid,
    EnrollmentRejected,
    FingerprintNotConfirmed,
    InvalidJSON,
)
from legalaid_desktop.sync import enrollment, strictjson
from legalaid_desktop.sync.keys import NodeKeys
from legalaid_desktop.sync.records import StampCache, check_record, table_specs
from sync_support import client_record


def test_loads_lines_reads_one_value_per_line() -> None:
    assert strictjson.loads_lines(b"") == []
    assert strictjson.loads_lines(b'{"a":1}\n[2,"\xc9\x99"]\n') == [{"a": 1}, [2, "ə"]]


@pytest.mark.parametrize(
    "data",
    [
        b'{"a":1}',  # no final newline
        b'{"a":1}\n\n',  # blank line
        b' {"a":1}\n',  # whitespace before
        b'{"a":1} \n',  # whitespace after
        b'{"a":\n1}\n',  # a value over two lines
        b'{"a":1}{"b":2}\n',  # two values on a line
        b'{"a":1,"a":2}\n',
        b"[NaN]\n",
        b"[1e400]\n",
        b'["\\udc00"]\n',
        b"[" + b"9" * 40 + b"]\n",
        b"[" * 50 + b"]" * 50 + b"\n",
        b'\r{"a":1}\n',
    ],
)
def test_loads_lines_refuses(data: bytes) -> None:
    with pytest.raises(InvalidJSON):
        strictjson.loads_lines(data)


def test_loads_lines_limits() -> None:
    with pytest.raises(InvalidJSON, match="lines"):
        strictjson.loads_lines(b"1\n2\n3\n", max_lines=2)
    with pytest.raises(InvalidJSON):
        strictjson.loads_lines(b"1\n" * 10, max_size=5)


def test_allow_list_is_the_synced_tables_in_foreign_key_order() -> None:
    order = list(table_specs())
    assert set(order) == {
        "clients",
        "consents",
        "campaigns",
        "cases",
        "corruption_details",
        "consultations",
        "parties",
        "deadlines",
        "attachments",
        "conflict_decisions",
        "corrections",
        "referrals",
        "user_roster",
    }
    assert order.index("clients") < order.index("cases") < order.index("consultations")
    assert order.index("cases") < order.index("conflict_decisions")
    assert order.index("cases") < order.index("corrections")
    assert order.index("campaigns") < order.index("cases")


def test_a_valid_record_is_accepted() -> None:
    raw = client_record("GNJ")
    record = check_record(raw, 1, StampCache())
    assert record.spec.name == "clients" and record.value("node_code") == "GNJ"
    assert record.max_stamp == raw["g"]["identity"]["c"]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("g", "identity", "v", "birth_year"), 2**63),
        (("g", "identity", "v", "full_name"), ["not", "text"]),
        (("g", "contact", "c"), "019a4f2c7b3e0002"),
        (("o",), "G N J"),
        (("u",), "u" * 65),
    ],
)
def test_a_wrong_value_is_refused(path: tuple[str, ...], value: Any) -> None:
    raw = client_record("GNJ")
    target = raw
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(BundleContentInvalid):
        check_record(raw, 1, StampCache())


def test_enrollment_request_roundtrip_and_tampering() -> None:
    keys = NodeKeys.generate("GNJ")
    data = enrollment.build_request(keys, "Gəncə", "center")
    request = enrollment.parse_request(data)
    assert request.code == "GNJ" and request.fingerprint == keys.public().fingerprint()
    with pytest.raises(EnrollmentRejected):
        enrollment.parse_request(data.replace("Gəncə".encode(), b"Quba!"))
    with pytest.raises(EnrollmentRejected):
        enrollment.parse_response(data)


def test_fingerprint_confirmation() -> None:
    fingerprint = NodeKeys.generate("GNJ").public().fingerprint()
    enrollment.require_fingerprint(fingerprint, fingerprint.replace(" ", "-"), "GNJ")
    enrollment.require_fingerprint(fingerprint, fingerprint.replace(" ", ""), "GNJ")
    with pytest.raises(FingerprintNotConfirmed, match="--fingerprint"):
        enrollment.require_fingerprint(fingerprint, None, "GNJ")
    other = NodeKeys.generate("GNJ").public().fingerprint()
    with pytest.raises(FingerprintNotConfirmed, match="does not match"):
        enrollment.require_fingerprint(fingerprint, other, "GNJ")
    with pytest.raises(FingerprintNotConfirmed):
        enrollment.require_fingerprint(fingerprint, fingerprint[:20], "GNJ")
