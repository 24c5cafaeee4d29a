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

The code is in four modules: :mod:`.format` (constants, dataclasses, strict header and
manifest parsing), :mod:`.stream` (the chunked AEAD body), :mod:`.writer` and :mod:`.reader`.
This package exports their public API.
"""

from legalaid_desktop.sync.container.format import (
    CHUNK_SIZE,
    DEFAULT_LIMITS,
    FORMAT_VERSION,
    MAGIC,
    MAX_HEADER_SIZE,
    MAX_STANZAS,
    PART_NAME_RE,
    SUITE,
    BundleHeader,
    BundleInfo,
    Destination,
    Limits,
    OpenedBundle,
    PartEntry,
    Source,
    Stanza,
)
from legalaid_desktop.sync.container.reader import (
    bundle_hash,
    open_bundle,
    read_header,
    verify_bundle,
)
from legalaid_desktop.sync.container.writer import write_bundle

__all__ = [
    "CHUNK_SIZE",
    "DEFAULT_LIMITS",
    "FORMAT_VERSION",
    "MAGIC",
    "MAX_HEADER_SIZE",
    "MAX_STANZAS",
    "PART_NAME_RE",
    "SUITE",
    "BundleHeader",
    "BundleInfo",
    "Destination",
    "Limits",
    "OpenedBundle",
    "PartEntry",
    "Source",
    "Stanza",
    "bundle_hash",
    "open_bundle",
    "read_header",
    "verify_bundle",
    "write_bundle",
]
