"""A node name in an enrollment file cannot carry control characters.

``legalaid enroll accept`` on a terminal prints "Fingerprint of GNJ (<name>):" and the
fingerprint, then asks whether the center read the same digits by phone. Anyone can write a
request (it is only self-signed), so a name holding a newline and terminal escape sequences
could erase the real fingerprint line and print the genuine center's digits instead: HQ would
confirm, and pin the forger's keys as the center's. Names with control or formatting characters
(newlines, escapes, bidirectional overrides) are refused when the file is read.
"""

from __future__ import annotations

from typing import Any

import pytest

from legalaid_desktop.domain.errors import EnrollmentRejected
from legalaid_desktop.sync import enrollment, strictjson
from legalaid_desktop.sync.keys import NodeKeys

FAKE_LINE = "GNJ):\n    12345 67890 12345 67890 12345 67890\n\x1b[1A\x1b[2K\x1b[1A"
HOSTILE_NAMES = [FAKE_LINE, "Gəncə\rmərkəzi", "Gəncə \u202emərkəzi", "tab\there", "nul\x00"]


@pytest.fixture(scope="module")
def center() -> NodeKeys:
    return NodeKeys.generate("GNJ")


@pytest.fixture(scope="module")
def hq() -> NodeKeys:
    return NodeKeys.generate("BAK")


def _roster(name: str, *nodes: NodeKeys) -> enrollment.Roster:
    return enrollment.Roster(
        version=1,
        nodes=tuple(
            enrollment.RosterNode(k.node_code, name, "center", "enrolled", k.public())
            for k in nodes
        ),
        hq_recovery_public=None,
    )


def _signed(keys: NodeKeys, domain: bytes, body: dict[str, Any]) -> bytes:
    """A file signed as the writer signs, around a body the writer would not write."""
    return enrollment._sign(keys, domain, body)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_request_naming_its_center_with_control_characters_is_refused(
    center: NodeKeys, name: str
) -> None:
    """Anyone can write a request: it is self-signed, with whatever name the forger likes."""
    body = strictjson.loads(enrollment.build_request(center, "Gəncə", "center"))["body"]
    body["node"]["name"] = name
    with pytest.raises(EnrollmentRejected, match="node name"):
        enrollment.parse_request(_signed(center, enrollment._REQUEST_DOMAIN, body))


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_response_naming_hq_with_control_characters_is_refused(
    center: NodeKeys, hq: NodeKeys, name: str
) -> None:
    request = enrollment.parse_request(enrollment.build_request(center, "Gəncə mərkəzi", "center"))
    data = enrollment.build_response(hq, "Bakı", request, _roster("Gəncə mərkəzi", center))
    body = strictjson.loads(data)["body"]
    body["hq"]["name"] = name
    with pytest.raises(EnrollmentRejected, match="node name"):
        enrollment.parse_response(_signed(hq, enrollment._RESPONSE_DOMAIN, body))


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_roster_naming_a_node_with_control_characters_is_refused(
    center: NodeKeys, name: str
) -> None:
    roster = enrollment.roster_to_dict(_roster("Gəncə", center))
    roster["nodes"][0]["name"] = name
    with pytest.raises(EnrollmentRejected, match="node name"):
        enrollment.parse_roster(roster)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_name_stored_before_is_written_so_that_every_reader_accepts_it(
    center: NodeKeys, hq: NodeKeys, name: str
) -> None:
    """A rogue center's name already in HQ's roster must not make HQ's files unreadable."""
    request = enrollment.parse_request(enrollment.build_request(center, name, "center"))
    assert request.name.isprintable()
    response = enrollment.parse_response(
        enrollment.build_response(hq, name, request, _roster(name, center))
    )
    assert response.hq_name.isprintable()
    assert response.roster.nodes[0].name == enrollment.printable_name(name)
    assert "\ufffd" in response.roster.nodes[0].name


def test_ordinary_names_in_any_script_are_kept(center: NodeKeys, hq: NodeKeys) -> None:
    for name in ("Gəncə mərkəzi", "Гянджинский центр", "Qəbələ — «Hüquq» (2)"):
        request = enrollment.parse_request(enrollment.build_request(center, name, "center"))
        assert request.name == name
        response = enrollment.parse_response(
            enrollment.build_response(hq, name, request, _roster(name, center))
        )
        assert response.hq_name == name
        assert response.roster.nodes[0].name == name
