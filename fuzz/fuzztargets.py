"""The fuzz targets: each takes any bytes and must end in success or a clean domain error.

A target returns normally when the reader accepted the input or refused it with the error its
callers expect (:class:`~legalaid_desktop.domain.errors.BundleRejected` for everything read
from a bundle, :class:`~legalaid_desktop.domain.errors.EnrollmentRejected` for enrollment files,
as their callers catch them), with a message of one short, printable line. Any other exception
escapes, and the fuzzer (or the smoke test) reports it as a bug in the reader.

The targets, by how deep into the reader they reach:

``bundle_file``
    The bytes are a whole bundle file, opened as the addressed node would open it
    (:func:`~legalaid_desktop.sync.container.open_bundle`, then the importer's
    :func:`~legalaid_desktop.sync.inbound.parse_bundle`). Magic, version, sizes and the
    header are parsed before any signature is checked, so this is what anyone can reach.
``bundle_contents``
    The bytes are the inside of a bundle: ``flags | manifest | SEP | stored parts`` (the flags
    can also ask for a given manifest length, a foreign inner signature or a given sealed content
    key, each read from the bytes after the flags). The target
    signs the manifest and seals the whole with the real keys of an enrolled node (as a center
    gone rogue can), then opens and parses it, reaching the manifest, the part sizes and
    checksums, decompression and every part's parser.
``import_parse``
    The bytes are the parts of an opened bundle (``flags | name NUL data | SEP | ...``), handed
    to the importer's parse phase directly: meta, acks, change records, attachments, roster,
    reference lists and transfers, without the cost of the cryptography.
``strictjson``
    The bytes are one JSON document or JSON Lines, through every mode of the strict parser;
    whatever it accepts must also be writable canonically and read back the same.
``enrollment``
    The bytes are an enrollment request or response, read as they are and, when they hold a
    body, re-signed with the key the file names (a request is self-signed; a response is signed
    by the HQ key it carries), so that mutations reach the fields, keys and roster behind the
    signature check.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from legalaid_desktop.domain.errors import BundleRejected, EnrollmentRejected, LegalAidError
from legalaid_desktop.sync import container, enrollment, strictjson
from legalaid_desktop.sync.container import format as bundle_format
from legalaid_desktop.sync.container import writer
from legalaid_desktop.sync.inbound import ParsedBundle, parse_bundle
from legalaid_desktop.sync.keys import NodeKeys, NodePublicKeys

SEP = b"\x00--8<--\x00"
"""Separates the manifest from the stored parts, and one part from the next."""

FLAG_FROM_HQ = 0x01
"""The bundle goes from HQ (``BAK``) to the center (``GNJ``); otherwise the other way."""
FLAG_MANIFEST_LENGTH = 0x02
"""``bundle_contents``: a 4-byte manifest length follows the flags instead of the real one."""
FLAG_FOREIGN_SIGNATURE = 0x04
"""``bundle_contents``: the manifest is signed by the other node's key, not the sender's."""
FLAG_STANZA = 0x08
"""``bundle_contents``: the next bytes (as many as a stanza holds) replace the sealed content key
in the signed header, so that decapsulation sees what a rogue sender can put there."""

_FIXED_FIELDS = {
    "bundle_id": "019a0000-0000-7000-8000-000000000000",
    "seq": 1,
    "prev_hash": None,
    "created": "2026-01-01T00:00:00Z",
}
_CONTENT_KEY = bytes(range(32))


@dataclass
class Fixture:
    """The two enrolled test nodes, HQ ``BAK`` and the center ``GNJ``, and what they share."""

    hq: NodeKeys
    center: NodeKeys

    def __post_init__(self) -> None:
        from legalaid_desktop.sync.export import schema_version

        self.schema = schema_version()
        self.pins = {"BAK": self.hq.public(), "GNJ": self.center.public()}
        self._headers: dict[bool, bytes] = {}
        self._fields: dict[bool, dict[str, Any]] = {}
        self.stanzas: dict[bool, bytes] = {}
        for from_hq in (True, False):
            sender, recipient = self.pair(from_hq)
            fields = writer._header_fields(
                sender.node_code,
                recipient.node_code,
                {**_FIXED_FIELDS, "schema_version": self.schema},
            )
            stanza = writer._seal_stanza(
                _CONTENT_KEY, recipient.node_code, recipient.public().hpke_key
            )
            self._fields[from_hq] = fields
            self.stanzas[from_hq] = stanza.sealed
            self._headers[from_hq] = writer._encode_header(fields, [stanza])

    def pair(self, from_hq: bool) -> tuple[NodeKeys, NodeKeys]:
        """(sender, recipient) for one direction."""
        return (self.hq, self.center) if from_hq else (self.center, self.hq)

    def sender_keys(self, code: str) -> NodePublicKeys | None:
        """The pinned keys, as a node's store would return them."""
        return self.pins.get(code)

    def open_real(self, raw: bytes) -> container.OpenedBundle:
        """Open a real bundle addressed to either test node."""
        header = container.read_header(io.BytesIO(raw))
        me = self.center if header.recipient == "GNJ" else self.hq
        return container.open_bundle(io.BytesIO(raw), me=me, sender_keys=self.sender_keys)

    def seal(self, from_hq: bool, plaintext: bytes, stanza: bytes | None = None) -> bytes:
        """A bundle with the fixed header around ``plaintext``, signed by the sender.

        ``stanza`` replaces the sealed content key of the recipient's stanza.
        """
        sender, recipient = self.pair(from_hq)
        header = self._headers[from_hq]
        if stanza is not None:
            header = writer._encode_header(
                self._fields[from_hq], [container.Stanza(recipient.node_code, stanza)]
            )
        out = io.BytesIO()
        writer._seal(
            out,
            signer=sender.signing_key,
            header=header,
            content_key=_CONTENT_KEY,
            plaintext=[plaintext],
        )
        return out.getvalue()

    def fixed_header(self, from_hq: bool) -> container.BundleHeader:
        """The parsed fixed header of one direction."""
        raw = self._headers[from_hq]
        return bundle_format._parse_header(raw, b"\x00" * 32, 0)


