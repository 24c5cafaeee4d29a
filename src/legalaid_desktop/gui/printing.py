"""Printing a PDF from memory: each page is rendered and painted straight onto a ``QPrinter``.

Used by the PDF preview (case summaries, consent forms, batches). Nothing is written to a file by
this module; what the platform's print system does with the job afterwards (a spool file, a copy
kept on the print server) is described in ``docs/store-security.md``, section "Printing", and
handled by :mod:`legalaid_desktop.gui.print_spool`.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from legalaid_desktop.domain.errors import LegalAidError
from legalaid_desktop.gui.print_spool import spool_purger
from legalaid_desktop.gui.tasks import Progress
from legalaid_desktop.i18n import _, ngettext

MAX_PRINT_DPI = 300  # a page image at 300 dpi is ~35 MB; finer adds nothing to text scans


class PrintFailed(LegalAidError):
    """The document could not be printed.

    Attributes:
        pages_printed: How many pages had gone to the printer before it failed.
    """

    pages_printed = 0


def open_pdf(data: bytes) -> tuple[QPdfDocument, QBuffer]:
    """A ``QPdfDocument`` reading ``data`` from memory (keep the buffer as long as the document).

    Raises:
        PrintFailed: If the data is not a readable PDF.
    """
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        raise PrintFailed(_("The PDF could not be read."))
    return document, buffer


def pages_to_print(printer: QPrinter, page_count: int) -> list[int]:
    """The pages (0-based) chosen in the print dialog: all, or the ranges typed there."""
    if printer.printRange() == QPrinter.PrintRange.PageRange:
        ranges = printer.pageRanges()
        if not ranges.isEmpty():
            return [i for i in range(page_count) if ranges.contains(i + 1)]
        first, last = printer.fromPage(), printer.toPage()
        if first > 0:
            last = last if last >= first else page_count
            return [i for i in range(page_count) if first <= i + 1 <= last]
    return list(range(page_count))


def _fit(image_size: QSize, area: QRect) -> QRect:
    """``area``'s largest centred rectangle with the image's proportions."""
    scale = min(area.width() / image_size.width(), area.height() / image_size.height())
    width, height = round(image_size.width() * scale), round(image_size.height() * scale)
    return QRect(
        area.x() + (area.width() - width) // 2,
        area.y() + (area.height() - height) // 2,
        width,
        height,
    )


def print_pdf(data: bytes, printer: QPrinter, progress: Progress | None = None) -> int:
    """Paint the pages of a PDF onto ``printer`` (safe on a worker thread); returns pages printed.

    Each page is rendered from memory at the printer's resolution (at most 300 dpi) and scaled
    to the printable area, onto white paper; the paper follows the PDF's page size and
    orientation. The page range set on the printer (by the print dialog) is honoured. This
    function writes no file; the print service's spool is purged afterwards where the platform
    allows it (:func:`handed_over`). Qt's CUPS engine itself spools the job through a temporary
    file that it deletes (docs/store-security.md, "Printing").

    Raises:
        PrintFailed: If the printer cannot be opened or reports an error; printing stops.
    """
    document, buffer = open_pdf(data)
    try:
        return _paint(document, printer, progress)
    finally:
        document.close()
        buffer.close()
        handed_over(printer)


def to_print_service(printer: QPrinter) -> bool:
    """Whether ``printer`` sends its job to the system's print service (not to a file)."""
    return (
        printer.outputFormat() == QPrinter.OutputFormat.NativeFormat
        and not printer.outputFileName()
    )


def handed_over(printer: QPrinter) -> None:
    """After a job went to the print service: have its spooled copy deleted once it is printed
    (:mod:`legalaid_desktop.gui.print_spool`; CUPS only)."""
    if to_print_service(printer):
        spool_purger().watch()


def _paint(document: QPdfDocument, printer: QPrinter, progress: Progress | None) -> int:
    pages = pages_to_print(printer, document.pageCount())
    if not pages:
        raise PrintFailed(_("The chosen pages are not in this document."))
    _set_paper(printer, document.pagePointSize(pages[0]))
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintFailed(
            _("The printer could not be opened. Check that it is connected and try again.")
        )
    printed = 0
    failure: PrintFailed | None = None
    try:
        for n, index in enumerate(pages):
            if progress is not None:
                if progress.cancelled:
                    printer.abort()
                    break
                progress.report(n, len(pages))
            if n:
                _set_paper(printer, document.pagePointSize(index))
                if not printer.newPage():
                    raise PrintFailed(
                        ngettext(
                            "The printer stopped after {n} page.",
                            "The printer stopped after {n} pages.",
                            n,
                        ).format(n=n)
                    )
            _draw_page(document, index, printer, painter)
            printed += 1
    except PrintFailed as exc:
        failure = exc
    finally:
        ended = painter.end()
    if failure is None and (not ended or printer.printerState() == QPrinter.PrinterState.Error):
        failure = PrintFailed(_("The printer reported an error; the document may be incomplete."))
    if failure is not None:
        failure.pages_printed = printed
        raise failure
    if progress is not None:
        progress.report(len(pages), len(pages))
    return printed


def _draw_page(document: QPdfDocument, index: int, printer: QPrinter, painter: QPainter) -> None:
    size = document.pagePointSize(index)
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    pixels = QSize(math.ceil(size.width() * dpi / 72), math.ceil(size.height() * dpi / 72))
    image = document.render(index, pixels)
    if image.isNull():
        raise PrintFailed(_("Page {page} could not be rendered.").format(page=index + 1))
    painter.drawImage(_fit(image.size(), painter.viewport()), on_white(image))


def on_white(image: QImage) -> QImage:
    """``image`` painted onto white paper, opaque.

    QtPdf renders a page onto a transparent background: where nothing is drawn the pixels are
    transparent black, and an opaque format (``RGB32``) keeps them black. Compositing over white
    gives what the page looks like on paper.
    """
    paper = QImage(image.size(), QImage.Format.Format_RGB32)
    paper.setDevicePixelRatio(image.devicePixelRatio())
    paper.fill(Qt.GlobalColor.white)
    painter = QPainter(paper)
    painter.drawImage(0, 0, image)
    painter.end()
    return paper


def _set_paper(printer: QPrinter, points: QSizeF) -> None:
    """Paper of the PDF page's size (A4 is matched to the printer's A4), turned as the page is."""
    width, height = points.width(), points.height()
    if width <= 0 or height <= 0:
        return
    portrait = QSizeF(min(width, height), max(width, height))
    size = QPageSize(portrait, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    printer.setPageSize(size)
    printer.setPageOrientation(
        QPageLayout.Orientation.Landscape if width > height else QPageLayout.Orientation.Portrait
    )
