"""Database-key wraps of the vault and the MAC over the whole vault (DESIGN.md §5).

A **wrap** carries the database key (DEK) to one slot: ephemeral X25519 to the slot's public key,
HKDF-SHA256, AES-256-GCM, bound to the slot and the key epoch. Encryption to a public key alone
proves nothing about who made it: anyone who can write ``vault.json`` could wrap a key of their own
to every slot and plant a database under it. So a wrap of format 2 also carries:

- ``mac``: HMAC-SHA256 over the wrap, keyed with the slot's **wrap-MAC key**. That key is derived
  from the slot's secret (a user slot's private key, which only the password opens; the recovery
  key for the recovery slot), so the slot holder checks the wrap before trusting the key in it.
- ``mk``: the same wrap-MAC key, encrypted under the DEK the wrap carries. Whoever holds the
  current DEK (an administrator revoking a user) can read it and make wraps of a *new* DEK that the
  remaining slots accept, without knowing their passwords; someone with only the file cannot.

Wraps of format 1 (stores made before this) have neither field; they are accepted only for slots
still of format 1, which each holder's next login upgrades (see ``vault.py``).

The **vault MAC** is HMAC-SHA256 over the canonical JSON of the whole vault (every field but the
MAC itself), keyed from the current DEK and checked right after unlocking: a field changed by
someone without the key is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from legalaid_desktop.domain.errors import VaultTampered
from legalaid_desktop.i18n import _

MAC_SIZE = 32


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise VaultTampered(_("The key file is malformed."))
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise VaultTampered(_("The key file is malformed.")) from None


def canon(obj: object) -> bytes:
    """Canonical JSON: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def hkdf(secret: bytes, info: bytes, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(secret)


def forged_wrap_error() -> VaultTampered:
    """The refusal when a wrap was not made by a holder of the slot's secret or the key."""
    return VaultTampered(
        _(
            "The key file has been altered: the database key offered to this account was not "
            "written by this data store. Nothing was opened; tell your administrator."
        )
    )


def altered_error() -> VaultTampered:
    return VaultTampered(_("The key file has been altered and is refused."))


@dataclass
class DekWrap:
    """One slot's wrap of one DEK; ``mac`` and ``mk`` are empty in format-1 wraps."""

    ephemeral: bytes
    ciphertext: bytes
    mac: bytes = b""
    mk: bytes = b""

    @property
    def authenticated(self) -> bool:
        return bool(self.mac)

    def to_dict(self) -> dict[str, str]:
        data = {"epk": b64(self.ephemeral), "ct": b64(self.ciphertext)}
        if self.authenticated:
            data.update(mac=b64(self.mac), mk=b64(self.mk))
        return data

    @classmethod
    def from_dict(cls, data: object) -> DekWrap:
        shapes = ({"epk", "ct"}, {"epk", "ct", "mac", "mk"})
        if not isinstance(data, dict) or set(data) not in shapes:
            raise VaultTampered(_("The key file is malformed."))
        if "mac" not in data:
            return cls(unb64(data["epk"]), unb64(data["ct"]))
        wrap = cls(unb64(data["epk"]), unb64(data["ct"]), unb64(data["mac"]), unb64(data["mk"]))
        if len(wrap.mac) != MAC_SIZE:
            raise VaultTampered(_("The key file is malformed."))
        return wrap


def _info(binding: bytes, epoch: int) -> bytes:
    return b"legalaid-vault dek|" + binding + b"|" + str(epoch).encode()


def _wrap_mac(mac_key: bytes, binding: bytes, epoch: int, ephemeral: bytes, ct: bytes) -> bytes:
    message = canon(["legalaid-vault wrap", binding.decode(), epoch, b64(ephemeral), b64(ct)])
    return hmac.new(mac_key, message, hashlib.sha256).digest()


def _mk_key(dek: bytes) -> bytes:
    return hkdf(dek, b"legalaid-vault wrap-mac keys")


def wrap_dek(
    dek: bytes, public_key: bytes, binding: bytes, epoch: int, mac_key: bytes | None
) -> DekWrap:
    """Wrap ``dek`` to ``public_key``; authenticated with ``mac_key`` unless it is None."""
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
    epk = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    info = _info(binding, epoch)
    key = hkdf(shared + epk, info)
    nonce = secrets.token_bytes(12)
    ct = nonce + AESGCM(key).encrypt(nonce, dek, info)
    if mac_key is None:
        return DekWrap(epk, ct)
    mk_nonce = secrets.token_bytes(12)
    mk = mk_nonce + AESGCM(_mk_key(dek)).encrypt(mk_nonce, mac_key, info)
    return DekWrap(epk, ct, _wrap_mac(mac_key, binding, epoch, epk, ct), mk)


def unwrap_dek(
    wrap: DekWrap,
    private: X25519PrivateKey,
    binding: bytes,
    epoch: int,
    mac_key: bytes | None,
) -> bytes:
    """Open a wrap with the slot's private key, checking its MAC first when ``mac_key`` is given.

    Raises:
        VaultTampered: the wrap is damaged, or (format 2) was not made with the slot's MAC key.
    """
    if mac_key is not None:
        if not wrap.authenticated:
            raise forged_wrap_error()
        expected = _wrap_mac(mac_key, binding, epoch, wrap.ephemeral, wrap.ciphertext)
        if not hmac.compare_digest(expected, wrap.mac):
            raise forged_wrap_error()
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(wrap.ephemeral))
    except ValueError:
        raise altered_error() from None
    info = _info(binding, epoch)
    key = hkdf(shared + wrap.ephemeral, info)
    try:
        dek = AESGCM(key).decrypt(wrap.ciphertext[:12], wrap.ciphertext[12:], info)
    except (InvalidTag, ValueError):
        raise altered_error() from None
    if mac_key is not None and not hmac.compare_digest(
        mac_key_under_dek(wrap, dek, binding, epoch), mac_key
    ):
        raise forged_wrap_error()
    return dek


def mac_key_under_dek(wrap: DekWrap, dek: bytes, binding: bytes, epoch: int) -> bytes:
    """The slot's wrap-MAC key as kept under ``dek`` (for re-wrapping a new DEK to the slot).

    Raises:
        VaultTampered: the wrap is of format 1, or its ``mk`` does not open under ``dek``.
    """
    if not wrap.authenticated:
        raise VaultTampered(_("The key file is malformed."))
    try:
        return AESGCM(_mk_key(dek)).decrypt(wrap.mk[:12], wrap.mk[12:], _info(binding, epoch))
    except (InvalidTag, ValueError):
        raise altered_error() from None


def vault_mac(dek: bytes, canonical: bytes) -> bytes:
    """The MAC over the canonical vault, keyed from the current DEK."""
    return hmac.new(hkdf(dek, b"legalaid-vault whole"), canonical, hashlib.sha256).digest()
