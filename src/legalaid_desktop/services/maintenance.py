"""Store maintenance: status, integrity verification, migration, backup."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.services.backups import BackupService
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store import consultation_figures, inspection, migrate
from legalaid_desktop.store.inspection import IntegrityReport
from legalaid_desktop.sync.anchor_store import acknowledged_mismatches


class MaintenanceService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.backups = BackupService(ws)
        """Backup files outside the data folder (a USB stick) and the dashboard's reminder."""

    def status(self) -> dict[str, Any]:
        return inspection.status(self.ws.store)

    def verify(self) -> IntegrityReport:
        """Check page MACs, structure, the audit chain and the statistics' table of
        consultations (and record that it was done).

        The chain is also compared with the heads the sync peers acknowledged: someone with the
        key can recompute the chain, but not what HQ already received (docs/sync.md §9).
        """
        report = inspection.verify(self.ws.store)
        if not (report.page_problems or report.structure_problems):
            with self.ws.read() as s:
                anchored = acknowledged_mismatches(s)
            if anchored:
                report = replace(report, audit_problems=(*report.audit_problems, *anchored))
        if report.ok or not report.page_problems:
            try:
                with self.ws.write() as s:
                    self.ws.audit(s, "db_verified", details={"ok": report.ok})
            except Exception:
                pass
        return report

    def migrate(self) -> dict[str, Any]:
        """Bring the schema to the newest revision (opening the store already does this)."""
        self.ws.require(Permission.MAINTAIN_STORE)
        before = migrate.current_revision(self.ws.store.engine)
        head = migrate.head_revision()
        backup: Path | None = None
        if before != head:
            backup = self.ws.store.backup(f"before-upgrade-{before}")
            migrate.upgrade(self.ws.store.engine)
        with self.ws.write() as s:
            self.ws.audit(s, "db_migrated", details={"from": before, "to": head})
        return {"from": before, "to": head, "backup": str(backup) if backup else None}

    def rebuild_figures(self) -> int:
        """Fill the statistics' table of consultations again from the records (after ``db
        verify`` found it changed); audited with how many rows differed and how many it holds."""
        self.ws.require(Permission.MAINTAIN_STORE)
        with self.ws.write() as s:
            differed = consultation_figures.differences(s)
            rows = consultation_figures.rebuild(s)
            self.ws.audit(s, "figures_rebuilt", details={"differed": differed, "rows": rows})
        return differed

    def backup(self) -> Path:
        """A backup folder inside the data folder (administrators; see also :attr:`backups`)."""
        self.ws.require(Permission.MAINTAIN_STORE)
        folder = self.ws.store.backup("manual")
        with self.ws.write() as s:
            self.ws.audit(s, "backup_created", details={"folder": folder.name})
        return folder
