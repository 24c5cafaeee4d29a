"""The conflict banner while a name is typed: grouped, bounded, and the dialog stays on screen.

Defect 3 of issue 17: after a few re-checks the banner filled with blank gaps and the client
dialog grew to 1537 px on a 1000 px screen, Save off it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget

from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import ClientInput, ConsentInput
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.client_dialog import ClientDialog
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.gui.widgets.conflict_banner import MAX_LIST_HEIGHT
from legalaid_desktop.i18n.dates import today

WAIT = 15_000
GIVEN = (
    "Anar",
    "Elnur",
    "Kamal",
    "Orxan",
    "Tural",
    "Vüsal",
    "Zaur",
    "Emin",
    "Fuad",
    "Cavid",
    "Ramil",
    "Samir",
    "Nicat",
    "Elvin",
    "Rauf",
    "Rövşən",
    "İlkin",
    "Elşən",
    "Mübariz",
    "Pərviz",
    "Qabil",
    "Yaşar",
    "Həsən",
    "Murad",
)


@pytest.fixture
def gui_ctx(qapp: object, admin_session: app.AppSession) -> Iterator[GuiContext]:
    i18n.set_language("en")
    ctx = GuiContext(services=admin_session, tasks=TaskRunner(), catalog=admin_session.reference())
    errors: list[BaseException] = []
    ctx.tasks.error_handler = errors.append
    yield ctx
    ctx.tasks.wait()
    assert errors == []


def _register(ctx: GuiContext, name: str, year: int | None = None) -> str:
    info = ctx.services.clients.register(
        ClientInput(full_name=name, gender="male", region="AZ-GA", birth_year=year),
        ConsentInput(given_on=today()),
        ConflictDecisionInput("no_conflict"),  # the same person several times, on purpose
    )
    return info.id


def _visible_in(widget: QWidget, dialog: QWidget) -> bool:
    """Whether ``widget`` is shown wholly inside ``dialog``'s area."""
    top_left = widget.mapTo(dialog, QPoint(0, 0))
    return (
        widget.isVisible()
        and top_left.y() >= 0
        and top_left.y() + widget.height() <= dialog.height()
    )


def _type_and_wait(qtbot: Any, dialog: ClientDialog, text: str) -> None:
    for ch in text:
        qtbot.keyClicks(dialog.name, ch) if ch.isascii() else _type_unicode(dialog.name, ch)
    qtbot.waitUntil(lambda: not dialog.banner.pending(), timeout=WAIT)
    qtbot.wait(30)  # the layout's queued fitting


def _type_unicode(widget: QWidget, ch: str) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(
            widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
        )


def test_many_rechecks_keep_the_banner_bounded_and_save_on_screen(
    qtbot: Any, gui_ctx: GuiContext
) -> None:
    for given in GIVEN:  # 24 people who only share the surname
        _register(gui_ctx, f"Əliyev {given}")
    same = [_register(gui_ctx, "Əliyev Rəşad İsmayıl oğlu", 1980 + i) for i in range(6)]
    dialog = ClientDialog(gui_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    available = dialog.screen().availableGeometry().height()

    heights = []
    for piece in ("Əliyev R", "ə", "ş", "a", "d", " İs", "may", "ıl", " o", "ğlu"):
        _type_and_wait(qtbot, dialog, piece)
        banner = dialog.banner
        assert banner.isVisible()
        assert banner.list_height() <= MAX_LIST_HEIGHT
        assert banner.height() <= MAX_LIST_HEIGHT + 120, banner.height()
        assert dialog.frameGeometry().height() <= available, (dialog.height(), available)
        assert _visible_in(dialog.save_button, dialog)
        heights.append(banner.height())
    # The content is replaced, never piled up: the banner holds one content widget.
    groups = dialog.banner.groups()
    assert {h.ref_id for h in groups.same_person} == set(same)
    assert len(groups.same_surname) >= 10
    assert dialog.banner.needs_decision()
    assert "record a decision" in dialog.banner.text()
    assert max(heights) <= MAX_LIST_HEIGHT + 120


def test_only_a_shared_surname_is_folded_and_not_red(qtbot: Any, gui_ctx: GuiContext) -> None:
    for given in GIVEN[:12]:
        _register(gui_ctx, f"Quliyev {given}")
    dialog = ClientDialog(gui_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    _type_and_wait(qtbot, dialog, "Quliyev Tahir")
    banner = dialog.banner
    assert banner.isVisible()
    assert not banner.needs_decision()
    assert "No strong match." in banner.text()
    assert "Same surname: 12 people" in banner.text()
    assert "#fdecea" not in banner.styleSheet()  # not the red of a decision
    toggle = banner.surname_toggle
    assert toggle is not None and not toggle.isChecked()
    assert "Quliyev Anar" not in banner.text()  # folded: one line
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)  # opens on demand
    assert "Quliyev Anar" in banner.text()
    assert banner.list_height() <= MAX_LIST_HEIGHT
