"""Creating a store, logging in, and unlocking with the recovery key."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain import validation
from legalaid_desktop.domain.errors import AuthenticationError
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.domain.roles import Role
from legalaid_desktop.domain.users import Actor
from legalaid_desktop.i18n import _
from legalaid_desktop.services.reference import install_shipped
from legalaid_desktop.services.users import USER_GROUPS, new_user_row
from legalaid_desktop.services.workspace import HLC_KEY, Workspace
from legalaid_desktop.store.audit import append_event
from legalaid_desktop.store.models import Meta, Node, User
from legalaid_desktop.store.store import Store
from legalaid_desktop.store.vault import KdfParams, Vault

RECOVERY_ACTOR = "(recovery key)"


@dataclass(frozen=True)
class NewStore:
    """The result of :func:`init_store`: the workspace of the first administrator and the
    recovery key, which must be shown exactly once."""

    workspace: Workspace
    recovery_key: str


def init_store(
    data_dir: Path,
    *,
    node_code: str,
    node_name: str,
    hq: bool,
    admin_username: str,
    admin_full_name: str,
    admin_password: str,
    kdf: KdfParams | None = None,
) -> NewStore:
    """Create the store of a new center (or HQ) with its first administrator.

    Args:
        kdf: Argon2id parameters; ``None`` calibrates to about half a second on this machine.
            Tests pass :data:`~legalaid_desktop.store.vault.FLOOR` to stay fast.
    """
    node_code = validation.node_code(node_code)
    node_name = validation.required_text(node_name, "node_name", _("Center name"))
    admin_username = validation.username(admin_username)
    admin_full_name = validation.required_text(admin_full_name, "full_name", _("Full name"))
    validation.new_password(admin_password, admin_username)
    params = kdf or KdfParams.calibrate()
    user_id = new_id()

    def initialize(session: Session, vault: Vault) -> None:
        from legalaid_desktop.domain.hlc import HybridClock

        clock = HybridClock(node_code)
        stamp = clock.now().encode()
        session.add(Meta(key="node_code", value=node_code))
        session.add(Meta(key="node_kind", value="hq" if hq else "center"))
        node = Node(
            id=new_id(),
            code=node_code,
            name=node_name,
            kind="hq" if hq else "center",
            origin_node=node_code,
            clocks={"profile": stamp},
            hlc=stamp,
            updated_by=admin_username,
        )
        session.add(node)
        admin = new_user_row(admin_username, admin_full_name, Role.ADMIN, node_code, user_id)
        admin.clocks = {g: stamp for g in USER_GROUPS}
        admin.hlc = stamp
        admin.updated_by = admin_username
        session.add(admin)
        session.add(Meta(key=HLC_KEY, value=stamp))
        install_shipped(session)
        append_event(
            session,
            actor=admin_username,
            action="store_created",
            entity_type="node",
            entity_id=node_code,
            details={"kind": "hq" if hq else "center", "store_id": vault.store_id},
        )

    store, recovery = Store.create(
        data_dir,
        admin_username=admin_username,
        admin_password=admin_password,
        kdf=params,
        initialize=initialize,
    )
    actor = Actor(user_id, admin_username, admin_full_name, Role.ADMIN, node_code)
    return NewStore(Workspace(store, actor), recovery)


def _actor_for(session: Session, username: str) -> Actor:
    row = session.scalar(select(User).where(User.username == username))
    if row is None or not row.active:
        raise AuthenticationError(_("The user name or password is wrong."))
    return Actor(row.id, row.username, row.full_name, Role(row.role), row.node_code)


def login(
    data_dir: Path,
    username: str,
    password: str,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> Workspace:
    """Unlock the store with a user's own password and return their workspace.

    Raises:
        AuthenticationError: unknown user, empty or wrong password, or a revoked account.
    """
    store = Store.unlock(data_dir, username, password, sleep=sleep)
    try:
        with store.session(write=True) as s:
            try:
                actor = _actor_for(s, username)
            except AuthenticationError:
                append_event(s, actor=username, action="login_refused")
                raise
            append_event(
                s, actor=username, action="login", entity_type="user", entity_id=actor.user_id
            )
            updated = install_shipped(s)
            if updated:
                append_event(
                    s, actor=username, action="reference_updated", details={"kinds": updated}
                )
    except BaseException:
        store.close()
        raise
    return Workspace(store, actor)


def login_with_recovery(data_dir: Path, recovery_key: str) -> Workspace:
    """Unlock with the recovery key; the workspace acts as an administrator of this node."""
    store = Store.unlock_with_recovery(data_dir, recovery_key)
    try:
        node_code = store.meta("node_code") or ""
        with store.session(write=True) as s:
            append_event(s, actor=RECOVERY_ACTOR, action="recovery_unlock")
    except BaseException:
        store.close()
        raise
    return Workspace(store, Actor("", RECOVERY_ACTOR, RECOVERY_ACTOR, Role.ADMIN, node_code))


def known_usernames(data_dir: Path) -> list[str]:
    """User names that have a key slot (readable without a password; used to pick a default)."""
    from legalaid_desktop.store.store import StorePaths

    paths = StorePaths(data_dir)
    if not paths.vault.exists():
        return []
    return Vault.load(paths.vault).usernames()
