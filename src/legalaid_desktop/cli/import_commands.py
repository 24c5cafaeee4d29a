"""``legalaid import``: a center's existing spreadsheet of clients into the store (issue 20,
docs/import.md).

``legalaid import mapping FILE -o MAP.json [--sheet NAME]`` writes a starting mapping guessed
from the header row (check it, then use it):

``legalaid import clients FILE --mapping MAP.json [--dry-run] [--skip-invalid]
[--on-duplicate merge|keep|skip|ask] [--decisions DECISIONS.json]
[--decisions-template OUT.json] [--json]``

* every row is checked first; any problem: the list (row, column, what is wrong, what was
  expected), nothing imported, exit 4; ``--skip-invalid`` imports the valid rows and lists the
  others;
* a row whose client may already be here (the conflict check: the store and the rows before
  it) needs a decision: ``--on-duplicate`` for all (default ``ask``: the list, nothing
  imported, exit 4), ``--decisions`` row by row (``{"rows": {"15": "merge", "16": "keep",
  "17": {"action": "merge", "into": "GNJ-C-00042"}}}``); ``--decisions-template`` writes such a
  file for the rows in question, each set to ``skip``, to edit;
* ``--dry-run`` does everything and rolls back: what would happen, exit 0 or 4 as the import.

Managers and administrators only (exit 5 otherwise, audited). The output names rows and client
numbers, never a client's name or details (the spreadsheet and ``legalaid client show`` have
them).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from legalaid_desktop.cli.context import CliContext, Output
from legalaid_desktop.cli.report_commands import _check_output
from legalaid_desktop.domain.errors import DuplicatesUndecided, ImportProblems, InputRejected
from legalaid_desktop.fsutil import atomic_write
from legalaid_desktop.i18n import _, ngettext
from legalaid_desktop.services.import_report import (
    Action,
    ImportReport,
    OnDuplicate,
    decisions_template,
    load_decisions,
    summary_lines,
)
from legalaid_desktop.spreadsheet_import.mapping import ImportMapping, save_mapping
from legalaid_desktop.spreadsheet_import.problems import Problem

__all__ = ["register"]

_LISTED = 200
"""At most this many problems or duplicates are listed as text (all of them with --json)."""


def _input(path_text: str) -> Path:
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise InputRejected(_("There is no file {file}.").format(file=path))
    return path


def _problem_line(p: Problem) -> str:
    where = _("Row {row}").format(row=p.row)
    if p.column:
        where = _("Row {row}, column {column} ({header})").format(
            row=p.row, column=p.column, header=p.header
        )
    text = f"{where}: {p.message}"
    if p.value:
        text += " " + _("Value: '{value}'.").format(value=p.value)
    if p.expected:
        expected = p.expected.rstrip(".")
        text += " " + _("Expected: {expected}").format(expected=expected)
        text += "" if expected.endswith("?") else "."
    if not p.blocking:
        text = _("(note) {text}").format(text=text)
    return text


def _duplicate_lines(report: ImportReport) -> list[str]:
    lines = []
    for outcome in report.duplicates:
        likes = ", ".join(
            _("{ref} ({level}, {score})").format(ref=c.ref, level=c.level, score=c.score)
            for c in outcome.candidates
        )
        state = {
            Action.UNDECIDED: _("to decide"),
            Action.MERGED: _("merged"),
            Action.KEPT: _("kept"),
            Action.SKIPPED: _("skipped"),
        }.get(outcome.action, outcome.action.value)
        lines.append(
            _("Row {row} may be: {likes} — {state}").format(
                row=outcome.row, likes=likes, state=state
            )
        )
    return lines


def _summary(report: ImportReport) -> str:
    counts = report.totals()
    head = _("{file}: rows read: {rows}.").format(file=report.file_name, rows=report.rows)
    if not report.done and not report.dry_run and not report.undecided:
        invalid = counts["invalid"]
        return f"{head}\n" + ngettext(
            "Nothing was imported: {n} row has problems.",
            "Nothing was imported: {n} rows have problems.",
            invalid,
        ).format(n=invalid)
    if report.done:
        done = _("Imported:")
    elif report.dry_run:
        done = _("Dry run: nothing was written. It would make:")
    else:
        done = _("Nothing was imported. Once decided, the import would make:")
    body = "\n".join(f"  {label}: {n}" for label, n in summary_lines(report))
    return f"{head}\n{done}\n{body}"


def _text(report: ImportReport) -> str:
    lines = [_summary(report)]
    problems = [p for p in report.problems if p.blocking] + [
        p for p in report.problems if not p.blocking
    ]
    if problems:
        lines.append(_("Problems:"))
        lines += [f"  {_problem_line(p)}" for p in problems[:_LISTED]]
        if len(problems) > _LISTED:
            lines.append(
                "  "
                + _("… and {n} more (all of them with --json).").format(n=len(problems) - _LISTED)
            )
    duplicates = _duplicate_lines(report)
    if duplicates:
        lines.append(_("Likely duplicates:"))
        lines += [f"  {line}" for line in duplicates[:_LISTED]]
        if len(duplicates) > _LISTED:
            lines.append(
                "  "
                + _("… and {n} more (all of them with --json).").format(n=len(duplicates) - _LISTED)
            )
    return "\n".join(lines)


def _refused(ctx: CliContext, message: str, report: ImportReport) -> Output:
    sys.stderr.write(f"legalaid: {message}\n")
    data = report.to_json()
    data.update(error=message, exit_code=4)
    return Output(data, _text(report), exit_code=4)


def cmd_import_clients(args: argparse.Namespace, ctx: CliContext) -> Output:
    source = _input(args.file)
    mapping_path = _input(args.mapping)
    decisions = load_decisions(_input(args.decisions)) if args.decisions else None
    template = Path(args.decisions_template).expanduser() if args.decisions_template else None
    if template is not None:
        _check_output(template, ctx.data_dir)
    with ctx.session() as s:
        imports = s.imports
        mapping = imports.load_mapping(mapping_path)
        table = imports.read(source, mapping)
        try:
            report = imports.run(
                table,
                mapping,
                on_duplicate=OnDuplicate(args.on_duplicate),
                decisions=decisions,
                skip_invalid=args.skip_invalid,
                dry_run=args.dry_run,
            )
        except ImportProblems as exc:
            return _refused(ctx, str(exc), exc.report)  # type: ignore[arg-type]
        except DuplicatesUndecided as exc:
            refused: ImportReport = exc.report  # type: ignore[assignment]
            message = str(exc)
            if template is not None:
                text = json.dumps(decisions_template(refused), ensure_ascii=False, indent=2)
                atomic_write(template, (text + "\n").encode("utf-8"))
                message += " " + _("Decisions to edit: {file}").format(file=template)
            return _refused(ctx, message, refused)
    return Output(report.to_json(), _text(report))


def cmd_import_mapping(args: argparse.Namespace, ctx: CliContext) -> Output:
    source = _input(args.file)
    output = Path(args.output).expanduser()
    _check_output(output, ctx.data_dir)
    with ctx.session() as s:
        imports = s.imports
        table = imports.read(source, ImportMapping(columns={}, sheet=args.sheet))
        mapping = imports.guess_mapping(table)
    save_mapping(mapping, output)
    fields = len(mapping.columns)
    return Output(
        {"file": str(output), "mapping": mapping.to_json()},
        ngettext(
            "Wrote {file}: {n} column mapped, header on row {row}. Check it before importing.",
            "Wrote {file}: {n} columns mapped, header on row {row}. Check it before importing.",
            fields,
        ).format(file=output, n=fields, row=mapping.header_row),
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser(
        "import",
        help=_("move existing records in from a spreadsheet (managers and administrators)"),
    )
    commands = group.add_subparsers(dest="import_command", required=True, metavar="WHAT")
    json_flag = {
        "action": "store_true",
        "default": argparse.SUPPRESS,
        "help": _("print one JSON document"),
    }
    p = commands.add_parser(
        "clients",
        help=_("import clients (and their cases) from an XLSX, ODS or CSV file"),
        description=_(
            "All valid rows or nothing, in one transaction. Rows with problems and likely "
            "duplicates are listed; see docs/import.md."
        ),
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--mapping", metavar="MAP.json", required=True, help=_("the mapping file"))
    p.add_argument("--dry-run", action="store_true", help=_("check everything, write nothing"))
    p.add_argument(
        "--skip-invalid",
        action="store_true",
        help=_("import the valid rows and list the rows with problems"),
    )
    p.add_argument(
        "--on-duplicate",
        choices=[o.value for o in OnDuplicate],
        default=OnDuplicate.ASK.value,
        help=_("what to do with a likely duplicate (default: ask, i.e. list them and stop)"),
    )
    p.add_argument("--decisions", metavar="FILE", help=_("decisions row by row (JSON)"))
    p.add_argument(
        "--decisions-template",
        metavar="OUT.json",
        help=_("when duplicates need a decision, write a decisions file to edit"),
    )
    p.add_argument("--json", **json_flag)  # type: ignore[arg-type]
    p.set_defaults(func=cmd_import_clients)
    p = commands.add_parser(
        "mapping", help=_("write a starting mapping guessed from a spreadsheet's header")
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", metavar="MAP.json", required=True)
    p.add_argument("--sheet", metavar="NAME", help=_("the sheet to read (the first by default)"))
    p.add_argument("--json", **json_flag)  # type: ignore[arg-type]
    p.set_defaults(func=cmd_import_mapping)
