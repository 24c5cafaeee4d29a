"""What the bundle reader says about hostile input is one short, printable line.

Found with the fuzz harness (fuzz/, docs/testing.md), whose oracle also checks the messages of
the refusals: the CLI prints them as they are (``legalaid: ...``) and the GUI shows them, so a
hostile bundle must not fill a screen with one message, nor put a newline or a terminal escape
sequence in it.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct

import pytest

from legalaid_desktop.domain.errors import BundleRejected, InvalidJSON, SenderMismatch
from legalaid_desktop.sync import container, strictjson
from legalaid_desktop.sync.container import format as bundle_format
from legalaid_desktop.sync.container import writer
from legalaid_desktop.sync.keys import NodeKeys

MAX_MESSAGE = 500


def _assert_one_clear_line(message: str) -> None:
    assert len(message) <= MAX_MESSAGE, f"{len(message)} characters"
    assert message.isprintable(), f"control characters in {message[:200]!r}"


def test_a_repeated_huge_key_in_a_header_gives_a_short_message() -> None:
    """Anyone can send this: the header is parsed before any signature is checked."""
    key = b"k" * 20_000
    header = b'{"' + key + b'":1,"' + key + b'":2}'
    data = (
        struct.pack(">8sHI", container.MAGIC, container.FORMAT_VERSION, len(header))
        + header
        + b"\x00" * 200
    )
    with pytest.raises(InvalidJSON) as info:
        container.read_header(io.BytesIO(data))
    message = str(info.value)
    _assert_one_clear_line(message)
    assert "appears twice" in message


def test_a_repeated_key_with_control_characters_is_shown_escaped() -> None:
    with pytest.raises(InvalidJSON) as info:
        strictjson.loads(b'{"a\\u001b[2J\\n":1,"a\\u001b[2J\\n":2}')
    _assert_one_clear_line(str(info.value))


@pytest.mark.parametrize(
    "author", ["GNJ\x1b[2J\nlegalaid: imported 0 records", "x" * 5000, ["GNJ", {"a": None}]]
)
def test_a_foreign_author_in_a_signed_manifest_is_shown_escaped(author: object) -> None:
    """A center gone rogue signs a manifest naming a terminal escape sequence as its author."""
    gnj, hq = NodeKeys.generate("GNJ"), NodeKeys.generate("HQ")
    fields = writer._header_fields(
        "GNJ", "HQ", {"seq": 1, "prev_hash": None, "schema_version": "0001"}
    )
    data = b"[]"
    manifest = strictjson.dumps(
        {
            **{key: fields[key] for key in bundle_format._BOUND_KEYS},
            "author": author,
            "recipients": ["HQ"],
            "audit": None,
            "parts": [
                {
                    "name": "changes",
                    "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "encoding": "raw",
                    "stored": len(data),
                }
            ],
        }
    )
    inner = gnj.signing_key.sign(bundle_format._INNER_DOMAIN + manifest)
    content_key = os.urandom(32)
    stanza = writer._seal_stanza(content_key, "HQ", hq.public().hpke_key)
    out = io.BytesIO()
    writer._seal(
        out,
        signer=gnj.signing_key,
        header=writer._encode_header(fields, [stanza]),
        content_key=content_key,
        plaintext=writer._plaintext(manifest, inner, [data]),
    )
    pins = {"GNJ": gnj.public(), "HQ": hq.public()}
    with pytest.raises(SenderMismatch) as info:
        container.open_bundle(io.BytesIO(out.getvalue()), me=hq, sender_keys=pins.get)
    message = str(info.value)
    _assert_one_clear_line(message)
    assert "GNJ" in message
    assert isinstance(info.value, BundleRejected)
