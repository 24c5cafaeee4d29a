"""Keyslots of the vault: one per user and one for the recovery key (see :mod:`.vault`).

A :class:`Slot` is what ``vault.json`` (and a backup's key file) holds for one recipient of the
database key: its X25519 public key, the wrap of the database key to it and, for a user, the
private key sealed under the password (Argon2id parameters and salt). :meth:`Slot.binding` is
the data every encryption of the slot is bound to, so a slot moved to another user or with
lowered parameters fails to open. The recovery slot's key pair is derived from the recovery
secret (:func:`recovery_private`); format 2 derives it with another label than format 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from legalaid_desktop.domain.errors import VaultTampered
from legalaid_desktop.i18n import _
from legalaid_desktop.store.kdf import KdfParams
from legalaid_desktop.store.keywrap import DekWrap
from legalaid_desktop.store.keywrap import b64 as _b64
from legalaid_desktop.store.keywrap import canon as _canon
from legalaid_desktop.store.keywrap import hkdf as _hkdf
from legalaid_desktop.store.keywrap import unb64 as _unb64

__all__ = [
    "LEGACY_VERSION",
    "RECOVERY_SLOT",
    "VERSION",
    "Slot",
    "public_bytes",
    "recovery_private",
    "recovery_slot",
]

VERSION = 2
LEGACY_VERSION = 1
"""Format 1: wraps without authentication, no vault MAC (opened, and upgraded on unlock)."""
RECOVERY_SLOT = "recovery"


@dataclass
class Slot:
    """One keyslot: a user's (kind ``user``) or the recovery key's (kind ``recovery``)."""

    slot_id: str
    kind: str
    username: str
    public_key: bytes
    kdf: KdfParams | None = None
    salt: bytes = b""
    wrapped_private: bytes = b""
    dek: DekWrap | None = None
    version: int = VERSION
    since: int = 0
    """Format 2: the key epoch in which this slot's key pair (and so its MAC key) was made."""

    def binding(self, store_id: str, version: int | None = None) -> bytes:
        """The data every encryption of this slot is bound to (format 2 binds its format too)."""
        data: dict[str, Any] = {
            "slot": self.slot_id,
            "kind": self.kind,
            "user": self.username,
            "store": store_id,
            "pub": _b64(self.public_key),
            "kdf": self.kdf.to_dict() if self.kdf else None,
            "salt": _b64(self.salt),
        }
        if (self.version if version is None else version) != LEGACY_VERSION:
            data["v"] = VERSION
        return _canon(data)

    def mac_key(self, private: X25519PrivateKey) -> bytes | None:
        """The key this slot's wraps are authenticated with (None for a format-1 slot)."""
        if self.version == LEGACY_VERSION:
            return None
        label = b"legalaid-vault wrap-mac|" + self.slot_id.encode()
        return _hkdf(private.private_bytes_raw(), label)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.slot_id,
            "kind": self.kind,
            "user": self.username,
            "pub": _b64(self.public_key),
            "dek": self.dek.to_dict() if self.dek else None,
        }
        if self.version != LEGACY_VERSION:
            data.update(v=self.version, since=self.since)
        if self.kind == "user":
            assert self.kdf is not None
            data.update(
                kdf=self.kdf.to_dict(), salt=_b64(self.salt), priv=_b64(self.wrapped_private)
            )
        return data

    @classmethod
    def from_dict(cls, data: object) -> Slot:
        if not isinstance(data, dict):
            raise VaultTampered(_("The key file is malformed."))
        kind = data.get("kind")
        user = data.get("user")
        slot_id = data.get("id")
        if kind not in ("user", "recovery") or not isinstance(user, str):
            raise VaultTampered(_("The key file is malformed."))
        if not isinstance(slot_id, str):
            raise VaultTampered(_("The key file is malformed."))
        version = data.get("v", LEGACY_VERSION)
        if version not in (LEGACY_VERSION, VERSION) or ("v" in data and version != VERSION):
            raise VaultTampered(_("The key file is malformed."))
        slot = cls(
            slot_id=slot_id,
            kind=kind,
            username=user,
            public_key=_unb64(data.get("pub")),
            dek=DekWrap.from_dict(data["dek"]) if data.get("dek") is not None else None,
            version=version,
        )
        if slot.dek is not None and slot.dek.authenticated != (version == VERSION):
            raise VaultTampered(_("The key file is malformed."))
        if version == VERSION:
            since = data.get("since")
            if not isinstance(since, int) or isinstance(since, bool):
                raise VaultTampered(_("The key file is malformed."))
            slot.since = since
        if kind == "user":
            slot.kdf = KdfParams.from_dict(data.get("kdf"))
            slot.salt = _unb64(data.get("salt"))
            slot.wrapped_private = _unb64(data.get("priv"))
        return slot


def public_bytes(private: X25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def recovery_private(recovery_secret: bytes, version: int = VERSION) -> X25519PrivateKey:
    label = b"legalaid recovery x25519" + (b"" if version == LEGACY_VERSION else b" v2")
    return X25519PrivateKey.from_private_bytes(_hkdf(recovery_secret, label))


def recovery_slot(recovery_secret: bytes) -> Slot:
    return Slot(
        slot_id=RECOVERY_SLOT,
        kind="recovery",
        username="",
        public_key=public_bytes(recovery_private(recovery_secret)),
    )
