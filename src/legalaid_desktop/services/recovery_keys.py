"""Rotating the two recovery keys: the store's and HQ's bundle recovery key.

A recovery key is printed once and kept on paper in a safe; a sheet that was seen, copied or lost
must not open the data for ever. Both rotations are for administrators only and are audited.

- **The store's recovery key** (``legalaid recover rotate``): the vault gets a new recovery slot,
  and the database key is rotated the way a revocation does it, so the old key opens neither the
  live store nor an old copy of the vault beside it.
- **HQ's bundle recovery key** (``legalaid enroll rotate-recovery``): HQ keeps a new recovery
  public key and raises the roster version; the roster travels in every bundle HQ sends, so each
  center takes the new key with HQ's next bundle. Bundles written from then on (by HQ at once, by
  a center once it imported that bundle) are encrypted to the new key only.
"""

from __future__ import annotations

from dataclasses import dataclass

from legalaid_desktop.domain.errors import InputRejected, PermissionDenied
from legalaid_desktop.domain.roles import Role
from legalaid_desktop.i18n import _
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.vault import format_recovery_key
from legalaid_desktop.sync.keys import encode_b64, new_recovery_secret, recovery_keypair
from legalaid_desktop.sync.nodes import RECOVERY_META, bump_roster_version, is_hq, set_meta


@dataclass(frozen=True)
class RotatedStoreRecovery:
    """The store's new recovery key (show it once) and the database key epoch it came with."""

    recovery_key: str
    key_epoch: int


@dataclass(frozen=True)
class RotatedBundleRecovery:
    """HQ's new bundle recovery key (show it once) and the roster version that carries it."""

    recovery_key: str
    roster_version: int


def _require_admin(ws: Workspace) -> None:
    if ws.actor.role != Role.ADMIN:
        raise PermissionDenied(
            _("Only an administrator can rotate a recovery key; your role is {role}.").format(
                role=ws.actor.role.value
            )
        )


def rotate_store_recovery_key(ws: Workspace) -> RotatedStoreRecovery:
    """Give the store a new recovery key and a new database key; the old recovery key is void.

    Raises:
        PermissionDenied: the acting user is not an administrator.
    """
    _require_admin(ws)
    key = ws.store.rotate_recovery_key()
    epoch = ws.store.vault.epoch
    with ws.write() as s:
        ws.audit(s, "recovery_key_rotated", "store", "", {"epoch": epoch})
    return RotatedStoreRecovery(key, epoch)


def rotate_bundle_recovery_key(ws: Workspace) -> RotatedBundleRecovery:
    """HQ: a new bundle recovery key, sent to the centers with the roster.

    Raises:
        PermissionDenied: the acting user is not an administrator.
        InputRejected: this node is not HQ.
    """
    _require_admin(ws)
    secret = new_recovery_secret()
    public = recovery_keypair(secret).public_bytes
    with ws.write() as s:
        if not is_hq(s):
            raise InputRejected(_("Only HQ has a bundle recovery key; rotate it at HQ."))
        set_meta(s, RECOVERY_META, encode_b64(public))
        version = bump_roster_version(s)
        ws.audit(
            s, "bundle_recovery_key_rotated", "node", ws.node_code, {"roster_version": version}
        )
    return RotatedBundleRecovery(format_recovery_key(secret), version)
