"""Enrollment files: how a center and HQ learn each other's keys (DESIGN.md §6 "Trust").

1. The center writes a **request**: its code, name and public keys, signed with its own Ed25519
   key (which proves only that the file was not changed after it was written: anyone can make
   keys). HQ and the center then read the request's fingerprint to each other over the phone.
2. HQ checks the self-signature and that the fingerprint the person confirmed is the one in the
   file, pins the center's keys and writes a **response** signed with HQ's key: HQ's code and
   keys, the center's code and fingerprint, the roster of nodes, and HQ's recovery public key.
3. The center checks the response's signature with the HQ key inside it, that it answers *its*
   request, and that the HQ fingerprint the person confirmed is the one in the file; then it pins
   HQ.

Nothing here touches the store. Both files are one canonical strict-JSON object
``{"body": {...}, "signature": base64}``; the signature is Ed25519 over a domain string and the
canonical body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature

from legalaid_desktop.domain.errors import (
    EnrollmentRejected,
    FingerprintNotConfirmed,
    InvalidJSON,
    KeysRejected,
)
from legalaid_desktop.i18n import _
from legalaid_desktop.sync import strictjson
from legalaid_desktop.sync.keys import (
    ENCRYPTION_KEY_SIZE,
    NodeKeys,
    NodePublicKeys,
    check_node_code,
    decode_b64,
    encode_b64,
)

__all__ = [
    "MAX_FILE_SIZE",
    "EnrollmentRequest",
    "EnrollmentResponse",
    "Roster",
    "RosterNode",
    "build_request",
    "build_response",
    "fingerprints_match",
    "parse_request",
    "parse_response",
    "parse_roster",
    "printable_name",
    "require_fingerprint",
    "roster_to_dict",
]

MAX_FILE_SIZE = 1024 * 1024
"""Largest enrollment file accepted."""

REQUEST_TYPE = "legalaid/enrollment-request"
RESPONSE_TYPE = "legalaid/enrollment-response"
VERSION = 1
_REQUEST_DOMAIN = b"legalaid/enrollment-request/v1\x00"
_RESPONSE_DOMAIN = b"legalaid/enrollment-response/v1\x00"
_MAX_DEPTH = 8
_MAX_NAME = 200
_MAX_ROSTER_NODES = 1000
_KINDS = ("center", "hq")
_STATES = ("enrolled", "revoked")
_CREATED_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_FINGERPRINT_DIGITS = 30


def _rejected(detail: str) -> EnrollmentRejected:
    return EnrollmentRejected(_("The enrollment file is not valid: {detail}").format(detail=detail))


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- fingerprints -------------------------------------------------------------------------------


def _digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


def fingerprints_match(expected: str, typed: str) -> bool:
    """Whether ``typed`` (spaces, dashes or nothing between the groups) is ``expected``."""
    digits = _digits(typed)
    return len(digits) == _FINGERPRINT_DIGITS and digits == _digits(expected)


def require_fingerprint(expected: str, confirmed: str | None, who: str) -> None:
    """Refuse unless a person confirmed ``expected`` (the fingerprint read out by phone).

    Args:
        expected: The fingerprint computed from the file.
        confirmed: What the person confirmed, or None if they did not.
        who: The node the fingerprint belongs to (for the message).

    Raises:
        FingerprintNotConfirmed: ``confirmed`` is None or another fingerprint.
    """
    if confirmed is None:
        raise FingerprintNotConfirmed(
            _(
                "The fingerprint of {node} is {fingerprint}. Compare the fingerprint with the "
                "other side by phone, then run again with --fingerprint."
            ).format(node=who, fingerprint=expected)
        )
    if not fingerprints_match(expected, confirmed):
        raise FingerprintNotConfirmed(
            _(
                "The fingerprint you confirmed does not match the one in the file "
                "({fingerprint}). Do not enroll: the file may not come from {node}."
            ).format(fingerprint=expected, node=who)
        )


# --- the roster ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterNode:
    """One node as HQ lists it.

    Attributes:
        code: The node code.
        name: Its name.
        kind: ``center`` or ``hq``.
        enrollment: ``enrolled`` or ``revoked``.
        keys: Its public keys (None if it has none yet).
    """

    code: str
    name: str
    kind: str
    enrollment: str
    keys: NodePublicKeys | None


@dataclass(frozen=True)
class Roster:
    """HQ's signed list of nodes (it travels inside HQ-signed files only).

    Attributes:
        version: Raised by HQ on every change; a node applies only a newer version.
        nodes: The nodes.
        hq_recovery_public: HQ's recovery public key (encoded), to add to every bundle.
    """

    version: int
    nodes: tuple[RosterNode, ...]
    hq_recovery_public: bytes | None


def printable_name(name: str) -> str:
    """``name`` as the readers accept it: every control or formatting character replaced.

    The writers use it, so that a name stored before the readers refused such characters (for
    instance a rogue center's, now in HQ's roster) cannot make HQ's files unreadable everywhere.
    """
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in name)


def roster_to_dict(roster: Roster) -> dict[str, Any]:
    """The roster as a JSON-ready object."""
    return {
        "version": roster.version,
        "nodes": [
            {
                "code": n.code,
                "name": printable_name(n.name),
                "kind": n.kind,
                "enrollment": n.enrollment,
                "keys": n.keys.to_dict() if n.keys is not None else None,
            }
            for n in roster.nodes
        ],
        "hq_recovery_public": (
            encode_b64(roster.hq_recovery_public) if roster.hq_recovery_public else None
        ),
    }


def _text(value: object, what: str, limit: int = _MAX_NAME) -> str:
    """A name from a file: a short, non-empty string of printable characters only.

    No control or formatting characters: ``enroll accept`` prints the name next to the
    fingerprint HQ is asked to confirm, and a newline with terminal escape sequences could show
    other digits there (a bidirectional override could do the same in the GUI).
    """
    if type(value) is not str or not value or len(value) > limit or not value.isprintable():
        raise _rejected(_("the {what} is not valid").format(what=what))
    return value


def parse_roster(data: object) -> Roster:
    """Check a roster object (from an HQ-signed file).

    Raises:
        EnrollmentRejected: It is not exactly a roster.
    """
    if type(data) is not dict or data.keys() != {"version", "nodes", "hq_recovery_public"}:
        raise _rejected(_("the roster does not have the expected fields"))
    version = data["version"]
    if type(version) is not int or version < 0:
        raise _rejected(_("the roster version is not valid"))
    nodes_in = data["nodes"]
    if type(nodes_in) is not list or len(nodes_in) > _MAX_ROSTER_NODES:
        raise _rejected(_("the roster's list of nodes is not valid"))
    nodes: list[RosterNode] = []
    seen: set[str] = set()
    for item in nodes_in:
        if type(item) is not dict or item.keys() != {"code", "name", "kind", "enrollment", "keys"}:
            raise _rejected(_("a node of the roster does not have the expected fields"))
        try:
            code = check_node_code(item["code"])
            keys = NodePublicKeys.from_dict(item["keys"]) if item["keys"] is not None else None
        except KeysRejected as exc:
            raise _rejected(str(exc)) from None
        if len(code) > 16 or code in seen:
            raise _rejected(_("a node code of the roster is not valid or repeated"))
        seen.add(code)
        if keys is not None and keys.node_code != code:
            raise _rejected(_("the keys of {node} name another node").format(node=code))
        if item["kind"] not in _KINDS or item["enrollment"] not in _STATES:
            raise _rejected(_("the kind or state of {node} is not valid").format(node=code))
        nodes.append(
            RosterNode(
                code=code,
                name=_text(item["name"], _("node name")),
                kind=item["kind"],
                enrollment=item["enrollment"],
                keys=keys,
            )
        )
    recovery = data["hq_recovery_public"]
    public = None if recovery is None else _b64(recovery, ENCRYPTION_KEY_SIZE, _("recovery key"))
    return Roster(version=version, nodes=tuple(nodes), hq_recovery_public=public)


def _b64(value: object, size: int, what: str) -> bytes:
    try:
        return decode_b64(value, size=size, what=what)
    except KeysRejected as exc:
        raise _rejected(str(exc)) from None


# --- signed files -------------------------------------------------------------------------------


def _sign(keys: NodeKeys, domain: bytes, body: dict[str, Any]) -> bytes:
    canonical = strictjson.dumps(body, max_depth=_MAX_DEPTH)
    signature = keys.signing_key.sign(domain + canonical)
    return strictjson.dumps(
        {"body": body, "signature": encode_b64(signature)}, max_depth=_MAX_DEPTH
    )


def _open(data: bytes, expected_type: str) -> tuple[dict[str, Any], bytes]:
    """Parse a signed enrollment file; return its body and signature (not yet verified)."""
    if len(data) > MAX_FILE_SIZE:
        raise _rejected(_("the file is too large"))
    try:
        doc = strictjson.loads(data, max_depth=_MAX_DEPTH + 1, canonical=True)
    except InvalidJSON as exc:
        raise _rejected(str(exc)) from None
    if type(doc) is not dict or doc.keys() != {"body", "signature"}:
        raise _rejected(_("it is not an enrollment file"))
    body = doc["body"]
    if type(body) is not dict or body.get("type") != expected_type:
        raise _rejected(
            _("it is not an enrollment request")
            if expected_type == REQUEST_TYPE
            else _("it is not an enrollment response")
        )
    if body.get("version") != VERSION or type(body.get("version")) is not int:
        raise _rejected(_("it was written by another version of LegalAid"))
    signature = _b64(doc["signature"], 64, _("signature"))
    return body, signature


def _verify(keys: NodePublicKeys, domain: bytes, body: dict[str, Any], signature: bytes) -> None:
    try:
        keys.verify_key.verify(signature, domain + strictjson.dumps(body, max_depth=_MAX_DEPTH))
    except InvalidSignature:
        raise _rejected(
            _("its signature does not match; it was changed after it was written")
        ) from None


def _created(value: object) -> str:
    if type(value) is not str or _CREATED_RE.fullmatch(value) is None:
        raise _rejected(_("its date is not valid"))
    return value


@dataclass(frozen=True)
class EnrollmentRequest:
    """A center's verified enrollment request.

    Attributes:
        code: The center's code.
        name: Its name.
        kind: ``center`` (or ``hq``).
        keys: Its public keys.
        created: When it was written (UTC).
    """

    code: str
    name: str
    kind: str
    keys: NodePublicKeys
    created: str

    @property
    def fingerprint(self) -> str:
        """The fingerprint to compare by phone."""
        return self.keys.fingerprint()


def build_request(keys: NodeKeys, name: str, kind: str) -> bytes:
    """Write a self-signed enrollment request for this node."""
    body = {
        "type": REQUEST_TYPE,
        "version": VERSION,
        "node": {"code": keys.node_code, "name": printable_name(name), "kind": kind},
        "keys": keys.public().to_dict(),
        "created": _now(),
    }
    return _sign(keys, _REQUEST_DOMAIN, body)


def parse_request(data: bytes) -> EnrollmentRequest:
    """Parse and verify an enrollment request (its self-signature only).

    Raises:
        EnrollmentRejected: The file is not a valid, intact request.
    """
    body, signature = _open(data, REQUEST_TYPE)
    if body.keys() != {"type", "version", "node", "keys", "created"}:
        raise _rejected(_("the request does not have the expected fields"))
    node = body["node"]
    if type(node) is not dict or node.keys() != {"code", "name", "kind"}:
        raise _rejected(_("the request does not describe a node"))
    try:
        keys = NodePublicKeys.from_dict(body["keys"])
        code = check_node_code(node["code"])
    except KeysRejected as exc:
        raise _rejected(str(exc)) from None
    if keys.node_code != code or len(code) > 16:
        raise _rejected(_("the keys name another node"))
    if node["kind"] not in _KINDS:
        raise _rejected(_("the kind of node is not valid"))
    _verify(keys, _REQUEST_DOMAIN, body, signature)
    return EnrollmentRequest(
        code=code,
        name=_text(node["name"], _("node name")),
        kind=node["kind"],
        keys=keys,
        created=_created(body["created"]),
    )


@dataclass(frozen=True)
class EnrollmentResponse:
    """HQ's verified answer to an enrollment request.

    Attributes:
        hq_code: HQ's node code.
        hq_name: HQ's name.
        hq_keys: HQ's public keys.
        center: The code of the center it answers.
        center_fingerprint: The center's fingerprint as HQ pinned it.
        roster: The roster of nodes.
        created: When it was written (UTC).
    """

    hq_code: str
    hq_name: str
    hq_keys: NodePublicKeys
    center: str
    center_fingerprint: str
    roster: Roster
    created: str

    @property
    def fingerprint(self) -> str:
        """HQ's fingerprint, to compare by phone."""
        return self.hq_keys.fingerprint()


