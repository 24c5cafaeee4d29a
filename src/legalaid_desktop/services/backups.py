"""Backups for the front ends: a backup file to a folder outside the data folder, restoring one.

Making a backup is a use case of a logged-in session (:class:`BackupService`, reached as
``session.maintenance.backups``): the internal copy inside the data folder
(:meth:`~legalaid_desktop.services.maintenance.MaintenanceService.backup`, administrators) or
one file on a USB stick (:meth:`BackupService.write_outside`, managers and administrators).
Restoring needs no session: the backup is opened with one of its administrators' passwords or
with the recovery key, and copied into a new store with a new database key
(:func:`restore_backup`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from legalaid_desktop.domain.errors import InputRejected, RestoreTargetTaken
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n import _
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store import backup_file, backups, outside_backups, restore
from legalaid_desktop.store.models import Meta
from legalaid_desktop.store.outside_backups import OutsideBackup

__all__ = [
    "REMINDER_DAYS",
    "BackupService",
    "OutsideBackup",
    "RestoreOutcome",
    "backup_administrators",
    "check_target",
    "restore_backup",
    "restore_with_password",
    "restore_with_recovery_key",
]

REMINDER_DAYS = 7
"""Days after the last backup outside the data folder when the dashboard reminds (default)."""
REMINDER_KEY = "backup_reminder_days"
REMINDER_RANGE = (1, 365)

Report = Callable[[int, int], None]
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class BackupReminder:
    """What the dashboard needs: days since the last backup outside (None: never), the limit."""

    days: int | None
    limit: int

    @property
    def due(self) -> bool:
        return self.days is None or self.days >= self.limit


class BackupService:
    """Backup files outside the data folder (see the module's docstring)."""

    def __init__(self, ws: Workspace, now: Callable[[], datetime] | None = None) -> None:
        self.ws = ws
        self.now = now or (lambda: datetime.now(UTC))

    def write_outside(
        self,
        folder: Path,
        *,
        report: Report | None = None,
        cancelled: Cancelled | None = None,
    ) -> OutsideBackup:
        """Write one encrypted backup file into ``folder`` (a USB stick) and record it.

        Raises:
            PermissionDenied: a lawyer or an HQ analyst (audited).
            InputRejected: ``folder`` is not a folder, or lies in the data folder.
            BackupNoSpace, BackupCancelled, BackupRejected: see :func:`backup_file.write`.
        """
        self.ws.require(Permission.BACKUP_OUTSIDE, "backup_created")
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            raise InputRejected(_("There is no folder {path}.").format(path=folder))
        self.ws.check_destination(folder)
        written = outside_backups.write_to(
            self.ws.store, folder.resolve(), report=report, cancelled=cancelled
        )
        item = OutsideBackup(
            backup_id=written.facts.backup_id,
            path=str(written.path),
            made_at=written.facts.made_at,
            size=written.size,
            made_by=self.ws.actor.username,
            holders=written.holders,
            generation=written.facts.generation,
        )
        with self.ws.write() as s:
            outside_backups.add(s, item)
            self.ws.audit(
                s,
                "backup_created",
                "store",
                written.facts.backup_id,
                {
                    "outside": True,
                    "folder": str(written.path.parent),
                    "file": written.path.name,
                    "size": written.size,
                    "made_at": written.facts.made_at,
                },
            )
        return item

    def list_outside(self) -> list[OutsideBackup]:
        """The backup files written outside the data folder, oldest first."""
        self.ws.require(Permission.BACKUP_OUTSIDE, "backups_listed")
        with self.ws.read() as s:
            return sorted(outside_backups.records(s), key=lambda r: r.made_at)

    def still_open_to(self, username: str) -> list[OutsideBackup]:
        """The recorded files ``username`` (revoked) may still open: the revocation could not
        reach or open them to give them a new key."""
        with self.ws.read() as s:
            return outside_backups.still_open_to(s, username)

    def forget(self, backup_id: str) -> int:
        """Stop listing a backup file that was destroyed (audited)."""
        self.ws.require(Permission.BACKUP_OUTSIDE, "backup_forgotten")
        with self.ws.write() as s:
            dropped = outside_backups.forget(s, {backup_id})
            if dropped:
                self.ws.audit(s, "backup_forgotten", "store", backup_id)
        if not dropped:
            raise InputRejected(_("No backup {id} is listed.").format(id=backup_id))
        return dropped

    # -- the dashboard's reminder -------------------------------------------------------------

    def reminder_days(self) -> int:
        """After how many days the dashboard reminds (:data:`REMINDER_DAYS` unless set)."""
        with self.ws.read() as s:
            row = s.get(Meta, REMINDER_KEY)
        try:
            return int(row.value) if row is not None else REMINDER_DAYS
        except ValueError:
            return REMINDER_DAYS

    def set_reminder_days(self, days: int) -> None:
        """Set the reminder's limit for this store (managers and administrators; audited)."""
        self.ws.require(Permission.BACKUP_OUTSIDE, "backup_reminder_set")
        low, high = REMINDER_RANGE
        if not low <= days <= high:
            raise InputRejected(
                _("The reminder takes {low} to {high} days.").format(low=low, high=high)
            )
        with self.ws.write() as s:
            s.merge(Meta(key=REMINDER_KEY, value=str(days)))
            self.ws.audit(s, "backup_reminder_set", "store", "", {"days": days})

    def reminder(self) -> BackupReminder:
        """Days since the last backup file outside the data folder (None: never) and the limit."""
        with self.ws.read() as s:
            last = outside_backups.last_made_at(s)
        limit = self.reminder_days()
        if last is None:
            return BackupReminder(None, limit)
        when = datetime.fromisoformat(last.replace("Z", "+00:00"))
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return BackupReminder(max(0, (self.now() - when).days), limit)


# -- restoring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreOutcome:
    """What :func:`restore_backup` did."""

    target: Path
    replaced: Path | None
    """Where the store that was in ``target`` was kept (``--force``), else None."""
    backup_id: str
    made_at: str
    node_code: str


def _opener(
    source: Path, username: str | None, password: str | None, recovery_key: str | None
) -> backups.Opener:
    if source.is_dir():
        if recovery_key is not None:
            return backups.opener_for_recovery(source, recovery_key)
        return backups.opener_for_password(source, username or "", password or "")
    bf = backup_file.read(source)
    if recovery_key is not None:
        return backup_file.opener_for_recovery(bf, recovery_key)
    return backup_file.opener_for_password(bf, username or "", password or "")


def backup_administrators(source: Path) -> list[str]:
    """The user names whose password opens the backup file or folder ``source`` (they are in
    the clear in it: no secret is needed to read them).

    Raises:
        BackupRejected: a file that is not a backup, or is damaged.
    """
    source = Path(source).expanduser()
    if source.is_dir():
        keys = backups.BackupKeys.load(source / backups.KEY_FILE)
    else:
        keys = backup_file.read(source).keys
    return sorted(s.username for s in keys.slots if s.kind == "user")


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def check_target(target: Path, *, force: bool) -> bool:
    """Whether ``target`` holds a data store; refused unless ``force``.

    Raises:
        RestoreTargetTaken: it holds one and ``force`` is not set.
    """
    from legalaid_desktop.store.store import StorePaths

    paths = StorePaths(Path(target).expanduser())
    taken = paths.db.exists() or paths.vault.exists()
    if taken and not force:
        raise RestoreTargetTaken(
            _(
                "A data store already exists in {path}; nothing was restored. Choose an empty "
                "folder, or use --force to keep the existing store beside it and restore in its "
                "place."
            ).format(path=target)
        )
    return taken


def restore_backup(
    source: Path,
    target: Path,
    *,
    username: str | None = None,
    password: str | None = None,
    recovery_key: str | None = None,
    force: bool = False,
) -> RestoreOutcome:
    """Restore a backup file (or a backup folder) into ``target``.

    Opened with an administrator's password (``username``, ``password``) or ``recovery_key``.
    A file is read whole and checked before anything is written. If ``target`` holds a store,
    the restore is refused, or with ``force`` that store is first moved aside to
    ``<target>.replaced-<UTC stamp>`` (put back if the restore fails).

    Raises:
        RestoreTargetTaken: ``target`` holds a store and ``force`` is not set.
        AuthenticationError: the password or the recovery key does not open the backup.
        BackupRejected: the file is damaged, truncated or altered (nothing is written).
    """
    from legalaid_desktop.store.store import StorePaths, _locked

    source, target = Path(source).expanduser(), Path(target).expanduser()
    if not source.exists():
        raise InputRejected(_("There is no backup {path}.").format(path=source))
    paths = StorePaths(target)
    taken = check_target(target, force=force)
    opener = _opener(source, username, password, recovery_key)
    opened = restore.open_backup(source, opener)
    replaced: Path | None = None
    if taken:
        with _locked(paths):  # nobody is opening or re-keying it right now
            pass
        replaced = target.with_name(f"{target.name}.replaced-{_stamp()}")
        target.rename(replaced)
    try:
        restore.restore(opened, None, target, restored_by=username or "recovery-key")
    except BaseException:
        if replaced is not None:
            with contextlib.suppress(OSError):
                for leftover in target.iterdir():
                    leftover.unlink()
                target.rmdir()
            replaced.rename(target)
        raise
    code = opened.facts.node_code if opened.facts is not None else ""
    return RestoreOutcome(target, replaced, opened.keys.backup_id, opened.keys.made_at, code)


def restore_with_password(folder: Path, username: str, password: str, target: Path) -> Path:
    """Restore the backup ``folder`` (or file) into the empty folder ``target``, opened by an
    administrator of the backup (see :func:`restore_backup`)."""
    return restore_backup(folder, target, username=username, password=password).target


def restore_with_recovery_key(folder: Path, recovery_key: str, target: Path) -> Path:
    """Restore the backup ``folder`` (or file) into ``target`` with the recovery key."""
    return restore_backup(folder, target, recovery_key=recovery_key).target
