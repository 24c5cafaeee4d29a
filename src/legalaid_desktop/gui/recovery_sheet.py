"""The recovery key on paper: one printed page, drawn straight to the printer.

The program writes the key to no file: the print dialog offers no "print to file", and the page
is painted directly on the printer device. The print service spools the job; its copy is purged
once printed where the platform allows it (gui/print_spool.py), and the user is told once that
the printer's computer may keep a copy (gui/print_notice.py).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QPainter
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from legalaid_desktop.gui.application import monospace_font, ui_font_family
from legalaid_desktop.gui.print_notice import tell_once
from legalaid_desktop.gui.print_spool import job_title
from legalaid_desktop.gui.printing import handed_over
from legalaid_desktop.gui.ui_settings import UiSettings
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.i18n.formatting import format_date


def key_lines(key: str, groups_per_line: int = 7) -> str:
    """The recovery key on two lines of groups, so it never wraps in the middle of a group."""
    groups = key.split("-")
    return "\n".join(
        "-".join(groups[i : i + groups_per_line]) for i in range(0, len(groups), groups_per_line)
    )


def paint_recovery_sheet(
    painter: QPainter,
    page: QRectF,
    *,
    key: str,
    node_code: str,
    node_name: str,
    on: date | None = None,
) -> None:
    """Draw the sheet (title, node, date, the key large, what to do with it) inside ``page``."""
    margin = page.width() * 0.08
    area = page.adjusted(margin, margin, -margin, -margin)
    y = area.top()
    unit = area.width() / 60.0  # text sizes relative to the page, whatever the device

    def block(text: str, font: QFont, gap: float) -> None:
        nonlocal y
        painter.setFont(font)
        rect = QRectF(area.left(), y, area.width(), area.bottom() - y)
        bounds = painter.boundingRect(rect, int(Qt.TextFlag.TextWordWrap), text)
        painter.drawText(rect, int(Qt.TextFlag.TextWordWrap), text)
        y += bounds.height() + gap

    family = ui_font_family()
    title = QFont(family)
    title.setPixelSize(max(1, round(unit * 2.2)))
    title.setBold(True)
    body = QFont(family)
    body.setPixelSize(max(1, round(unit * 1.2)))
    key_font = monospace_font(12)
    key_font.setPixelSize(max(1, round(unit * 2.0)))
    key_font.setBold(True)

    block(_("LegalAid Desktop: recovery key"), title, unit * 2)
    block(
        _("Center: {code} – {name}").format(code=node_code, name=node_name)
        + "\n"
        + _("Date: {date}").format(date=format_date(on or today())),
        body,
        unit * 3,
    )
    block(key_lines(key), key_font, unit * 3)
    block(
        _(
            "This key opens the data store if every password is lost. Keep this sheet in a "
            "locked safe, away from the computer. Anyone who has it can read every client "
            "record of this center."
        ),
        body,
        0,
    )


def print_recovery_sheet(
    parent: QWidget | None,
    *,
    key: str,
    node_code: str,
    node_name: str,
    settings: UiSettings | None = None,
) -> bool:
    """Ask for a printer and print the sheet; ``False`` if the user cancelled."""
    tell_once(parent, settings or UiSettings(), None)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
    printer.setDocName(job_title(_("Recovery key")))
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print the recovery key"))
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    if printer.outputFileName():
        printer.setOutputFileName("")  # a file is exactly what must not be written
        return False
    print_sheet(printer, key=key, node_code=node_code, node_name=node_name)
    return True


def print_sheet(printer: QPrinter, *, key: str, node_code: str, node_name: str) -> None:
    """Paint the sheet on ``printer`` (chosen in the print dialog); the print service's copy
    of the job is purged once it is printed, where the platform allows it."""
    printer.setDocName(job_title(_("Recovery key")))
    painter = QPainter(printer)
    try:
        paint_recovery_sheet(
            painter,
            printer.pageRect(QPrinter.Unit.DevicePixel),
            key=key,
            node_code=node_code,
            node_name=node_name,
        )
    finally:
        painter.end()
        handed_over(printer)