def load_fixture(work: Path) -> Fixture:
    """The keys written by ``make_corpus.py`` into ``work``."""
    path = work / "keys.json"
    if not path.exists():
        raise SystemExit(f"{path} is missing: run fuzz/make_corpus.py {work} first")
    stored = json.loads(path.read_text())
    return Fixture(
        NodeKeys.from_bytes(bytes.fromhex(stored["BAK"])),
        NodeKeys.from_bytes(bytes.fromhex(stored["GNJ"])),
    )


MAX_MESSAGE = 500
"""Longest message a refusal may carry: the CLI prints it as one line, the GUI shows it."""


def _clean(call: Callable[[], object], allowed: type[Exception] = BundleRejected) -> object:
    """Run ``call``; a refusal of the ``allowed`` kind is a clean outcome, so is success.

    A refusal must also say so in one short, printable line: hostile input must not fill the
    screen or put a newline or a terminal escape sequence into what the user reads.
    """
    try:
        return call()
    except allowed as error:
        message = str(error)
        if len(message) > MAX_MESSAGE or not message.isprintable():
            raise AssertionError(
                f"{type(error).__name__} with a message that is not one short, printable line: "
                f"{message[:300]!r}"
            ) from error
        return None


# --- bundle_file ----------------------------------------------------------------------------------


def bundle_file(fx: Fixture, data: bytes) -> None:
    """A whole bundle file, opened by the node it names (or by HQ), then parsed."""
    me = fx.center if b'"recipient":"GNJ"' in data[:70_000] else fx.hq

    def run() -> None:
        opened = container.open_bundle(io.BytesIO(data), me=me, sender_keys=fx.sender_keys)
        parse_bundle(opened, from_hq=opened.header.sender == "BAK")

    _clean(run)
    _clean(lambda: container.read_header(io.BytesIO(data)))


# --- bundle_contents ------------------------------------------------------------------------------


class _Captured(Exception):
    """Stops ``write_bundle`` once it has handed its plaintext over."""

    def __init__(self, plaintext: bytes) -> None:
        super().__init__("captured")
        self.plaintext = plaintext


