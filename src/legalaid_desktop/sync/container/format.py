"""The bundle format: constants, the dataclasses, and strict header and manifest parsing.

The byte layout and the order of the reader's checks are described in the package docstring
(:mod:`legalaid_desktop.sync.container`) and in docs/bundle-format.md. Everything here is shared
by the writer (:mod:`.writer`) and the reader (:mod:`.reader`).
"""

from __future__ import annotations

import math
import os
import re
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO, TypeAlias

from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

from legalaid_desktop.domain.errors import (
    BundleDamaged,
    BundleMalformed,
    BundleTooLarge,
    KeysRejected,
    ManifestInvalid,
    PartTooLarge,
    SenderMismatch,
    TooManyRecipients,
)
from legalaid_desktop.domain.ids import is_uuid7
from legalaid_desktop.i18n import _
from legalaid_desktop.sync import strictjson
from legalaid_desktop.sync.audit_anchor import AuditAnchor, parse_anchor
from legalaid_desktop.sync.keys import NODE_CODE_RE, RECOVERY_LABEL_RE, decode_b64

MAGIC = b"\x89LAB\r\n\x1a\n"
"""The first 8 bytes of every bundle. Like PNG's: a high byte and CR LF / LF catch 7-bit and
line-ending mangling by mail programs."""

FORMAT_VERSION = 2
"""The container format this module writes and reads. Version 2 added the audit anchor to the
manifest and the part ``audit``; version 1 bundles are refused ("upgrade the sender")."""

MAX_HEADER_SIZE = 64 * 1024
"""Largest plaintext header, in bytes."""

MAX_STANZAS = 16
"""Most recipient stanzas a header may hold."""

CHUNK_SIZE = 64 * 1024
"""Plaintext bytes per encrypted chunk (the last chunk may be shorter)."""

SUITE = "MLKEM768-X25519/HKDF-SHA256/AES-256-GCM"
"""The HPKE suite named in every header."""

PART_NAME_RE = re.compile(
    r"(?:changes|acks|roster|reference|transfers|meta|audit|att/[0-9a-f]{64})"
)
"""The allowed part names. There are no file paths: an attachment is named by its SHA-256."""

_PREFIX = struct.Struct(">8sHI")
_PREFIX_SIZE = _PREFIX.size
_TAG_SIZE = 16
_SIGNATURE_SIZE = 64
_CT_CHUNK_SIZE = CHUNK_SIZE + _TAG_SIZE
_CONTENT_KEY_SIZE = 32
_HPKE = Suite(KEM.MLKEM768_X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)
_STANZA_SIZE = KEM.MLKEM768_X25519.enc_length() + _CONTENT_KEY_SIZE + _TAG_SIZE
_OUTER_DOMAIN = b"legalaid-bundle/v1/outer\x00"
_INNER_DOMAIN = b"legalaid-bundle/v1/inner\x00"
_STANZA_INFO = b"legalaid-bundle/v1/stanza\x00"
_PAYLOAD_INFO = b"legalaid-bundle/v1/payload"
_HASH_BLOCK = 1024 * 1024
_MANIFEST_LEN = struct.Struct(">I")
_JSON_DEPTH = 4

_HEADER_KEYS = frozenset(
    {
        "bundle_id",
        "sender",
        "recipient",
        "seq",
        "prev_hash",
        "created",
        "schema_version",
        "suite",
        "chunk_size",
        "stanzas",
    }
)
_BOUND_KEYS = ("bundle_id", "recipient", "seq", "prev_hash", "created", "schema_version")
_MANIFEST_KEYS = frozenset({"author", "recipients", "parts", "audit", *_BOUND_KEYS})
_PART_KEYS = frozenset({"name", "size", "sha256", "encoding", "stored"})
_STANZA_KEYS = frozenset({"to", "enc"})
_ENCODINGS = ("raw", "zlib")
_HEX64_RE = re.compile(r"[0-9a-f]{64}")
_SCHEMA_RE = re.compile(r"[0-9A-Za-z._-]{1,64}")
_CREATED_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?Z")
_FIELD_KEYS = frozenset({"seq", "prev_hash", "schema_version", "created", "bundle_id"})
_REQUIRED_FIELD_KEYS = frozenset({"seq", "prev_hash", "schema_version"})

Source: TypeAlias = str | os.PathLike[str] | BinaryIO
"""Where a bundle is read from: a path, or a readable, seekable binary file."""

