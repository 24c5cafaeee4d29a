"""``legalaid reference list [KIND]``: the codes a command takes, with their labels.

The reference lists (legal areas, outcomes, regions, corruption sectors and conduct, ...) are the
ones this store holds (HQ maintains them and they travel in bundles), so a script reads the codes
that ``--area``, ``--outcome`` or ``--region`` accept here instead of guessing them. With
``--json`` a list is ``{"kind", "version", "items": [{"code", "labels": {"az", "ru", "en"}}]}``,
and without KIND the document lists every kind with its version and number of codes.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from legalaid_desktop.cli.context import CliContext, Output
from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.domain.reference import LABEL_LANGUAGES, ReferenceList
from legalaid_desktop.i18n import _, current_language


def _list_data(lst: ReferenceList) -> dict[str, Any]:
    return {
        "kind": lst.kind,
        "version": lst.version,
        "items": [
            {"code": item.code, "labels": {lang: item.label(lang) for lang in LABEL_LANGUAGES}}
            for item in lst
        ],
    }


def cmd_reference_list(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        catalog = s.reference()
    if args.kind is None:
        kinds = [
            {"kind": k, "version": catalog[k].version, "codes": len(catalog[k])} for k in catalog
        ]
        text = "\n".join(f"{k['kind']:24} v{k['version']:<4} {k['codes']:>4}" for k in kinds)
        return Output({"kinds": kinds}, text)
    if args.kind not in catalog:
        raise InputRejected(
            _("There is no reference list '{kind}'. The lists are: {kinds}.").format(
                kind=args.kind, kinds=", ".join(sorted(catalog))
            )
        )
    lst = catalog[args.kind]
    lang = current_language()
    width = max((len(item.code) for item in lst), default=0)
    text = "\n".join(f"{item.code:{width}}  {item.label(lang)}" for item in lst)
    return Output(_list_data(lst), text)


def cmd_reference_set(args: argparse.Namespace, ctx: CliContext) -> Output:
    labels = {"az": args.az, "ru": args.ru, "en": args.en}
    with ctx.session() as s:
        item = s.reference_editor.set_item(args.kind, args.code, labels)
    return Output(
        asdict(item),
        _(
            "{kind}: {code} saved; version {version} goes to the centers in their next bundle."
        ).format(kind=item.kind, code=item.code, version=item.version),
    )


def cmd_reference_retire(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        item = s.reference_editor.retire(args.kind, args.code)
    return Output(
        asdict(item),
        _("{kind}: {code} retired (records that have it keep it); version {version}.").format(
            kind=item.kind, code=item.code, version=item.version
        ),
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    reference = sub.add_parser(
        "reference", help=_("the reference lists: the codes commands take, with their labels")
    ).add_subparsers(dest="reference_cmd", required=True)
    p = reference.add_parser("list", help=_("the lists, or the codes and labels of one list"))
    p.add_argument("kind", nargs="?", metavar="KIND")
    p.set_defaults(func=cmd_reference_list)
    p = reference.add_parser(
        "set", help=_("HQ: add a code to a list or change its labels (az, ru and en)")
    )
    p.add_argument("kind", metavar="KIND")
    p.add_argument("code", metavar="CODE")
    p.add_argument("--az", required=True, metavar="LABEL")
    p.add_argument("--ru", required=True, metavar="LABEL")
    p.add_argument("--en", required=True, metavar="LABEL")
    p.set_defaults(func=cmd_reference_set)
    p = reference.add_parser("retire", help=_("HQ: retire a code (never deleted)"))
    p.add_argument("kind", metavar="KIND")
    p.add_argument("code", metavar="CODE")
    p.set_defaults(func=cmd_reference_retire)
