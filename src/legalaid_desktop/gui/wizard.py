"""The first-run wizard: a new center or HQ, its first administrator, the recovery key.

Or, on the first page, "Restore from a backup": a new computer for a center whose backup file is
on a USB stick (the pages are in :mod:`legalaid_desktop.gui.wizard_restore`).

Pages: kind (center or HQ, and the language) → node code and name → first administrator →
creating the store (in the background: the key derivation is calibrated to this computer, a few
seconds) → the recovery key, shown once, with Print and Copy and a required confirmation.
The creation page is a commit page: once the store exists there is no going back, and the
wizard cannot be cancelled until the key has been acknowledged.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from legalaid_desktop.domain import validation
from legalaid_desktop.gui.application import monospace_font, set_role
from legalaid_desktop.gui.recovery_sheet import key_lines, print_recovery_sheet
from legalaid_desktop.gui.secret_clipboard import copy_secret, secret_clipboard
from legalaid_desktop.gui.tasks import TaskRunner, WriteOp
from legalaid_desktop.gui.ui_settings import LANGUAGE_NAMES
from legalaid_desktop.gui.widgets.feedback import busy_bar, check, message_label, show_message
from legalaid_desktop.gui.widgets.passwords import NewPasswordFields
from legalaid_desktop.gui.wizard_restore import RestoreSourcePage, RestoringPage
from legalaid_desktop.i18n import LANGUAGES, _

if TYPE_CHECKING:
    from legalaid_desktop.app import AppSession

CreateStore = Callable[..., tuple["AppSession", str]]


def _create_store(*args: Any, **kwargs: Any) -> tuple[AppSession, str]:
    """:func:`legalaid_desktop.app.create`, imported on the worker thread that runs it."""
    from legalaid_desktop import app

    return app.create(*args, **kwargs)


class KindPage(QWizardPage):
    """A regional center or headquarters; the language of the program."""

    language_chosen = Signal(str)

    def __init__(self, language: str) -> None:
        super().__init__()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.language = QComboBox()
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(max(0, self.language.findData(language)))
        self.language.currentIndexChanged.connect(
            lambda _i: self.language_chosen.emit(self.language.currentData())
        )
        self.language_label = QLabel()
        self.language_label.setBuddy(self.language)
        self.center = QRadioButton()
        self.hq = QRadioButton()
        self.restore = QRadioButton()
        self.center.setChecked(True)
        self.group = QButtonGroup(self)
        self.group.addButton(self.center)
        self.group.addButton(self.hq)
        self.group.addButton(self.restore)
        self.restore_page_id = -1
        """The wizard's id of the restore pages' first page (set by the wizard)."""
        self.center_help = QLabel()
        self.hq_help = QLabel()
        self.restore_help = QLabel()
        for label in (self.center_help, self.hq_help, self.restore_help):
            label.setWordWrap(True)
            label.setIndent(24)
            set_role(label, "muted")

        row = QHBoxLayout()
        row.addWidget(self.language_label)
        row.addWidget(self.language)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addSpacing(8)
        layout.addWidget(self.intro)
        layout.addSpacing(8)
        layout.addWidget(self.center)
        layout.addWidget(self.center_help)
        layout.addWidget(self.hq)
        layout.addWidget(self.hq_help)
        layout.addWidget(self.restore)
        layout.addWidget(self.restore_help)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Welcome to LegalAid Desktop"))
        self.setSubTitle(_("This computer has no data store yet. Let us set one up."))
        self.language_label.setText(_("&Language:"))
        self.intro.setText(_("What kind of installation is this?"))
        self.center.setText(_("A legal-aid &center"))
        self.center_help.setText(
            _("Lawyers record clients, cases and consultations here and sync with headquarters.")
        )
        self.hq.setText(_("&Headquarters (HQ)"))
        self.hq_help.setText(
            _("Enrolls the centers, imports their bundles and prepares national statistics.")
        )
        self.restore.setText(_("&Restore from a backup"))
        self.restore_help.setText(
            _(
                "A new computer for an installation whose backup file (.labackup) is on a USB "
                "stick; it needs an administrator's password or the recovery key."
            )
        )

    def is_hq(self) -> bool:
        return self.hq.isChecked()

    def nextId(self) -> int:
        if self.restore.isChecked() and self.restore_page_id >= 0:
            return self.restore_page_id
        return super().nextId()


class NodePage(QWizardPage):
    """The node's code (2–5 capital letters) and name."""

    def __init__(self) -> None:
        super().__init__()
        self.code = QLineEdit()
        self.code.setMaxLength(5)
        self.code.textEdited.connect(self._upper)
        self.code_message = message_label()
        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.name_message = message_label()
        self.code_label = QLabel()
        self.name_label = QLabel()
        self.code_label.setBuddy(self.code)
        self.name_label.setBuddy(self.name)
        self.code_help = QLabel()
        set_role(self.code_help, "muted")
        self.code_help.setWordWrap(True)

        code_box = QVBoxLayout()
        code_box.addWidget(self.code)
        code_box.addWidget(self.code_help)
        code_box.addWidget(self.code_message)
        name_box = QVBoxLayout()
        name_box.addWidget(self.name)
        name_box.addWidget(self.name_message)
        form = QFormLayout(self)
        form.addRow(self.code_label, code_box)
        form.addRow(self.name_label, name_box)
        self.code.textChanged.connect(self._changed)
        self.name.textChanged.connect(self._changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("The center"))
        self.setSubTitle(_("How this installation is named in sync bundles and case numbers."))
        self.code_label.setText(_("Center &code:"))
        self.name_label.setText(_("Center &name:"))
        self.code.setPlaceholderText("GNJ")
        self.name.setPlaceholderText(_("Gəncə hüquqi yardım mərkəzi"))
        self.code_help.setText(
            _("2–5 Latin capital letters; case numbers start with it, e.g. GNJ-2026-0042.")
        )
        self._changed()

    def _upper(self, text: str) -> None:
        if text != text.upper():
            pos = self.code.cursorPosition()
            self.code.setText(text.upper())
            self.code.setCursorPosition(pos)

    def _changed(self) -> None:
        code = self.code.text()
        show_message(self.code_message, check(validation.node_code, code) if code else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not check(validation.node_code, self.code.text()) and bool(self.name.text().strip())


class AdminPage(QWizardPage):
    """The first administrator: user name, full name, password twice."""

    def __init__(self) -> None:
        super().__init__()
        self.username = QLineEdit()
        self.username.setMaxLength(32)
        self.username_message = message_label()
        self.full_name = QLineEdit()
        self.full_name.setMaxLength(200)
        self.passwords = NewPasswordFields()
        self.username_label = QLabel()
        self.full_name_label = QLabel()
        self.username_label.setBuddy(self.username)
        self.full_name_label.setBuddy(self.full_name)

        user_box = QVBoxLayout()
        user_box.addWidget(self.username)
        user_box.addWidget(self.username_message)
        form = QFormLayout()
        form.addRow(self.username_label, user_box)
        form.addRow(self.full_name_label, self.full_name)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.passwords)
        layout.addStretch(1)
        self.username.textChanged.connect(self._changed)
        self.full_name.textChanged.connect(self._changed)
        self.passwords.changed.connect(self.completeChanged)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("The first administrator"))
        self.setSubTitle(
            _("This account manages the users of this installation. Choose a long password.")
        )
        self.username_label.setText(_("&User name:"))
        self.full_name_label.setText(_("&Full name:"))
        self.username.setPlaceholderText("elchin")
        self.full_name.setPlaceholderText(_("Məmmədov Elçin Vaqif oğlu"))
        self.passwords.retranslate()
        self._changed()

    def _changed(self) -> None:
        name = self.username.text()
        show_message(self.username_message, check(validation.username, name) if name else "")
        self.passwords.set_username(name)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return (
            not check(validation.username, self.username.text())
            and bool(self.full_name.text().strip())
            and self.passwords.is_valid()
        )


