"""Node identity keys for sync bundles (DESIGN.md §6).

Every node (a center or HQ) holds :class:`NodeKeys`:

* an **Ed25519** signing key: it signs the bundles the node writes (outer signature over the
  whole file, inner signature over the list of contents);
* a **hybrid post-quantum** HPKE key, ML-KEM-768 + X25519 (``KEM.MLKEM768_X25519`` in
  ``cryptography``'s HPKE): bundles addressed to the node are encrypted to it. Content recorded
  today must stay unreadable even to a future quantum computer, so the KEM is hybrid: breaking it
  needs breaking both ML-KEM-768 and X25519.

The public half travels as :class:`NodePublicKeys` (enrollment request, roster) and is compared
over the phone through :meth:`NodePublicKeys.fingerprint`.

``cryptography``'s hybrid key objects have no byte encoding of their own, so this module encodes
the hybrid key as its two halves:

* public: the 1,184-byte ML-KEM-768 encapsulation key followed by the 32-byte X25519 public key
  (1,216 bytes);
* private: the 64-byte ML-KEM-768 seed (``d ‖ z`` of FIPS 203) and the 32-byte X25519 private
  key.

:func:`recovery_keypair` derives the HQ **recovery** recipient deterministically from 32 random
bytes (HKDF-SHA256 to a 64-byte ML-KEM seed and a 32-byte X25519 key), so HQ only has to keep
those 32 bytes in its safe (printed) and the 1,216-byte public key in its database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
import struct
from dataclasses import dataclass, field
from typing import Any, Self

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.hpke import MLKEM768X25519PrivateKey, MLKEM768X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from legalaid_desktop.domain.errors import KeysRejected, SyncError
from legalaid_desktop.domain.hlc import NODE_PATTERN
from legalaid_desktop.i18n import N_, _

__all__ = [
    "ENCRYPTION_KEY_SIZE",
    "NODE_CODE_RE",
    "RECOVERY_LABEL_RE",
    "RECOVERY_SECRET_SIZE",
    "SIGNING_KEY_SIZE",
    "NodeKeys",
    "NodePublicKeys",
    "RecoveryKey",
    "check_node_code",
    "decode_b64",
    "encode_b64",
    "hybrid_public_key",
    "new_recovery_secret",
    "recovery_keypair",
]

SIGNING_KEY_SIZE = 32
"""Bytes in an Ed25519 public key."""

MLKEM_PUBLIC_SIZE = 1184
"""Bytes in an ML-KEM-768 encapsulation (public) key."""

X25519_SIZE = 32
"""Bytes in an X25519 public or private key."""

ENCRYPTION_KEY_SIZE = MLKEM_PUBLIC_SIZE + X25519_SIZE
"""Bytes in an encoded hybrid public key: ML-KEM-768 key ‖ X25519 key (1,216)."""

MLKEM_SEED_SIZE = 64
"""Bytes in an ML-KEM-768 private key seed."""

RECOVERY_SECRET_SIZE = 32
"""Bytes of secret behind a recovery key pair."""

NODE_CODE_RE = re.compile(NODE_PATTERN)
"""What a node code may look like (shared with the hybrid logical clock)."""

RECOVERY_LABEL_RE = re.compile(r"recovery:[0-9A-Za-z._-]{1,48}")
"""What a recovery recipient's label may look like; the colon keeps it apart from node codes."""

_PRIVATE_MAGIC = b"LANK"
_PRIVATE_VERSION = 1
_PRIVATE_KEYS_SIZE = 32 + MLKEM_SEED_SIZE + X25519_SIZE
_FINGERPRINT_DOMAIN = b"legalaid/node-fingerprint/v1\x00"
_RECOVERY_SALT = b"legalaid/recovery-key/v1"
_RECOVERY_INFO = b"ML-KEM-768 seed || X25519 private key"
_PUBLIC_DICT_VERSION = 1
_PUBLIC_DICT_KEYS = frozenset({"version", "node_code", "signing_key", "encryption_key"})


def check_node_code(code: object, *, what: str = N_("node code")) -> str:
    """Return ``code`` if it is a valid node code, else raise.

    Args:
        code: The candidate.
        what: How to name it in the message: an untranslated ``N_()`` label, translated here.

    Returns:
        ``code``.

    Raises:
        KeysRejected: ``code`` is not a string matching :data:`NODE_CODE_RE`.
    """
    if not isinstance(code, str) or NODE_CODE_RE.fullmatch(code) is None:
        raise KeysRejected(
            _("Not a valid {what}: {value}").format(what=_(what), value=repr(code)[:80])
        )
    return code


def encode_b64(data: bytes) -> str:
    """Standard base64 with padding: the one spelling :func:`decode_b64` accepts."""
    return base64.b64encode(data).decode("ascii")


