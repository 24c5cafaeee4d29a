"""The vault: the keyslot file beside the database (DESIGN.md §5).

The slots themselves (their fields, binding and recovery-key derivation) are in
:mod:`legalaid_desktop.store.slots`; this module reads, writes, unlocks and rotates the file.

Layout (``vault.json``, UTF-8 JSON, written atomically with owner-only permissions)::

    {"format": "legalaid-vault", "version": 2, "store_id": "<uuid>", "epoch": N,
     "slots": [<user slot>, ..., <recovery slot>],
     "pending": null | {"epoch": N+1, "wraps": {slot_id: <dek wrap>}},
     "counter": {"value": N, "mac": "<b64>"},
     "mac": "<b64: HMAC over all the rest, keyed from the DEK>"}

Each **user slot** holds an X25519 key pair. The private key is encrypted with AES-256-GCM under
a key derived from the user's password with Argon2id; the additional authenticated data binds the
slot id, user name, store id, public key and the KDF parameters, so lowering the parameters or
moving a slot to another user makes it fail to open. Parameters below the floor are refused before
any work. The database key (DEK) is wrapped to each slot's *public* key (ephemeral X25519 +
HKDF-SHA256 + AES-256-GCM, bound to the slot, the user and the key epoch), which lets an
administrator re-wrap a *new* DEK for the remaining users without knowing their passwords. Each
wrap is authenticated with a MAC key only the slot's holder (or a holder of the current DEK) can
compute, and the whole vault carries a MAC keyed from the DEK (see ``keywrap.py``), so someone
who can only write the file cannot plant a database of their own behind a real password.

**Format 1** (before the wraps were authenticated) still opens. A slot of format 1 has no
``"v"`` field; the first login of its holder (or the first use of the recovery key) upgrades it
to format 2, and the first unlock writes the file as version 2 with its MAC. A slot of format 2
is bound to that format (the ``"v"`` is part of what its private key is encrypted with), so it
cannot be passed off as a format-1 slot.

The **recovery slot** is one more recipient; its private key is derived from the recovery key
(256 random bits printed once at ``init`` or ``recover rotate``), which needs no password
stretching. Format 2 derives it with another label than format 1, so a format-1 recovery slot
forged from the file's public key cannot fool a format-2 recovery key.

The **counter** is a number that the store also keeps inside the encrypted database; its MAC is
keyed from the DEK, so it cannot be edited without the key. The store raises the database copy
first and the vault copy second: a database *older* than the vault means the database file was
replaced by an old copy.

**Rotation** (revoking a user) first writes the new DEK's wraps as ``pending``, then rekeys the
database, then promotes the pending wraps. A crash in between leaves a vault that opens the
database whichever key it has. Each slot records the epoch its key pair was made (``since``): a
user who was revoked could read every slot's wrap-MAC key under the old DEK, so the first login
of each remaining user after a rotation gives their slot a new key pair.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from legalaid_desktop.domain.errors import (
    AuthenticationError,
    InputRejected,
    VaultError,
    VaultTampered,
)
from legalaid_desktop.fsutil import atomic_write
from legalaid_desktop.i18n import _
from legalaid_desktop.store.kdf import FLOOR, KdfParams
from legalaid_desktop.store.keywrap import (
    DekWrap,
    altered_error,
    mac_key_under_dek,
    unwrap_dek,
    vault_mac,
    wrap_dek,
)
from legalaid_desktop.store.keywrap import b64 as _b64
from legalaid_desktop.store.keywrap import canon as _canon
from legalaid_desktop.store.keywrap import hkdf as _hkdf
from legalaid_desktop.store.keywrap import unb64 as _unb64
from legalaid_desktop.store.recovery_text import format_recovery_key, parse_recovery_key
from legalaid_desktop.store.slots import (
    LEGACY_VERSION,
    VERSION,
    Slot,
    public_bytes,
    recovery_private,
    recovery_slot,
)

__all__ = [
    "FLOOR",
    "KdfParams",
    "Unlocked",
    "Vault",
    "format_recovery_key",
    "parse_recovery_key",
]

FORMAT = "legalaid-vault"


@dataclass(frozen=True)
class Unlocked:
    """What a successful unlock yields: the slot's user name and the database key(s).

    ``keys`` holds the current database key first and, if a key rotation was interrupted, the
    new key second; the store tries them in order. ``slot_id`` and ``private`` are the slot that
    opened and its private key: they open the backups wrapped to that slot (administrators and
    the recovery key, see ``backups.py``).
    """

    username: str  # "" for the recovery key
    keys: tuple[bytes, ...]
    slot_id: str = ""
    private: X25519PrivateKey | None = field(default=None, repr=False)


def _counter_mac(dek: bytes, store_id: str, epoch: int, value: int) -> bytes:
    key = _hkdf(dek, b"legalaid-vault counter")
    return hmac.new(key, _canon([store_id, epoch, value]), hashlib.sha256).digest()


@dataclass
class Vault:
    """The keyslots of one store. Load with :meth:`load`, create with :meth:`create`."""

    path: Path
    store_id: str
    epoch: int
    slots: list[Slot]
    counter_value: int = 0
    counter_mac: bytes = b""
    pending: dict[str, Any] | None = None
    version: int = VERSION
    mac: bytes = b""
    _canonical: bytes = field(default=b"", repr=False)
    _upgrade: tuple[str, Any, bytes] | None = field(default=None, repr=False)

    # -- creation and persistence ------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        *,
        dek: bytes,
        admin_username: str,
        admin_password: str,
        kdf: KdfParams,
    ) -> tuple[Vault, str]:
        """A new vault with one administrator slot and a recovery slot.

        Returns:
            The vault (already written to ``path``) and the recovery key to print once.
        """
        vault = cls(path=path, store_id=str(uuid.uuid4()), epoch=1, slots=[])
        recovery = vault.replace_recovery(dek)
        vault.add_user(admin_username, admin_password, dek=dek, kdf=kdf)
        vault.set_counter(dek, 1)
        vault.save(dek)
        return vault, recovery

    @classmethod
    def load(cls, path: Path) -> Vault:
        """Read and structurally check the vault at ``path`` (:meth:`unlock` checks its MAC).

        Raises:
            VaultError: the file is missing or unreadable.
            VaultTampered: the file is malformed or refers to another format.
        """
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise VaultError(_("The key file {path} is missing.").format(path=path)) from None
        except OSError as exc:
            raise VaultError(
                _("The key file {path} cannot be read: {reason}.").format(
                    path=path, reason=exc.strerror
                )
            ) from None
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise VaultTampered(_("The key file {path} is damaged.").format(path=path)) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise VaultTampered(_("{path} is not a LegalAid key file.").format(path=path))
        version = data.get("version")
        if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
            raise VaultError(_("The key file was written by a newer version of LegalAid."))
        if type(version) is not int or version not in (LEGACY_VERSION, VERSION):
            raise VaultTampered(_("The key file is malformed."))
        # Format 2 carries a MAC over everything else; format 1 has none.
        if ("mac" in data) != (version == VERSION):
            raise VaultTampered(_("The key file is malformed."))
        store_id, epoch, counter = data.get("store_id"), data.get("epoch"), data.get("counter")
        if not isinstance(store_id, str) or not isinstance(epoch, int):
            raise VaultTampered(_("The key file is malformed."))
        if not isinstance(counter, dict) or not isinstance(counter.get("value"), int):
            raise VaultTampered(_("The key file is malformed."))
        slots_data = data.get("slots")
        if not isinstance(slots_data, list):
            raise VaultTampered(_("The key file is malformed."))
        slots = [Slot.from_dict(s) for s in slots_data]
        ids = [s.slot_id for s in slots]
        names = [s.username for s in slots if s.kind == "user"]
        if len(set(ids)) != len(ids) or len(set(names)) != len(names):
            raise VaultTampered(_("The key file is malformed."))
        if version == LEGACY_VERSION and any(s.version != LEGACY_VERSION for s in slots):
            raise VaultTampered(_("The key file has been altered and is refused."))
        pending = data.get("pending")
        if pending is not None and not isinstance(pending, dict):
            raise VaultTampered(_("The key file is malformed."))
        return cls(
            path=path,
            store_id=store_id,
            epoch=epoch,
            slots=slots,
            counter_value=counter["value"],
            counter_mac=_unb64(counter.get("mac")),
            pending=pending,
            version=version,
            mac=_unb64(data["mac"]) if version == VERSION else b"",
            _canonical=_canon({k: v for k, v in data.items() if k != "mac"}),
        )

    def _to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "store_id": self.store_id,
            "epoch": self.epoch,
            "slots": [s.to_dict() for s in self.slots],
            "pending": self.pending,
            "counter": {"value": self.counter_value, "mac": _b64(self.counter_mac)},
        }

    def to_json(self) -> bytes:
        data = self._to_dict()
        if self.version == VERSION:
            data["mac"] = _b64(self.mac)
        return json.dumps(data, indent=1, sort_keys=True).encode("utf-8")

    def save(self, dek: bytes) -> None:
        """Write the vault (format 2, its MAC keyed from ``dek``, the current database key).

        Atomic: a private temp file, fsync, rename, fsync the folder.
        """
        self.version = VERSION
        data = self._to_dict()
        self._canonical = _canon(data)
        self.mac = vault_mac(dek, self._canonical)
        atomic_write(self.path, self.to_json())

    def verify_mac(self, dek: bytes) -> None:
        """Check the MAC over the whole vault with the current database key (format 2).

        Raises:
            VaultTampered: a field was changed by someone without the key.
        """
        if self.version == LEGACY_VERSION:
            return
        if not hmac.compare_digest(vault_mac(dek, self._canonical), self.mac):
            raise VaultTampered(
                _(
                    "The key file has been altered by someone without the database key and is "
                    "refused. Nothing was opened; tell your administrator."
                )
            )

    # -- users ----------------------------------------------------------------------------------

    def user_slot(self, username: str) -> Slot | None:
        for slot in self.slots:
            if slot.kind == "user" and slot.username == username:
                return slot
        return None

    def usernames(self) -> list[str]:
        return [s.username for s in self.slots if s.kind == "user"]

    def slots_awaiting_new_keys(self) -> list[str]:
        """Slots still of format 1, or with a key pair from before the last rotation: their
        holder's next login (the recovery key's next use, or ``recover rotate``) renews them.
        The recovery slot is named ``(recovery)``."""
        return [
            s.username or f"({s.slot_id})"
            for s in self.slots
            if s.version == LEGACY_VERSION or (s.kind == "user" and s.since < self.epoch)
        ]

    def add_user(self, username: str, password: str, *, dek: bytes, kdf: KdfParams) -> None:
        """Add (or replace) ``username``'s slot, opening the current DEK with ``password``.

        Raises:
            InputRejected: the password is empty, or the parameters are below the floor.
        """
        if not password:
            raise InputRejected(_("The password must not be empty."))
        if kdf.below_floor():
            raise InputRejected(_("Key derivation parameters below the minimum are not allowed."))
        private = X25519PrivateKey.generate()
        slot = Slot(
            slot_id=secrets.token_hex(8),
            kind="user",
            username=username,
            public_key=public_bytes(private),
            kdf=kdf,
            salt=secrets.token_bytes(16),
            since=self.epoch,
        )
        self._seal_private(slot, private, kdf.derive(password, slot.salt))
        self._wrap_current(slot, private, dek)
        self.slots = [s for s in self.slots if not (s.kind == "user" and s.username == username)]
        self.slots.append(slot)

    def _seal_private(self, slot: Slot, private: X25519PrivateKey, key: bytes) -> None:
        nonce = secrets.token_bytes(12)
        raw_private = private.private_bytes_raw()
        binding = slot.binding(self.store_id)
        slot.wrapped_private = nonce + AESGCM(key).encrypt(nonce, raw_private, binding)

    def _wrap_current(self, slot: Slot, private: X25519PrivateKey, dek: bytes) -> None:
        binding = slot.binding(self.store_id)
        slot.dek = wrap_dek(dek, slot.public_key, binding, self.epoch, slot.mac_key(private))

    def remove_user(self, username: str) -> None:
        self.slots = [s for s in self.slots if not (s.kind == "user" and s.username == username)]

    def replace_recovery(self, dek: bytes) -> str:
        """Give the store a new recovery key (the old one's slot is dropped); returns it, once.

        The caller has rotated the database key first (so that an old copy of the vault opened
        with the old recovery key opens nothing either), and saves the vault.
        """
        secret = secrets.token_bytes(32)
        slot = recovery_slot(secret)
        slot.since = self.epoch
        self._wrap_current(slot, recovery_private(secret), dek)
        self.slots = [s for s in self.slots if s.kind != "recovery"]
        self.slots.insert(0, slot)
        return format_recovery_key(secret)

    # -- unlocking ------------------------------------------------------------------------------

    def _user_private(self, slot: Slot, password: str) -> tuple[X25519PrivateKey, bytes]:
        assert slot.kdf is not None
        if slot.kdf.below_floor():
            raise VaultTampered(
                _(
                    "The key file has been altered: the slot of {user} has weakened key "
                    "derivation parameters and is refused."
                ).format(user=slot.username)
            )
        if len(slot.salt) < 16 or len(slot.wrapped_private) != 12 + 32 + 16:
            raise VaultTampered(_("The key file is malformed."))
        key = slot.kdf.derive(password, slot.salt)
        blob = slot.wrapped_private
        try:
            raw = AESGCM(key).decrypt(blob[:12], blob[12:], slot.binding(self.store_id))
        except InvalidTag:
            if slot.version == LEGACY_VERSION:
                with contextlib.suppress(InvalidTag):
                    AESGCM(key).decrypt(blob[:12], blob[12:], slot.binding(self.store_id, VERSION))
                    raise altered_error() from None  # a format-2 slot passed off as format 1
            raise AuthenticationError(_("The user name or password is wrong.")) from None
        private = X25519PrivateKey.from_private_bytes(raw)
        if public_bytes(private) != slot.public_key:
            raise VaultTampered(_("The key file has been altered and is refused."))
        return private, key

    def unlock(self, username: str, password: str) -> Unlocked:
        """Open the database key(s) with a user's password, checking the wraps and the vault MAC.

        A format-1 slot is upgraded in memory; :meth:`upgrade` finishes it once the store knows
        the key opens the database, and the caller saves.

        Raises:
            AuthenticationError: unknown user, empty or wrong password.
            VaultTampered: the slot or a wrap was altered or forged, or the vault MAC is wrong.
        """
        if not password:
            raise AuthenticationError(_("The password must not be empty."))
        slot = self.user_slot(username)
        if slot is None:
            # Same message as a wrong password: do not confirm which user names exist.
            raise AuthenticationError(_("The user name or password is wrong."))
        private, key = self._user_private(slot, password)
        keys = self._open_keys(slot, private)
        self.verify_mac(keys[0])
        if slot.version == LEGACY_VERSION or slot.since < self.epoch:
            # Format 1, or a key pair from before the last rotation: whoever held the database
            # key then (a user revoked since) could read this slot's MAC key. Make a new pair.
            self._upgrade = (slot.slot_id, private, key)
        return Unlocked(username, keys, slot_id=slot.slot_id, private=private)

    def unlock_recovery(self, recovery_key: str) -> Unlocked:
        """Open the database key(s) with the recovery key printed at setup."""
        secret = parse_recovery_key(recovery_key)
        slot = next((s for s in self.slots if s.kind == "recovery"), None)
        if slot is None:
            raise VaultTampered(_("The key file has no recovery slot."))
        private = recovery_private(secret, slot.version)
        if public_bytes(private) != slot.public_key:
            if public_bytes(recovery_private(secret)) == slot.public_key:
                raise altered_error()  # a format-2 recovery slot passed off as format 1
            raise AuthenticationError(_("This recovery key does not belong to this data store."))
        keys = self._open_keys(slot, private)
        self.verify_mac(keys[0])
        if slot.version == LEGACY_VERSION:
            self._upgrade = (slot.slot_id, secret, b"")
        return Unlocked("", keys, slot_id=slot.slot_id, private=private)

    def _open_keys(self, slot: Slot, private: X25519PrivateKey) -> tuple[bytes, ...]:
        """The current DEK and, while a rotation is pending, the new one (in that order)."""
        if slot.dek is None:
            raise VaultTampered(_("The key file is malformed."))
        binding, mac_key = slot.binding(self.store_id), slot.mac_key(private)
        keys = [unwrap_dek(slot.dek, private, binding, self.epoch, mac_key)]
        wraps = (self.pending or {}).get("wraps", {})
        if isinstance(wraps, dict) and slot.slot_id in wraps:
            pending_epoch = self.pending.get("epoch") if self.pending else None
            if not isinstance(pending_epoch, int) or pending_epoch != self.epoch + 1:
                raise VaultTampered(_("The key file is malformed."))
            wrap = DekWrap.from_dict(wraps[slot.slot_id])
            keys.append(unwrap_dek(wrap, private, binding, pending_epoch, mac_key))
        return tuple(keys)

    @property
    def needs_upgrade(self) -> bool:
        """The file is of format 1, or the slot just unlocked needs :meth:`upgrade`."""
        return self.version == LEGACY_VERSION or self._upgrade is not None

    def upgrade(self, dek: bytes) -> None:
        """Bring the slot just unlocked to format 2, or give it a new key pair if its pair is
        older than the last key rotation, wrapping ``dek`` (the key that opened the database)
        with its MAC key. Other slots wait for their own holder's login.

        The caller saves the vault (which writes it as format 2 with its MAC).
        """
        upgrade, self._upgrade = self._upgrade, None
        if upgrade is None or self.pending is not None:
            return
        slot_id, secret, key = upgrade
        slot = next(s for s in self.slots if s.slot_id == slot_id)
        if slot.kind == "recovery":
            private = recovery_private(secret)
        elif slot.version == LEGACY_VERSION:
            private = secret  # the same key pair, now bound to format 2
        else:
            private = X25519PrivateKey.generate()
        slot.version, slot.since = VERSION, self.epoch
        slot.public_key = public_bytes(private)
        if slot.kind == "user":
            self._seal_private(slot, private, key)
        self._wrap_current(slot, private, dek)

    # -- counter --------------------------------------------------------------------------------

    def set_counter(self, dek: bytes, value: int) -> None:
        self.counter_value = value
        self.counter_mac = _counter_mac(dek, self.store_id, self.epoch, value)

    def verified_counter(self, dek: bytes) -> int:
        """The counter value, after checking its MAC with the database key.

        Raises:
            VaultTampered: the counter was edited.
        """
        expected = _counter_mac(dek, self.store_id, self.epoch, self.counter_value)
        if not hmac.compare_digest(expected, self.counter_mac):
            raise VaultTampered(_("The key file's state counter has been altered."))
        return self.counter_value

    # -- rotation -------------------------------------------------------------------------------

    def _rewrap(self, slot: Slot, dek: bytes, new_dek: bytes, epoch: int) -> DekWrap:
        """Wrap ``new_dek`` to ``slot`` for ``epoch``, authenticated with the MAC key that the
        slot's current wrap keeps under ``dek`` (format-1 slots get a format-1 wrap)."""
        binding = slot.binding(self.store_id)
        if slot.version == LEGACY_VERSION or slot.dek is None:
            return wrap_dek(new_dek, slot.public_key, binding, epoch, None)
        mac_key = mac_key_under_dek(slot.dek, dek, binding, self.epoch)
        return wrap_dek(new_dek, slot.public_key, binding, epoch, mac_key)

    def wrap_mac_keys(self, dek: bytes) -> dict[str, bytes]:
        """Each format-2 slot's wrap-MAC key, opened with the current database key ``dek``.

        A backup keeps them under its own key, so that a restore can give the restored store's
        new database key authenticated wraps for every slot it copies.
        """
        keys: dict[str, bytes] = {}
        pending = self.pending or {}
        for slot in self.slots:
            if slot.version == LEGACY_VERSION:
                continue
            binding = slot.binding(self.store_id)
            # While a rotation is unfinished ``dek`` may already be the new key, which the
            # pending wraps are made under.
            candidates = [(slot.dek, self.epoch)]
            if slot.slot_id in pending.get("wraps", {}):
                wrap = DekWrap.from_dict(pending["wraps"][slot.slot_id])
                candidates.append((wrap, int(pending["epoch"])))
            for wrap_, epoch in candidates:
                if wrap_ is None or not wrap_.authenticated:
                    continue
                with contextlib.suppress(VaultTampered):
                    keys[slot.slot_id] = mac_key_under_dek(wrap_, dek, binding, epoch)
                    break
        return keys

    def install_key(self, dek: bytes, mac_keys: Mapping[str, bytes], counter_value: int) -> None:
        """Wrap ``dek`` to the slots of a vault made from a backup (a restore), and save.

        A format-2 slot whose wrap-MAC key is not in ``mac_keys`` could never open an
        authenticated wrap, so it is left out: an administrator gives that user a password again.
        """
        kept: list[Slot] = []
        for slot in self.slots:
            mac_key = mac_keys.get(slot.slot_id)
            if slot.version != LEGACY_VERSION and mac_key is None:
                continue
            slot.dek = wrap_dek(
                dek, slot.public_key, slot.binding(self.store_id), self.epoch, mac_key
            )
            kept.append(slot)
        self.slots = kept
        self.pending = None
        self.set_counter(dek, counter_value)
        self.save(dek)

    def begin_rotation(self, new_dek: bytes, dek: bytes) -> None:
        """Record wraps of ``new_dek`` for every remaining slot as *pending*, and save.

        ``dek`` is the current key: it opens each slot's wrap-MAC key and keys the vault MAC.
        """
        epoch = self.epoch + 1
        wraps = {s.slot_id: self._rewrap(s, dek, new_dek, epoch).to_dict() for s in self.slots}
        self.pending = {"epoch": epoch, "wraps": wraps}
        self.save(dek)

    def finish_rotation(self, new_dek: bytes, counter_value: int) -> None:
        """Promote the pending wraps: from now on only ``new_dek`` opens anything."""
        if self.pending is None:
            raise VaultError(_("No key rotation is in progress."))
        epoch = int(self.pending["epoch"])
        for slot in self.slots:
            slot.dek = DekWrap.from_dict(self.pending["wraps"][slot.slot_id])
        self.epoch = epoch
        self.pending = None
        self.set_counter(new_dek, counter_value)
        self.save(new_dek)
