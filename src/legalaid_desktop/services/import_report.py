"""What an import of clients from a spreadsheet did (or would do), row by row, and the
decisions people take on likely duplicates.

Plain objects shared by the service (:mod:`~legalaid_desktop.services.client_import`), the
command line and the wizard. A report names rows by their number in the spreadsheet and
clients by their client number; a likely duplicate's name is shown to the person deciding (it
is what they decide on) but never written to the audit log.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.i18n import _
from legalaid_desktop.spreadsheet_import.problems import Problem

__all__ = [
    "Action",
    "Candidate",
    "Decision",
    "ImportReport",
    "OnDuplicate",
    "RowOutcome",
    "load_decisions",
    "summary_lines",
]

MAX_DECISIONS_BYTES: Final = 4 * 1024 * 1024


class OnDuplicate(StrEnum):
    """What to do with a row whose client looks like one already there (or an earlier row):
    merge into it, keep both, skip the row, or ask (refuse and list them)."""

    MERGE = "merge"
    KEEP = "keep"
    SKIP = "skip"
    ASK = "ask"


class Action(StrEnum):
    """What happened to a row's client."""

    CREATED = "created"
    EXISTING = "existing"  # the same client was already there: nothing new (imported before)
    SAME_CLIENT = "same_client"  # an earlier row of the file made the client
    MERGED = "merged"  # a likely duplicate, merged into the existing client (decided)
    KEPT = "kept"  # a likely duplicate, kept as a new client beside it (decided)
    SKIPPED = "skipped"  # a likely duplicate, left out (decided)
    UNDECIDED = "undecided"  # a likely duplicate, waiting for a decision
    INVALID = "invalid"  # the row has a problem (left out with --skip-invalid)


@dataclass(frozen=True)
class Decision:
    """A decision on one row's likely duplicate; ``into``: the client number to merge into
    (the best match when not given)."""

    action: OnDuplicate
    into: str | None = None


@dataclass(frozen=True)
class Candidate:
    """A likely duplicate of a row's client, as the conflict check found it.

    Attributes:
        kind: ``client`` (in the store), ``row`` (an earlier row of this file) or ``party``
            (a party to a case).
        ref: The client's number, ``row 12``, or the party's case number.
        name: The name as stored or read.
        score: The conflict check's score (0..100) and ``level`` (exact, strong).
        reasons: Why, in words.
        mergeable: Whether the row can be merged into it (a client of this center).
    """

    kind: str
    ref: str
    name: str
    score: int
    level: str
    reasons: tuple[str, ...] = ()
    mergeable: bool = False


