"""Shows an image or a PDF attachment inside the app, so no plaintext copy lands on disk."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtPdf import QPdfDocument  # PySide6-Addons, a dependency
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from legalaid_desktop.domain.cases import AttachmentInfo
from legalaid_desktop.i18n import _

PDF = "application/pdf"


def can_show(media_type: str) -> bool:
    """Whether the viewer can show a file of this type inside the app."""
    if media_type.startswith("image/"):
        return True
    return media_type == PDF


class AttachmentViewer(QDialog):
    """A window showing one attachment's content from memory."""

    def __init__(self, info: AttachmentInfo, content: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.info = info
        self.resize(900, 700)
        layout = QVBoxLayout(self)
        self.view = self._build(info, content)
        layout.addWidget(self.view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._close = buttons.button(QDialogButtonBox.StandardButton.Close)
        QShortcut(QKeySequence.StandardKey.Close, self, self.reject)
        self.retranslate()

    def _build(self, info: AttachmentInfo, content: bytes) -> QWidget:
        if info.media_type == PDF:
            self._buffer = QBuffer(self)
            self._buffer.setData(QByteArray(content))
            self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self._document = QPdfDocument(self)
            self._document.load(self._buffer)
            view = QPdfView(self)
            view.setDocument(self._document)
            view.setPageMode(QPdfView.PageMode.MultiPage)
            view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            return view
        label = QLabel()
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pixmap = QPixmap()
        if info.media_type.startswith("image/") and pixmap.loadFromData(content):
            label.setPixmap(pixmap)
        else:
            label.setText(_("This file cannot be shown here. Use Export… to save a copy."))
        area = QScrollArea(self)
        area.setWidget(label)
        area.setWidgetResizable(True)
        return area

    def retranslate(self) -> None:
        self.setWindowTitle(self.info.file_name)
        self.view.setAccessibleName(self.info.file_name)
        self._close.setText(_("Close"))
