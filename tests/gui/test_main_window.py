"""The main window: idle lock and unlock, the search palette, dashboard, administration."""

# ruff: noqa: F811 - fixtures are imported by name from gui_fixtures (see there why)

from __future__ import annotations

from gui_fixtures import (  # noqa: F401 - fixtures
    CLIENT_NAME,
    main_window,
    opened_admin,
    sample_data,
    tasks,
    ui_settings,
)
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from visible_text import normal, translation, untranslated, visible_texts

from conftest import ADMIN_PASSWORD
from legalaid_desktop.app import AppSession
from legalaid_desktop.gui.main_window import MainWindow
from legalaid_desktop.gui.pages.admin import AdminPage
from legalaid_desktop.gui.pages.dashboard import DashboardPage


def test_idle_lock_drops_the_store_and_unlock_restores(
    qtbot: QtBot, main_window: MainWindow, admin_session: AppSession
) -> None:
    window = main_window
    window.idle.set_timeout(0.2)
    with qtbot.waitSignal(window.store_closed, timeout=10_000):
        qtbot.waitUntil(lambda: window.locked, timeout=5000)
        assert window.screens.currentWidget() is window.lock_screen
        assert window.pages == {} and window.stack.count() == 0  # no client data in widgets
        assert window.ctx is None and window.search_palette is None
        assert not window.search_action.isEnabled()
    assert admin_session.ws.store.closed  # the key is wiped with the store
    assert "admin" in window.lock_screen.who.text()

    # a wrong password keeps it locked
    window.lock_screen.password.setText("wrong password")
    qtbot.mouseClick(window.lock_screen.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.lock_screen.message.isVisibleTo(window), timeout=10_000)
    assert window.locked
    assert window.lock_screen.message.text() == "The password is wrong."

    window.idle.set_timeout(600)  # no second lock while the test types
    window.lock_screen.password.setText(ADMIN_PASSWORD)
    with qtbot.waitSignal(window.lock_changed, timeout=10_000):
        qtbot.mouseClick(window.lock_screen.unlock_button, Qt.MouseButton.LeftButton)
    assert not window.locked
    assert window.screens.currentWidget() is window.content
    assert window.ctx is not None and not window.ctx.services.ws.store.closed
    assert {s.key for s in window.specs} >= {"dashboard", "admin", "settings"}
    assert window.current_key() == "dashboard"
    assert window.search_action.isEnabled()


def test_ctrl_l_locks(qtbot: QtBot, main_window: MainWindow) -> None:
    assert main_window.lock_action.shortcut().toString() == "Ctrl+L"
    with qtbot.waitSignal(main_window.store_closed, timeout=10_000):
        main_window.lock_action.trigger()
    assert main_window.locked


def test_idle_time_comes_from_settings(qtbot: QtBot, main_window: MainWindow) -> None:
    settings_page = main_window.page("settings")
    settings_page.idle.setValue(7)  # type: ignore[attr-defined]
    assert main_window.idle.timeout == 7 * 60
    assert main_window.settings.idle_minutes("admin") == 7


def test_search_palette_finds_client_by_partial_name(
    qtbot: QtBot, sample_data: dict[str, str], main_window: MainWindow
) -> None:
    window = main_window
    assert window.search_action.shortcut().toString() == "Ctrl+K"
    window.search_action.trigger()
    palette = window.search_palette
    assert palette is not None and palette.isVisible()
    palette.field.setText("Rəşa")  # QTest types ASCII only; textChanged is what counts
    qtbot.waitUntil(lambda: bool(palette.hit_items()), timeout=5000)
    hits = palette.hit_items()
    assert hits[0].kind == "client" and hits[0].title == CLIENT_NAME
    # grouped: a heading row comes first
    assert not (palette.results.item(0).flags() & Qt.ItemFlag.ItemIsSelectable)
    with qtbot.waitSignal(palette.open_client, timeout=2000) as opened:
        qtbot.keyClick(palette.field, Qt.Key.Key_Return)
    assert opened.args == [sample_data["client_id"]]
    assert window.current_key() == "clients"


def test_search_palette_opens_case_and_ignores_stale_answers(
    qtbot: QtBot, sample_data: dict[str, str], main_window: MainWindow
) -> None:
    window = main_window
    window.show_search()
    palette = window.search_palette
    assert palette is not None
    qtbot.keyClicks(palette.field, sample_data["case_number"])
    qtbot.waitUntil(lambda: bool(palette.hit_items()), timeout=5000)
    stale = palette._generation - 1
    palette._show(stale, [])  # an older query's answer arriving late changes nothing
    assert palette.hit_items()
    cases = [h for h in palette.hit_items() if h.kind == "case"]
    assert cases
    while palette.results.currentItem().data(Qt.ItemDataRole.UserRole + 1) != cases[0]:
        qtbot.keyClick(palette.field, Qt.Key.Key_Down)
    with qtbot.waitSignal(palette.open_case, timeout=2000) as opened:
        qtbot.keyClick(palette.field, Qt.Key.Key_Enter)
    assert opened.args == [sample_data["case_number"]]
    assert window.current_key() == "case_view"


def test_dashboard_shows_counts_and_overdue(
    qtbot: QtBot, sample_data: dict[str, str], main_window: MainWindow
) -> None:
    page = main_window.page("dashboard")
    assert isinstance(page, DashboardPage)
    qtbot.waitUntil(lambda: page.data is not None, timeout=5000)
    assert page.figure("my_open_cases") == "1"
    assert page.figure("month_new_clients") == "1"
    assert page.figure("month_consultations") == "1"
    assert page.sync_card.value.text() == "—"
    assert page.sync_card.toolTip() == "No sync yet"
    assert page.overdue.count() == 1 and page.week.count() == 1
    overdue = page.overdue.item(0)
    assert sample_data["case_number"] in overdue.text()
    assert overdue.foreground().color().red() > 150
    with qtbot.waitSignal(page.open_case, timeout=2000) as opened:
        page.overdue.itemActivated.emit(overdue)
    assert opened.args == [sample_data["case_number"]]
    assert main_window.current_key() == "case_view"


