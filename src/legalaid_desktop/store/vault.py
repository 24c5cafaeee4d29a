"""The vault: the keyslot file beside the database (DESIGN.md §5).

Layout (``vault.json``, UTF-8 JSON, written atomically with owner-only permissions)::

    {"format": "legalaid-vault", "version": 1, "store_id": "<uuid>", "epoch": N,
     "slots": [<user slot>, ..., <recovery slot>],
     "pending": null | {"epoch": N+1, "wraps": {slot_id: <dek wrap>}},
     "counter": {"value": N, "mac": "<b64>"}}

Each **user slot** holds an X25519 key pair. The private key is encrypted with AES-256-GCM under
a key derived from the user's password with Argon2id; the additional authenticated data binds the
slot id, user name, store id, public key and the KDF parameters, so lowering the parameters or
moving a slot to another user makes it fail to open. Parameters below the floor are refused before
any work. The database key (DEK) is wrapped to each slot's *public* key (ephemeral X25519 +
HKDF-SHA256 + AES-256-GCM, bound to the slot, the user and the key epoch), which lets an
administrator re-wrap a *new* DEK for the remaining users without knowing their passwords.

The **recovery slot** is one more recipient; its private key is derived from the recovery key
(256 random bits printed once at ``init``), which needs no password stretching.

The **counter** is a number that the store also keeps inside the encrypted database; its MAC is
keyed from the DEK, so it cannot be edited without the key. The store raises the database copy
first and the vault copy second: a database *older* than the vault means the database file was
replaced by an old copy.

**Rotation** (revoking a user) first writes the new DEK's wraps as ``pending``, then rekeys the
database, then promotes the pending wraps. A crash in between leaves a vault that opens the
database whichever key it has.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from legalaid_desktop.domain.errors import (
    AuthenticationError,
    InputRejected,
    VaultError,
    VaultTampered,
)
from legalaid_desktop.i18n import _

FORMAT = "legalaid-vault"
VERSION = 1
RECOVERY_SLOT = "recovery"
_B32_GROUP = 4


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise VaultTampered(_("The key file is malformed."))
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise VaultTampered(_("The key file is malformed.")) from None


def _canon(obj: object) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _hkdf(secret: bytes, info: bytes, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(secret)


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters of one slot: memory in KiB, iterations, lanes."""

    memory_kib: int
    iterations: int
    lanes: int

    def to_dict(self) -> dict[str, int]:
        return {"m": self.memory_kib, "t": self.iterations, "p": self.lanes}

    @classmethod
    def from_dict(cls, data: object) -> KdfParams:
        if not isinstance(data, dict) or set(data) != {"m", "t", "p"}:
            raise VaultTampered(_("The key file is malformed."))
        values = [data["m"], data["t"], data["p"]]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise VaultTampered(_("The key file is malformed."))
        return cls(memory_kib=values[0], iterations=values[1], lanes=values[2])

    def below_floor(self) -> bool:
        return (
            self.memory_kib < FLOOR.memory_kib
            or self.iterations < FLOOR.iterations
            or self.lanes < FLOOR.lanes
        )

    def derive(self, password: str, salt: bytes) -> bytes:
        """Stretch ``password`` into a 256-bit key."""
        return Argon2id(
            salt=salt,
            length=32,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        ).derive(password.encode("utf-8"))

    @classmethod
    def calibrate(cls, target_seconds: float = 0.5, max_memory_kib: int = 1024 * 1024) -> KdfParams:
        """Parameters that take about ``target_seconds`` on this machine, never below the floor.

        Memory is doubled from the floor while one derivation stays under the target; the time
        cost then rises if there is room left under the target.
        """
        params = FLOOR
        salt = secrets.token_bytes(16)
        elapsed = _time_derive(params, salt)
        while elapsed * 2 <= target_seconds and params.memory_kib * 2 <= max_memory_kib:
            params = KdfParams(params.memory_kib * 2, params.iterations, params.lanes)
            elapsed = _time_derive(params, salt)
        if elapsed < target_seconds * 0.75:
            per_iteration = elapsed / params.iterations
            extra = int((target_seconds - elapsed) / max(per_iteration, 1e-6))
            params = KdfParams(params.memory_kib, params.iterations + max(0, extra), params.lanes)
        return params