@dataclass(frozen=True)
class RowOutcome:
    """One row's outcome."""

    row: int
    action: Action
    client_number: str = ""
    case_number: str = ""
    case_existing: bool = False
    name: str = ""
    candidates: tuple[Candidate, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class ImportReport:
    """The outcome of a run (or a dry run) of the import.

    ``rows`` counts the data rows read (not the empty ones, counted in ``empty_rows``);
    ``outcomes`` has one entry per row that is not empty.
    """

    file_name: str
    sheet: str
    rows: int
    empty_rows: int
    outcomes: tuple[RowOutcome, ...]
    problems: tuple[Problem, ...] = ()
    dry_run: bool = False
    done: bool = False

    def count(self, action: Action) -> int:
        return sum(1 for o in self.outcomes if o.action is action)

    @property
    def cases_created(self) -> int:
        return sum(1 for o in self.outcomes if o.case_number and not o.case_existing)

    @property
    def cases_existing(self) -> int:
        return sum(1 for o in self.outcomes if o.case_number and o.case_existing)

    @property
    def undecided(self) -> tuple[RowOutcome, ...]:
        return tuple(o for o in self.outcomes if o.action is Action.UNDECIDED)

    @property
    def duplicates(self) -> tuple[RowOutcome, ...]:
        """The rows that had a likely duplicate (decided or not)."""
        return tuple(o for o in self.outcomes if o.candidates)

    def totals(self) -> dict[str, int]:
        """Counts only (what the audit event records): no name, no row's content."""
        totals = {action.value: self.count(action) for action in Action}
        totals.update(
            rows=self.rows,
            empty_rows=self.empty_rows,
            cases_created=self.cases_created,
            cases_existing=self.cases_existing,
        )
        return totals

    def to_json(self, *, names: bool = False) -> dict[str, Any]:
        """The report as JSON; without ``names``, no client's name (nor the conflict check's
        reasons, which quote names): rows by number, clients by client number."""
        rows = []
        for outcome in self.outcomes:
            data = {k: v for k, v in asdict(outcome).items() if v not in ("", (), False, None)}
            if not names:
                data.pop("name", None)
                data["candidates"] = [
                    {k: v for k, v in c.items() if k not in ("name", "reasons")}
                    for c in data.get("candidates", [])
                ]
            if not data["candidates"]:
                del data["candidates"]
            rows.append(data)
        return {
            "file": self.file_name,
            "sheet": self.sheet,
            "dry_run": self.dry_run,
            "done": self.done,
            "counts": self.totals(),
            "rows": rows,
            "problems": [asdict(p) for p in self.problems],
        }


def _decision(row: str, raw: Any) -> Decision:
    if isinstance(raw, str):
        raw = {"action": raw}
    if not isinstance(raw, dict) or set(raw) - {"action", "into"}:
        raise InputRejected(
            _('Decisions file: row {row} needs "merge", "keep" or "skip".').format(row=row)
        )
    action = raw.get("action")
    into = raw.get("into")
    if action not in (OnDuplicate.MERGE, OnDuplicate.KEEP, OnDuplicate.SKIP) or not (
        into is None or isinstance(into, str)
    ):
        raise InputRejected(
            _('Decisions file: row {row} needs "merge", "keep" or "skip".').format(row=row)
        )
    return Decision(OnDuplicate(action), into.strip() if into else None)


def load_decisions(path: Path) -> dict[int, Decision]:
    """A decisions file: ``{"rows": {"15": "merge", "16": {"action": "merge", "into":
    "GNJ-C-00042"}, "17": "skip"}}`` (row numbers as the spreadsheet shows them).

    Raises:
        InputRejected: Not such a file.
    """
    if path.stat().st_size > MAX_DECISIONS_BYTES:
        raise InputRejected(_("The decisions file is too large."))
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputRejected(_("The decisions file is not valid JSON.")) from None
    rows = data.get("rows") if isinstance(data, dict) else None
    if not isinstance(rows, dict):
        raise InputRejected(_('The decisions file must hold {"rows": {"ROW": "merge|keep|skip"}}.'))
    decisions: dict[int, Decision] = {}
    for key, raw in rows.items():
        if not str(key).isdigit():
            raise InputRejected(_("Decisions file: '{row}' is not a row number.").format(row=key))
        decisions[int(key)] = _decision(str(key), raw)
    return decisions


def decisions_template(report: ImportReport) -> dict[str, Any]:
    """A decisions file for the undecided rows of ``report``, each set to ``skip`` (the
    safe choice), for people to change where they mean merge or keep."""
    return {
        "rows": {
            str(o.row): {
                "action": OnDuplicate.SKIP.value,
                "into": next((c.ref for c in o.candidates if c.mergeable), None),
            }
            for o in report.undecided
        }
    }


def summary_lines(report: ImportReport) -> list[tuple[str, int]]:
    """What an import did, as ``(what, how many)`` lines (no plural forms to get wrong)."""
    counts = report.totals()
    return [
        (_("New clients"), counts["created"]),
        (_("New clients beside a likely duplicate (kept)"), counts["kept"]),
        (_("Rows whose client was already here"), counts["existing"]),
        (_("Further rows of a client (another case)"), counts["same_client"]),
        (_("Rows merged into a client"), counts["merged"]),
        (_("Rows skipped"), counts["skipped"]),
        (_("Rows with problems, left out"), counts["invalid"]),
        (_("New cases"), counts["cases_created"]),
        (_("Cases already here"), counts["cases_existing"]),
        (_("Empty rows"), counts["empty_rows"]),
    ]
