"""Moving a center's existing records in: clients (and their cases) from a spreadsheet.

The use case behind ``legalaid import clients`` and the import wizard (issue 20,
docs/import.md). Reading, mapping and checking each row is :mod:`legalaid_desktop.
spreadsheet_import`'s; this module matches the rows with the store and writes them.

* **Who**: managers and administrators (:attr:`Permission.EDIT_ANY_CASE`: an import
  registers clients for the whole center and assigns their cases to any of its lawyers); any
  other role is refused and the refusal is audited.
* **All or nothing**: every row is written in one write transaction. A row with a problem
  stops the import before anything is written (:class:`ImportProblems`, with every problem),
  unless ``skip_invalid``: then the valid rows are imported and the others listed. A
  cancelled run (:class:`ImportCancelled`), an undecided likely duplicate
  (:class:`DuplicatesUndecided`) or any error rolls everything back. A dry run does it all and
  rolls back, so its report is exactly what the import would do.
* **Already there**: a row whose client is already in the store without doubt — the same
  kind, name (folded: any case or script form of the same letters), birth year and phone
  number, with a birth year or a phone to go by — is that client: nothing new is made (counted
  ``existing``); its case too, when the client already has one of the same legal area, opening
  date and summary. So running the same file again creates nothing.
* **Likely duplicates**: every other row's client goes through the conflict check
  (:func:`~legalaid_desktop.services.conflict_decisions.strong_matches`, the intake's own, with
  the same spelling rules), against the store and the rows before it. A strong or exact match
  needs a decision: **merge** (the row's case goes to that client; the client's record is
  kept as it is), **keep** both (a new client, with the conflict decision ``no_conflict``
  recorded as intake records it) or **skip** the row. ``on_duplicate`` decides for every row,
  ``decisions`` row by row; ``ask`` (the default) refuses and lists them.
* **As if typed in**: clients get their numbers as intake gives them, with the sync stamps
  and change-log entries that send them to HQ, the search index, the audit events of intake
  (``client_registered``, ``case_opened``, marked ``"source": "import"``) and one
  ``import_clients`` event with the file's name and the counts (no client data).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.cases import CaseStatus, ClientInput
from legalaid_desktop.domain.errors import (
    DuplicatesUndecided,
    ImportCancelled,
    ImportProblems,
    InputRejected,
    MappingRejected,
    NotFound,
    ValidationError,
)
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.domain.roles import Permission, Role
from legalaid_desktop.domain.search import ConflictHit
from legalaid_desktop.i18n import _, ngettext
from legalaid_desktop.search import refresh as search_refresh
from legalaid_desktop.services import conflict_decisions, lookups
from legalaid_desktop.services.cases import next_case_number
from legalaid_desktop.services.clients import ClientService
from legalaid_desktop.services.import_report import (
    Action,
    Candidate,
    Decision,
    ImportReport,
    OnDuplicate,
    RowOutcome,
)
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.spreadsheet_import.cells import Table
from legalaid_desktop.spreadsheet_import.mapping import (
    ImportMapping,
    guess_mapping,
    load_mapping,
    validated,
)
from legalaid_desktop.spreadsheet_import.preview import (
    Preview,
    RowResult,
    build_preview,
    client_key,
)
from legalaid_desktop.spreadsheet_import.problems import CaseDraft
from legalaid_desktop.spreadsheet_import.reading import read_table
from legalaid_desktop.store.models import Case, Client, User
from legalaid_desktop.sync.erasure import removal_kind
from legalaid_desktop.text.folding import fold

__all__ = ["ClientImportService"]

ACTION: Final = "import_clients"
_ASSIGNABLE: Final = (Role.LAWYER.value, Role.MANAGER.value, Role.ADMIN.value)
_PROGRESS_EVERY: Final = 25
_KEEP_REASON: Final = "import: kept beside a likely duplicate"

ClientKey = tuple[str, str, int | None, str]
Progress = Callable[[int, int], None]


class _RolledBack(Exception):
    """A dry run's way out of the write transaction (it rolls back)."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__()
        self.report = report