def _writer_plaintext(
    fx: Fixture, parts: Sequence[tuple[str, bytes]], from_hq: bool, options: dict[str, Any]
) -> bytes:
    """The body ``write_bundle`` would encrypt for ``parts`` under the fixed header fields.

    The real writer builds the manifest (whatever fields the format has), stores the parts and
    signs; only the sealing is intercepted.
    """

    def capture(dest: object, **kwargs: Any) -> None:
        raise _Captured(b"".join(bytes(piece) for piece in kwargs["plaintext"]))

    sender, recipient = fx.pair(from_hq)
    original = writer._seal
    writer._seal = capture  # type: ignore[assignment]
    try:
        container.write_bundle(
            io.BytesIO(),
            author=sender,
            recipient=recipient.public(),
            header_fields={**_FIXED_FIELDS, "schema_version": fx.schema},
            parts=parts,
            **options,
        )
    except _Captured as captured:
        return captured.plaintext
    finally:
        writer._seal = original
    raise AssertionError("write_bundle did not seal")  # pragma: no cover


def contents_seed(
    fx: Fixture,
    parts: Sequence[tuple[str, bytes]],
    *,
    from_hq: bool,
    stanza: bool = False,
    **options: Any,
) -> bytes:
    """A ``bundle_contents`` input holding ``parts`` exactly as ``write_bundle`` stores them.

    With ``stanza``, the input also carries the (valid) sealed content key. ``options`` go to
    ``write_bundle`` (for fields a newer format adds to the manifest).
    """
    plaintext = _writer_plaintext(fx, parts, from_hq, options)
    length = struct.unpack(">I", plaintext[:4])[0]
    manifest = plaintext[4 : 4 + length]
    stored_parts = plaintext[4 + length + 64 :]  # after the inner signature, re-made per input
    flags = (FLAG_FROM_HQ if from_hq else 0) | (FLAG_STANZA if stanza else 0)
    sealed = fx.stanzas[from_hq] if stanza else b""
    return bytes([flags]) + sealed + manifest + SEP + stored_parts


def bundle_contents(fx: Fixture, data: bytes) -> None:
    """The inside of a bundle, signed and sealed by an enrolled node, then opened and parsed."""
    if not data:
        return
    flags, rest = data[0], data[1:]
    from_hq = bool(flags & FLAG_FROM_HQ)
    declared: int | None = None
    if flags & FLAG_MANIFEST_LENGTH:
        if len(rest) < 4:
            return
        declared, rest = struct.unpack(">I", rest[:4])[0], rest[4:]
    stanza: bytes | None = None
    if flags & FLAG_STANZA:
        if len(rest) < bundle_format._STANZA_SIZE:
            return
        stanza, rest = rest[: bundle_format._STANZA_SIZE], rest[bundle_format._STANZA_SIZE :]
    manifest, _sep, body = rest.partition(SEP)
    sender, recipient = fx.pair(from_hq)
    signer = recipient if flags & FLAG_FOREIGN_SIGNATURE else sender
    signature = signer.signing_key.sign(bundle_format._INNER_DOMAIN + manifest)
    length = len(manifest) if declared is None else declared
    plaintext = struct.pack(">I", length) + manifest + signature + body
    sealed = fx.seal(from_hq, plaintext, stanza)

    def run() -> None:
        opened = container.open_bundle(io.BytesIO(sealed), me=recipient, sender_keys=fx.sender_keys)
        parse_bundle(opened, from_hq=from_hq)

    _clean(run)


# --- import_parse ---------------------------------------------------------------------------------


def parts_seed(parts: Iterable[tuple[str, bytes]], *, from_hq: bool) -> bytes:
    """An ``import_parse`` input holding ``parts`` (but an audit part, see :func:`import_parse`)."""
    flags = FLAG_FROM_HQ if from_hq else 0
    kept = [(name, data) for name, data in parts if name != "audit"]
    return bytes([flags]) + SEP.join(name.encode() + b"\x00" + data for name, data in kept)


def import_parse(fx: Fixture, data: bytes) -> None:
    """Parts as :func:`open_bundle` hands them over, through the importer's parse phase.

    Only what ``open_bundle`` guarantees is kept: part names from the allow-list, each once, and
    an attachment named by the SHA-256 of its bytes.
    """
    if not data:
        return
    from_hq = bool(data[0] & FLAG_FROM_HQ)
    parts: dict[str, bytes] = {}
    for section in data[1:].split(SEP):
        raw_name, _nul, content = section.partition(b"\x00")
        name = raw_name.decode("ascii", "replace")
        if name.startswith("att/"):
            name = "att/" + hashlib.sha256(content).hexdigest()
        # The audit part goes with an anchor in the signed manifest, which this target has not
        # got: bundle_contents reaches it through the real reader.
        if container.PART_NAME_RE.fullmatch(name) and name not in parts and name != "audit":
            parts[name] = content
    header = fx.fixed_header(from_hq)
    opened = container.OpenedBundle(
        header=header,
        bundle_hash="0" * 64,
        author=header.sender,
        manifest=(),
        parts=parts,
    )
    parsed = _clean(lambda: parse_bundle(opened, from_hq=from_hq))
    if isinstance(parsed, ParsedBundle):
        _check_roster(parsed.roster)


