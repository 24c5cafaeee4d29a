"""The one-time notice before printing: the print service may keep a copy of what is printed.

Shown to each user the first time they print (and in the first-run wizard before the recovery
sheet is printed), then remembered in the UI settings (:meth:`UiSettings.print_notice_seen`).
What it says is explained in docs/store-security.md, section "Printing".
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from legalaid_desktop.gui.ui_settings import UiSettings
from legalaid_desktop.i18n import _


def notice_text() -> str:
    return _(
        "A printed document passes through this computer's print service and, for a network "
        "printer, through the print server or the printer itself. They may keep a copy of it "
        "after printing. LegalAid Desktop asks this computer's print service to delete its "
        "copy as soon as the pages are printed, where the system allows it, but it cannot reach "
        "copies kept on other computers or in the printer. Print client records only on "
        "printers your center controls."
    )


def notice_box(parent: QWidget | None) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(_("Printing"))
    box.setText(_("The printer's computer may keep a copy of what you print."))
    box.setInformativeText(notice_text())
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


def before_printing(
    parent: QWidget, settings: UiSettings, username: str | None, then: Callable[[], None]
) -> QMessageBox | None:
    """Call ``then`` (open the print dialog) — after the notice, the first time for this user.

    The notice is window-modal and opened without a nested event loop; it is remembered as
    seen when the user closes it. Returns the notice while it is shown, else ``None``.
    """
    if settings.print_notice_seen(username):
        then()
        return None
    box = notice_box(parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)

    def seen(_result: int) -> None:
        settings.set_print_notice_seen(username)
        then()

    box.finished.connect(seen)
    box.open()
    return box


def tell_once(parent: QWidget | None, settings: UiSettings, username: str | None) -> None:
    """The notice as a blocking dialog (for code that already blocks in ``exec()``)."""
    if settings.print_notice_seen(username):
        return
    notice_box(parent).exec()
    settings.set_print_notice_seen(username)