def _certain(key: ClientKey) -> bool:
    """Whether a key says enough to take two records for one client without asking: a birth
    year or a phone besides the name (a name alone is asked about, as a likely duplicate)."""
    return key[2] is not None or bool(key[3])


class _Run:
    """One run over the valid rows, inside the write transaction."""

    def __init__(
        self,
        ws: Workspace,
        s: Session,
        decide: Callable[[int], Decision | None],
        progress: Progress | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self.ws, self.s = ws, s
        self.clients = ClientService(ws)
        self.decide = decide
        self.progress = progress
        self.cancelled = cancelled
        self.numbers: dict[str, str] = {}  # client id → client number
        self.existing = self._existing_clients()
        self.made: dict[str, int] = {}  # client id → the row that made it in this run
        self.row_client: dict[int, str] = {}  # row → its client's id
        self.skipped_rows: set[int] = set()
        self.new_cases: list[str] = []
        self.case_keys: dict[str, set[tuple[str, str, str]]] = {}
        self.lawyers: dict[str, str] = {}  # checked once per run

    def _existing_clients(self) -> dict[ClientKey, list[str]]:
        rows = self.s.execute(
            select(
                Client.id,
                Client.kind,
                Client.full_name,
                Client.birth_year,
                Client.phone,
                Client.number,
            ).where(Client.deleted_hlc.is_(None), Client.node_code == self.ws.node_code)
        ).all()
        found: dict[ClientKey, list[str]] = {}
        for cid, kind, name, year, phone, number in rows:
            data = ClientInput(full_name=name, gender="", region="", birth_year=year, phone=phone)
            key = client_key(replace(data, kind=kind or "person"))
            found.setdefault(key, []).append(cid)
            self._number_of(cid, number)
        return found

    def _number_of(self, cid: str, number: str | None = None) -> str:
        if number is not None:
            self.numbers[cid] = number
        elif cid not in self.numbers:
            self.numbers[cid] = self.s.scalar(select(Client.number).where(Client.id == cid)) or ""
        return self.numbers[cid]

    # -- one row --------------------------------------------------------------------------------

    def row(self, result: RowResult) -> RowOutcome:
        assert result.client is not None
        data = result.client
        earlier = result.same_client_as
        if earlier is not None and earlier in self.skipped_rows:
            self.skipped_rows.add(result.row)
            return RowOutcome(
                result.row,
                Action.SKIPPED,
                note=_("Its client (row {row}) was skipped.").format(row=earlier),
            )
        if earlier is not None and earlier in self.row_client:
            cid = self.row_client[earlier]
            self.row_client[result.row] = cid
            return self._with_case(result, cid, Action.SAME_CLIENT, ())
        key = client_key(data)
        waiting = self.existing.get(key)
        if waiting and _certain(key):
            cid = waiting.pop(0)
            self.row_client[result.row] = cid
            return self._with_case(result, cid, Action.EXISTING, ())
        values = self.clients.checked(data)
        if result.consent is not None:
            self.clients.check_consent(result.consent)
        hits = conflict_decisions.strong_matches(
            self.s,
            data.full_name,
            birth_year=data.birth_year,
            phone=data.phone or None,
            kind=data.kind,
        )
        candidates = tuple(self._candidate(h) for h in hits)
        if not hits:
            return self._create(result, values, Action.CREATED, (), candidates)
        decision = self.decide(result.row)
        if decision is None:
            return self._create(result, values, Action.UNDECIDED, hits, candidates)
        if decision.action is OnDuplicate.SKIP:
            self.skipped_rows.add(result.row)
            return RowOutcome(
                result.row, Action.SKIPPED, name=data.full_name, candidates=candidates
            )
        if decision.action is OnDuplicate.KEEP:
            return self._create(result, values, Action.KEPT, hits, candidates)
        target = self._merge_target(decision, hits)
        if target is None:
            return RowOutcome(
                result.row,
                Action.UNDECIDED,
                name=data.full_name,
                candidates=candidates,
                note=_("No client of this center to merge into: keep or skip it."),
            )
        self.row_client[result.row] = target
        return self._with_case(result, target, Action.MERGED, candidates)

    def _candidate(self, hit: ConflictHit) -> Candidate:
        if hit.kind != "client":
            ref = ", ".join(hit.case_numbers)
            return Candidate("party", ref, hit.name, hit.score, hit.level, hit.reasons)
        if hit.ref_id in self.made:
            ref = _("row {row}").format(row=self.made[hit.ref_id])
            return Candidate("row", ref, hit.name, hit.score, hit.level, hit.reasons, True)
        row = self.s.get(Client, hit.ref_id)
        mergeable = (
            row is not None
            and row.node_code == self.ws.node_code
            and removal_kind(row.full_name) is None
        )
        number = row.number if row is not None else ""
        return Candidate("client", number, hit.name, hit.score, hit.level, hit.reasons, mergeable)

    def _merge_target(self, decision: Decision, hits: tuple[ConflictHit, ...]) -> str | None:
        """The id of the client to merge into: ``decision.into`` (a client number of this
        center, or ``row N``), else the best mergeable match."""
        if decision.into:
            into = decision.into.strip()
            if into.lower().startswith(("row", "sətir", "строка")):
                digits = "".join(ch for ch in into if ch.isdigit())
                return self.row_client.get(int(digits)) if digits else None
            try:
                client = lookups.get_client(self.s, into)
            except NotFound:
                return None
            if client.node_code != self.ws.node_code or removal_kind(client.full_name):
                return None
            return client.id
        for hit in hits:
            if hit.kind == "client":
                candidate = self._candidate(hit)
                if candidate.mergeable:
                    return hit.ref_id
        return None

    def _create(
        self,
        result: RowResult,
        values: dict[str, object],
        action: Action,
        hits: tuple[ConflictHit, ...],
        candidates: tuple[Candidate, ...],
    ) -> RowOutcome:
        client = self.clients.insert(self.s, values, result.consent, {"source": "import"})
        if action is Action.KEPT:
            conflict_decisions.record_decision(
                self.ws, self.s, hits, "no_conflict", _KEEP_REASON, client_id=client.id
            )
        self.made[client.id] = result.row
        self.numbers[client.id] = client.number
        self.row_client[result.row] = client.id
        return self._with_case(result, client.id, action, candidates, new=True)

    def _with_case(
        self,
        result: RowResult,
        cid: str,
        action: Action,
        candidates: tuple[Candidate, ...],
        *,
        new: bool = False,
    ) -> RowOutcome:
        name = result.client.full_name if result.client else ""
        outcome = RowOutcome(
            result.row, action, self._number_of(cid), name=name, candidates=candidates
        )
        if result.case is None:
            return outcome
        key = (result.case.legal_area, result.case.opened_on.isoformat(), fold(result.case.summary))
        known = self._case_keys(cid, new)
        if key in known:
            number = self.s.scalar(
                select(Case.number).where(
                    Case.client_id == cid,
                    Case.legal_area == key[0],
                    Case.opened_on == key[1],
                    Case.deleted_hlc.is_(None),
                )
            )
            return replace(outcome, case_number=number or "", case_existing=True)
        known.add(key)
        return replace(outcome, case_number=self._open_case(cid, result.case))

    def _case_keys(self, cid: str, new: bool) -> set[tuple[str, str, str]]:
        keys = self.case_keys.get(cid)
        if keys is None:
            keys = set()
            if not new:
                for area, opened, summary in self.s.execute(
                    select(Case.legal_area, Case.opened_on, Case.summary).where(
                        Case.client_id == cid, Case.deleted_hlc.is_(None)
                    )
                ):
                    keys.add((area, opened, fold(summary)))
            self.case_keys[cid] = keys
        return keys

    def _open_case(self, cid: str, draft: CaseDraft) -> str:
        """A case as :meth:`CaseService.open <legalaid_desktop.services.cases.CaseService.open>`
        opens one, with its status (closed: its outcome and closing date) as the row says."""
        from legalaid_desktop.services.cases import CaseService

        name = draft.lawyer or self.ws.actor.username
        lawyer = self.lawyers.get(name)
        if lawyer is None:
            lawyer = self.lawyers[name] = CaseService(self.ws)._lawyer(self.s, name)
        node = self.ws.node_code
        case = Case(
            id=new_id(),
            number=next_case_number(self.s, node, draft.opened_on.year),
            client_id=cid,
            legal_area=draft.legal_area,
            summary=draft.summary,
            status=draft.status or CaseStatus.OPEN.value,
            assigned_lawyer=lawyer,
            owner_node=node,
            opened_on=draft.opened_on.isoformat(),
            closed_on=draft.closed_on.isoformat() if draft.closed_on else None,
            outcome=draft.outcome,
            referral="",
            grant_code="",
            origin_node=node,
            clocks={},
            hlc="",
        )
        self.s.add(case)
        self.ws.touch(self.s, case, Case.FIELD_GROUPS)
        self.ws.audit(
            self.s, "case_opened", "case", case.id, {"number": case.number, "source": "import"}
        )
        self.new_cases.append(case.id)
        return case.number

    # -- all rows -------------------------------------------------------------------------------

    def all(self, rows: tuple[RowResult, ...]) -> list[RowOutcome]:
        outcomes = []
        total = len(rows)
        for done, result in enumerate(rows):
            if self.cancelled is not None and self.cancelled():
                raise ImportCancelled()
            if self.progress is not None and done % _PROGRESS_EVERY == 0:
                self.progress(done, total)
            try:
                outcomes.append(self.row(result))
            except ValidationError as exc:  # the preview's checks are the same: a bug, or a race
                raise InputRejected(
                    _("Row {row}: {problem}").format(row=result.row, problem=str(exc))
                ) from exc
        if self.new_cases:
            search_refresh.refresh_rows(self.s, {"cases": {cid: () for cid in self.new_cases}})
        if self.progress is not None:
            self.progress(total, total)
        return outcomes


class ClientImportService:
    """Import clients (and their cases) from a spreadsheet (see the module docstring)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def _require(self, target: str = "") -> None:
        self.ws.require(Permission.EDIT_ANY_CASE, ACTION, target=target)

    # -- reading and mapping ----------------------------------------------------------------------

    def read(self, path: Path, mapping: ImportMapping | None = None) -> Table:
        """The sheet at ``path`` (the mapping's sheet, encoding and delimiter, if given).

        Raises:
            PermissionDenied: Not a manager or administrator (audited).
            SpreadsheetRejected: Not a spreadsheet, or one refused (too large, hostile).
        """
        self._require(path.name)
        if mapping is None:
            return read_table(path)
        return read_table(
            path, mapping.sheet, encoding=mapping.encoding, delimiter=mapping.delimiter
        )

    def load_mapping(self, path: Path) -> ImportMapping:
        """The mapping file at ``path``, checked against this store's reference data."""
        return self.check_mapping(load_mapping(path, self.ws.catalog()))

    def guess_mapping(self, table: Table) -> ImportMapping:
        """A starting mapping guessed from the sheet's header."""
        return validated(guess_mapping(table), self.ws.catalog())

    def check_mapping(self, mapping: ImportMapping) -> ImportMapping:
        """``mapping`` checked: codes in the reference data, and the lawyers it names users
        of this center who can be assigned cases."""
        validated(mapping, self.ws.catalog())
        users = self.lawyers()
        named = [*mapping.values.get("lawyer", {}).values()]
        if "lawyer" in mapping.defaults:
            named.append(mapping.defaults["lawyer"])
        for username in named:
            if username not in users:
                raise MappingRejected(
                    _(
                        "The mapping is not valid: '{user}' is not a user of this center who "
                        "can be assigned cases."
                    ).format(user=username)
                )
        return mapping

    def lawyers(self) -> dict[str, str]:
        """The users a case can be assigned to here: user name → full name."""
        with self.ws.read() as s:
            rows = s.execute(
                select(User.username, User.full_name).where(
                    User.active.is_(True),
                    User.node_code == self.ws.node_code,
                    User.role.in_(_ASSIGNABLE),
                )
            ).all()
        return {username: full_name for username, full_name in rows}

    def preview(self, table: Table, mapping: ImportMapping) -> Preview:
        """Every row of ``table`` as it would be imported, with its problems (nothing is
        written; the store is read for the users only)."""
        self._require(table.file_name)
        mapping = self.check_mapping(mapping)
        return build_preview(table, mapping, self.ws.catalog(), self.lawyers())

    # -- running ----------------------------------------------------------------------------------

    def run(
        self,
        table: Table,
        mapping: ImportMapping,
        *,
        on_duplicate: OnDuplicate = OnDuplicate.ASK,
        decisions: Mapping[int, Decision] | None = None,
        skip_invalid: bool = False,
        dry_run: bool = False,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ImportReport:
        """Import the rows of ``table`` (see the module docstring).

        Args:
            table: The sheet (:meth:`read`).
            mapping: Its mapping.
            on_duplicate: What to do with a likely duplicate no decision names.
            decisions: Row → decision, for rows with a likely duplicate.
            skip_invalid: Import the valid rows and list the others, instead of refusing.
            dry_run: Do everything, then roll back: the report says what would happen.
            progress: Called with (rows done, rows in all) now and then.
            cancelled: Asked before each row; ``True`` stops and rolls back.

        Raises:
            PermissionDenied: Not a manager or administrator (audited).
            ImportProblems: Rows with problems (and not ``skip_invalid``); nothing written.
            DuplicatesUndecided: Likely duplicates without a decision; nothing written.
            ImportCancelled: Cancelled; nothing written.
        """
        preview = self.preview(table, mapping)
        given = dict(decisions or {})

        def decide(row: int) -> Decision | None:
            if row in given:
                return given[row]
            return None if on_duplicate is OnDuplicate.ASK else Decision(on_duplicate)

        invalid = [
            RowOutcome(r.row, Action.INVALID, name=r.client.full_name if r.client else "")
            for r in preview.invalid
        ]
        if invalid and not skip_invalid:
            report = self._report(preview, invalid, dry_run=False)
            raise ImportProblems(
                ngettext(
                    "{n} row has problems: nothing was imported. Correct the spreadsheet or the "
                    "mapping, or import the other rows with --skip-invalid.",
                    "{n} rows have problems: nothing was imported. Correct the spreadsheet or "
                    "the mapping, or import the other rows with --skip-invalid.",
                    len(invalid),
                ).format(n=len(invalid)),
                report,
            )
        valid = preview.valid
        if not valid:
            raise ImportProblems(
                _("The sheet has no row to import."),
                self._report(preview, invalid, dry_run=False),
            )
        try:
            with self.ws.bulk_write() as s:
                outcomes = _Run(self.ws, s, decide, progress, cancelled).all(valid)
                ordered = sorted([*outcomes, *invalid], key=lambda o: o.row)
                report = self._report(preview, ordered, dry_run=dry_run)
                if report.undecided:
                    raise DuplicatesUndecided(
                        ngettext(
                            "{n} row may be a client already here: decide whether to merge, "
                            "keep both or skip it. Nothing was imported.",
                            "{n} rows may be clients already here: decide for each whether to "
                            "merge, keep both or skip. Nothing was imported.",
                            len(report.undecided),
                        ).format(n=len(report.undecided)),
                        report,
                    )
                self.ws.audit(
                    s,
                    ACTION,
                    "import",
                    "",
                    {"file": table.file_name, "sheet": table.sheet, **report.totals()},
                )
                if dry_run:
                    raise _RolledBack(report)
                return replace(report, done=True)
        except _RolledBack as rolled:
            return rolled.report

    @staticmethod
    def _report(preview: Preview, outcomes: list[RowOutcome], *, dry_run: bool) -> ImportReport:
        return ImportReport(
            file_name=preview.file_name,
            sheet=preview.sheet,
            rows=len(preview.rows),
            empty_rows=preview.empty_rows,
            outcomes=tuple(sorted(outcomes, key=lambda o: o.row)),
            problems=preview.problems,
            dry_run=dry_run,
        )
