"""Choose a client by typing: name in any script, phone or case number (search-as-you-type)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from legalaid_desktop.domain.search import SearchHit
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.tasks import QueryOp
from legalaid_desktop.i18n import _

DEBOUNCE_MS = 250
LIMIT = 12
_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class ClientPicker(QWidget):
    """A search field with a result list; Down moves into the list, Enter chooses.

    Signals:
        client_chosen(str, str): the chosen client's id and name ("", "" when cleared).
    """

    client_chosen = Signal(str, str)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._client_id = ""
        self._client_name = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._search)
        self.edit = QLineEdit(self)
        self.edit.setClearButtonEnabled(True)
        self.results = QListWidget(self)
        self.results.setMaximumHeight(150)
        self.results.hide()
        self.chosen_label = QLabel(self)
        self.chosen_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.edit)
        layout.addWidget(self.results)
        layout.addWidget(self.chosen_label)
        self.setFocusProxy(self.edit)
        self.edit.textEdited.connect(self._typed)
        self.edit.installEventFilter(self)
        self.results.itemActivated.connect(self._choose_item)
        self.results.itemClicked.connect(self._choose_item)
        self.retranslate()

    # -- value ----------------------------------------------------------------------------------

    def client_id(self) -> str:
        return self._client_id

    def client_name(self) -> str:
        return self._client_name

    def set_client(self, client_id: str, name: str) -> None:
        """Preselect a client (e.g. when a case is opened from the client's record)."""
        self._client_id, self._client_name = client_id, name
        self.edit.setText(name)
        self.results.hide()
        self._show_chosen()
        self.client_chosen.emit(client_id, name)

    # -- searching ------------------------------------------------------------------------------

    def _typed(self, text: str) -> None:
        if self._client_id:
            self._client_id, self._client_name = "", ""
            self._show_chosen()
            self.client_chosen.emit("", "")
        if text.strip():
            self._timer.start()
        else:
            self._timer.stop()
            running = self._ctx.tasks.latest(self, "search")
            if running is not None:
                running.discard()
            self.results.clear()
            self.results.hide()

    def _search(self) -> None:
        text = self.edit.text()
        search = self._ctx.services.search
        QueryOp(
            self._ctx.tasks,
            lambda: search.search(text, limit=LIMIT, kinds=("client",)),
            success=self._show_results,
            parent=self,
        ).latest("search").run()

    def _show_results(self, hits: list[SearchHit]) -> None:
        self.results.clear()
        for hit in hits:
            item = QListWidgetItem(f"{hit.title}  —  {hit.subtitle}" if hit.subtitle else hit.title)
            item.setData(_ID_ROLE, (hit.ref_id, hit.title))
            self.results.addItem(item)
        if not hits:
            item = QListWidgetItem(_("No client found."))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.results.addItem(item)
        self.results.show()

    def _choose_item(self, item: QListWidgetItem) -> None:
        data = item.data(_ID_ROLE)
        if data:
            self.set_client(*data)
            self.edit.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
        ):
            if event.key() == Qt.Key.Key_Down and self.results.isVisible() and self.results.count():
                self.results.setFocus()
                self.results.setCurrentRow(0)
                return True
        return super().eventFilter(watched, event)

    # -- texts ----------------------------------------------------------------------------------

    def _show_chosen(self) -> None:
        if self._client_id:
            self.chosen_label.setText(_("Chosen client: {name}").format(name=self._client_name))
        else:
            self.chosen_label.setText(_("No client chosen yet."))

    def retranslate(self) -> None:
        self.edit.setPlaceholderText(_("Type a name, phone or case number…"))
        self.edit.setAccessibleName(_("Find client"))
        self.results.setAccessibleName(_("Clients found"))
        self._show_chosen()