class CreatePage(QWizardPage):
    """Creates the store in the background, with a busy indicator."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setCommitPage(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.busy = busy_bar()
        self.error = message_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.running = False
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Creating the data store"))
        self.setSubTitle(_("The data is encrypted; only the users you add can open it."))
        self.setButtonText(QWizard.WizardButton.CommitButton, _("&Next"))
        if self.running:
            self.status.setText(self._running_text())
        elif self._wizard.session is not None:
            self.status.setText(_("The data store is ready."))

    @staticmethod
    def _running_text() -> str:
        return _(
            "Creating the encrypted data store… This takes a few seconds: the protection of "
            "the passwords is tuned to this computer."
        )

    def initializePage(self) -> None:
        if self._wizard.session is None and not self.running:
            self.start()

    def start(self) -> None:
        self.running = True
        show_message(self.error, "")
        self.status.setText(self._running_text())
        self.busy.show()
        # QWizard sets its buttons after initializePage(); take Back away once it has.
        QTimer.singleShot(0, self._block_back)
        self._wizard.start_creation(self._created, self._failed)

    def _block_back(self) -> None:
        if self.running:
            self._wizard.button(QWizard.WizardButton.BackButton).setEnabled(False)

    def _created(self, _result: object) -> None:
        self.running = False
        self.busy.hide()
        self.status.setText(_("The data store is ready."))
        self.completeChanged.emit()
        self._wizard.next()

    def _failed(self, exc: BaseException) -> None:
        from legalaid_desktop.gui.errors import log_error, user_message

        log_error(exc, "create_store")
        self.running = False
        self.busy.hide()
        self.status.setText(_("The data store could not be created."))
        show_message(self.error, user_message(exc))
        self._wizard.button(QWizard.WizardButton.BackButton).setEnabled(True)

    def isComplete(self) -> bool:
        return self._wizard.session is not None


class RecoveryKeyPage(QWizardPage):
    """The recovery key, shown once; Finish needs the "I have stored it" confirmation."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.key = QLabel()
        # not selectable: a copy by Ctrl+C would carry none of the clipboard-history hints of
        # the Copy button (see gui/secret_clipboard.py)
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key.setWordWrap(True)
        self.key.setFont(monospace_font(18))
        self.key.setMinimumHeight(90)
        set_role(self.key, "card")
        self.print_button = QPushButton()
        self.copy_button = QPushButton()
        self.print_button.clicked.connect(self._print)
        self.copy_button.clicked.connect(self._copy)
        self.copied = QLabel()
        set_role(self.copied, "ok")
        self.stored = QCheckBox()
        self.stored.toggled.connect(self.completeChanged)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.copied)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addSpacing(6)
        layout.addWidget(self.key)
        layout.addLayout(buttons)
        layout.addSpacing(10)
        layout.addWidget(self.stored)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("The recovery key"))
        self.setSubTitle(_("It is shown only this once."))
        self.explanation.setText(
            _(
                "If every password is forgotten, this key is the only way to open the data. "
                "Print it or write it down and keep it in a safe, away from this computer. "
                "Anyone who has it can read all the data."
            )
        )
        self.print_button.setText(_("&Print…"))
        self.copy_button.setText(_("&Copy"))
        if self.copied.text():
            self.copied.setText(_("Copied."))
        self.stored.setText(_("I have &stored the recovery key in a safe place"))

    def initializePage(self) -> None:
        self.key.setText(key_lines(self._wizard.recovery_key))
        self.key.setAccessibleName(_("Recovery key"))

    def _print(self) -> None:
        print_recovery_sheet(
            self,
            key=self._wizard.recovery_key,
            node_code=self._wizard.node.code.text(),
            node_name=self._wizard.node.name.text().strip(),
        )

    def _copy(self) -> None:
        copy_secret(self._wizard.recovery_key)  # kept out of clipboard histories, cleared in 30 s
        self.copied.setText(_("Copied."))

    def isComplete(self) -> bool:
        return self.stored.isChecked()

    def nextId(self) -> int:
        return -1  # the restore pages come after it, but never after a new store

    def show_opening(self) -> None:
        """After Finish: the key is gone from the screen and the program is being opened."""
        self.print_button.setEnabled(False)
        self.copy_button.setEnabled(False)
        self.stored.setEnabled(False)
        self.copied.setText(_("Opening the program…"))

    def forget(self) -> None:
        """Remove the key from the screen (and from the clipboard if it is still there)."""
        clipboard = QGuiApplication.clipboard()
        if self._wizard.recovery_key and clipboard.text() == self._wizard.recovery_key:
            clipboard.clear()
        secret_clipboard().clear()
        self.key.clear()


