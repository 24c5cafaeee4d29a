"""Shared pieces of the Sync screen: formatting for people, cancellable work, a progress row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget

from legalaid_desktop.domain.hlc import HLC
from legalaid_desktop.gui.tasks import Op, Progress
from legalaid_desktop.i18n import N_, _
from legalaid_desktop.i18n.dates import BAKU, now_baku
from legalaid_desktop.i18n.formatting import format_datetime, format_size
from legalaid_desktop.services.sync import SyncCancelled

TABLE_LABELS: dict[str, str] = {
    "clients": N_("Clients"),
    "consents": N_("Consents"),
    "campaigns": N_("Campaigns"),
    "cases": N_("Cases"),
    "corruption_details": N_("Corruption details"),
    "consultations": N_("Consultations"),
    "parties": N_("Parties"),
    "deadlines": N_("Deadlines"),
    "attachments": N_("Documents"),
}
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


# --- formatting ---------------------------------------------------------------------------------


def local_time(at: str | None) -> str:
    """A UTC ISO time as ``dd.MM.yyyy HH:mm`` in Baku time (``—`` when missing)."""
    if not at:
        return "—"
    try:
        moment = datetime.fromisoformat(at).astimezone(BAKU)
    except ValueError:
        return at
    return format_datetime(moment)


def stamp_time(stamp: str | None) -> str:
    """The wall time of an HLC stamp, in Baku time."""
    if not stamp:
        return "—"
    try:
        wall_ms = HLC.decode(stamp).wall_ms
    except (TypeError, ValueError):
        return stamp
    return format_datetime(datetime.fromtimestamp(wall_ms / 1000, BAKU))


def size_text(size: int) -> str:
    """A file size for people (bytes, KB, MB), in the current language's number format."""
    return format_size(size)


def table_label(name: str) -> str:
    return _(TABLE_LABELS[name]) if name in TABLE_LABELS else name


def counts_text(counts: dict[str, int]) -> str:
    """``Clients: 2, Cases: 3`` in the table order above (``—`` when empty)."""
    order = list(TABLE_LABELS)
    names = sorted(counts, key=lambda n: (order.index(n) if n in order else len(order), n))
    parts = [f"{table_label(n)}: {counts[n]}" for n in names if counts[n]]
    return ", ".join(parts) or "—"


def node_text(code: str | None, name: str | None) -> str:
    if not code:
        return "—"
    return f"{code} — {name}" if name else code


def cancellable(fn: Callable[..., Any]) -> Callable[[Progress], Any]:
    """``fn(progress=...)`` whose progress callback raises :class:`SyncCancelled` once the
    person pressed Cancel (the service rolls its transaction back)."""

    def run(progress: Progress) -> Any:
        def report(done: int, total: int) -> None:
            if progress.cancelled:
                raise SyncCancelled(_("Stopped. Nothing was written."))
            progress.report(done, total)

        return fn(progress=report)

    return run


def bundle_file_name(me: str, peer: str, when: datetime | None = None) -> str:
    """``GNJ-to-BAK-20261123-1415.bundle`` (Baku time)."""
    moment = when or now_baku()
    return f"{me}-to-{peer}-{moment.strftime('%Y%m%d-%H%M%S')}.bundle"


class ProgressRow(QWidget):
    """An inline progress bar with a Cancel button showing one operation (hidden while idle)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task: Op | None = None
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        self.hide()
        self.retranslate()

    def retranslate(self) -> None:
        self.cancel_button.setText(_("Cancel"))
        self.bar.setAccessibleName(_("Progress"))

    def start(self, op: Op) -> None:
        """Show ``op`` (made ``with_progress``) until it finishes; Cancel asks it to stop."""
        self.task = op
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        op.progressed.connect(self.report)
        op.finished.connect(self.stop)
        self.show()

    def report(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)

    def stop(self) -> None:
        self.task = None
        self.hide()

    @property
    def busy(self) -> bool:
        return self.task is not None
