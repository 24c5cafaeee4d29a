"""The Sync screen: bundles out and in, their history, the conflict review, enrollment.

Who sees it: everyone with :attr:`Permission.SYNC` (center managers, administrators, HQ
analysts); lawyers do not, since bundles carry every client of the center and importing changes
data they did not enter. Enrollment steps and HQ's "Accept enrollment request…" need
:attr:`Permission.MANAGE_USERS` (managers and administrators), as in the services. HQ also
lists the centers' transfer requests and transfers the cases from there (``sync_transfers.py``).

A center that is not enrolled yet sees the two enrollment steps instead of the bundle tabs.
A bundle file dropped anywhere on the screen is opened in the Import tab and checked. Switch tabs
with Ctrl+Tab / Ctrl+Shift+Tab.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.gui.application import set_role
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.pages.base import Page
from legalaid_desktop.gui.pages.sync_bundles import ExportView, ImportView
from legalaid_desktop.gui.pages.sync_conflicts import ConflictsView
from legalaid_desktop.gui.pages.sync_enroll import CenterEnrollView, NodesView
from legalaid_desktop.gui.pages.sync_history import HistoryView
from legalaid_desktop.gui.pages.sync_transfers import TransferRequestsView
from legalaid_desktop.gui.tasks import QueryOp
from legalaid_desktop.gui.widgets.feedback import message_label, show_message
from legalaid_desktop.i18n import _, ngettext
from legalaid_desktop.services.sync import EXPORT_WARNING_DAYS, SyncOverview


def last_export_text(days: int | None) -> str:
    """``No bundle was ever sent.`` / ``Last bundle sent today.`` / ``… 3 days ago.``"""
    if days is None:
        return _("No bundle was ever sent.")
    if days == 0:
        return _("Last bundle sent today.")
    return ngettext("Last bundle sent {n} day ago.", "Last bundle sent {n} days ago.", days).format(
        n=days
    )


def dropped_file(urls: list[object]) -> Path | None:
    """The one local file of a drop (``None`` for several files, folders or web links)."""
    if len(urls) != 1:
        return None
    url = urls[0]
    if not getattr(url, "isLocalFile", lambda: False)():
        return None
    path = Path(url.toLocalFile())  # type: ignore[attr-defined]
    return path if path.is_file() else None


class SyncPage(Page):
    """Export, Import, History, Conflicts (and Nodes and Transfer requests at HQ); enrollment
    first when needed.

    Signals:
        conflicts_changed(int): the number of unresolved conflicts (for the navigation badge).
    """

    conflicts_changed = Signal(int)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.overview: SyncOverview | None = None
        self.conflict_count = 0
        self.transfer_count = 0
        self._loading = False
        self.setAcceptDrops(True)
        self.heading = QLabel()
        set_role(self.heading, "heading")
        self.status = QLabel()
        self.status.setWordWrap(True)
        set_role(self.status, "muted")
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.refresh)
        self.message = message_label()

        self.export_view = ExportView(ctx)
        self.import_view = ImportView(ctx)
        self.history_view = HistoryView(ctx)
        self.conflicts_view = ConflictsView(ctx)
        self.nodes_view = NodesView(ctx)
        self.enroll_view = CenterEnrollView(ctx)
        self.transfers_view = TransferRequestsView(ctx)  # HQ only (issue 19)
        self.export_view.exported.connect(self._changed)
        self.import_view.imported.connect(self._changed)
        self.conflicts_view.count_changed.connect(self._set_conflicts)
        self.conflicts_view.open_case.connect(self.open_case)
        self.nodes_view.changed.connect(self.refresh)
        self.enroll_view.enrolled.connect(self.refresh)
        self.transfers_view.open_case.connect(self.open_case)
        self.transfers_view.count_changed.connect(self._set_transfers)
        self.transfers_view.transferred.connect(self.status_message)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for view in (self.export_view, self.import_view, self.history_view, self.conflicts_view):
            self.tabs.addTab(view, "")
        self.stack = QStackedWidget()
        self.loading = QLabel()
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.loading)
        self.stack.addWidget(self.enroll_view)
        self.stack.addWidget(self.tabs)

        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.heading)
        titles.addWidget(self.status)
        top.addLayout(titles, 1)
        top.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.stack, 1)
        self.retranslate()
        self.refresh()

    def title(self) -> str:
        return _("Sync")

    def retranslate(self) -> None:
        self.heading.setText(_("Sync"))
        self.refresh_button.setText(_("&Refresh"))
        self.refresh_button.setToolTip(_("Read the sync state again"))
        self.loading.setText(_("Loading…"))
        for view in (
            self.export_view,
            self.import_view,
            self.history_view,
            self.conflicts_view,
            self.nodes_view,
            self.enroll_view,
            self.transfers_view,
        ):
            view.retranslate()
        self._retitle()
        self._show_status()

    def _retitle(self) -> None:
        titles = {
            self.export_view: _("Export"),
            self.import_view: _("Import"),
            self.history_view: _("History"),
            self.conflicts_view: _("Conflicts ({n})").format(n=self.conflict_count)
            if self.conflict_count
            else _("Conflicts"),
            self.nodes_view: _("Nodes"),
            self.transfers_view: _("Transfer requests ({n})").format(n=self.transfer_count)
            if self.transfer_count
            else _("Transfer requests"),
        }
        for view, text in titles.items():
            index = self.tabs.indexOf(view)
            if index >= 0:
                self.tabs.setTabText(index, text)
        self.tabs.setAccessibleName(_("Sync sections"))

    def _show_status(self) -> None:
        o = self.overview
        if o is None:
            self.status.setText("")
            return
        parts = [
            _("This node: {code} — {name} ({kind}).").format(
                code=o.node_code, name=o.node_name, kind=_("HQ") if o.is_hq else _("center")
            )
        ]
        if o.enrolled:
            parts.append(last_export_text(o.days_since_export))
        self.status.setText(" ".join(parts))
        warn = o.enrolled and (
            o.days_since_export is None or o.days_since_export >= EXPORT_WARNING_DAYS
        )
        set_role(self.status, "warning" if warn else "muted")

    # -- data ---------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.overview is not None:
            self.refresh()

    def refresh(self) -> None:
        """Read the overview, then the history and the conflicts (in the background)."""
        if self._loading:
            return
        self._loading = True
        QueryOp(
            self.ctx.tasks,
            self.ctx.services.sync.overview,
            success=self._loaded,
            failure=self._failed,
            action="sync_overview",
        ).run()

    def _loaded(self, overview: SyncOverview) -> None:
        self._loading = False
        self.overview = overview
        show_message(self.message, "")
        self.export_view.set_overview(overview)
        self.nodes_view.set_overview(overview)
        self.enroll_view.set_overview(overview)
        if overview.is_hq and self.tabs.indexOf(self.nodes_view) < 0:
            self.tabs.addTab(self.nodes_view, "")
        if overview.is_hq and self.tabs.indexOf(self.transfers_view) < 0:
            self.tabs.addTab(self.transfers_view, "")
            self._retitle()
        needs_enrollment = not overview.is_hq and not overview.enrolled
        self.stack.setCurrentWidget(self.enroll_view if needs_enrollment else self.tabs)
        if overview.is_hq and not overview.peers:
            self.tabs.setCurrentWidget(self.nodes_view)
        self._set_conflicts(overview.conflicts)
        self._show_status()
        if not needs_enrollment:
            self.history_view.refresh()
            self.conflicts_view.refresh()
        if overview.is_hq:
            self.transfers_view.refresh()

    def _failed(self, exc: BaseException) -> None:
        self._loading = False
        log_error(exc, "sync_overview")
        show_message(self.message, user_message(exc))

    def _changed(self, _result: object) -> None:
        self.refresh()

    def _set_transfers(self, count: int) -> None:
        self.transfer_count = count
        self._retitle()

    def _set_conflicts(self, count: int) -> None:
        self.conflict_count = count
        self._retitle()
        self.conflicts_changed.emit(count)

    # -- drag and drop ------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls() and dropped_file(list(mime.urls())) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = dropped_file(list(event.mimeData().urls()))
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_bundle(path)

    def open_bundle(self, path: Path) -> None:
        """Show the Import tab and check ``path`` (a dropped or chosen bundle)."""
        if self.stack.currentWidget() is not self.tabs:
            show_message(self.message, _("Enroll this center before importing bundles."))
            return
        self.tabs.setCurrentWidget(self.import_view)
        self.import_view.inspect_file(path)