Destination: TypeAlias = str | os.PathLike[str] | BinaryIO
"""Where a bundle is written: a path (written atomically), or a writable binary file."""


@dataclass(frozen=True)
class Limits:
    """Caps on what a bundle may hold. Writing and reading use the same caps.

    Attributes:
        max_parts: Most parts in one bundle.
        max_part_size: Largest part, in bytes, both as stored and once decompressed.
        max_total_size: Largest sum of all parts, in bytes, both as stored and decompressed.
        max_manifest_size: Largest inner manifest, in bytes.
    """

    max_parts: int = 4096
    max_part_size: int = 64 * 1024 * 1024
    max_total_size: int = 256 * 1024 * 1024
    max_manifest_size: int = 1024 * 1024

    def max_plaintext_size(self) -> int:
        """Largest decrypted body: manifest length, manifest, inner signature and the parts."""
        return 4 + self.max_manifest_size + _SIGNATURE_SIZE + self.max_total_size

    def max_file_size(self) -> int:
        """Largest bundle file these limits allow."""
        plain = self.max_plaintext_size()
        chunks = max(1, math.ceil(plain / CHUNK_SIZE))
        return _PREFIX_SIZE + MAX_HEADER_SIZE + plain + chunks * _TAG_SIZE + _SIGNATURE_SIZE


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Stanza:
    """One recipient's copy of the content key, sealed with HPKE.

    Attributes:
        label: The recipient: a node code, or a recovery label such as ``recovery:hq``.
        sealed: HPKE ``enc ‖ ciphertext`` of the 32-byte content key (1,168 bytes).
    """

    label: str
    sealed: bytes

    def __repr__(self) -> str:
        return f"Stanza(label={self.label!r})"


@dataclass(frozen=True)
class BundleHeader:
    """The plaintext header of a bundle. On its own it proves nothing: anyone can write one.

    Attributes:
        format_version: The container format version.
        bundle_id: A UUID v7 naming this bundle.
        sender: The node code of the sender.
        recipient: The node code of the addressed node.
        seq: The sequence number on the sender → recipient channel.
        prev_hash: The bundle hash (SHA-256 hex) of the previous bundle on this channel, if any.
        created: When the bundle was written, ``YYYY-MM-DDTHH:MM:SSZ`` (UTC).
        schema_version: The sender's database schema version.
        stanzas: One stanza per recipient; the first is the addressed node's.
        header_hash: SHA-256 of the file prefix and header bytes (the chunks' AAD).
        file_size: Size of the whole file, in bytes.
    """

    format_version: int
    bundle_id: str
    sender: str
    recipient: str
    seq: int
    prev_hash: str | None
    created: str
    schema_version: str
    stanzas: tuple[Stanza, ...]
    header_hash: bytes
    file_size: int

    @property
    def recipients(self) -> tuple[str, ...]:
        """The stanza labels, in order."""
        return tuple(stanza.label for stanza in self.stanzas)


@dataclass(frozen=True)
class PartEntry:
    """One line of the signed manifest.

    Attributes:
        name: The part name (matches :data:`PART_NAME_RE`).
        size: The part's size in bytes, once decompressed.
        sha256: SHA-256 (hex) of the decompressed part.
        encoding: ``"raw"`` or ``"zlib"``.
        stored: How many bytes of the body the part takes.
    """

    name: str
    size: int
    sha256: str
    encoding: str
    stored: int


@dataclass(frozen=True)
class BundleInfo:
    """What :func:`write_bundle` wrote.

    Attributes:
        bundle_hash: SHA-256 (hex) of the whole file: the next bundle's ``prev_hash``.
        size: Size of the file, in bytes.
        header: The header written.
    """

    bundle_hash: str
    size: int
    header: BundleHeader


@dataclass(frozen=True)
class OpenedBundle:
    """A bundle that passed every check.

    Attributes:
        header: The (now authenticated) header.
        bundle_hash: SHA-256 (hex) of the whole file.
        author: The node whose key signed the contents (always ``header.sender``).
        manifest: The signed list of parts.
        parts: The parts by name, in manifest order.
        audit: The sender's audit anchor from the signed manifest (``None``: the manifest
            carries ``null``; LegalAid always writes one).
    """

    header: BundleHeader
    bundle_hash: str
    author: str
    manifest: tuple[PartEntry, ...]
    parts: dict[str, bytes]
    audit: AuditAnchor | None = None


