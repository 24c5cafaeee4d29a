"""``init``, ``user``, ``passwd``, ``recover`` and ``db`` commands."""

from __future__ import annotations

import argparse
import sys

from legalaid_desktop import app
from legalaid_desktop.cli import backup_commands
from legalaid_desktop.cli.context import CliContext, Output
from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.domain.roles import Role
from legalaid_desktop.domain.roster import RosterMember
from legalaid_desktop.domain.users import UserInfo
from legalaid_desktop.i18n import _
from legalaid_desktop.services.recovery_keys import rotate_store_recovery_key
from legalaid_desktop.services.roster import RosterService


def _user_dict(u: UserInfo) -> dict[str, object]:
    return {
        "username": u.username,
        "full_name": u.full_name,
        "role": u.role.value,
        "node": u.node_code,
        "active": u.active,
        "has_key": u.has_key,
    }


def cmd_init(args: argparse.Namespace, ctx: CliContext) -> Output:
    password = ctx.new_password()
    session, recovery = app.create(
        ctx.data_dir,
        node_code=args.node_code,
        node_name=args.node_name,
        hq=args.hq,
        admin_username=args.admin,
        admin_full_name=args.admin_full_name or args.admin,
        admin_password=password,
    )
    status = session.maintenance.status()
    session.close()
    text = "\n".join(
        [
            _("Created the data store of {code} in {path}.").format(
                code=status["node_code"], path=ctx.data_dir
            ),
            "",
            _("RECOVERY KEY — shown only this once. Print or write it down and keep it in a safe:"),
            "",
            "    " + recovery,
            "",
            _(
                "Anyone with this key can open the store; without it a forgotten password cannot "
                "be reset."
            ),
        ]
    )
    data = {
        "data_dir": str(ctx.data_dir),
        "node_code": status["node_code"],
        "store_id": status["store_id"],
        "admin": args.admin,
        "recovery_key": recovery,
    }
    return Output(data, text)


