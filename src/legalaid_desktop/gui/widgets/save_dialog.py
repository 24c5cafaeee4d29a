"""The "save as" file dialog every export and report opens: window-modal, not blocking the event
loop (the tests and the screen reader see it), the suffix added after the chosen file type."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWidget


def save_file_dialog(
    parent: QWidget,
    title: str,
    suggested: str,
    kinds: Sequence[tuple[str, str]],
    chosen: Callable[[Path], object],
) -> QFileDialog:
    """Open a dialog to save a file; ``chosen`` gets the path the user accepts.

    Args:
        parent: The window the dialog belongs to.
        title: The dialog's title (translated).
        suggested: The file name (or path) offered.
        kinds: The file types offered, ``(filter, suffix)``, e.g. ``("Excel workbooks
            (*.xlsx)", "xlsx")``; the first is chosen, and a name typed without a suffix gets
            the suffix of the type chosen.
        chosen: Called with the accepted path.

    Returns:
        The open dialog (deleted when it closes).
    """
    filters = [f for f, _suffix in kinds]
    suffixes = dict(kinds)
    dialog = QFileDialog(parent, title, suggested, ";;".join(filters))
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix(kinds[0][1])
    dialog.filterSelected.connect(
        lambda selected: dialog.setDefaultSuffix(suffixes.get(selected, kinds[0][1]))
    )
    dialog.selectFile(suggested)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.fileSelected.connect(lambda path: chosen(Path(path)))
    dialog.open()
    return dialog
