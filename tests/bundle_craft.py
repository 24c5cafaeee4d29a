"""Building bundles as a hostile but enrolled node could: valid signatures around bad contents.

Shared by the container's hostile tests. A bundle is crafted from the writer's own low-level
pieces (``_seal``, ``_plaintext``, ...) with an arbitrary manifest and body, as a rogue center, or
a thief of its key, could write it; :func:`raw_bundle` writes a header and junk for the checks
that come before any signature.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pytest

from legalaid_desktop.domain.errors import BundleRejected
from legalaid_desktop.sync import container, strictjson
from legalaid_desktop.sync.container import MAGIC, open_bundle, writer
from legalaid_desktop.sync.container import format as bundle_format
from legalaid_desktop.sync.keys import NodeKeys, NodePublicKeys

FIELDS = {"seq": 7, "prev_hash": "ab" * 32, "schema_version": "0003_cases"}


@dataclass
class Nodes:
    hq: NodeKeys
    gnj: NodeKeys
    bak: NodeKeys
    pins: dict[str, NodePublicKeys]

    def lookup(self, code: str) -> NodePublicKeys | None:
        return self.pins.get(code)


def make_nodes() -> Nodes:
    """HQ and two centers (GNJ, BAK), each with new keys, and HQ's pins of all three."""
    hq, gnj, bak = NodeKeys.generate("HQ"), NodeKeys.generate("GNJ"), NodeKeys.generate("BAK")
    return Nodes(hq, gnj, bak, {k.node_code: k.public() for k in (hq, gnj, bak)})


def open_as_hq(source: Any, nodes: Nodes, **kwargs: Any) -> container.OpenedBundle:
    return open_bundle(source, me=nodes.hq, sender_keys=nodes.lookup, **kwargs)


def reject(data: bytes, nodes: Nodes, expected: type[BundleRejected] = BundleRejected) -> str:
    """Assert that ``data`` is refused by HQ with ``expected``; return the message."""
    with pytest.raises(expected) as info:
        open_as_hq(io.BytesIO(data), nodes)
    assert str(info.value)
    return str(info.value)


def resign(data_without_signature: bytes, signer: NodeKeys) -> bytes:
    """Append a fresh, valid outer signature, as a sender (or a thief of its key) could."""
    digest = hashlib.sha256(data_without_signature).digest()
    return data_without_signature + signer.signing_key.sign(bundle_format._OUTER_DOMAIN + digest)


def body_start(data: bytes) -> int:
    return 14 + struct.unpack(">I", data[10:14])[0]


def entry(
    name: str,
    data: bytes,
    *,
    encoding: str = "raw",
    stored: int | None = None,
    size: int | None = None,
    sha: str | None = None,
) -> dict[str, Any]:
    return {
        "name": name,
        "size": len(data) if size is None else size,
        "sha256": sha or hashlib.sha256(data).hexdigest(),
        "encoding": encoding,
        "stored": len(data) if stored is None else stored,
    }


def craft(
    nodes: Nodes,
    *,
    entries: list[dict[str, Any]],
    stream: Iterable[bytes],
    author: NodeKeys | None = None,
    outer_signer: NodeKeys | None = None,
    inner_signer: NodeKeys | None = None,
    recipient: NodePublicKeys | None = None,
    manifest_changes: dict[str, Any] | None = None,
    manifest_bytes: bytes | None = None,
    header_fields: dict[str, Any] | None = None,
) -> bytes:
    """Build a bundle from GNJ (by default) to HQ with an arbitrary manifest and body stream."""
    return seal_as(
        author or nodes.gnj,
        recipient or nodes.hq.public(),
        header_fields or FIELDS,
        entries=entries,
        stream=stream,
        outer_signer=outer_signer,
        inner_signer=inner_signer,
        manifest_changes=manifest_changes,
        manifest_bytes=manifest_bytes,
    )


def seal_as(
    author: NodeKeys,
    recipient: NodePublicKeys,
    header_fields: dict[str, Any],
    *,
    entries: list[dict[str, Any]],
    stream: Iterable[bytes],
    outer_signer: NodeKeys | None = None,
    inner_signer: NodeKeys | None = None,
    manifest_changes: dict[str, Any] | None = None,
    manifest_bytes: bytes | None = None,
) -> bytes:
    """A bundle ``author`` writes to ``recipient`` with an arbitrary manifest and body stream,
    signed as a hostile but enrolled node (or a thief of its keys) can sign it.

    Args:
        header_fields: ``seq``, ``prev_hash`` and ``schema_version`` of the header.
        entries: The manifest's parts (:func:`entry`), whatever the body holds.
        stream: The body's pieces, as the writer would stream them.
        outer_signer, inner_signer: Keys that sign instead of the author's.
        manifest_changes: Fields of the manifest replaced before it is signed.
        manifest_bytes: The signed manifest as given, instead of the one built here.
    """
    fields = writer._header_fields(author.node_code, recipient.node_code, header_fields)
    manifest = {
        **{key: fields[key] for key in bundle_format._BOUND_KEYS},
        "author": author.node_code,
        "recipients": [recipient.node_code],
        "parts": entries,
        "audit": None,
    }
    manifest.update(manifest_changes or {})
    raw = manifest_bytes if manifest_bytes is not None else strictjson.dumps(manifest)
    inner = (inner_signer or author).signing_key.sign(bundle_format._INNER_DOMAIN + raw)
    content_key = os.urandom(32)
    stanza = writer._seal_stanza(content_key, recipient.node_code, recipient.hpke_key)
    out = io.BytesIO()
    writer._seal(
        out,
        signer=(outer_signer or author).signing_key,
        header=writer._encode_header(fields, [stanza]),
        content_key=content_key,
        plaintext=writer._plaintext(raw, inner, stream),
    )
    return out.getvalue()


def raw_bundle(
    header: Any, *, version: int = container.FORMAT_VERSION, body: bytes = b"\x00" * 200
) -> bytes:
    """Prefix + an arbitrary header + junk: for checks that come before the signature."""
    encoded = header if isinstance(header, bytes) else strictjson.dumps(header)
    return struct.pack(">8sHI", MAGIC, version, len(encoded)) + encoded + body


def valid_header(nodes: Nodes, data: bytes) -> dict[str, Any]:
    start = body_start(data)
    header = strictjson.loads(data[14:start])
    assert isinstance(header, dict)
    return header


def manifest_length(opened: container.OpenedBundle) -> int:
    """The length of the manifest of a bundle written without an audit anchor: its canonical
    JSON, rebuilt from what opened (the manifest's keys are sorted, so their order is fixed)."""
    header = opened.header
    manifest = {
        **{key: getattr(header, key) for key in bundle_format._BOUND_KEYS},
        "author": opened.author,
        "recipients": list(header.recipients),
        "parts": [dataclasses.asdict(part) for part in opened.manifest],
        "audit": None,
    }
    return len(strictjson.dumps(manifest))
