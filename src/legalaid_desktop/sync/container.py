"""The sync bundle container: one signed, encrypted file (DESIGN.md §6, docs/bundle-format.md).

This is the byte layer of sync. It knows nothing about the database: it writes a list of named
parts (``changes``, ``acks``, ``att/<sha256>``, ...) into one file that only the addressed node
(and, optionally, HQ's recovery key) can open, and reads such a file back, refusing anything
that is not exactly right with a specific
:class:`~legalaid_desktop.domain.errors.BundleRejected` subclass.

Layout (all integers big-endian)::

    magic (8) | format version (u16) | header length (u32) | header (canonical JSON)
    | body: AES-256-GCM chunks of 64 KiB (+16-byte tag each), the last one flagged
    | Ed25519 outer signature (64)

The header names sender, recipient, channel sequence, previous bundle hash, creation time,
schema version and holds one HPKE stanza (ML-KEM-768 + X25519) per recipient wrapping the
content key. The decrypted body is::

    manifest length (u32) | manifest (canonical JSON) | Ed25519 inner signature (64)
    | the stored bytes of each part, in manifest order

Reading verifies in this order, so that nothing untrusted is decrypted, decompressed or
parsed beyond the small header: magic and version → header size → strict header JSON and
recipient count → the claimed sender's *pinned* key → outer signature over the whole file →
addressed to this node → stanza decapsulation → chunk authentication (AAD = header hash) →
inner signature by the same sender → manifest → declared sizes against the actual size → each
part's size and SHA-256 (after bounded decompression) → nothing left over → the file did not
change between the two passes.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import struct
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, TypeAlias

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hpke import (
    AEAD,
    KDF,
    KEM,
    MLKEM768X25519PrivateKey,
    MLKEM768X25519PublicKey,
    Suite,
)
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from legalaid_desktop.domain.errors import (
    BundleDamaged,
    BundleMalformed,
    BundleNotAddressed,
    BundleTooLarge,
    BundleTooNew,
    BundleVersionUnsupported,
    KeysRejected,
    ManifestInvalid,
    NotABundle,
    PartTooLarge,
    SenderMismatch,
    SyncError,
    TooManyRecipients,
    UnknownSender,
)
from legalaid_desktop.domain.ids import is_uuid7, new_id
from legalaid_desktop.i18n import _
from legalaid_desktop.sync import strictjson
from legalaid_desktop.sync.audit_anchor import AuditAnchor, parse_anchor
from legalaid_desktop.sync.keys import (
    NODE_CODE_RE,
    RECOVERY_LABEL_RE,
    NodeKeys,
    NodePublicKeys,
    RecoveryKey,
    decode_b64,
    encode_b64,
    hybrid_public_key,
)

__all__ = [
    "CHUNK_SIZE",
    "FORMAT_VERSION",
    "MAGIC",
    "MAX_HEADER_SIZE",
    "MAX_STANZAS",
    "PART_NAME_RE",
    "BundleHeader",
    "BundleInfo",
    "Limits",
    "OpenedBundle",
    "PartEntry",
    "Stanza",
    "bundle_hash",
    "open_bundle",
    "read_header",
    "verify_bundle",
    "write_bundle",
]

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


# --- chunked AEAD -------------------------------------------------------------------------------


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _payload_aead(content_key: bytes, header_hash: bytes) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=header_hash, info=_PAYLOAD_INFO).derive(
        content_key
    )
    return AESGCM(key)


class _ChunkWriter:
    """Encrypts a plaintext stream into 64 KiB chunks; the last one carries the final flag."""

    def __init__(self, out: BinaryIO, aead: AESGCM, aad: bytes, hasher: Any) -> None:
        self._out = out
        self._aead = aead
        self._aad = aad
        self._hasher = hasher
        self._buf = bytearray()
        self._counter = 0
        self.written = 0

    def _emit(self, data: bytes | bytearray | memoryview, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._counter, last), data, self._aad)
        self._out.write(sealed)
        self._hasher.update(sealed)
        self.written += len(sealed)
        self._counter += 1

    def write(self, data: bytes | bytearray | memoryview) -> None:
        view = memoryview(data).cast("B")
        if self._buf:
            take = min(CHUNK_SIZE - len(self._buf), len(view))
            self._buf += view[:take]
            view = view[take:]
            if not view:
                return
            self._emit(self._buf, last=False)  # full, and more data follows
            self._buf = bytearray()
        while len(view) > CHUNK_SIZE:
            self._emit(view[:CHUNK_SIZE], last=False)
            view = view[CHUNK_SIZE:]
        self._buf += view

    def close(self) -> None:
        self._emit(self._buf, last=True)
        self._buf = bytearray()


class _ChunkReader:
    """Decrypts the body chunk by chunk, holding one chunk at a time.

    It also hashes every byte it reads, so the caller can check that the file did not change
    since the outer signature was verified.
    """

    def __init__(self, f: BinaryIO, body_len: int, aead: AESGCM, aad: bytes, hasher: Any) -> None:
        self._f = f
        self._aead = aead
        self._aad = aad
        self._hasher = hasher
        if body_len < _TAG_SIZE:
            raise _damaged(_("the encrypted content is missing"))
        self._chunks = math.ceil(body_len / _CT_CHUNK_SIZE)
        self._last_len = body_len - (self._chunks - 1) * _CT_CHUNK_SIZE
        if self._last_len < _TAG_SIZE or (self._chunks > 1 and self._last_len == _TAG_SIZE):
            raise _damaged(_("the last piece of the encrypted content is cut off"))
        self.plaintext_len = body_len - self._chunks * _TAG_SIZE
        # Authenticate the final chunk first: a cut-off file is reported as such, before any
        # size in the manifest is compared with what is there.
        start = f.tell()
        f.seek(start + body_len - self._last_len)
        sealed = _read_exact(f, self._last_len)
        try:
            aead.decrypt(_nonce(self._chunks - 1, True), sealed, aad)
        except InvalidTag:
            raise _damaged(_("its end is missing or was altered")) from None
        f.seek(start)
        self._index = 0
        self._buf = b""
        self._pos = 0
        self._consumed = 0

    def _next_chunk(self) -> None:
        if self._index >= self._chunks:
            raise _damaged(_("the content ends too early"))
        last = self._index == self._chunks - 1
        size = self._last_len if last else _CT_CHUNK_SIZE
        sealed = self._f.read(size)
        if len(sealed) != size:
            raise _damaged(_("the file ends too early"))
        self._hasher.update(sealed)
        try:
            self._buf = self._aead.decrypt(_nonce(self._index, last), sealed, self._aad)
        except InvalidTag:
            raise _damaged(
                _("piece {n} of the encrypted content fails its check").format(n=self._index + 1)
            ) from None
        self._pos = 0
        self._index += 1

    def read(self, n: int) -> bytes:
        """Return exactly ``n`` plaintext bytes."""
        if n > self.plaintext_len - self._consumed:
            raise _damaged(_("the content ends too early"))
        pieces: list[bytes] = []
        remaining = n
        while remaining:
            if self._pos == len(self._buf):
                self._next_chunk()
                continue
            take = min(remaining, len(self._buf) - self._pos)
            pieces.append(self._buf[self._pos : self._pos + take])
            self._pos += take
            remaining -= take
        self._consumed += n
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def finish(self) -> None:
        """Check that all the plaintext, up to and including the final chunk, was used."""
        if self._consumed != self.plaintext_len or self._index != self._chunks:
            raise _bad_manifest(_("there is data that is not listed"))


# --- writing ------------------------------------------------------------------------------------


def _seal_stanza(content_key: bytes, label: str, public_key: MLKEM768X25519PublicKey) -> Stanza:
    sealed = _HPKE.encrypt(content_key, public_key, info=_STANZA_INFO + label.encode("ascii"))
    return Stanza(label, sealed)


def _encode_header(fields: Mapping[str, Any], stanzas: Sequence[Stanza]) -> bytes:
    header = dict(fields)
    header["suite"] = SUITE
    header["chunk_size"] = CHUNK_SIZE
    header["stanzas"] = [{"to": s.label, "enc": encode_b64(s.sealed)} for s in stanzas]
    return strictjson.dumps(header)


def _plaintext(
    manifest: bytes, inner_signature: bytes, stored_parts: Iterable[bytes]
) -> Iterator[bytes]:
    yield _MANIFEST_LEN.pack(len(manifest))
    yield manifest
    yield inner_signature
    yield from stored_parts


@contextmanager
def _output(dest: Destination) -> Iterator[BinaryIO]:
    """Yield a file to write to; for a path, a temp file renamed over it only on success."""
    if not isinstance(dest, str | os.PathLike):
        yield dest
        return
    target = Path(dest)
    directory = target.parent
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            yield tmp
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    if os.name == "posix":
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _seal(
    dest: Destination,
    *,
    signer: Ed25519PrivateKey,
    header: bytes,
    content_key: bytes,
    plaintext: Iterable[bytes | bytearray | memoryview],
) -> BundleInfo:
    """Write prefix, header, encrypted body and outer signature. The low-level writer."""
    if len(header) > MAX_HEADER_SIZE:
        raise SyncError(_("The bundle header is too large."))
    prefix = _PREFIX.pack(MAGIC, FORMAT_VERSION, len(header))
    hasher = hashlib.sha256(prefix)
    hasher.update(header)
    header_hash = hasher.digest()
    aead = _payload_aead(content_key, header_hash)
    with _output(dest) as out:
        out.write(prefix)
        out.write(header)
        writer = _ChunkWriter(out, aead, header_hash, hasher)
        for piece in plaintext:
            writer.write(piece)
        writer.close()
        signature = signer.sign(_OUTER_DOMAIN + hasher.digest())
        out.write(signature)
    hasher.update(signature)
    size = _PREFIX_SIZE + len(header) + writer.written + _SIGNATURE_SIZE
    parsed = _parse_header(header, header_hash, size)
    return BundleInfo(bundle_hash=hasher.hexdigest(), size=size, header=parsed)


def _store_part(data: bytes, compress: bool) -> tuple[str, bytes]:
    """Choose how to store a part: zlib if it clearly helps, else raw."""
    if compress and len(data) >= 512:
        sample = data[:CHUNK_SIZE]
        if len(zlib.compress(sample, 1)) < 0.9 * len(sample):
            packed = zlib.compress(data, 6)
            if len(packed) < len(data):
                return "zlib", packed
    return "raw", data


def _header_fields(
    sender: str, recipient: str, header_fields: Mapping[str, object]
) -> dict[str, Any]:
    unknown = set(header_fields) - _FIELD_KEYS
    if unknown:
        raise ValueError(f"unknown header fields: {sorted(unknown)}")
    missing = _REQUIRED_FIELD_KEYS - set(header_fields)
    if missing:
        raise ValueError(f"missing header fields: {sorted(missing)}")
    created = header_fields.get("created")
    if created is None:
        created = datetime.now(UTC)
    if isinstance(created, datetime):
        if created.tzinfo is None:
            raise ValueError("created must be timezone-aware")
        created = created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    fields: dict[str, Any] = {
        "bundle_id": header_fields.get("bundle_id") or new_id(),
        "sender": sender,
        "recipient": recipient,
        "seq": header_fields["seq"],
        "prev_hash": header_fields["prev_hash"],
        "created": created,
        "schema_version": header_fields["schema_version"],
    }

    def fail(detail: str) -> ValueError:
        return ValueError(detail)

    _check_fields(fields, fail)
    return fields


def write_bundle(
    dest: Destination,
    *,
    author: NodeKeys,
    recipient: NodePublicKeys,
    header_fields: Mapping[str, object],
    parts: Sequence[tuple[str, bytes]],
    extra_recipients: Sequence[tuple[str, bytes]] = (),
    compress: bool = True,
    limits: Limits = DEFAULT_LIMITS,
    audit: AuditAnchor | None = None,
) -> BundleInfo:
    """Write one bundle from ``author`` to ``recipient``.

    A path is written to a temp file in the same folder, flushed to disk and renamed over the
    target, so a crash never leaves a half-written bundle under the final name.

    Args:
        dest: A path, or a writable binary file.
        author: This node's keys; they sign the file and the manifest.
        recipient: The addressed node's pinned public keys.
        header_fields: ``seq`` (int), ``prev_hash`` (hex SHA-256 or ``None``) and
            ``schema_version`` (str) are required; ``created`` (aware ``datetime`` or
            ``YYYY-MM-DDTHH:MM:SSZ``, default now) and ``bundle_id`` (UUID v7, default new) are
            optional.
        parts: ``(name, data)`` pairs; names match :data:`PART_NAME_RE` and are unique, and an
            ``att/<sha256>`` part must hash to its name.
        extra_recipients: ``(label, encoded hybrid public key)`` pairs for recovery keys, e.g.
            ``[recovery.recipient()]``; labels match ``recovery:<name>``.
        compress: Store a part compressed (zlib) when that clearly saves space.
        limits: The caps; the reader must use the same or larger ones.
        audit: This node's audit anchor for the manifest (``None`` writes ``null``; the
            export always gives one, with its hashes in the part ``audit``).

    Returns:
        The bundle hash, size and header.

    Raises:
        SyncError: The parts exceed ``limits`` (too many, or too large).
        TooManyRecipients: More than :data:`MAX_STANZAS` recipients.
        KeysRejected: An extra recipient's key is not valid.
        ValueError: A header field, part name or recipient label is not valid.
        OSError: The file could not be written.
    """
    fields = _header_fields(author.node_code, recipient.node_code, header_fields)
    recipients: list[tuple[str, MLKEM768X25519PublicKey]] = [
        (recipient.node_code, recipient.hpke_key)
    ]
    for label, public in extra_recipients:
        if not isinstance(label, str) or not RECOVERY_LABEL_RE.fullmatch(label):
            raise ValueError(f"extra recipient label must look like recovery:<name>: {label!r}")
        recipients.append((label, hybrid_public_key(public)))
    if len(recipients) > MAX_STANZAS:
        raise TooManyRecipients(
            _("The bundle names {n} recipients; at most {limit} are allowed.").format(
                n=len(recipients), limit=MAX_STANZAS
            )
        )
    labels = [label for label, _key in recipients]
    if len(set(labels)) != len(labels):
        raise ValueError("a recipient label appears twice")
    if len(parts) > limits.max_parts:
        raise SyncError(
            _("A bundle can hold at most {limit} parts.").format(limit=limits.max_parts)
        )
    entries: list[dict[str, Any]] = []
    stored_parts: list[bytes] = []
    names: set[str] = set()
    total = 0
    for name, data in parts:
        if not isinstance(name, str) or not PART_NAME_RE.fullmatch(name) or name in names:
            raise ValueError(f"part name not allowed or repeated: {name!r}")
        names.add(name)
        data = bytes(data)
        if len(data) > limits.max_part_size:
            raise SyncError(
                _("The part {name} is larger than {limit} bytes.").format(
                    name=name, limit=limits.max_part_size
                )
            )
        total += len(data)
        if total > limits.max_total_size:
            raise SyncError(
                _("The bundle would be larger than {limit} bytes.").format(
                    limit=limits.max_total_size
                )
            )
        digest = hashlib.sha256(data).hexdigest()
        if name.startswith("att/") and name[4:] != digest:
            raise ValueError(f"attachment {name!r} does not hash to its name")
        encoding, stored = _store_part(data, compress)
        entries.append(
            {
                "name": name,
                "size": len(data),
                "sha256": digest,
                "encoding": encoding,
                "stored": len(stored),
            }
        )
        stored_parts.append(stored)
    manifest = strictjson.dumps(
        {
            **{key: fields[key] for key in _BOUND_KEYS},
            "author": author.node_code,
            "recipients": labels,
            "parts": entries,
            "audit": None if audit is None else audit.to_dict(),
        }
    )
    if audit is not None:
        parse_anchor(audit.to_dict(), ValueError)
    if len(manifest) > limits.max_manifest_size:
        raise SyncError(_("The list of contents of the bundle is too large."))
    inner_signature = author.signing_key.sign(_INNER_DOMAIN + manifest)
    content_key = os.urandom(_CONTENT_KEY_SIZE)
    stanzas = [_seal_stanza(content_key, label, key) for label, key in recipients]
    return _seal(
        dest,
        signer=author.signing_key,
        header=_encode_header(fields, stanzas),
        content_key=content_key,
        plaintext=_plaintext(manifest, inner_signature, stored_parts),
    )


# --- reading ------------------------------------------------------------------------------------


@contextmanager
def _input(source: Source) -> Iterator[tuple[BinaryIO, int]]:
    """Yield an open binary file and its size."""
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as f:
            yield f, os.fstat(f.fileno()).st_size
        return
    size = source.seek(0, os.SEEK_END)
    source.seek(0)
    yield source, size


def _read_exact(f: BinaryIO, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise _damaged(_("the file ends too early"))
    return data


def _read_prefix_and_header(f: BinaryIO, size: int, limits: Limits) -> tuple[BundleHeader, bytes]:
    """Check magic, version and sizes, then parse the header. Returns it and its raw bytes."""
    f.seek(0)
    head = f.read(_PREFIX_SIZE)
    if len(head) < len(MAGIC) or head[: len(MAGIC)] != MAGIC:
        if not head:
            raise NotABundle(_("The file is empty; it is not a sync bundle."))
        raise NotABundle(_("This file is not a LegalAid sync bundle."))
    if len(head) < _PREFIX_SIZE:
        raise _damaged(_("the file ends too early"))
    _magic, version, header_len = _PREFIX.unpack(head)
    if version > FORMAT_VERSION:
        raise BundleTooNew(
            _(
                "This bundle was made by a newer version of LegalAid (format {version}). "
                "Upgrade the app to import it."
            ).format(version=version)
        )
    if 0 < version < FORMAT_VERSION:
        raise BundleVersionUnsupported(
            _(
                "This bundle was made by an older version of LegalAid (format {version}), "
                "without the audit anchor this version requires. Upgrade LegalAid where it was "
                "made and export again."
            ).format(version=version)
        )
    if version != FORMAT_VERSION:
        raise BundleVersionUnsupported(
            _(
                "This bundle uses format {version}, which this version of LegalAid cannot read."
            ).format(version=version)
        )
    if header_len > MAX_HEADER_SIZE:
        raise _malformed(
            _("the header is {size} bytes; at most {limit} are allowed").format(
                size=header_len, limit=MAX_HEADER_SIZE
            )
        )
    if size > limits.max_file_size():
        raise BundleTooLarge(
            _("The bundle is {size} bytes; at most {limit} are allowed.").format(
                size=size, limit=limits.max_file_size()
            )
        )
    if size < _PREFIX_SIZE + header_len + _TAG_SIZE + _SIGNATURE_SIZE:
        raise _damaged(_("the file ends too early"))
    raw = _read_exact(f, header_len)
    header_hash = hashlib.sha256(head + raw).digest()
    return _parse_header(raw, header_hash, size), head + raw


def _file_digest(f: BinaryIO, end: int) -> bytes:
    """SHA-256 of the first ``end`` bytes, read in 1 MiB blocks."""
    f.seek(0)
    hasher = hashlib.sha256()
    remaining = end
    while remaining:
        block = f.read(min(_HASH_BLOCK, remaining))
        if not block:
            raise _damaged(_("the file ends too early"))
        hasher.update(block)
        remaining -= len(block)
    return hasher.digest()


def _pinned_sender(
    header: BundleHeader, sender_keys: Callable[[str], NodePublicKeys | None]
) -> NodePublicKeys:
    pinned = sender_keys(header.sender)
    if pinned is None or pinned.node_code != header.sender:
        raise UnknownSender(
            _("The bundle claims to come from {node}, which is not enrolled here.").format(
                node=header.sender
            )
        )
    return pinned


def _verify_outer(f: BinaryIO, size: int, key: Ed25519PublicKey) -> tuple[bytes, bytes]:
    """Verify the outer signature; return the digest of everything before it, and the signature."""
    digest = _file_digest(f, size - _SIGNATURE_SIZE)
    signature = _read_exact(f, _SIGNATURE_SIZE)
    try:
        key.verify(signature, _OUTER_DOMAIN + digest)
    except InvalidSignature:
        raise _damaged(
            _("its signature does not match; it was changed or cut short after it was written")
        ) from None
    return digest, signature


def read_header(source: Source, *, limits: Limits = DEFAULT_LIMITS) -> BundleHeader:
    """Read and strictly parse the plaintext header only (for ``bundle inspect``).

    Nothing is verified: anyone can write a header. Use :func:`verify_bundle` or
    :func:`open_bundle` before trusting it.

    Args:
        source: A path, or a readable, seekable binary file.
        limits: The caps (only the file size cap applies here).

    Returns:
        The header.

    Raises:
        BundleRejected: A subclass saying what is wrong (not a bundle, newer format, malformed
            header, too many recipients, truncated, too large).
    """
    with _input(source) as (f, size):
        header, _raw = _read_prefix_and_header(f, size, limits)
        return header


def verify_bundle(
    source: Source,
    *,
    sender_keys: Callable[[str], NodePublicKeys | None],
    limits: Limits = DEFAULT_LIMITS,
) -> BundleHeader:
    """Check the header and the outer signature against the sender's pinned key. No decryption.

    Args:
        source: A path, or a readable, seekable binary file.
        sender_keys: Returns the pinned keys of an enrolled node, or ``None``.
        limits: The caps.

    Returns:
        The header, now known to be signed by its sender.

    Raises:
        BundleRejected: A subclass saying what is wrong.
    """
    with _input(source) as (f, size):
        header, _raw = _read_prefix_and_header(f, size, limits)
        pinned = _pinned_sender(header, sender_keys)
        _verify_outer(f, size, pinned.verify_key)
        return header


def _decode_part(entry: PartEntry, stored: bytes) -> bytes:
    """Undo the part's encoding, never producing more than its declared size."""
    if entry.encoding == "raw":
        return stored
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(stored, entry.size + 1)
        if len(data) > entry.size or (
            inflater.unconsumed_tail and inflater.decompress(inflater.unconsumed_tail, 1)
        ):
            raise _bad_manifest(
                _("the part {name} expands beyond its declared size").format(name=entry.name)
            )
    except zlib.error:
        raise _bad_manifest(
            _("the part {name} is not valid compressed data").format(name=entry.name)
        ) from None
    if not inflater.eof or inflater.unused_data or len(data) != entry.size:
        raise _bad_manifest(
            _("the part {name} does not have its declared size").format(name=entry.name)
        )
    return data


