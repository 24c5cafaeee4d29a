"""The main window: a thin shell of navigation, screens, menus, status bar and the lock.

The screens are built from :mod:`legalaid_desktop.gui.navigation` for the logged-in user. Locking
destroys them (nothing about a client stays in a widget), closes the store and keeps only the
data folder and the user name; unlocking logs in again and builds fresh screens over the new
session, so a screen never has to cope with a context that changes under it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QWidget,
)

from legalaid_desktop import i18n
from legalaid_desktop.domain.errors import AuthenticationError
from legalaid_desktop.domain.roles import ROLE_LABELS, Permission
from legalaid_desktop.gui.application import apply_appearance
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.backup_dialog import BackupToFolder
from legalaid_desktop.gui.dialogs.conflict_check import SHORTCUT as CONFLICT_SHORTCUT
from legalaid_desktop.gui.dialogs.conflict_check import ConflictCheckDialog
from legalaid_desktop.gui.dialogs.donor_dialog import DonorReportDialog, open_donor_dialog
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.lock import IdleWatcher, LockScreen
from legalaid_desktop.gui.navigation import PageSpec, build_page, visible_specs
from legalaid_desktop.gui.pages.base import Page
from legalaid_desktop.gui.search_palette import SearchPalette
from legalaid_desktop.gui.session_loader import OpenedSession, open_session
from legalaid_desktop.gui.tasks import QueryOp, TaskRunner, WriteOp
from legalaid_desktop.gui.ui_settings import UiSettings
from legalaid_desktop.i18n import _
from legalaid_desktop.version import version_info

KEY_ROLE = Qt.ItemDataRole.UserRole + 1


class MainWindow(QMainWindow):
    """The logged-in window.

    Signals:
        lock_changed(bool): the window locked (``True``) or unlocked (``False``).
        store_closed(): after locking, the store has been closed and its key wiped.
        switch_user(): "Switch user" on the lock screen (a shared computer): the session
            ends; the launcher closes this window and shows the login window.
    """

    lock_changed = Signal(bool)
    store_closed = Signal()
    switch_user = Signal()

    def __init__(
        self, opened: OpenedSession, data_dir: Path, tasks: TaskRunner, settings: UiSettings
    ) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.tasks = tasks
        self.settings = settings
        actor = opened.services.actor
        self.username, self.full_name = actor.username, actor.full_name
        self.role, self.node_code = actor.role, actor.node_code
        self.ctx: GuiContext | None = None
        self.locked = False
        self.specs: list[PageSpec] = []
        self.pages: dict[str, Page] = {}
        self.frames: dict[str, QScrollArea] = {}
        self.search_palette: SearchPalette | None = None
        self._last_key: str | None = None
        self.badges: dict[str, int] = {}

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(210)
        self.nav.currentItemChanged.connect(self._nav_changed)
        self.stack = QStackedWidget()
        self.content = QWidget()
        row = QHBoxLayout(self.content)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.lock_screen = LockScreen()
        self.lock_screen.set_user(self.username, self.full_name)
        self.lock_screen.unlock_requested.connect(self.unlock)
        self.lock_screen.quit_requested.connect(self.close)
        self.lock_screen.switch_requested.connect(self._switch_user)
        self.screens = QStackedWidget()
        self.screens.addWidget(self.content)
        self.screens.addWidget(self.lock_screen)
        self.setCentralWidget(self.screens)

        self.idle = IdleWatcher(settings.idle_minutes(self.username) * 60.0, self)
        self.idle.idle.connect(self.lock)
        self._build_menus()
        self.user_label, self.role_label, self.node_label = QLabel(), QLabel(), QLabel()
        for label in (self.user_label, self.role_label, self.node_label):
            self.statusBar().addPermanentWidget(label)
        self._enter(opened)
        self.resize(1280, 800)
        geometry = settings.geometry("main", self.username)
        if geometry is not None:
            self.restoreGeometry(geometry)

    # -- building -----------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu, self.go_menu = bar.addMenu(""), bar.addMenu("")
        self.search_menu, self.help_menu = bar.addMenu(""), bar.addMenu("")
        self.lock_action = self._action("Ctrl+L", self.lock)
        self.quit_action = self._action("Ctrl+Q", self.close)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.donor_action = self._action("", self.open_donor_report)
        self.backup_action = self._action("", self.back_up)
        self.backup: BackupToFolder | None = None
        self.file_menu.addActions(
            [self.donor_action, self.backup_action, self.lock_action, self.quit_action]
        )
        self.search_action = self._action("Ctrl+K", self.show_search)
        self.search_menu.addAction(self.search_action)
        self.conflict_action = self._action(CONFLICT_SHORTCUT, self.check_conflicts)
        self.search_menu.addAction(self.conflict_action)
        self.conflict_dialog: ConflictCheckDialog | None = None
        self.about_action = self._action("", self.about)
        self.help_menu.addAction(self.about_action)
        self.go_actions: dict[str, QAction] = {}

    def _action(self, shortcut: str, slot: Callable[[], object]) -> QAction:
        action = QAction(self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _enter(self, opened: OpenedSession) -> None:
        """Build the screens over a freshly opened session."""
        self.ctx = GuiContext(
            services=opened.services,
            tasks=self.tasks,
            catalog=opened.catalog,
            language=i18n.current_language(),
            at_hq=opened.at_hq,
        )
        self.specs = visible_specs(self.ctx)
        self.donor_action.setVisible(self.ctx.actor.can(Permission.VIEW_STATISTICS))
        self.backup_action.setVisible(self.ctx.actor.can(Permission.BACKUP_OUTSIDE))
        if self.backup is None:
            self.backup = BackupToFolder(self.ctx, self)
        self.backup.ctx = self.ctx  # a new session after an unlock
        for spec in self.specs:
            # a frameless scroll area per screen: a screen wider than a small laptop display
            # (1366 x 768 is common in the centers) scrolls instead of widening the window
            frame = QScrollArea()
            frame.setWidgetResizable(True)
            frame.setFrameShape(QFrame.Shape.NoFrame)
            self.frames[spec.key] = frame
            self.stack.addWidget(frame)
        self.nav.clear()
        for spec in self.specs:
            if not spec.in_navigation:
                continue
            item = QListWidgetItem(self.style().standardIcon(spec.icon), "")
            item.setData(KEY_ROLE, spec.key)
            self.nav.addItem(item)
            shortcut = f"Ctrl+{spec.shortcut}" if spec.shortcut else ""
            action = self._action(shortcut, partial(self.go, spec.key))
            self.go_menu.addAction(action)
            self.go_actions[spec.key] = action
        self.search_palette = SearchPalette(self.ctx, self)
        self.search_palette.open_case.connect(self.open_case)
        self.search_palette.open_client.connect(self.open_client)
        self.retranslate()
        self.go("dashboard")
        self.idle.start(filter_delay_ms=1500)
        if any(spec.key == "sync" for spec in self.specs):
            # the conflicts badge, before the Sync screen is first opened (it updates it later)
            QueryOp(
                self.tasks,
                self.ctx.services.sync.overview,
                success=lambda o: self.set_badge("sync", o.conflicts),
                failure=lambda exc: log_error(exc, "sync_badge"),
                action="sync_badge",
            ).run()

    def page(self, key: str) -> Page | None:
        """The screen ``key``, built on first use (``None`` if this user has no such screen).

        Screens are built when first shown, so logging in builds only the dashboard and a
        screen's first background load starts when it is looked at.
        """
        page = self.pages.get(key)
        if page is not None or self.ctx is None:
            return page
        spec = next((s for s in self.specs if s.key == key), None)
        if spec is None:
            return None
        page = build_page(spec, self.ctx, self.settings)
        page.open_case.connect(self.open_case)
        page.open_client.connect(self.open_client)
        page.status_message.connect(self._status)
        open_page = getattr(page, "open_page", None)
        if open_page is not None:
            open_page.connect(self.go)  # the dashboard's "Open Sync"
        backup_requested = getattr(page, "backup_requested", None)
        if backup_requested is not None:
            backup_requested.connect(self.back_up)  # the dashboard's reminder
        counted = getattr(page, "conflicts_changed", None)
        if counted is not None:
            counted.connect(partial(self.set_badge, key))
        if key == "settings" and hasattr(page, "appearance_changed"):
            page.appearance_changed.connect(self.apply_appearance)
            page.language_changed.connect(self.set_language)  # type: ignore[attr-defined]
            page.idle_changed.connect(self.set_idle_minutes)  # type: ignore[attr-defined]
        self.pages[key] = page
        self.frames[key].setWidget(page)
        return page

    def _leave(self) -> None:
        """Destroy the screens and the palette (they hold client data and the old session)."""
        if self.conflict_dialog is not None:  # it shows client names
            self.conflict_dialog.close()
            self.conflict_dialog = None
        if self.search_palette is not None:
            self.search_palette.hide()
            self.search_palette.deleteLater()
            self.search_palette = None
        self.nav.blockSignals(True)
        self.nav.clear()
        self.nav.blockSignals(False)
        for frame in self.frames.values():
            self.stack.removeWidget(frame)
            frame.hide()
            frame.deleteLater()
        self.pages.clear()
        self.frames.clear()
        self.badges.clear()
        self.go_menu.clear()
        for action in self.go_actions.values():
            action.deleteLater()
        self.go_actions.clear()

    # -- texts and appearance -----------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(_("LegalAid Desktop – {node}").format(node=self.node_code))
        self.file_menu.setTitle(_("&File"))
        self.go_menu.setTitle(_("&Go"))
        self.search_menu.setTitle(_("&Search"))
        self.help_menu.setTitle(_("&Help"))
        self.donor_action.setText(_("&Donor report…"))
        self.backup_action.setText(_("&Back up…"))
        self.lock_action.setText(_("&Lock"))
        self.quit_action.setText(_("&Quit"))
        self.search_action.setText(_("&Find…"))
        self.conflict_action.setText(_("Check for &conflicts…"))
        if self.conflict_dialog is not None:
            self.conflict_dialog.retranslate()
        self.about_action.setText(_("&About LegalAid Desktop"))
        self.nav.setAccessibleName(_("Navigation"))
        labels = {spec.key: _(spec.label) for spec in self.specs}
        for key, action in self.go_actions.items():
            action.setText(labels.get(key, key))
        self._label_nav()
        self.user_label.setText(
            _("User: {name} ({username})").format(name=self.full_name, username=self.username)
        )
        self.role_label.setText(_("Role: {role}").format(role=_(ROLE_LABELS[self.role])))
        self.node_label.setText(_("Center: {code}").format(code=self.node_code))
        for page in self.pages.values():
            page.retranslate()
        if self.search_palette is not None:
            self.search_palette.retranslate()
        self.lock_screen.retranslate()

    def _label_nav(self) -> None:
        labels = {spec.key: _(spec.label) for spec in self.specs}
        for key, count in self.badges.items():
            if count and key in labels:
                labels[key] = _("{label} ({n})").format(label=labels[key], n=count)
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            label = labels.get(str(item.data(KEY_ROLE)), "")
            item.setText(label)
            item.setToolTip(label)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, label)

    def set_badge(self, key: str, count: int) -> None:
        """Show ``count`` after the navigation label of ``key`` (0: no badge)."""
        if self.badges.get(key, 0) != count:
            self.badges[key] = count
            self._label_nav()

    def set_language(self, language: str) -> None:
        """Switch the language at run time and re-read every string."""
        i18n.set_language(language)
        if self.ctx is not None:
            self.ctx.language = language
        self.retranslate()

    def apply_appearance(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_appearance(
                app,
                theme=self.settings.theme(self.username),
                font_size=self.settings.font_size(self.username),
            )

    def set_idle_minutes(self, minutes: int) -> None:
        self.idle.set_timeout(minutes * 60.0)

    # -- navigation ---------------------------------------------------------------------------

    def go(self, key: str) -> None:
        """Show the screen ``key`` (if this user has it)."""
        if self.locked:
            return
        page = self.page(key)
        if page is None:
            return
        self.stack.setCurrentWidget(self.frames[key])
        self._select_nav(key)
        page.setFocus()

    def current_key(self) -> str | None:
        current = self.stack.currentWidget()
        return next((k for k, f in self.frames.items() if f is current), None)

    def current_page(self) -> Page | None:
        key = self.current_key()
        return None if key is None else self.pages.get(key)

    def _select_nav(self, key: str) -> None:
        for row in range(self.nav.count()):
            if self.nav.item(row).data(KEY_ROLE) == key:
                self.nav.blockSignals(True)
                self.nav.setCurrentRow(row)
                self.nav.blockSignals(False)
                return

    def _nav_changed(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.go(str(item.data(KEY_ROLE)))

    def open_case(self, number: str) -> None:
        view = None if self.locked else self.page("case_view")
        if view is None:
            return
        show = getattr(view, "show_case", None)
        if callable(show):
            show(number)
        self.stack.setCurrentWidget(self.frames["case_view"])
        self._select_nav("cases")
        focus = getattr(view, "take_focus", None)
        if callable(focus):
            focus()

    def open_client(self, client_id: str) -> None:
        page = None if self.locked else self.page("clients")
        if page is None:
            return
        self.go("clients")
        show = getattr(page, "show_client", None)
        if callable(show):
            show(client_id)

    def _status(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    def show_search(self) -> None:
        if self.search_palette is not None and not self.locked:
            self.search_palette.popup()

    def check_conflicts(self) -> ConflictCheckDialog | None:
        """Open the standalone conflict check (before any intake)."""
        if self.ctx is None or self.locked:
            return None
        if self.conflict_dialog is None:
            dialog = ConflictCheckDialog(self.ctx, self)
            dialog.finished.connect(lambda _r: self._conflict_dialog_closed(dialog))
            dialog.client_merged.connect(self.open_client)  # the client kept
            self.conflict_dialog = dialog
        self.conflict_dialog.show()
        self.conflict_dialog.raise_()
        self.conflict_dialog.activateWindow()
        self.conflict_dialog.name.setFocus()
        return self.conflict_dialog

    def _conflict_dialog_closed(self, dialog: ConflictCheckDialog) -> None:
        if self.conflict_dialog is dialog:
            self.conflict_dialog = None
        dialog.deleteLater()

    def open_donor_report(self) -> DonorReportDialog | None:
        """The donor report dialog (File menu; the roles that see every figure)."""
        if self.ctx is None or self.locked or not self.donor_action.isVisible():
            return None
        return open_donor_dialog(self.ctx, self)

    def back_up(self) -> None:
        """File › Back up…: one encrypted file in a folder outside the data folder."""
        if self.ctx is None or self.locked or self.backup is None:
            return
        self.backup.ask()

    def about(self) -> None:
        """Help › About: the version and the schema revision (as ``legalaid --version``)."""
        info = version_info()
        QMessageBox.about(
            self,
            _("About LegalAid Desktop"),
            _("LegalAid Desktop {version}\nCase management for legal-aid centers.").format(
                version=info.version
            )
            + "\n\n"
            + _("Schema revision: {revision}").format(revision=info.schema_revision),
        )

    # -- locking ------------------------------------------------------------------------------

    def lock(self) -> None:
        """Hide everything, drop the screens and close the store (the key is wiped)."""
        if self.locked or self.ctx is None:
            return
        self.locked = True
        self.idle.stop()
        self._last_key = self.current_key()
        services = self.ctx.services
        self.ctx = None
        self._leave()
        self._set_actions_enabled(False)
        self.lock_screen.reset()
        self.screens.setCurrentWidget(self.lock_screen)
        self.statusBar().clearMessage()
        self.lock_changed.emit(True)
        self._close_when_idle(services)

    def _close_when_idle(self, services: object) -> None:
        # Wait for work still running on the old session, then close it on the writer thread.
        if self.tasks.busy():
            QTimer.singleShot(50, partial(self._close_when_idle, services))
            return
        WriteOp(
            self.tasks,
            services.close,  # type: ignore[attr-defined]
            success=lambda _r: self.store_closed.emit(),
            action="lock",
        ).run()

    def unlock(self, password: str) -> None:
        """Log in again as the same user (in the background)."""
        # A write: logging in again records the attempt in the audit log.
        WriteOp(
            self.tasks,
            partial(open_session, self.data_dir, self.username, password),
            success=self._unlocked,
            failure=self._unlock_failed,
            action="unlock",
        ).run()

    def _unlocked(self, opened: OpenedSession) -> None:
        self.locked = False
        self._set_actions_enabled(True)
        self._enter(opened)
        self.screens.setCurrentWidget(self.content)
        if self._last_key:
            self.go(self._last_key)
        self.lock_changed.emit(False)

    def _unlock_failed(self, exc: BaseException) -> None:
        log_error(exc, "unlock")
        text = user_message(exc)
        if isinstance(exc, AuthenticationError) and str(exc) == _(
            "The user name or password is wrong."
        ):
            # the user name is fixed here: only the password can be wrong
            text = _("The password is wrong.")
        self.lock_screen.show_error(text)

    def _switch_user(self) -> None:
        """The lock screen's "Switch user": end this session; the launcher shows the login."""
        self.switch_user.emit()

    def _set_actions_enabled(self, enabled: bool) -> None:
        actions = (self.lock_action, self.search_action, self.conflict_action)
        for action in (*actions, *self.go_actions.values()):
            action.setEnabled(enabled)
        self.go_menu.setEnabled(enabled)
        self.search_menu.setEnabled(enabled)
        self.role_label.setVisible(enabled)
        self.node_label.setVisible(enabled)

    # -- window -------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.locked:
            self.idle.start(filter_delay_ms=1500)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.set_geometry("main", self.username, self.saveGeometry())
        self.idle.stop()
        self.tasks.wait()
        if self.ctx is not None:
            services = self.ctx.services
            self.ctx = None
            self._leave()
            WriteOp(self.tasks, services.close, action="close").run()
            self.tasks.wait()
        super().closeEvent(event)