def _time_derive(params: KdfParams, salt: bytes) -> float:
    start = time.perf_counter()
    params.derive("calibration", salt)
    return time.perf_counter() - start


FLOOR = KdfParams(memory_kib=64 * 1024, iterations=3, lanes=4)
"""The weakest parameters any slot may have (RFC 9106's 64 MiB / t=3 / p=4)."""


@dataclass(frozen=True)
class Unlocked:
    """What a successful unlock yields: the slot's user name and the database key(s).

    ``keys`` holds the current database key first and, if a key rotation was interrupted, the
    new key second; the store tries them in order. ``slot_id`` and ``private`` are the slot that
    opened and its private key: they open the backups wrapped to that slot (administrators and
    the recovery key, see ``backups.py``).
    """

    username: str
    keys: tuple[bytes, ...]
    via_recovery: bool = False
    slot_id: str = ""
    private: X25519PrivateKey | None = field(default=None, repr=False)


@dataclass
class _DekWrap:
    ephemeral: bytes
    ciphertext: bytes

    def to_dict(self) -> dict[str, str]:
        return {"epk": _b64(self.ephemeral), "ct": _b64(self.ciphertext)}

    @classmethod
    def from_dict(cls, data: object) -> _DekWrap:
        if not isinstance(data, dict) or set(data) != {"epk", "ct"}:
            raise VaultTampered(_("The key file is malformed."))
        return cls(_unb64(data["epk"]), _unb64(data["ct"]))


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
    dek: _DekWrap | None = None

    def binding(self, store_id: str) -> bytes:
        """The data every encryption of this slot is bound to."""
        return _canon(
            {
                "slot": self.slot_id,
                "kind": self.kind,
                "user": self.username,
                "store": store_id,
                "pub": _b64(self.public_key),
                "kdf": self.kdf.to_dict() if self.kdf else None,
                "salt": _b64(self.salt),
            }
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.slot_id,
            "kind": self.kind,
            "user": self.username,
            "pub": _b64(self.public_key),
            "dek": self.dek.to_dict() if self.dek else None,
        }
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
        slot = cls(
            slot_id=slot_id,
            kind=kind,
            username=user,
            public_key=_unb64(data.get("pub")),
            dek=_DekWrap.from_dict(data["dek"]) if data.get("dek") is not None else None,
        )
        if kind == "user":
            slot.kdf = KdfParams.from_dict(data.get("kdf"))
            slot.salt = _unb64(data.get("salt"))
            slot.wrapped_private = _unb64(data.get("priv"))
        return slot


def _wrap_dek(dek: bytes, public_key: bytes, slot: Slot, store_id: str, epoch: int) -> _DekWrap:
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
    epk = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    info = b"legalaid-vault dek|" + slot.binding(store_id) + b"|" + str(epoch).encode()
    key = _hkdf(shared + epk, info)
    nonce = secrets.token_bytes(12)
    return _DekWrap(epk, nonce + AESGCM(key).encrypt(nonce, dek, info))


def _unwrap_dek(
    wrap: _DekWrap, private: X25519PrivateKey, slot: Slot, store_id: str, epoch: int
) -> bytes:
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(wrap.ephemeral))
    except ValueError:
        raise VaultTampered(_("The key file has been altered and is refused.")) from None
    info = b"legalaid-vault dek|" + slot.binding(store_id) + b"|" + str(epoch).encode()
    key = _hkdf(shared + wrap.ephemeral, info)
    try:
        return AESGCM(key).decrypt(wrap.ciphertext[:12], wrap.ciphertext[12:], info)
    except (InvalidTag, ValueError):
        raise VaultTampered(_("The key file has been altered and is refused.")) from None