# --- errors -------------------------------------------------------------------------------------


def _damaged(detail: str) -> BundleDamaged:
    return BundleDamaged(_("The bundle is damaged or truncated: {detail}").format(detail=detail))


def _malformed(detail: str) -> BundleMalformed:
    return BundleMalformed(_("The bundle header is malformed: {detail}").format(detail=detail))


def _bad_manifest(detail: str) -> ManifestInvalid:
    return ManifestInvalid(
        _("The list of contents inside the bundle is not valid: {detail}").format(detail=detail)
    )


def _shown(value: object) -> str:
    """An untrusted value for a message: a node code as it is, anything else escaped and short.

    The messages reach a terminal and the GUI as one line: no newline, no escape sequence.
    """
    if isinstance(value, str) and NODE_CODE_RE.fullmatch(value):
        return value
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- field validation (shared by the writer and the reader) ------------------------------------


def _is_int(value: object) -> bool:
    return type(value) is int


def _check_fields(obj: Mapping[str, Any], fail: Callable[[str], Exception]) -> None:
    """Check the fields that header and manifest share; ``fail`` builds the error to raise."""
    if not isinstance(obj["bundle_id"], str) or not is_uuid7(obj["bundle_id"]):
        raise fail(_("the bundle id is not a UUID v7"))
    if not isinstance(obj["recipient"], str) or not NODE_CODE_RE.fullmatch(obj["recipient"]):
        raise fail(_("the recipient is not a node code"))
    seq = obj["seq"]
    if not _is_int(seq) or not 0 <= seq <= strictjson.INT_MAX:
        raise fail(_("the sequence number is not valid"))
    prev = obj["prev_hash"]
    if prev is not None and (not isinstance(prev, str) or not _HEX64_RE.fullmatch(prev)):
        raise fail(_("the previous bundle hash is not valid"))
    created = obj["created"]
    if not isinstance(created, str) or not _CREATED_RE.fullmatch(created):
        raise fail(_("the creation time is not valid"))
    try:
        datetime.fromisoformat(created)
    except ValueError:
        raise fail(_("the creation time is not valid")) from None
    schema = obj["schema_version"]
    if not isinstance(schema, str) or not _SCHEMA_RE.fullmatch(schema):
        raise fail(_("the schema version is not valid"))


def _parse_header(raw: bytes, header_hash: bytes, file_size: int) -> BundleHeader:
    """Validate the header JSON strictly. The recipient count is checked first."""
    obj = strictjson.loads(raw, max_depth=_JSON_DEPTH, max_size=MAX_HEADER_SIZE, canonical=True)
    if not isinstance(obj, dict):
        raise _malformed(_("it is not an object"))
    stanzas_raw = obj.get("stanzas")
    if not isinstance(stanzas_raw, list):
        raise _malformed(_("it has no list of recipients"))
    if len(stanzas_raw) > MAX_STANZAS:
        raise TooManyRecipients(
            _("The bundle names {n} recipients; at most {limit} are allowed.").format(
                n=len(stanzas_raw), limit=MAX_STANZAS
            )
        )
    if set(obj) != _HEADER_KEYS:
        raise _malformed(_("it does not have the expected fields"))
    if obj["suite"] != SUITE:
        raise _malformed(_("it names an unknown encryption suite"))
    if not _is_int(obj["chunk_size"]) or obj["chunk_size"] != CHUNK_SIZE:
        raise _malformed(_("it names an unsupported chunk size"))
    sender = obj["sender"]
    if not isinstance(sender, str) or not NODE_CODE_RE.fullmatch(sender):
        raise _malformed(_("the sender is not a node code"))
    _check_fields(obj, _malformed)
    if not stanzas_raw:
        raise _malformed(_("it names no recipient"))
    stanzas: list[Stanza] = []
    for index, item in enumerate(stanzas_raw):
        if not isinstance(item, dict) or set(item) != _STANZA_KEYS:
            raise _malformed(_("a recipient entry does not have the expected fields"))
        label = item["to"]
        if index == 0:
            if label != obj["recipient"]:
                raise _malformed(_("the first recipient entry is not the addressed node"))
        elif not isinstance(label, str) or not RECOVERY_LABEL_RE.fullmatch(label):
            raise _malformed(_("an extra recipient is not a recovery key"))
        try:
            sealed = decode_b64(item["enc"], size=_STANZA_SIZE, what="recipient entry")
        except KeysRejected as error:
            raise _malformed(str(error)) from None
        stanzas.append(Stanza(label, sealed))
    if len({s.label for s in stanzas}) != len(stanzas):
        raise _malformed(_("a recipient appears twice"))
    return BundleHeader(
        format_version=FORMAT_VERSION,
        bundle_id=obj["bundle_id"],
        sender=sender,
        recipient=obj["recipient"],
        seq=obj["seq"],
        prev_hash=obj["prev_hash"],
        created=obj["created"],
        schema_version=obj["schema_version"],
        stanzas=tuple(stanzas),
        header_hash=header_hash,
        file_size=file_size,
    )


