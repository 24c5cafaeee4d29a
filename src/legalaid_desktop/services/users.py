"""Users and their keys: add, list, revoke (with key rotation), change roles and passwords.

Who may manage whose account is decided by :mod:`legalaid_desktop.services.user_rules`.
"""

from __future__ import annotations

from sqlalchemy import select

from legalaid_desktop.domain import validation
from legalaid_desktop.domain.errors import InputRejected, NotFound, ValidationError
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.domain.roles import Permission, Role
from legalaid_desktop.domain.users import UserInfo
from legalaid_desktop.i18n import _
from legalaid_desktop.services import user_rules
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store import rotation
from legalaid_desktop.store.audit import utc_now_iso
from legalaid_desktop.store.models import User

USER_GROUPS = ("profile", "role", "active")


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValidationError(
            _("Unknown role '{role}'. Choose one of: {roles}.").format(
                role=value, roles=", ".join(r.value for r in Role)
            ),
            field="role",
        ) from None


def user_info(row: User, has_key: bool) -> UserInfo:
    return UserInfo(
        id=row.id,
        username=row.username,
        full_name=row.full_name,
        role=Role(row.role),
        node_code=row.node_code,
        active=row.active,
        has_key=has_key,
        language=row.language,
    )


def new_user_row(
    username: str, full_name: str, role: Role, node_code: str, user_id: str | None = None
) -> User:
    return User(
        id=user_id or new_id(),
        username=username,
        full_name=full_name,
        role=role.value,
        node_code=node_code,
        active=True,
        created_at=utc_now_iso(),
        origin_node=node_code,
        clocks={},
        hlc="",
    )