# --- strictjson -----------------------------------------------------------------------------------


def _roundtrip(value: Any, max_depth: int) -> None:
    """What ``loads`` accepted must be writable canonically and read back the same."""
    canonical = strictjson.dumps(value, max_depth=max_depth)
    again = strictjson.loads(canonical, max_depth=max_depth, canonical=True)
    assert again == value, "strictjson: a value changed on its way through dumps and loads"


def strict_json(fx: Fixture | None, data: bytes) -> None:
    """Every mode of the strict parser; what it accepts must round-trip canonically."""
    del fx
    for depth in (4, 32):
        value = _clean(partial(strictjson.loads, data, max_depth=depth))
        if value is not None:
            _roundtrip(value, depth)
        canonical = _clean(partial(strictjson.loads, data, max_depth=depth, canonical=True))
        if canonical is not None:
            assert strictjson.dumps(canonical, max_depth=depth) == data, "not canonical"
    lines = _clean(lambda: strictjson.loads_lines(data, max_depth=8, max_lines=64))
    if isinstance(lines, list):
        for value in lines:
            _roundtrip(value, 8)


# --- enrollment -----------------------------------------------------------------------------------


def _resigned(data: bytes, keys: NodeKeys, domain: bytes) -> bytes | None:
    """The file with its body signed by ``keys``, or None when there is no body to sign."""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("body"), dict):
        return None
    try:
        return enrollment._sign(keys, domain, doc["body"])
    except (ValueError, TypeError):
        return None  # the body cannot be written canonically: nothing a signer could send


def _check_names(names: Iterable[str]) -> None:
    """Accepted names are printable: CLI and GUI show them next to the fingerprint."""
    for name in names:
        assert name.isprintable(), f"a name with control characters was accepted: {name!r}"


def _check_roster(roster: enrollment.Roster | None) -> None:
    if roster is not None:
        _check_names(node.name for node in roster.nodes)


def enrollment_files(fx: Fixture, data: bytes) -> None:
    """An enrollment request or response, as read and as re-signed behind the signature."""
    _clean(lambda: enrollment.parse_request(data), EnrollmentRejected)
    _clean(lambda: enrollment.parse_response(data), EnrollmentRejected)
    request = _resigned(data, fx.center, enrollment._REQUEST_DOMAIN)
    if request is not None:
        accepted = _clean(lambda: enrollment.parse_request(request), EnrollmentRejected)
        if isinstance(accepted, enrollment.EnrollmentRequest):
            _check_names([accepted.name])
    response = _resigned(data, fx.hq, enrollment._RESPONSE_DOMAIN)
    if response is not None:
        parsed = _clean(lambda: enrollment.parse_response(response), EnrollmentRejected)
        if isinstance(parsed, enrollment.EnrollmentResponse):
            _check_names([parsed.hq_name])
            _check_roster(parsed.roster)
            typed = data[:64].decode("utf-8", "replace")
            _clean(
                lambda: enrollment.require_fingerprint(parsed.fingerprint, typed, "BAK"),
                LegalAidError,
            )
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return
    body = doc.get("body") if isinstance(doc, dict) else None
    if isinstance(body, dict) and "roster" in body:
        roster = _clean(lambda: enrollment.parse_roster(body["roster"]), EnrollmentRejected)
        if isinstance(roster, enrollment.Roster):
            _check_roster(roster)


TARGETS: dict[str, Callable[[Fixture, bytes], None]] = {
    "bundle_file": bundle_file,
    "bundle_contents": bundle_contents,
    "import_parse": import_parse,
    "strictjson": strict_json,
    "enrollment": enrollment_files,
}
"""Every target by name."""


def work_dir() -> Path:
    """Where the seeds, keys, corpus and crashes live (``$FUZZ_WORK`` or ``fuzz/.work``)."""
    return Path(os.environ.get("FUZZ_WORK") or Path(__file__).resolve().parent / ".work")
