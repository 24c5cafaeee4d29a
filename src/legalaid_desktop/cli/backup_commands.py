"""``db backup``, ``db restore``, ``db backups`` and ``db backup-reminder`` (issue 20).

``db backup -o FOLDER`` writes one encrypted backup file into a folder outside the data folder
(a USB stick); without ``-o`` the backup folder goes into the data folder, as before.
``db restore FILE --data-dir NEW`` makes a new store from a backup file (or an old backup
folder), opened with ``--user ADMIN`` and that administrator's password, or ``--recovery``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from legalaid_desktop.cli.context import CliContext, Output
from legalaid_desktop.domain.errors import AuthenticationError
from legalaid_desktop.i18n import _
from legalaid_desktop.services import backups
from legalaid_desktop.services.backups import OutsideBackup
from legalaid_desktop.services.workspace import check_destination


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f}"


def _progress() -> Callable[[int, int], None] | None:
    """A percentage on standard error when it is a terminal (scripts and cron get nothing)."""
    if sys.stderr is None or not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        sys.stderr.write("\r" + _("Backing up… {percent}%").format(percent=percent))
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return report


def _item_dict(item: OutsideBackup) -> dict[str, object]:
    return {
        "backup_id": item.backup_id,
        "path": item.path,
        "file": item.file_name,
        "made_at": item.made_at,
        "size": item.size,
        "made_by": item.made_by,
        "opens_for": list(item.holders),
        "generation": item.generation,
    }


def revocation_warning(username: str, left: Sequence[OutsideBackup]) -> str | None:
    """The warning ``user revoke`` prints for the backup files it could not re-key."""
    if not left:
        return None
    files = ", ".join(item.path for item in left)
    return _(
        "WARNING: these backups outside the data folder can still be opened by {name}'s old "
        "password (they were not reachable or could not be re-keyed): {files}. Make a new "
        "backup and destroy them."
    ).format(name=username, files=files)


def cmd_db_backup(args: argparse.Namespace, ctx: CliContext) -> Output:
    if not args.output:
        with ctx.session() as s:
            folder = s.maintenance.backup()
        return Output(
            {"backup": str(folder)}, _("Encrypted backup written to {path}.").format(path=folder)
        )
    target = Path(args.output).expanduser()
    check_destination(target, ctx.data_dir)  # before the password is asked for
    with ctx.session() as s:
        item = s.maintenance.backups.write_outside(target, report=_progress())
    text = _(
        "Encrypted backup written to {path} ({size} MB), read back and checked. It opens only "
        "with an administrator's password or the recovery key."
    ).format(path=item.path, size=_mb(item.size))
    return Output(_item_dict(item), text)


def cmd_db_restore(args: argparse.Namespace, ctx: CliContext) -> Output:
    source = Path(args.backup).expanduser()
    given = args.to or getattr(args, "target_dir", None)
    target = Path(given).expanduser() if given else ctx.data_dir
    backups.check_target(target, force=args.force)  # before a password is asked for
    if args.recovery:
        outcome = backups.restore_backup(
            source, target, recovery_key=ctx.recovery_key(), force=args.force
        )
    else:
        if not ctx.user:
            raise AuthenticationError(
                _("Say which administrator opens the backup with --user, or use --recovery.")
            )
        outcome = backups.restore_backup(
            source, target, username=ctx.user, password=ctx.password(), force=args.force
        )
    lines = [
        _("The backup {backup} (made {made_at}) was restored into {path}.").format(
            backup=source.name, made_at=outcome.made_at, path=target
        )
    ]
    if outcome.replaced is not None:
        lines.append(
            _("The data store that was there was kept as {path}.").format(path=outcome.replaced)
        )
    lines.append(
        _(
            "Only the backup's administrators and the recovery key open it: reset the other "
            "users' passwords, and revoke again anyone revoked since the backup was made. "
            "Import the latest sync bundle from your peer before exporting one."
        )
    )
    data = {
        "backup": str(source),
        "restored_to": str(target),
        "replaced": str(outcome.replaced) if outcome.replaced else None,
        "backup_id": outcome.backup_id,
        "made_at": outcome.made_at,
    }
    return Output(data, "\n".join(lines))


def cmd_db_backups(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        if args.forget:
            s.maintenance.backups.forget(args.forget)
            return Output(
                {"forgotten": args.forget},
                _("The backup {id} is no longer listed.").format(id=args.forget),
            )
        items = s.maintenance.backups.list_outside()
    lines = [
        f"{i.backup_id}  {i.made_at}  {_mb(i.size):>8} MB  {i.path}"
        + ("" if Path(i.path).is_file() else "  " + _("(not reachable)"))
        for i in items
    ]
    return Output([_item_dict(i) for i in items], "\n".join(lines) or _("No backups yet."))


def cmd_db_backup_reminder(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        service = s.maintenance.backups
        if args.days is not None:
            service.set_reminder_days(args.days)
        reminder = service.reminder()
    text = _(
        "The dashboard reminds managers and administrators {days} days after the last backup "
        "outside the data folder."
    ).format(days=reminder.limit)
    return Output({"days": reminder.limit, "since_last": reminder.days}, text)


def register(db: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the backup commands to ``legalaid db``."""
    p = db.add_parser(
        "backup",
        help=_("an encrypted backup: one file in FOLDER with -o, else inside the data folder"),
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FOLDER",
        help=_("a folder outside the data folder (a USB stick); managers and administrators"),
    )
    p.set_defaults(func=cmd_db_backup)
    p = db.add_parser(
        "restore",
        help=_("make a new data store from a backup (an administrator's password or recovery key)"),
    )
    p.add_argument("backup", metavar="BACKUP", help=_("a .labackup file, or a backup folder"))
    p.add_argument(
        "--data-dir",
        dest="target_dir",
        metavar="NEW_DATA_DIR",
        help=_("the data folder to create (default: the global --data-dir)"),
    )
    p.add_argument("--to", metavar="NEW_DATA_DIR", help=argparse.SUPPRESS)
    p.add_argument(
        "--recovery", action="store_true", help=_("open the backup with the recovery key")
    )
    p.add_argument(
        "--force",
        action="store_true",
        help=_("restore over an existing data store (it is kept beside, as <folder>.replaced-…)"),
    )
    p.set_defaults(func=cmd_db_restore)
    p = db.add_parser("backups", help=_("the backup files made outside the data folder"))
    p.add_argument(
        "--forget", metavar="BACKUP_ID", help=_("stop listing a backup file that was destroyed")
    )
    p.set_defaults(func=cmd_db_backups)
    p = db.add_parser(
        "backup-reminder",
        help=_("show or set the days after which the dashboard reminds to back up"),
    )
    p.add_argument("days", nargs="?", type=int, metavar="DAYS")
    p.set_defaults(func=cmd_db_backup_reminder)
