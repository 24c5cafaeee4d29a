"""``legalaid-desktop``: start the GUI.

``main()`` parses ``--data-dir``, creates the QApplication with the saved appearance, and hands
over to a :class:`Launcher`, which shows the first-run wizard when the data folder has no store
yet and the login window otherwise, then the main window for whoever logged in.

Start-up speed: the login window must appear within a second. The core (services, SQLAlchemy,
the crypto) takes longer than that to import, so nothing here imports it at module level; the
first background task (reading the user names from the key file) imports it on a worker thread
while the login window is already on screen. An empty or missing data folder goes straight to
the wizard; a folder that holds files but no store (no user has a key) switches from the login
window to the wizard once the key file has been read.

``--smoke-test`` (hidden from ``--help``) starts as usual, checks the first window and Qt's
plugins, prints a JSON report and quits: see :mod:`legalaid_desktop.gui.smoke`.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QWidget

from legalaid_desktop import i18n
from legalaid_desktop.domain.errors import StoreKeyChanged
from legalaid_desktop.gui.application import apply_appearance, create_application
from legalaid_desktop.gui.errors import install_excepthook, make_error_handler, user_message
from legalaid_desktop.gui.login import LoginWindow
from legalaid_desktop.gui.print_spool import sweep_in_background
from legalaid_desktop.gui.session_loader import OpenedSession, loaded
from legalaid_desktop.gui.tasks import QueryOp, TaskRunner
from legalaid_desktop.gui.ui_settings import UiSettings
from legalaid_desktop.paths import default_data_dir

if TYPE_CHECKING:
    from legalaid_desktop.app import AppSession
    from legalaid_desktop.gui.main_window import MainWindow
    from legalaid_desktop.gui.wizard import CreateStore, FirstRunWizard


class Launcher(QObject):
    """Decides the first window and moves from wizard/login to the main window.

    Args:
        data_dir: The data folder.
        settings: The GUI preferences.
        create_store: Passed to the wizard (tests use fast key derivation).
    """

    def __init__(
        self,
        data_dir: Path,
        settings: UiSettings | None = None,
        *,
        create_store: CreateStore | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.settings = settings or UiSettings()
        self.tasks = TaskRunner(self)
        self._show_error = make_error_handler(self.front_window)
        self.tasks.error_handler = self._task_failed
        self._create_store = create_store
        self.wizard: FirstRunWizard | None = None
        self.login: LoginWindow | None = None
        self.main_window: MainWindow | None = None
        self._language_picked = False

    def _task_failed(self, exc: BaseException) -> None:
        """Show ``exc``; when another program changed the database key, lock and ask for a
        new login instead (the store is not damaged: nothing to restore)."""
        if isinstance(exc, StoreKeyChanged) and self.main_window is not None:
            self.main_window.lock()
            self.main_window.lock_screen.show_error(user_message(exc))
            return
        self._show_error(exc)

    def front_window(self) -> QWidget | None:
        """The window errors are shown over."""
        active = QApplication.activeWindow()
        return active or self.main_window or self.login or self.wizard

    # -- start --------------------------------------------------------------------------------

    def start(self) -> None:
        """The wizard for an empty data folder, else the login window (which reads the user
        names in the background and reports a folder without a store)."""
        try:
            has_files = self.data_dir.is_dir() and any(self.data_dir.iterdir())
        except OSError:
            has_files = True  # let the login window show what is wrong with the folder
        if has_files:
            self.show_login()
        else:
            self.show_wizard()

    def show_wizard(self) -> None:
        from legalaid_desktop.gui.wizard import FirstRunWizard

        language = i18n.current_language()
        if self._create_store is None:
            self.wizard = FirstRunWizard(self.data_dir, self.tasks, language=language)
        else:
            self.wizard = FirstRunWizard(
                self.data_dir, self.tasks, language=language, create_store=self._create_store
            )
        self.wizard.language_changed.connect(self._wizard_language)
        self.wizard.created.connect(self._store_created)
        self.wizard.show()

    def show_login(self) -> None:
        self.login = LoginWindow(
            self.data_dir, self.tasks, self.settings, language=i18n.current_language()
        )
        self.login.language_changed.connect(self._login_language)
        self.login.logged_in.connect(self._logged_in)
        self.login.no_store.connect(self._no_store)
        geometry = self.settings.geometry("login")
        if geometry is not None:
            self.login.restoreGeometry(geometry)
        self.login.show()

    def _no_store(self) -> None:
        if self.login is not None:
            self.login.close()
            self.login.deleteLater()
            self.login = None
        self.show_wizard()

    # -- language before login ----------------------------------------------------------------

    def _wizard_language(self, language: str) -> None:
        self._set_language(language)
        if self.wizard is not None:
            self.wizard.retranslate()

    def _login_language(self, language: str) -> None:
        self._set_language(language)
        if self.login is not None:
            self.login.retranslate()

    def _set_language(self, language: str) -> None:
        i18n.set_language(language)
        self.settings.set_language(None, language)
        self._language_picked = True

    # -- after the wizard or the login --------------------------------------------------------

    def _store_created(self, session: AppSession) -> None:
        """The wizard finished: open the main window for its administrator.

        The wizard stays on screen until the main window shows (see :meth:`_logged_in`); if
        the session cannot be loaded, the login window takes its place.
        """
        QueryOp(
            self.tasks,
            partial(loaded, session),
            success=self._logged_in,
            failure=self._opening_failed,
            action="load_reference",
        ).run()

    def _opening_failed(self, exc: BaseException) -> None:
        self._show_error(exc)
        self.show_login()
        self._close_wizard()

    def _close_wizard(self) -> None:
        if self.wizard is not None:
            self.wizard.close_after_handover()
            self.wizard.deleteLater()
            self.wizard = None

    def _logged_in(self, opened: OpenedSession) -> None:
        from legalaid_desktop.gui.main_window import MainWindow

        actor = opened.services.actor
        username = actor.username
        self.settings.remember_login(
            self.data_dir, username, actor.node_code, opened.center_name or actor.node_code
        )
        if self._language_picked:
            self.settings.set_language(username, i18n.current_language())
        else:
            i18n.set_language(self.settings.language(username))
        qapp = QApplication.instance()
        if isinstance(qapp, QApplication):
            apply_appearance(
                qapp,
                theme=self.settings.theme(username),
                font_size=self.settings.font_size(username),
            )
        self.main_window = MainWindow(opened, self.data_dir, self.tasks, self.settings)
        self.main_window.switch_user.connect(self._switch_user)
        self.main_window.show()
        self._close_wizard()
        if self.login is not None:
            self.settings.set_geometry("login", None, self.login.saveGeometry())
            self.login.close()
            self.login.deleteLater()
            self.login = None

    def _switch_user(self) -> None:
        """The lock screen's "Switch user": the login window first (so the program never has
        no window, when Qt would quit), then the locked main window closes."""
        window, self.main_window = self.main_window, None
        self.show_login()
        if window is not None:
            window.close()
            window.deleteLater()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="legalaid-desktop", description="LegalAid Desktop: case management for legal aid."
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="the folder of the data store (default: the platform's user data folder)",
    )
    # Hidden: the check of an installed or frozen build (gui/smoke.py, docs/testing.md).
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    args, _qt_args = parser.parse_known_args(argv)
    return args


def start(argv: Sequence[str] | None = None) -> tuple[QApplication, Launcher]:
    """Create the application and show the first window (without running the event loop)."""
    import sys

    arguments = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(arguments)
    data_dir = Path(args.data_dir or default_data_dir()).expanduser().resolve()
    qapp = create_application([sys.argv[0], *arguments])
    settings = UiSettings()
    i18n.set_language(settings.language())
    apply_appearance(qapp, theme=settings.theme(), font_size=settings.font_size())
    launcher = Launcher(data_dir, settings, parent=qapp)
    install_excepthook(launcher.front_window)
    launcher.start()
    sweep_in_background()  # print jobs of ours that finished after the last run: purge them
    return qapp, launcher


def main(argv: Sequence[str] | None = None) -> int:
    """The ``legalaid-desktop`` entry point."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    qapp, launcher = start(argv)
    if parse_args(argv).smoke_test:
        from legalaid_desktop.gui import smoke

        smoke.install(qapp, launcher)
    code = qapp.exec()
    launcher.tasks.wait()
    return int(code)


if __name__ == "__main__":
    raise SystemExit(main())
