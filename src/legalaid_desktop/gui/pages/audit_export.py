""" "Export…" of the audit log: the events the log's filters keep, as the log shows them.

The rows are read page by page (:meth:`AuditService.events`, newest first) while the file is
written, and turned into the log's columns in the interface language (who by full name, records
by number, details in words: :mod:`.audit_details`), so the file says what the screen says.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.pages.audit_details import details_text, person, record_text
from legalaid_desktop.gui.tasks import Progress
from legalaid_desktop.gui.widgets.list_export import Job, Work
from legalaid_desktop.i18n import _
from legalaid_desktop.services.exports import ExportResult
from legalaid_desktop.statistics.writers import RecordCell

PAGE = 5_000
"""Events read at a time (the service's largest page)."""


def audit_job(ctx: GuiContext, actor: str | None, action: str | None, since: date | None) -> Job:
    """The job of the log's "Export…" with its current filters."""
    # imported here: audit_log imports this module for its button
    from legalaid_desktop.gui.pages.audit_log import COLUMNS, action_label, local_time

    audit, exports = ctx.services.audit, ctx.services.exports
    used = {
        k: v
        for k, v in (
            ("actor", actor),
            ("action", action),
            ("from", since.isoformat() if since else None),
        )
        if v
    }

    def job(path: Path, fmt: str) -> Work:
        def work(progress: Progress) -> ExportResult:
            first = audit.events(actor=actor, action=action, since=since, limit=PAGE)

            def rows() -> Iterator[Sequence[RecordCell]]:
                page, offset = first, 0
                while page.rows:
                    for row in page.rows:
                        yield (
                            row.seq,
                            local_time(row.at),
                            person(row, row.actor),
                            action_label(row.action),
                            record_text(row),
                            details_text(row),
                        )
                    offset += len(page.rows)
                    if offset >= first.total:
                        break
                    page = audit.events(
                        actor=actor, action=action, since=since, offset=offset, limit=PAGE
                    )

            return exports.write_table(
                "audit_log",
                _("Audit log"),
                path,
                fmt,
                [_(c) for c in COLUMNS],
                rows(),
                total=first.total,
                filters=used,
                progress=progress.report,
                cancelled=lambda: progress.cancelled,
            )

        return work

    return job