class FirstRunWizard(QWizard):
    """Creates the store of a new installation.

    Args:
        data_dir: Where the store is created.
        tasks: Runs the creation in the background.
        language: The initial language of the wizard.
        create_store: :func:`legalaid_desktop.app.create` (tests pass one with fast key
            derivation parameters).

    Signals:
        created(object): emitted on Finish with the administrator's :class:`AppSession`.
        language_changed(str): the user picked another language on the first page.
    """

    created = Signal(object)
    language_changed = Signal(str)

    def __init__(
        self,
        data_dir: Path,
        tasks: TaskRunner,
        *,
        language: str = "az",
        create_store: CreateStore = _create_store,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.tasks = tasks
        self._create_store = create_store
        self.session: AppSession | None = None
        self.recovery_key = ""
        self.handing_over = False
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoDefaultButton, False)
        self.setMinimumSize(720, 560)
        self.kind = KindPage(language)
        self.node = NodePage()
        self.admin = AdminPage()
        self.create_page = CreatePage(self)
        self.key_page = RecoveryKeyPage(self)
        for page in (self.kind, self.node, self.admin, self.create_page, self.key_page):
            self.addPage(page)
        self.restore_source = RestoreSourcePage()
        self.restoring = RestoringPage(self, self.restore_source)
        self.kind.restore_page_id = self.addPage(self.restore_source)
        self.addPage(self.restoring)
        self.kind.language_chosen.connect(self.language_changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("LegalAid Desktop – first start"))
        for page in (self.kind, self.node, self.admin, self.create_page, self.key_page):
            page.retranslate()
        self.restore_source.retranslate()
        self.restoring.retranslate()
        self.setButtonText(QWizard.WizardButton.FinishButton, _("&Finish"))
        self.setButtonText(QWizard.WizardButton.NextButton, _("&Next >"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("< &Back"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("Cancel"))

    def start_creation(
        self, on_done: Callable[[object], None], on_error: Callable[[BaseException], None]
    ) -> None:
        """Create the store in the background with what the pages hold."""
        work = partial(
            self._create_store,
            self.data_dir,
            node_code=self.node.code.text(),
            node_name=self.node.name.text(),
            hq=self.kind.is_hq(),
            admin_username=self.admin.username.text().strip(),
            admin_full_name=self.admin.full_name.text(),
            admin_password=self.admin.passwords.value(),
        )

        def done(result: tuple[AppSession, str]) -> None:
            self.session, self.recovery_key = result
            self.admin.passwords.clear()
            on_done(result)

        WriteOp(self.tasks, work, success=done, failure=on_error, action="create_store").run()

    def accept(self) -> None:
        """Finish: hand the administrator's session over and wait, on screen, for the main window.

        The wizard stays visible until :meth:`close_after_handover`: hiding it first would leave
        the program without a visible window while the main window is being prepared, and Qt
        quits then (the first start ended with no main window).
        """
        restored = self.kind.restore.isChecked()
        if self.session is None or self.handing_over:
            return
        if not restored and not self.key_page.stored.isChecked():
            return
        session = self.session
        self.key_page.forget()
        self.recovery_key = ""
        self.handing_over = True
        for which in (
            QWizard.WizardButton.FinishButton,
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.CancelButton,
        ):
            button = self.button(which)
            if button is not None:
                button.setEnabled(False)
        if not restored:
            self.key_page.show_opening()
        self.created.emit(session)

    def close_after_handover(self) -> None:
        """Close the wizard once the window that follows it is on screen."""
        self.handing_over = False
        self.done(QDialog.DialogCode.Accepted.value)

    def reject(self) -> None:
        # Once the store exists, leaving before the key is acknowledged would lose it.
        if self.session is not None or self.create_page.running or self.restoring.running:
            return
        super().reject()
