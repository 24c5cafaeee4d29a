"""``enroll``, ``bundle`` and ``sync`` commands (DESIGN.md §7).

Enrollment asks a person to compare a fingerprint with the other side by phone. Give it with
``--fingerprint`` (digits, with or without spaces or dashes); on a terminal the command shows it
and asks instead. Without either, nothing is enrolled and the exit code is 4.

A refused bundle exits with 4; a bundle imported before exits with 0 and says so.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from legalaid_desktop.cli.context import CliContext, Output
from legalaid_desktop.i18n import _
from legalaid_desktop.services.recovery_keys import rotate_bundle_recovery_key
from legalaid_desktop.services.sync import SyncService


def _data(obj: Any) -> Any:
    data = asdict(obj)
    return {k: str(v) if isinstance(v, Path) else v for k, v in data.items()}


def _confirm(service: SyncService, path: Path, given: str | None) -> str | None:
    """The fingerprint the person confirmed: ``--fingerprint``, or a yes on a terminal."""
    if given is not None:
        return given
    if sys.stdin is None or not sys.stdin.isatty():
        return None
    peek = service.enroll_peek(path)
    sys.stderr.write(
        _("Fingerprint of {node} ({name}):\n    {fingerprint}\n").format(
            node=peek.node_code, name=peek.name, fingerprint=peek.fingerprint
        )
    )
    answer = input(
        _("Does {node} read you exactly the same digits? [y/N] ").format(node=peek.node_code)
    )
    return peek.fingerprint if answer.strip().lower() in ("y", "yes", "h", "hə", "да") else None


# --- enroll -------------------------------------------------------------------------------------


def cmd_enroll_request(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        result = s.sync.enroll_request(Path(args.output))
    text = _(
        "Enrollment request written to {path}.\nSend it to HQ, then read this fingerprint to HQ "
        "by phone:\n    {fingerprint}"
    ).format(path=result.path, fingerprint=result.fingerprint)
    return Output(_data(result), text)


def cmd_enroll_accept(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        service = s.sync
        confirmed = _confirm(service, Path(args.file), args.fingerprint)
        result = service.enroll_accept(Path(args.file), Path(args.output), confirmed)
    lines = [
        _("{node} ({name}) is enrolled. Response written to {path}.").format(
            node=result.node_code, name=result.name, path=result.response_path
        ),
        _("Read HQ's fingerprint to the center by phone:\n    {fingerprint}").format(
            fingerprint=result.hq_fingerprint
        ),
    ]
    if result.recovery_key:
        lines += [
            "",
            _("BUNDLE RECOVERY KEY (shown only this once; print it and lock it away):"),
            f"    {result.recovery_key}",
            _("It opens every sync bundle if a node's keys are lost. Keep it offline."),
        ]
    return Output(_data(result), "\n".join(lines))


def cmd_enroll_complete(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        service = s.sync
        confirmed = _confirm(service, Path(args.file), args.fingerprint)
        result = service.enroll_complete(Path(args.file), confirmed)
    text = _("This center is enrolled with {node} ({name}); fingerprint {fingerprint}.").format(
        node=result.hq_code, name=result.hq_name, fingerprint=result.fingerprint
    )
    return Output(_data(result), text)


def cmd_enroll_revoke(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        info = s.sync.revoke_node(args.node)
    text = _("{node} is revoked; its bundles are refused from now on.").format(node=info.code)
    return Output(_data(info), text)


def cmd_enroll_rotate_recovery(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        result = rotate_bundle_recovery_key(s.ws)
    lines = [
        _(
            "HQ has a new bundle recovery key (roster version {version}). Bundles HQ writes from "
            "now on are encrypted to it; each center takes it with HQ's next bundle. Bundles "
            "written before stay readable with the old key."
        ).format(version=result.roster_version),
        "",
        _(
            "NEW BUNDLE RECOVERY KEY (shown only this once; print it, lock it away and destroy the "
            "old sheet):"
        ),
        f"    {result.recovery_key}",
        _("It opens every sync bundle if a node's keys are lost. Keep it offline."),
    ]
    return Output(_data(result), "\n".join(lines))


# --- bundle -------------------------------------------------------------------------------------


def cmd_bundle_export(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        result = s.sync.export(
            Path(args.output), to=args.to, full=args.full, after_restore=args.after_restore
        )
    text = _(
        "Bundle no. {seq} for {peer} written to {path}: {records} records, {attachments} "
        "documents, {size} bytes."
    ).format(
        seq=result.seq,
        peer=result.peer,
        path=result.path,
        records=result.records,
        attachments=result.attachments,
        size=result.size,
    )
    if result.not_owned:
        text += "\n" + _("{n} changed records were left out: they belong to other centers.").format(
            n=result.not_owned
        )
    return Output(_data(result), text)


def cmd_bundle_inspect(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        report = s.sync.inspect(Path(args.file))
    lines = [
        _("Sender:    {value}").format(value=report.sender or "—"),
        _("Recipient: {value}").format(value=report.recipient or "—"),
        _("Sequence:  {value}").format(value=report.seq if report.seq is not None else "—"),
        _("Created:   {value}").format(value=report.created or "—"),
        _("Size:      {value} bytes").format(value=report.size),
    ]
    if report.counts:
        lines.append(
            _("Records:   {value}").format(
                value=", ".join(f"{k} {v}" for k, v in sorted(report.counts.items()))
            )
        )
    lines.append(
        _("Verdict:   {verdict} — {message}").format(verdict=report.verdict, message=report.message)
    )
    ok = report.verdict in ("verified", "already_imported")
    return Output(_data(report), "\n".join(lines), exit_code=0 if ok else 4)


def cmd_bundle_import(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        result = s.sync.import_bundle(Path(args.file))
    text = result.message
    if result.conflicts:
        text += "\n" + _("Review the conflicts: legalaid sync conflicts list")
    if result.alert:
        sys.stderr.write(f"legalaid: {result.alert}\n")
    return Output(_data(result), text)


# --- sync ---------------------------------------------------------------------------------------


def cmd_sync_conflicts_list(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        items = s.sync.conflicts(unresolved_only=not args.all)
    lines = [
        f"{c.id}  {c.label}  [{c.field_group}, {c.kind}]  "
        + _("kept: {winner}; from {peer}").format(winner=c.winner, peer=c.peer)
        + (f"  ({c.resolution})" if c.resolution else "")
        for c in items
    ]
    return Output([_data(c) for c in items], "\n".join(lines) or _("No conflicts."))


def cmd_sync_conflicts_resolve(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        info = s.sync.resolve_conflict(args.id, args.keep)
    return Output(
        _data(info),
        _("Conflict {id} resolved: kept the {side} value.").format(
            id=info.id, side=info.resolution
        ),
    )


def cmd_sync_transfer(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        info = s.sync.transfer_case(args.number, args.to)
    return Output(
        _data(info),
        _("Case {number} moves from {source} to {target} with the next bundle.").format(
            number=info.number, source=info.from_node, target=info.to_node
        ),
    )


def cmd_sync_history(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        rows = s.sync.history(limit=args.limit)
    lines = [
        f"{r.processed_at}  {r.direction:3}  {r.peer:5}  #{r.seq:<5} {r.status:12} "
        f"{r.bundle_hash[:16]}"
        for r in rows
    ]
    return Output([_data(r) for r in rows], "\n".join(lines) or _("No bundles yet."))


def cmd_sync_nodes(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        nodes = s.sync.nodes()
    lines = [
        f"{n.code:6} {n.kind:7} {n.enrollment:9} {n.fingerprint or '—'}  {n.name}" for n in nodes
    ]
    return Output([_data(n) for n in nodes], "\n".join(lines))


def cmd_sync_quarantine(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        items = s.sync.quarantined()
    lines = [f"{q.at}  {q.peer}  {q.table_name} {q.row_id}: {q.reason}" for q in items]
    return Output([_data(q) for q in items], "\n".join(lines) or _("Nothing is set aside."))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``enroll``, ``bundle`` and ``sync`` commands."""
    enroll = sub.add_parser("enroll", help=_("enroll a center with HQ")).add_subparsers(
        dest="enroll_cmd", required=True
    )
    p = enroll.add_parser("request", help=_("write this center's enrollment request"))
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.set_defaults(func=cmd_enroll_request)
    p = enroll.add_parser("accept", help=_("HQ: enroll a center from its request"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="RESPONSE")
    p.add_argument("--fingerprint", metavar="F", help=_("the fingerprint confirmed by phone"))
    p.set_defaults(func=cmd_enroll_accept)
    p = enroll.add_parser("complete", help=_("center: pin HQ from its response"))
    p.add_argument("file", metavar="RESPONSE")
    p.add_argument("--fingerprint", metavar="F", help=_("HQ's fingerprint confirmed by phone"))
    p.set_defaults(func=cmd_enroll_complete)
    p = enroll.add_parser("revoke", help=_("HQ: revoke a node"))
    p.add_argument("node", metavar="NODE")
    p.set_defaults(func=cmd_enroll_revoke)
    p = enroll.add_parser(
        "rotate-recovery", help=_("HQ: a new bundle recovery key, sent to the centers")
    )
    p.set_defaults(func=cmd_enroll_rotate_recovery)

    bundle = sub.add_parser("bundle", help=_("sync bundles")).add_subparsers(
        dest="bundle_cmd", required=True
    )
    p = bundle.add_parser("export", help=_("write a bundle for HQ (or, at HQ, for a center)"))
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--to", metavar="NODE")
    p.add_argument("--full", action="store_true", help=_("every record, not only the changes"))
    p.add_argument(
        "--after-restore",
        action="store_true",
        help=_(
            "the store was restored from a backup and no bundle was sent to the peer after that "
            "backup was made (otherwise import the peer's latest bundle first)"
        ),
    )
    p.set_defaults(func=cmd_bundle_export)
    p = bundle.add_parser("inspect", help=_("sender, recipient, sequence, counts, verdict"))
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_bundle_inspect)
    p = bundle.add_parser("import", help=_("verify and apply a bundle"))
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_bundle_import)

    sync = sub.add_parser("sync", help=_("sync conflicts, transfers and history")).add_subparsers(
        dest="sync_cmd", required=True
    )
    conflicts = sync.add_parser("conflicts", help=_("concurrent edits to review")).add_subparsers(
        dest="sync_conflicts_cmd", required=True
    )
    p = conflicts.add_parser("list")
    p.add_argument("--all", action="store_true", help=_("include resolved conflicts"))
    p.set_defaults(func=cmd_sync_conflicts_list)
    p = conflicts.add_parser("resolve")
    p.add_argument("id", metavar="ID")
    p.add_argument("--keep", required=True, choices=["local", "remote"])
    p.set_defaults(func=cmd_sync_conflicts_resolve)
    p = sync.add_parser("transfer", help=_("HQ: move a case to another center"))
    p.add_argument("number", metavar="CASE_NUMBER")
    p.add_argument("--to", required=True, metavar="NODE")
    p.set_defaults(func=cmd_sync_transfer)
    p = sync.add_parser("history", help=_("bundles exported and imported"))
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_sync_history)
    sync.add_parser("nodes", help=_("nodes, enrollment and fingerprints")).set_defaults(
        func=cmd_sync_nodes
    )
    sync.add_parser("quarantine", help=_("records set aside by imports")).set_defaults(
        func=cmd_sync_quarantine
    )