def test_a_long_agenda_shows_the_first_items_and_how_many_more(
    qtbot: QtBot, main_window: MainWindow
) -> None:
    """At HQ a user may have thousands of follow-ups: the list keeps to a page and says the rest."""
    from datetime import date, timedelta

    from legalaid_desktop.domain.cases import AgendaItem
    from legalaid_desktop.gui.pages.dashboard import AGENDA_ROWS_SHOWN

    page = main_window.page("dashboard")
    assert isinstance(page, DashboardPage)
    qtbot.waitUntil(lambda: page.data is not None, timeout=5000)
    many = [
        AgendaItem(
            "deadline",
            f"id{i}",
            f"GNJ-2026-{i:04}",
            date(2026, 1, 1) + timedelta(i),
            "Apellyasiya şikayəti",
            False,
            "leyla",
        )
        for i in range(AGENDA_ROWS_SHOWN + 1234)
    ]
    page._fill_list(page.overdue, many, "", red=True)
    assert page.overdue.count() == AGENDA_ROWS_SHOWN + 1
    assert "GNJ-2026-0000" in page.overdue.item(0).text()
    last = page.overdue.item(AGENDA_ROWS_SHOWN)
    assert last.text() == "1,234 more items: see the Calendar."
    assert not last.flags() & Qt.ItemFlag.ItemIsEnabled


def test_admin_page_lists_users_verifies_and_shows_audit(
    qtbot: QtBot, main_window: MainWindow
) -> None:
    main_window.go("admin")
    page = main_window.page("admin")
    assert isinstance(page, AdminPage)
    qtbot.waitUntil(lambda: page.users.table.rowCount() == 1, timeout=5000)
    assert page.users.table.item(0, 0).text() == "admin"
    assert page.users.table.item(0, 2).text() == "Administrator"

    qtbot.mouseClick(page.maintenance.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.maintenance.report is not None, timeout=10_000)
    assert page.maintenance.result.text().startswith("The data store is intact.")

    assert page.audit is not None
    page.tabs.setCurrentWidget(page.audit)
    qtbot.waitUntil(lambda: page.audit.table.rowCount() > 0, timeout=5000)
    rows = range(page.audit.table.rowCount())
    codes = {page.audit.table.item(r, 3).toolTip() for r in rows}
    assert {"store_created", "db_verified"} <= codes
    actions = {page.audit.table.item(r, 3).text() for r in rows}  # shown translated
    assert {"Data store created", "Data store verified"} <= actions


def test_admin_adds_and_revokes_a_user(qtbot: QtBot, main_window: MainWindow) -> None:
    from legalaid_desktop.gui.dialogs.user_dialog import AddUserDialog

    main_window.go("admin")
    page = main_window.page("admin")
    assert isinstance(page, AdminPage)
    users = page.users
    qtbot.waitUntil(lambda: users.table.rowCount() == 1, timeout=5000)
    dialog = AddUserDialog(users.ctx, users)
    qtbot.addWidget(dialog)
    dialog.username.setText("nigar")
    dialog.full_name.setText("Quliyeva Nigar Rəşid qızı")
    dialog.role.setCurrentIndex(dialog.role.findData("lawyer"))
    assert not dialog.ok_button().isEnabled()
    dialog.passwords.password.setText("Lankaran-tea-2026")
    dialog.passwords.repeat.setText("Lankaran-tea-2026")
    assert dialog.ok_button().isEnabled()
    dialog.accepted.connect(lambda: users._added(dialog))
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.submit()
    qtbot.waitUntil(lambda: users.table.rowCount() == 2, timeout=5000)
    users.table.selectRow([u.username for u in users.users].index("nigar"))
    assert users.revoke_button.isEnabled()
    users._revoke_confirmed(users.selected())  # the confirmation box is tested by hand
    qtbot.waitUntil(lambda: "revoked" in users.message.text(), timeout=10_000)
    qtbot.waitUntil(
        lambda: any(u.username == "nigar" and not u.active for u in users.users), timeout=5000
    )


def test_language_switch_at_runtime(qtbot: QtBot, main_window: MainWindow) -> None:
    from legalaid_desktop import i18n

    page = main_window.page("settings")
    assert page.language.currentData() == "en"  # type: ignore[attr-defined]
    english = visible_texts(main_window)
    messages = untranslated(english, "ru")
    assert "Dashboard" in english and len(messages) >= 5, english
    page.language.setCurrentIndex(page.language.findData("ru"))  # type: ignore[attr-defined]
    assert i18n.current_language() == "ru"
    assert main_window.ctx is not None and main_window.ctx.language == "ru"
    assert main_window.settings.language("admin") == "ru"
    # What the window shows (the navigation, the settings page, the menus' and toolbar's
    # buttons) is in Russian, every message shown before in English.
    russian = visible_texts(main_window)
    assert untranslated(russian, "ru") == [], russian
    assert {normal(translation(t, "ru") or "") for t in messages} <= {normal(t) for t in russian}
    assert main_window.nav.item(0).text() == translation("Dashboard", "ru")
    page.language.setCurrentIndex(page.language.findData("en"))  # type: ignore[attr-defined]
    assert main_window.nav.item(0).text() == "Dashboard"
    assert untranslated(visible_texts(main_window), "ru")