def build_response(
    hq_keys: NodeKeys, hq_name: str, request: EnrollmentRequest, roster: Roster
) -> bytes:
    """Write HQ's signed answer to ``request``."""
    body = {
        "type": RESPONSE_TYPE,
        "version": VERSION,
        "hq": {"code": hq_keys.node_code, "name": printable_name(hq_name)},
        "hq_keys": hq_keys.public().to_dict(),
        "center": request.code,
        "center_fingerprint": request.fingerprint,
        "roster": roster_to_dict(roster),
        "created": _now(),
    }
    return _sign(hq_keys, _RESPONSE_DOMAIN, body)


def parse_response(data: bytes) -> EnrollmentResponse:
    """Parse and verify an enrollment response with the HQ key it carries.

    The key is trusted only after a person confirmed its fingerprint (see
    :func:`require_fingerprint`).

    Raises:
        EnrollmentRejected: The file is not a valid, intact response.
    """
    body, signature = _open(data, RESPONSE_TYPE)
    expected = {
        "type",
        "version",
        "hq",
        "hq_keys",
        "center",
        "center_fingerprint",
        "roster",
        "created",
    }
    if body.keys() != expected:
        raise _rejected(_("the response does not have the expected fields"))
    hq = body["hq"]
    if type(hq) is not dict or hq.keys() != {"code", "name"}:
        raise _rejected(_("the response does not describe HQ"))
    try:
        hq_keys = NodePublicKeys.from_dict(body["hq_keys"])
        hq_code = check_node_code(hq["code"])
        center = check_node_code(body["center"])
    except KeysRejected as exc:
        raise _rejected(str(exc)) from None
    if hq_keys.node_code != hq_code:
        raise _rejected(_("the keys name another node"))
    _verify(hq_keys, _RESPONSE_DOMAIN, body, signature)
    fingerprint = body["center_fingerprint"]
    if type(fingerprint) is not str or len(_digits(fingerprint)) != _FINGERPRINT_DIGITS:
        raise _rejected(_("the center's fingerprint is not valid"))
    return EnrollmentResponse(
        hq_code=hq_code,
        hq_name=_text(hq["name"], _("node name")),
        hq_keys=hq_keys,
        center=center,
        center_fingerprint=fingerprint,
        roster=parse_roster(body["roster"]),
        created=_created(body["created"]),
    )