def _public_bytes(private: X25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _recovery_private(recovery_secret: bytes) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(_hkdf(recovery_secret, b"legalaid recovery x25519"))


def format_recovery_key(secret: bytes) -> str:
    """The recovery key as people copy it: base32 in groups of four, with a check group."""
    check = hashlib.sha256(b"legalaid recovery check" + secret).digest()[:2]
    text = base64.b32encode(secret + check).decode("ascii").rstrip("=")
    return "-".join(text[i : i + _B32_GROUP] for i in range(0, len(text), _B32_GROUP))


def parse_recovery_key(text: str) -> bytes:
    """Read a recovery key typed by a person (case, spaces and dashes do not matter).

    Raises:
        InputRejected: it is not a recovery key (wrong length or check group).
    """
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    padded = compact + "=" * (-len(compact) % 8)
    try:
        raw = base64.b32decode(padded)
    except ValueError:
        raw = b""
    if len(raw) != 34:
        raise InputRejected(_("That is not a recovery key: check that every group was typed."))
    secret, check = raw[:32], raw[32:]
    if hashlib.sha256(b"legalaid recovery check" + secret).digest()[:2] != check:
        raise InputRejected(_("The recovery key has a typing mistake: check every group."))
    return secret


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
    _raw: bytes = field(default=b"", repr=False)

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
        recovery_secret = secrets.token_bytes(32)
        vault = cls(path=path, store_id=str(uuid.uuid4()), epoch=1, slots=[])
        recovery = Slot(
            slot_id=RECOVERY_SLOT,
            kind="recovery",
            username="",
            public_key=_public_bytes(_recovery_private(recovery_secret)),
        )
        recovery.dek = _wrap_dek(dek, recovery.public_key, recovery, vault.store_id, vault.epoch)
        vault.slots.append(recovery)
        vault.add_user(admin_username, admin_password, dek=dek, kdf=kdf)
        vault.set_counter(dek, 1)
        vault.save()
        return vault, format_recovery_key(recovery_secret)

    @classmethod
    def load(cls, path: Path) -> Vault:
        """Read and structurally check the vault at ``path``.

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
        if data.get("version") != VERSION:
            raise VaultError(_("The key file was written by a newer version of LegalAid."))
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
            _raw=raw,
        )

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT,
            "version": VERSION,
            "store_id": self.store_id,
            "epoch": self.epoch,
            "slots": [s.to_dict() for s in self.slots],
            "pending": self.pending,
            "counter": {"value": self.counter_value, "mac": _b64(self.counter_mac)},
        }
        return json.dumps(data, indent=1, sort_keys=True).encode("utf-8")

    def save(self) -> None:
        """Write the vault atomically: a private temp file, fsync, rename, fsync the folder."""
        atomic_write(self.path, self.to_json())

    # -- users ----------------------------------------------------------------------------------

    def user_slot(self, username: str) -> Slot | None:
        for slot in self.slots:
            if slot.kind == "user" and slot.username == username:
                return slot
        return None

    def usernames(self) -> list[str]:
        return [s.username for s in self.slots if s.kind == "user"]

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
            public_key=_public_bytes(private),
            kdf=kdf,
            salt=secrets.token_bytes(16),
        )
        binding = slot.binding(self.store_id)
        key = kdf.derive(password, slot.salt)
        nonce = secrets.token_bytes(12)
        raw_private = private.private_bytes_raw()
        slot.wrapped_private = nonce + AESGCM(key).encrypt(nonce, raw_private, binding)
        slot.dek = _wrap_dek(dek, slot.public_key, slot, self.store_id, self.epoch)
        self.slots = [s for s in self.slots if not (s.kind == "user" and s.username == username)]
        self.slots.append(slot)

    def remove_user(self, username: str) -> None:
        self.slots = [s for s in self.slots if not (s.kind == "user" and s.username == username)]

    # -- unlocking ------------------------------------------------------------------------------

    def _user_private(self, slot: Slot, password: str) -> X25519PrivateKey:
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
            raise AuthenticationError(_("The user name or password is wrong.")) from None
        private = X25519PrivateKey.from_private_bytes(raw)
        if _public_bytes(private) != slot.public_key:
            raise VaultTampered(_("The key file has been altered and is refused."))
        return private

    def unlock(self, username: str, password: str) -> Unlocked:
        """Open the database key(s) with a user's password.

        Raises:
            AuthenticationError: unknown user, empty or wrong password.
            VaultTampered: the slot was altered (weakened parameters, swapped data).
        """
        if not password:
            raise AuthenticationError(_("The password must not be empty."))
        slot = self.user_slot(username)
        if slot is None:
            # Same message as a wrong password: do not confirm which user names exist.
            raise AuthenticationError(_("The user name or password is wrong."))
        private = self._user_private(slot, password)
        return Unlocked(
            username, self._open_keys(slot, private), slot_id=slot.slot_id, private=private
        )

    def unlock_recovery(self, recovery_key: str) -> Unlocked:
        """Open the database key(s) with the recovery key printed at setup."""
        secret = parse_recovery_key(recovery_key)
        slot = next((s for s in self.slots if s.kind == "recovery"), None)
        if slot is None:
            raise VaultTampered(_("The key file has no recovery slot."))
        private = _recovery_private(secret)
        if _public_bytes(private) != slot.public_key:
            raise AuthenticationError(_("This recovery key does not belong to this data store."))
        return Unlocked(
            "",
            self._open_keys(slot, private),
            via_recovery=True,
            slot_id=slot.slot_id,
            private=private,
        )

    def _open_keys(self, slot: Slot, private: X25519PrivateKey) -> tuple[bytes, ...]:
        """The current DEK and, while a rotation is pending, the new one (in that order)."""
        if slot.dek is None:
            raise VaultTampered(_("The key file is malformed."))
        keys = [_unwrap_dek(slot.dek, private, slot, self.store_id, self.epoch)]
        wraps = (self.pending or {}).get("wraps", {})
        if isinstance(wraps, dict) and slot.slot_id in wraps:
            pending_epoch = int(self.pending["epoch"])  # type: ignore[index]
            wrap = _DekWrap.from_dict(wraps[slot.slot_id])
            keys.append(_unwrap_dek(wrap, private, slot, self.store_id, pending_epoch))
        return tuple(keys)

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

    def begin_rotation(self, new_dek: bytes) -> None:
        """Record wraps of ``new_dek`` for every remaining slot as *pending*, and save."""
        epoch = self.epoch + 1
        wraps = {
            s.slot_id: _wrap_dek(new_dek, s.public_key, s, self.store_id, epoch).to_dict()
            for s in self.slots
        }
        self.pending = {"epoch": epoch, "wraps": wraps}
        self.save()

    def finish_rotation(self, new_dek: bytes, counter_value: int) -> None:
        """Promote the pending wraps: from now on only ``new_dek`` opens anything."""
        if self.pending is None:
            raise VaultError(_("No key rotation is in progress."))
        epoch = int(self.pending["epoch"])
        for slot in self.slots:
            slot.dek = _DekWrap.from_dict(self.pending["wraps"][slot.slot_id])
        self.epoch = epoch
        self.pending = None
        self.set_counter(new_dek, counter_value)
        self.save()


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file, never half.

    The temporary file is created owner-only (0600) before anything is written to it.
    """
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, 0o600) if hasattr(os, "fchmod") else None
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def slot_summary(vault: Vault) -> Mapping[str, Any]:
    """Non-secret facts for ``db status``."""
    return {
        "store_id": vault.store_id,
        "key_epoch": vault.epoch,
        "users": vault.usernames(),
        "rotation_pending": vault.pending is not None,
    }