def cmd_user_add(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        password = ctx.new_password()
        info = s.users.add(args.username, args.full_name, args.role, password)
    return Output(
        _user_dict(info),
        _("Added user {name} ({role}).").format(name=info.username, role=info.role.value),
    )


def cmd_user_list(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        users = s.users.list()
    lines = [
        f"{u.username:<16} {u.role.value:<11} {u.node_code:<5} "
        f"{_('active') if u.active else _('revoked'):<8} {u.full_name}"
        for u in users
    ]
    return Output([_user_dict(u) for u in users], "\n".join(lines))


def cmd_user_revoke(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        info = s.users.revoke(args.username)
        epoch = s.users.key_epoch()
        left = s.maintenance.backups.still_open_to(info.username)
    text = _(
        "Revoked {name}. The database has a new key (epoch {epoch}); old copies of the key file "
        "no longer open it."
    ).format(name=info.username, epoch=epoch)
    warning = backup_commands.revocation_warning(info.username, left)
    if warning:
        sys.stderr.write(warning + "\n")
        text += "\n" + warning
    data = {**_user_dict(info), "key_epoch": epoch, "outside_backups_left": [i.path for i in left]}
    return Output(data, text)


def cmd_user_role(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        info = s.users.change_role(args.username, args.role)
    return Output(
        _user_dict(info),
        _("{name} now has the role {role}.").format(name=info.username, role=info.role.value),
    )


def cmd_user_rename(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        info = s.users.rename(args.username, args.full_name)
    return Output(
        _user_dict(info),
        _("{name} is now {full_name}.").format(name=info.username, full_name=info.full_name),
    )


def _member_dict(m: RosterMember) -> dict[str, object]:
    return {
        "node": m.node,
        "username": m.username,
        "full_name": m.full_name,
        "role": m.role.value,
        "active": m.active,
        "here": m.here,
    }


def cmd_user_roster(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        members = RosterService(s.ws).list()
    lines = [
        f"{m.node:<5} {m.username:<16} {m.role.value:<11} "
        f"{_('active') if m.active else _('revoked'):<8} {m.full_name}"
        for m in members
    ]
    return Output([_member_dict(m) for m in members], "\n".join(lines))


def cmd_passwd(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        s.users.change_password(ctx.new_password())
        name = s.actor.username
    return Output(
        {"username": name, "changed": True}, _("Password changed for {name}.").format(name=name)
    )


def cmd_recover(args: argparse.Namespace, ctx: CliContext) -> Output:
    if args.username == "rotate":
        # `recover rotate`; the password of a user named "rotate" is reset with --user rotate.
        return cmd_recover_rotate(args, ctx)
    key = ctx.recovery_key()
    target = args.username or ctx.user
    if not target:
        raise InputRejected(_("Say whose password to reset: legalaid recover USERNAME."))
    session = app.recover(ctx.data_dir, key)
    try:
        session.users.reset_password(target, ctx.new_password())
    finally:
        session.close()
    return Output(
        {"username": target, "reset": True}, _("New password set for {name}.").format(name=target)
    )


def cmd_recover_rotate(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        result = rotate_store_recovery_key(s.ws)
    text = "\n".join(
        [
            _(
                "The store has a new recovery key and a new database key (epoch {epoch}); the "
                "old recovery key no longer opens it."
            ).format(epoch=result.key_epoch),
            "",
            _(
                "NEW RECOVERY KEY — shown only this once. Print or write it down, keep it in a "
                "safe, and destroy the old sheet:"
            ),
            "",
            "    " + result.recovery_key,
            "",
            _(
                "Anyone with this key can open the store; without it a forgotten password cannot "
                "be reset."
            ),
        ]
    )
    return Output({"recovery_key": result.recovery_key, "key_epoch": result.key_epoch}, text)


def cmd_db_status(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        status = s.maintenance.status()
    text = "\n".join(f"{k}: {v}" for k, v in status.items())
    warning = _warn_unfinished(status.get("revocations_unfinished"))
    if warning:
        text += "\n" + warning
    return Output(status, text)


def _warn_unfinished(names: object) -> str | None:
    """Say on standard error that a revocation is not finished (``db status``, ``db verify``)."""
    if not isinstance(names, list) or not names:
        return None
    warning = _(
        "WARNING: the revocation of {names} is not finished: backups remain that only an "
        "administrator's login can re-key. Log in as an administrator to finish it."
    ).format(names=", ".join(str(n) for n in names))
    sys.stderr.write(warning + "\n")
    return warning


def cmd_db_migrate(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        result = s.maintenance.migrate()
    text = (
        _("Schema upgraded from {a} to {b}.").format(a=result["from"], b=result["to"])
        if result["from"] != result["to"]
        else _("The schema is up to date ({rev}).").format(rev=result["to"])
    )
    return Output(result, text)


def cmd_db_verify(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        report = s.maintenance.verify()
        _warn_unfinished(s.maintenance.status().get("revocations_unfinished"))
    data = {
        "ok": report.ok,
        "pages": list(report.page_problems),
        "structure": list(report.structure_problems),
        "audit_events": report.audit_events,
        "audit": list(report.audit_problems),
        "figures": list(report.figures_problems),
    }
    if report.ok:
        text = _(
            "The store is intact: every page checks out and the audit chain of {n} events "
            "is unbroken."
        ).format(n=report.audit_events)
        return Output(data, text)
    lines = [_("The store FAILED verification:")]
    lines += [
        f"- {p}"
        for p in (
            *report.page_problems,
            *report.structure_problems,
            *report.audit_problems,
            *report.figures_problems,
        )
    ]
    sys.stderr.write(lines[0] + "\n")
    return Output(data, "\n".join(lines), exit_code=1)


def cmd_db_rebuild_figures(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        differed = s.maintenance.rebuild_figures()
    return Output(
        {"differed": differed},
        _(
            "The statistics' table of consultations was rebuilt from the records "
            "({n} rows had differed)."
        ).format(n=differed),
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("init", help=_("create the data store and its first administrator"))
    p.add_argument("--node-code", required=True)
    p.add_argument("--node-name", required=True)
    p.add_argument("--admin", required=True, metavar="USERNAME")
    p.add_argument("--admin-full-name", metavar="NAME")
    p.add_argument("--hq", action="store_true", help=_("this is the headquarters installation"))
    p.set_defaults(func=cmd_init)

    user = sub.add_parser("user", help=_("manage users")).add_subparsers(
        dest="user_cmd", required=True
    )
    p = user.add_parser("add")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--full-name", required=True)
    p.set_defaults(func=cmd_user_add)
    user.add_parser("list").set_defaults(func=cmd_user_list)
    p = user.add_parser("revoke")
    p.add_argument("username")
    p.set_defaults(func=cmd_user_revoke)
    p = user.add_parser("role", help=_("give a user another role"))
    p.add_argument("username")
    p.add_argument("role", choices=[r.value for r in Role])
    p.set_defaults(func=cmd_user_role)
    p = user.add_parser("rename", help=_("correct a user's full name"))
    p.add_argument("username")
    p.add_argument("--full-name", required=True)
    p.set_defaults(func=cmd_user_rename)
    user.add_parser(
        "roster",
        help=_("the people of every node known here (user name, full name, role; no secrets)"),
    ).set_defaults(func=cmd_user_roster)

    sub.add_parser("passwd", help=_("change your password")).set_defaults(func=cmd_passwd)
    p = sub.add_parser(
        "recover",
        help=_("reset a password with the recovery key; `recover rotate`: a new recovery key"),
    )
    p.add_argument("username", nargs="?", help=_("whose password to reset, or `rotate`"))
    p.set_defaults(func=cmd_recover)

    db = sub.add_parser("db", help=_("store maintenance")).add_subparsers(
        dest="db_cmd", required=True
    )
    db.add_parser("status").set_defaults(func=cmd_db_status)
    db.add_parser("migrate").set_defaults(func=cmd_db_migrate)
    db.add_parser("verify").set_defaults(func=cmd_db_verify)
    db.add_parser(
        "rebuild-figures",
        help=_("fill the statistics' table of consultations again from the records"),
    ).set_defaults(func=cmd_db_rebuild_figures)
    backup_commands.register(db)