def decode_b64(text: object, *, size: int | None = None, what: str = N_("value")) -> bytes:
    """Decode canonical standard base64, refusing every other spelling.

    Args:
        text: The base64 string (standard alphabet, with padding, no whitespace).
        size: The exact number of bytes expected, if known.
        what: How to name the value in the message: an untranslated ``N_()`` label (such as
            ``N_("signing key")``), translated here when a message is raised.

    Returns:
        The bytes.

    Raises:
        KeysRejected: ``text`` is not a string, not canonical base64, or of the wrong size.
    """
    if not isinstance(text, str):
        raise KeysRejected(_("The {what} is not a base64 string.").format(what=_(what)))
    if size is not None and len(text) != 4 * ((size + 2) // 3):
        raise KeysRejected(_("The {what} has the wrong length.").format(what=_(what)))
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        raise KeysRejected(_("The {what} is not valid base64.").format(what=_(what))) from None
    if encode_b64(data) != text:
        raise KeysRejected(_("The {what} is not canonical base64.").format(what=_(what)))
    if size is not None and len(data) != size:
        raise KeysRejected(_("The {what} has the wrong length.").format(what=_(what)))
    return data


def hybrid_public_key(encoded: bytes) -> MLKEM768X25519PublicKey:
    """Load an encoded hybrid public key (ML-KEM-768 key ‖ X25519 key).

    Besides the sizes, this refuses an ML-KEM key that fails the FIPS 203 encapsulation key
    check, and an X25519 key of small order (one that would give an all-zero shared secret).

    Args:
        encoded: :data:`ENCRYPTION_KEY_SIZE` bytes.

    Returns:
        The key, ready for HPKE.

    Raises:
        KeysRejected: ``encoded`` is not a valid hybrid public key.
    """
    if not isinstance(encoded, bytes) or len(encoded) != ENCRYPTION_KEY_SIZE:
        raise KeysRejected(_("The encryption key has the wrong length."))
    try:
        mlkem_public = mlkem.MLKEM768PublicKey.from_public_bytes(encoded[:MLKEM_PUBLIC_SIZE])
        x_public = x25519.X25519PublicKey.from_public_bytes(encoded[MLKEM_PUBLIC_SIZE:])
        # A small-order X25519 point gives an all-zero shared secret, which this refuses.
        x25519.X25519PrivateKey.generate().exchange(x_public)
    except (ValueError, UnsupportedAlgorithm):
        raise KeysRejected(_("The encryption key is not valid.")) from None
    return MLKEM768X25519PublicKey(mlkem_public, x_public)


def _encode_hybrid_public(
    mlkem_key: mlkem.MLKEM768PrivateKey, x_key: x25519.X25519PrivateKey
) -> bytes:
    return mlkem_key.public_key().public_bytes_raw() + x_key.public_key().public_bytes_raw()


@dataclass(frozen=True, repr=False)
class NodePublicKeys:
    """The public keys of one node, as pinned by its peers.

    Attributes:
        node_code: The node's code (e.g. ``GNJ``).
        signing_key: The raw 32-byte Ed25519 public key.
        encryption_key: The encoded 1,216-byte hybrid public key (ML-KEM-768 ‖ X25519).

    Raises:
        KeysRejected: A field is not valid (checked on construction).
    """

    node_code: str
    signing_key: bytes
    encryption_key: bytes
    _verify_key: Ed25519PublicKey = field(init=False, repr=False, compare=False)
    _hpke_key: MLKEM768X25519PublicKey = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_node_code(self.node_code)
        if not isinstance(self.signing_key, bytes) or len(self.signing_key) != SIGNING_KEY_SIZE:
            raise KeysRejected(_("The signing key has the wrong length."))
        try:
            verify_key = Ed25519PublicKey.from_public_bytes(self.signing_key)
        except ValueError:
            raise KeysRejected(_("The signing key is not valid.")) from None
        object.__setattr__(self, "_verify_key", verify_key)
        object.__setattr__(self, "_hpke_key", hybrid_public_key(self.encryption_key))

    def __repr__(self) -> str:
        return f"NodePublicKeys(node_code={self.node_code!r}, fingerprint={self.fingerprint()!r})"

    @property
    def verify_key(self) -> Ed25519PublicKey:
        """The Ed25519 key that checks this node's signatures."""
        return self._verify_key

    @property
    def hpke_key(self) -> MLKEM768X25519PublicKey:
        """The hybrid HPKE key that bundles for this node are encrypted to."""
        return self._hpke_key

    def fingerprint(self) -> str:
        """A short fingerprint to read out over the phone: six groups of five digits.

        It is SHA-256 over a domain string, the length-prefixed node code and both keys; each
        group is 5 bytes of the digest taken modulo 100,000 (about 99.7 bits in all).

        Returns:
            For example ``"04127 88310 55102 93007 31416 27182"``.
        """
        code = self.node_code.encode("ascii")
        digest = hashlib.sha256(
            _FINGERPRINT_DOMAIN
            + struct.pack(">B", len(code))
            + code
            + self.signing_key
            + self.encryption_key
        ).digest()
        groups = (int.from_bytes(digest[5 * i : 5 * i + 5], "big") % 100_000 for i in range(6))
        return " ".join(f"{group:05d}" for group in groups)

    def to_dict(self) -> dict[str, Any]:
        """The keys as a JSON-ready object (for enrollment and the roster).

        Returns:
            ``{"version": 1, "node_code": ..., "signing_key": base64, "encryption_key": base64}``.
        """
        return {
            "version": _PUBLIC_DICT_VERSION,
            "node_code": self.node_code,
            "signing_key": encode_b64(self.signing_key),
            "encryption_key": encode_b64(self.encryption_key),
        }

    @classmethod
    def from_dict(cls, data: object) -> Self:
        """Load the object written by :meth:`to_dict`, refusing anything else.

        Args:
            data: The parsed object (untrusted).

        Returns:
            The keys.

        Raises:
            KeysRejected: ``data`` is not exactly such an object: a missing or extra field, a
                wrong type or version, non-canonical base64, a wrong length, or an invalid key.
        """
        if not isinstance(data, dict) or set(data) != _PUBLIC_DICT_KEYS:
            raise KeysRejected(_("The node keys do not have the expected fields."))
        version = data["version"]
        if type(version) is not int or version != _PUBLIC_DICT_VERSION:
            raise KeysRejected(_("The node keys use an unknown format version."))
        return cls(
            node_code=check_node_code(data["node_code"]),
            signing_key=decode_b64(
                data["signing_key"], size=SIGNING_KEY_SIZE, what=N_("signing key")
            ),
            encryption_key=decode_b64(
                data["encryption_key"], size=ENCRYPTION_KEY_SIZE, what=N_("encryption key")
            ),
        )


class NodeKeys:
    """The private keys of this node. Keep them inside the encrypted store only.

    Args:
        node_code: This node's code.
        signing_key: The Ed25519 private key.
        mlkem_key: The ML-KEM-768 half of the hybrid encryption key.
        x25519_key: The X25519 half of the hybrid encryption key.

    Raises:
        KeysRejected: ``node_code`` is not valid.
    """

    __slots__ = ("_encryption_key", "_mlkem", "_public", "_x25519", "node_code", "signing_key")

    def __init__(
        self,
        node_code: str,
        signing_key: Ed25519PrivateKey,
        mlkem_key: mlkem.MLKEM768PrivateKey,
        x25519_key: x25519.X25519PrivateKey,
    ) -> None:
        self.node_code = check_node_code(node_code)
        self.signing_key = signing_key
        self._mlkem = mlkem_key
        self._x25519 = x25519_key
        self._encryption_key = MLKEM768X25519PrivateKey(mlkem_key, x25519_key)
        self._public = NodePublicKeys(
            node_code=self.node_code,
            signing_key=signing_key.public_key().public_bytes_raw(),
            encryption_key=_encode_hybrid_public(mlkem_key, x25519_key),
        )

    def __repr__(self) -> str:
        return f"NodeKeys(node_code={self.node_code!r})"

    @classmethod
    def generate(cls, node_code: str) -> Self:
        """Make fresh keys for a node.

        Args:
            node_code: The node's code.

        Returns:
            New keys from the operating system's random source.
        """
        return cls(
            node_code,
            Ed25519PrivateKey.generate(),
            mlkem.MLKEM768PrivateKey.generate(),
            x25519.X25519PrivateKey.generate(),
        )

    @property
    def encryption_key(self) -> MLKEM768X25519PrivateKey:
        """The hybrid HPKE private key that opens bundles addressed to this node."""
        return self._encryption_key

    @property
    def stanza_label(self) -> str:
        """The label of the recipient stanza this key opens: the node code."""
        return self.node_code

    def public(self) -> NodePublicKeys:
        """The public half, to send to HQ at enrollment."""
        return self._public

    def to_bytes(self) -> bytes:
        """The private serialization, for the encrypted store only.

        Layout (version 1): ``b"LANK"`` ‖ version (1 byte) ‖ length of the node code (1 byte) ‖
        node code (ASCII) ‖ Ed25519 private key (32) ‖ ML-KEM-768 seed (64) ‖ X25519 private
        key (32).

        Returns:
            The bytes.
        """
        code = self.node_code.encode("ascii")
        return (
            _PRIVATE_MAGIC
            + struct.pack(">BB", _PRIVATE_VERSION, len(code))
            + code
            + self.signing_key.private_bytes_raw()
            + self._mlkem.private_bytes_raw()
            + self._x25519.private_bytes_raw()
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> Self:
        """Load keys written by :meth:`to_bytes`.

        Args:
            data: The bytes from the encrypted store.

        Returns:
            The keys.

        Raises:
            SyncError: ``data`` is not a serialization this version can read.
        """
        unreadable = SyncError(_("The stored keys of this node are unreadable."))
        if not isinstance(data, bytes) or len(data) < 6 or data[:4] != _PRIVATE_MAGIC:
            raise unreadable
        version, code_len = data[4], data[5]
        if version != _PRIVATE_VERSION or len(data) != 6 + code_len + _PRIVATE_KEYS_SIZE:
            raise unreadable
        try:
            code = data[6 : 6 + code_len].decode("ascii")
            check_node_code(code)
        except (UnicodeDecodeError, KeysRejected):
            raise unreadable from None
        keys = data[6 + code_len :]
        try:
            return cls(
                code,
                Ed25519PrivateKey.from_private_bytes(keys[:32]),
                mlkem.MLKEM768PrivateKey.from_seed_bytes(keys[32 : 32 + MLKEM_SEED_SIZE]),
                x25519.X25519PrivateKey.from_private_bytes(keys[32 + MLKEM_SEED_SIZE :]),
            )
        except ValueError:
            raise unreadable from None


class RecoveryKey:
    """HQ's recovery recipient: a hybrid key pair derived from a 32-byte secret.

    Every bundle can carry one more recipient stanza for this key, so that HQ can still read a
    bundle if the addressed node's keys are lost. Make it with :func:`recovery_keypair`.

    Attributes:
        label: The stanza label, e.g. ``"recovery:hq"``.
        public_bytes: The encoded 1,216-byte hybrid public key, to pass as an extra recipient.
    """

    __slots__ = ("_encryption_key", "label", "public_bytes")

    def __init__(
        self,
        label: str,
        mlkem_key: mlkem.MLKEM768PrivateKey,
        x25519_key: x25519.X25519PrivateKey,
    ) -> None:
        if not isinstance(label, str) or RECOVERY_LABEL_RE.fullmatch(label) is None:
            raise KeysRejected(_("Not a valid recovery key label: {label}").format(label=label))
        self.label = label
        self._encryption_key = MLKEM768X25519PrivateKey(mlkem_key, x25519_key)
        self.public_bytes = _encode_hybrid_public(mlkem_key, x25519_key)

    def __repr__(self) -> str:
        return f"RecoveryKey(label={self.label!r})"

    @property
    def encryption_key(self) -> MLKEM768X25519PrivateKey:
        """The hybrid HPKE private key that opens the recovery stanza."""
        return self._encryption_key

    @property
    def stanza_label(self) -> str:
        """The label of the recipient stanza this key opens."""
        return self.label

    def recipient(self) -> tuple[str, bytes]:
        """``(label, public_bytes)``, ready for ``write_bundle(extra_recipients=...)``."""
        return (self.label, self.public_bytes)


def new_recovery_secret() -> bytes:
    """Return 32 fresh random bytes for :func:`recovery_keypair` (print them, keep them safe)."""
    return secrets.token_bytes(RECOVERY_SECRET_SIZE)


def recovery_keypair(secret: bytes, *, label: str = "recovery:hq") -> RecoveryKey:
    """Derive the recovery key pair from its secret. The same secret always gives the same pair.

    HKDF-SHA256 (salt ``legalaid/recovery-key/v1``) expands the secret to 96 bytes: the first 64
    are the ML-KEM-768 seed, the last 32 the X25519 private key. Only the secret needs to be kept
    (offline); the public key can be recomputed from it at any time.

    Args:
        secret: Exactly 32 random bytes (see :func:`new_recovery_secret`).
        label: The stanza label, matching :data:`RECOVERY_LABEL_RE`.

    Returns:
        The key pair.

    Raises:
        ValueError: ``secret`` is not 32 bytes.
        KeysRejected: ``label`` is not valid.
    """
    if not isinstance(secret, bytes) or len(secret) != RECOVERY_SECRET_SIZE:
        raise ValueError("the recovery secret must be exactly 32 bytes")
    material = HKDF(
        algorithm=hashes.SHA256(),
        length=MLKEM_SEED_SIZE + X25519_SIZE,
        salt=_RECOVERY_SALT,
        info=_RECOVERY_INFO,
    ).derive(secret)
    return RecoveryKey(
        label,
        mlkem.MLKEM768PrivateKey.from_seed_bytes(material[:MLKEM_SEED_SIZE]),
        x25519.X25519PrivateKey.from_private_bytes(material[MLKEM_SEED_SIZE:]),
    )
