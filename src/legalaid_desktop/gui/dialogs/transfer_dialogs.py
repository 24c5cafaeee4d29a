"""Move a case to another center of the network (issue 19, docs/case-life.md).

A center's manager or administrator asks HQ (:class:`RequestTransferDialog`); HQ decides and
transfers (:class:`TransferDialog`), with the request's center and reason filled in when it
answers one. Both take the target center from the centers of the network this store knows
(the case view and the Sync screen read them in the background and pass them in) and a reason,
which travels with the request or the transfer. The services check again who may do what and
put a refused reason back at its field (:class:`FormDialog`); an unknown or wrong center is
shown above the buttons.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QComboBox, QWidget

from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.case_dialogs import text_box
from legalaid_desktop.gui.dialogs.correction_dialogs import add_note
from legalaid_desktop.gui.dialogs.form_dialog import FormDialog
from legalaid_desktop.gui.tasks import Change
from legalaid_desktop.gui.widgets import checks
from legalaid_desktop.i18n import _

Center = tuple[str, str]
"""A center of the network: (code, name)."""


def center_text(code: str, name: str) -> str:
    """``QBA — Quba mərkəzi`` (the code alone when the name is the code)."""
    return code if not name or name == code else f"{code} — {name}"


class _TransferForm(FormDialog):
    """The target center and the reason; the subclasses say what saving means."""

    def __init__(
        self,
        ctx: GuiContext,
        number: str,
        centers: Sequence[Center],
        to_node: str = "",
        reason: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.number = number
        self.centers = tuple(centers)
        self.setMinimumWidth(560)
        self.target = QComboBox(self)
        self.target.addItem("", None)
        for code, name in self.centers:
            self.target.addItem(center_text(code, name), code)
        self.reason = text_box(self, 90)
        self.add_field("to_node", lambda: _("&To center"), self.target)
        self.add_field("reason", lambda: _("&Reason"), self.reason)
        self.finish_layout()
        self.note = add_note(self)
        if to_node:
            self.set_center(to_node)
        self.reason.setPlainText(reason)

    def set_center(self, code: str) -> None:
        """Choose center ``code`` (nothing chosen when it is not one of the centers offered)."""
        self.target.setCurrentIndex(max(self.target.findData(code.strip().upper()), 0))

    def center(self) -> str:
        value = self.target.currentData()
        return value if isinstance(value, str) else ""

    def validate(self) -> dict[str, str]:
        found = {
            "to_node": checks.chosen(
                self.center(),
                _("Choose the center.")
                if self.centers
                else _("No other center is known here yet; HQ's next bundle brings them."),
            ),
            "reason": checks.required(self.reason.toPlainText(), _("Reason")),
        }
        return {name: message for name, message in found.items() if message}

    def note_text(self) -> str:
        return ""

    def retranslate_extra(self) -> None:
        self.target.setItemText(0, _("Choose…"))
        self.reason.setPlaceholderText(_("e.g. the client moved to Quba; a conflict of interest"))
        self.note.setText(self.note_text())


class RequestTransferDialog(_TransferForm):
    """A center asks HQ to transfer case ``number`` to another center (``centers``: the
    network's centers but this one). Filled in with a request made before (asking again
    replaces it)."""

    changes = frozenset({Change.CASES})

    def __init__(
        self,
        ctx: GuiContext,
        number: str,
        centers: Sequence[Center],
        to_node: str = "",
        reason: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, number, centers, to_node, reason, parent)
        self.retranslate()

    def save_call(self) -> Callable[[], Any]:
        number, target, why = self.number, self.center(), self.reason.toPlainText()
        sync = self.ctx.services.sync
        return lambda: sync.request_transfer(number, target, why)

    def window_title(self) -> str:
        return _("Ask HQ to transfer case {number}").format(number=self.number)

    def note_text(self) -> str:
        return _(
            "The request goes to HQ with the next bundle, and HQ decides. Until then the case "
            "stays with this center and is worked on here as before."
        )

    def retranslate_extra(self) -> None:
        super().retranslate_extra()
        self.save_button.setText(_("Send request"))


class TransferDialog(_TransferForm):
    """HQ transfers case ``number`` to another center (``centers``: the network's centers but
    the case's own), answering a center's request when ``to_node``/``reason`` come from it."""

    changes = frozenset({Change.CASES, Change.SYNC})

    def __init__(
        self,
        ctx: GuiContext,
        number: str,
        centers: Sequence[Center],
        to_node: str = "",
        reason: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, number, centers, to_node, reason, parent)
        self.retranslate()

    def save_call(self) -> Callable[[], Any]:
        number, target, why = self.number, self.center(), self.reason.toPlainText()
        sync = self.ctx.services.sync
        return lambda: sync.transfer_case(number, target, why)

    def window_title(self) -> str:
        return _("Transfer case {number}").format(number=self.number)

    def note_text(self) -> str:
        return _(
            "The center chosen receives the case with its client and everything under it in "
            "its next bundle from HQ, to assign a lawyer there. The reason goes with it. The "
            "center that had the case can no longer change it."
        )

    def retranslate_extra(self) -> None:
        super().retranslate_extra()
        self.save_button.setText(_("Transfer"))
