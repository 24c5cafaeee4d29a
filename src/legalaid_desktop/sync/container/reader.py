"""Reading a bundle: every check, in the order the package docstring gives, before any part is
returned."""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import BinaryIO

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.hpke import MLKEM768X25519PrivateKey

from legalaid_desktop.domain.errors import (
    BundleNotAddressed,
    BundleTooLarge,
    BundleTooNew,
    BundleVersionUnsupported,
    NotABundle,
    SenderMismatch,
    UnknownSender,
)
from legalaid_desktop.i18n import _
from legalaid_desktop.sync.container.format import (
    _CONTENT_KEY_SIZE,
    _HASH_BLOCK,
    _HPKE,
    _INNER_DOMAIN,
    _MANIFEST_LEN,
    _OUTER_DOMAIN,
    _PREFIX,
    _PREFIX_SIZE,
    _SIGNATURE_SIZE,
    _STANZA_INFO,
    _TAG_SIZE,
    DEFAULT_LIMITS,
    FORMAT_VERSION,
    MAGIC,
    MAX_HEADER_SIZE,
    BundleHeader,
    Limits,
    OpenedBundle,
    PartEntry,
    Source,
    Stanza,
    _bad_manifest,
    _damaged,
    _malformed,
    _parse_header,
    _parse_manifest,
)
from legalaid_desktop.sync.container.stream import _ChunkReader, _payload_aead, _read_exact
from legalaid_desktop.sync.keys import NodeKeys, NodePublicKeys, RecoveryKey


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
        # One byte more than declared is enough to tell a bomb; zlib keeps back input only when
        # it stops at that length, so a part within its size has always been inflated whole.
        data = inflater.decompress(stored, entry.size + 1)
        if len(data) > entry.size:
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
        # Unreachable while the header fixes each stanza's size (which fixes the key's); kept in
        # case that changes. Its words cannot be tested, hence:
        raise _damaged(_("the content key has the wrong size"))  # pragma: no mutate
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