def open_bundle(
    source: Source,
    *,
    me: NodeKeys | RecoveryKey,
    sender_keys: Callable[[str], NodePublicKeys | None],
    limits: Limits = DEFAULT_LIMITS,
) -> OpenedBundle:
    """Verify, decrypt and check a bundle completely; return its parts.

    Nothing is returned unless every check passes; the order of the checks is in the module
    docstring and in docs/bundle-format.md.

    Args:
        source: A path, or a readable, seekable binary file.
        me: This node's keys, or HQ's recovery key (which skips the addressed-node check and
            opens the recovery stanza instead).
        sender_keys: Returns the pinned keys of an enrolled (not revoked) node, or ``None``.
        limits: The caps.

    Returns:
        The authenticated header and the parts.

    Raises:
        NotABundle: Empty file, wrong magic.
        BundleTooNew: Made by a newer format version ("upgrade the app").
        BundleVersionUnsupported: Another unknown format version.
        BundleMalformed: The header is not exactly as specified (incl. strict JSON errors).
        TooManyRecipients: More than :data:`MAX_STANZAS` recipient stanzas.
        BundleTooLarge: The file, the parts or their count exceed ``limits``.
        PartTooLarge: One part exceeds ``limits``.
        UnknownSender: The claimed sender has no pinned key here.
        BundleDamaged: Truncated, bit flips, bad signature, failed chunk authentication, or the
            file changed while it was read.
        BundleNotAddressed: Not addressed to ``me``, or encrypted to another key.
        SenderMismatch: The contents were not signed by the sender.
        ManifestInvalid: The signed manifest does not match the header or the contents.
    """
    with _input(source) as (f, size):
        header, raw_head = _read_prefix_and_header(f, size, limits)
        pinned = _pinned_sender(header, sender_keys)
        signed_digest, outer_signature = _verify_outer(f, size, pinned.verify_key)

        label = me.stanza_label
        if isinstance(me, NodeKeys) and header.recipient != me.node_code:
            raise BundleNotAddressed(
                _("This bundle is addressed to {recipient}, not to this node ({me}).").format(
                    recipient=header.recipient, me=me.node_code
                )
            )
        stanza = next((s for s in header.stanzas if s.label == label), None)
        if stanza is None:
            raise BundleNotAddressed(_("This bundle holds no key for {label}.").format(label=label))
        content_key = _open_stanza(stanza, me.encryption_key)

        # Second pass: decrypt, re-hashing the file to be sure it is still what was verified.
        f.seek(0)
        hasher = hashlib.sha256()
        if _read_exact(f, len(raw_head)) != raw_head:
            raise _damaged(_("the file changed while it was being read"))
        hasher.update(raw_head)
        body_len = size - len(raw_head) - _SIGNATURE_SIZE
        reader = _ChunkReader(
            f, body_len, _payload_aead(content_key, header.header_hash), header.header_hash, hasher
        )
        manifest_len = _MANIFEST_LEN.unpack(reader.read(_MANIFEST_LEN.size))[0]
        if (
            manifest_len > limits.max_manifest_size
            or _MANIFEST_LEN.size + manifest_len + _SIGNATURE_SIZE > reader.plaintext_len
        ):
            raise _bad_manifest(_("its size is not valid"))
        manifest_raw = reader.read(manifest_len)
        inner_signature = reader.read(_SIGNATURE_SIZE)
        try:
            pinned.verify_key.verify(inner_signature, _INNER_DOMAIN + manifest_raw)
        except InvalidSignature:
            raise SenderMismatch(
                _("The contents of the bundle were not signed by its sender, {sender}.").format(
                    sender=header.sender
                )
            ) from None
        entries, anchor = _parse_manifest(manifest_raw, header, limits)
        available = reader.plaintext_len - _MANIFEST_LEN.size - manifest_len - _SIGNATURE_SIZE
        declared = sum(entry.stored for entry in entries)
        if declared > available:
            raise _bad_manifest(_("a listed part is missing"))
        if declared < available:
            raise _bad_manifest(_("there is data that is not listed"))
        parts: dict[str, bytes] = {}
        for entry in entries:
            data = _decode_part(entry, reader.read(entry.stored))
            if hashlib.sha256(data).hexdigest() != entry.sha256:
                raise _bad_manifest(
                    _("the part {name} does not match its checksum").format(name=entry.name)
                )
            parts[entry.name] = data
        reader.finish()
        if hasher.digest() != signed_digest:
            raise _damaged(_("the file changed while it was being read"))
        hasher.update(outer_signature)
        return OpenedBundle(
            header=header,
            bundle_hash=hasher.hexdigest(),
            author=header.sender,
            manifest=entries,
            parts=parts,
            audit=anchor,
        )


def _open_stanza(stanza: Stanza, key: MLKEM768X25519PrivateKey) -> bytes:
    try:
        content_key = _HPKE.decrypt(
            stanza.sealed, key, info=_STANZA_INFO + stanza.label.encode("ascii")
        )
    except (InvalidTag, ValueError):
        raise BundleNotAddressed(
            _(
                "This bundle names {label} but was encrypted to another key (an old key, or "
                "another installation)."
            ).format(label=stanza.label)
        ) from None
    if len(content_key) != _CONTENT_KEY_SIZE:
        raise _damaged(_("the content key has the wrong size"))
    return content_key


def bundle_hash(source: Source) -> str:
    """SHA-256 (hex) of a whole file: the identity of a bundle and its chain link.

    Args:
        source: A path, or a readable, seekable binary file.

    Returns:
        The hex digest.
    """
    with _input(source) as (f, _size):
        f.seek(0)
        hasher = hashlib.sha256()
        while block := f.read(_HASH_BLOCK):
            hasher.update(block)
        return hasher.hexdigest()
