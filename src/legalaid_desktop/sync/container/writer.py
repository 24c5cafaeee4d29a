"""Writing a bundle: recipients' stanzas, the signed manifest, the header and the sealed body."""

from __future__ import annotations

import hashlib
import os
import tempfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.hpke import MLKEM768X25519PublicKey

from legalaid_desktop.domain.errors import SyncError, TooManyRecipients
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.i18n import _
from legalaid_desktop.sync import strictjson
from legalaid_desktop.sync.audit_anchor import AuditAnchor, parse_anchor
from legalaid_desktop.sync.container.format import (
    _BOUND_KEYS,
    _CONTENT_KEY_SIZE,
    _FIELD_KEYS,
    _HPKE,
    _INNER_DOMAIN,
    _MANIFEST_LEN,
    _OUTER_DOMAIN,
    _PREFIX,
    _PREFIX_SIZE,
    _REQUIRED_FIELD_KEYS,
    _SIGNATURE_SIZE,
    _STANZA_INFO,
    CHUNK_SIZE,
    DEFAULT_LIMITS,
    FORMAT_VERSION,
    MAGIC,
    MAX_HEADER_SIZE,
    MAX_STANZAS,
    PART_NAME_RE,
    SUITE,
    BundleInfo,
    Destination,
    Limits,
    Stanza,
    _check_fields,
    _parse_header,
)
from legalaid_desktop.sync.container.stream import _ChunkWriter, _payload_aead
from legalaid_desktop.sync.keys import (
    RECOVERY_LABEL_RE,
    NodeKeys,
    NodePublicKeys,
    encode_b64,
    hybrid_public_key,
)


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