class UserService:
    """Use cases on users. Managing others needs :attr:`Permission.MANAGE_USERS` and a role
    that ranks at least as high as the account's (see :mod:`~legalaid_desktop.services.user_rules`);
    every refusal is audited."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def key_epoch(self) -> int:
        """The epoch of the database key: it goes up with every revocation, each of which
        gives the database a new key (old copies of the key file then open nothing)."""
        return self.ws.store.vault.epoch

    def list(self) -> list[UserInfo]:
        keys = set(self.ws.store.vault.usernames())
        with self.ws.read() as s:
            rows = s.execute(select(User).order_by(User.username)).scalars().all()
            return [user_info(r, r.username in keys) for r in rows]

    def add(self, username: str, full_name: str, role: str, password: str) -> UserInfo:
        """Create a user with a password of their own (stretched with the store's parameters)."""
        self.ws.require(Permission.MANAGE_USERS, "user_add", target=username.strip())
        username = validation.username(username)
        full_name = validation.required_text(full_name, "full_name", _("Full name"))
        parsed_role = parse_role(role)
        user_rules.check_may_give(self.ws, "user_add", username, parsed_role)
        validation.new_password(password, username)
        with self.ws.write() as s:
            if s.scalar(select(User).where(User.username == username)) is not None:
                raise ValidationError(
                    _("The user name '{name}' is taken.").format(name=username), field="username"
                )
            row = new_user_row(username, full_name, parsed_role, self.ws.node_code)
            s.add(row)
            self.ws.touch(s, row, USER_GROUPS)
            self.ws.audit(s, "user_added", "user", row.id, {"username": username, "role": role})
            s.flush()
            # The key slot is written last, inside the transaction: if it fails, no user row.
            self.ws.store.add_key_slot(username, password)
            info = user_info(row, True)
        if parsed_role == Role.ADMIN:
            rotation.refresh_backups(self.ws.store)  # the new administrator opens them too
        return info

    def revoke(self, username: str) -> UserInfo:
        """Deactivate a user, remove their key slot and give the database a new key.

        An old copy of the vault with their slot then opens nothing.
        """
        self.ws.require(Permission.MANAGE_USERS, "user_revoke", target=username)
        target = user_rules.load_target(self.ws, username)
        user_rules.check_not_self(
            self.ws, "user_revoke", target, _("You cannot revoke your own account.")
        )
        user_rules.check_may_manage(self.ws, "user_revoke", target)
        user_rules.check_not_last_admin(self.ws, "user_revoke", target)
        store = self.ws.store
        with self.ws.write() as s:
            row = s.scalar(select(User).where(User.username == username))
            if row is None:
                raise NotFound(_("There is no user '{name}'.").format(name=username))
            unfinished = username in rotation.pending_in(s)
            finished_at_login = username in store.finished_revocations
            if not row.active and not unfinished and username not in store.vault.usernames():
                if finished_at_login:
                    # A retry: opening the store finished the revocation that had stopped.
                    return user_info(row, False)
                raise InputRejected(
                    _("The user '{name}' is already revoked.").format(name=username)
                )
            if row.active:
                row.active = False
                self.ws.touch(s, row, ("active",))
                self.ws.audit(s, "user_revoked", "user", row.id, {"username": username})
            # Recorded with the revocation itself: if what follows stops half-way, the next
            # open of the store (or a retry) finishes it.
            rotation.mark_revoked(s, username)
            info = user_info(row, False)
        store.revoke_key_slot(username)
        return info

    def rename(self, username: str, full_name: str) -> UserInfo:
        """Correct the full name of ``username``, a user of this node.

        The account's own user may correct their name; anyone else needs
        :attr:`Permission.MANAGE_USERS` and a role ranking at least as high as the account's.
        The user's roster entry follows with the next bundle, so the records they wrote show
        the new name at every node.
        """
        if username != self.ws.actor.username:
            self.ws.require(Permission.MANAGE_USERS, "user_renamed", target=username)
        full_name = validation.required_text(full_name, "full_name", _("Full name"))
        target = user_rules.load_target(self.ws, username)
        if target.username != self.ws.actor.username:
            user_rules.check_may_manage(self.ws, "user_renamed", target)
        keys = set(self.ws.store.vault.usernames())
        with self.ws.write() as s:
            row = s.scalar(select(User).where(User.username == username))
            if row is None:
                raise NotFound(_("There is no user '{name}'.").format(name=username))
            if row.full_name != full_name:
                row.full_name = full_name
                self.ws.touch(s, row, ("profile",))
                self.ws.audit(s, "user_renamed", "user", row.id, {"username": username})
            info = user_info(row, row.username in keys)
        return info

    def change_password(self, new_password: str) -> None:
        """Change the acting user's own password (they are logged in, so they know the old one)."""
        validation.new_password(new_password, self.ws.actor.username)
        with self.ws.write() as s:
            self.ws.audit(s, "password_changed", "user", self.ws.actor.user_id)
            self.ws.store.add_key_slot(self.ws.actor.username, new_password)
        if self.ws.actor.role == Role.ADMIN:
            # Backups open with the new password, no longer with the old one.
            rotation.refresh_backups(self.ws.store)

    def reset_password(self, username: str, new_password: str) -> None:
        """Give ``username`` a new password (after a recovery-key unlock, or by a manager)."""
        self.ws.require(Permission.MANAGE_USERS, "password_reset", target=username)
        target = user_rules.load_target(self.ws, username)
        user_rules.check_may_manage(self.ws, "password_reset", target)
        validation.new_password(new_password, username)
        with self.ws.write() as s:
            row = s.scalar(select(User).where(User.username == username))
            if row is None or not row.active:
                raise NotFound(_("There is no active user '{name}'.").format(name=username))
            self.ws.audit(s, "password_reset", "user", row.id, {"username": username})
            self.ws.store.add_key_slot(username, new_password)
            is_admin = row.role == Role.ADMIN.value
        if is_admin:
            rotation.refresh_backups(self.ws.store)

    def change_role(self, username: str, role: str) -> UserInfo:
        """Give ``username`` another role.

        Refused (and audited) when the account or the new role ranks above the actor's, for the
        actor's own account, and when it would demote the last active administrator.
        """
        self.ws.require(Permission.MANAGE_USERS, "user_role_changed", target=username)
        new_role = parse_role(role)
        target = user_rules.load_target(self.ws, username)
        user_rules.check_not_self(
            self.ws, "user_role_changed", target, _("You cannot change your own role.")
        )
        user_rules.check_may_manage(self.ws, "user_role_changed", target)
        user_rules.check_may_give(self.ws, "user_role_changed", username, new_role, target.id)
        if new_role is not Role.ADMIN:
            user_rules.check_not_last_admin(self.ws, "user_role_changed", target)
        keys = set(self.ws.store.vault.usernames())
        with self.ws.write() as s:
            row = s.scalar(select(User).where(User.username == username))
            if row is None or not row.active:
                raise NotFound(_("There is no active user '{name}'.").format(name=username))
            old = row.role
            if old != new_role.value:
                row.role = new_role.value
                self.ws.touch(s, row, ("role",))
                self.ws.audit(
                    s,
                    "user_role_changed",
                    "user",
                    row.id,
                    {"username": username, "from": old, "to": new_role.value},
                )
            info = user_info(row, row.username in keys)
        if old == Role.ADMIN.value and new_role is not Role.ADMIN:
            # A demoted administrator must open no backup made from now on, nor the old ones.
            rotation.refresh_backups(self.ws.store)
        return info