def _parse_manifest(
    raw: bytes, header: BundleHeader, limits: Limits
) -> tuple[tuple[PartEntry, ...], AuditAnchor | None]:
    """Validate the (already signature-checked) manifest against the header and the limits."""
    obj = strictjson.loads(
        raw, max_depth=_JSON_DEPTH, max_size=limits.max_manifest_size, canonical=True
    )
    if not isinstance(obj, dict) or set(obj) != _MANIFEST_KEYS:
        raise _bad_manifest(_("it does not have the expected fields"))
    if obj["author"] != header.sender:
        raise SenderMismatch(
            _(
                "The contents of the bundle were written by {author}, but it was sent by {sender}."
            ).format(author=_shown(obj["author"]), sender=header.sender)
        )
    _check_fields(obj, _bad_manifest)
    for key in _BOUND_KEYS:
        if obj[key] != getattr(header, key):
            raise _bad_manifest(
                _("it does not match the bundle header ({field})").format(field=key)
            )
    if obj["recipients"] != list(header.recipients):
        raise _bad_manifest(_("it does not match the recipients in the bundle header"))
    anchor = parse_anchor(obj["audit"], _bad_manifest)
    parts_raw = obj["parts"]
    if not isinstance(parts_raw, list):
        raise _bad_manifest(_("it has no list of parts"))
    if len(parts_raw) > limits.max_parts:
        raise BundleTooLarge(
            _("The bundle holds {n} parts; at most {limit} are allowed.").format(
                n=len(parts_raw), limit=limits.max_parts
            )
        )
    entries: list[PartEntry] = []
    names: set[str] = set()
    total_size = 0
    total_stored = 0
    for item in parts_raw:
        if not isinstance(item, dict) or set(item) != _PART_KEYS:
            raise _bad_manifest(_("a part entry does not have the expected fields"))
        name, size, digest = item["name"], item["size"], item["sha256"]
        encoding, stored = item["encoding"], item["stored"]
        if not isinstance(name, str) or not PART_NAME_RE.fullmatch(name):
            raise _bad_manifest(_("a part has a name that is not allowed"))
        if name in names:
            raise _bad_manifest(_("the part {name} is listed twice").format(name=name))
        names.add(name)
        if not _is_int(size) or not _is_int(stored) or size < 0 or stored < 0:
            raise _bad_manifest(_("the part {name} has an invalid size").format(name=name))
        if size > limits.max_part_size or stored > limits.max_part_size:
            raise PartTooLarge(
                _("The part {name} is {size} bytes; at most {limit} are allowed.").format(
                    name=name, size=max(size, stored), limit=limits.max_part_size
                )
            )
        if not isinstance(digest, str) or not _HEX64_RE.fullmatch(digest):
            raise _bad_manifest(_("the part {name} has an invalid checksum").format(name=name))
        if name.startswith("att/") and name[4:] != digest:
            raise _bad_manifest(
                _("the attachment {name} is not named by its checksum").format(name=name)
            )
        if encoding not in _ENCODINGS:
            raise _bad_manifest(_("the part {name} has an unknown encoding").format(name=name))
        if encoding == "raw" and stored != size:
            raise _bad_manifest(_("the part {name} has inconsistent sizes").format(name=name))
        total_size += size
        total_stored += stored
        if total_size > limits.max_total_size or total_stored > limits.max_total_size:
            raise BundleTooLarge(
                _("The parts of the bundle add up to more than {limit} bytes.").format(
                    limit=limits.max_total_size
                )
            )
        entries.append(PartEntry(name, size, digest, encoding, stored))
    return tuple(entries), anchor
