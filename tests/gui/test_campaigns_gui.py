"""The Campaigns screen (list, a campaign's cases and figures, "New campaign") and the case
view's "Campaign" choice that links and unlinks a case."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from legalaid_desktop import app, i18n
from legalaid_desktop.domain.campaigns import CampaignInput
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput, ConsultationInput
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.campaign_dialog import CampaignDialog
from legalaid_desktop.gui.pages.campaigns import CampaignsPage
from legalaid_desktop.gui.pages.case_view import CaseView
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.store.models import Case

WAIT = 15_000
LEYLA, LEYLA_PASSWORD = "leyla", "Xazar-sea-2026"


def _ctx(session: app.AppSession) -> GuiContext:
    ctx = GuiContext(services=session, tasks=TaskRunner(), catalog=session.reference())
    return ctx


@pytest.fixture
def gui_ctx(qapp: object, admin_session: app.AppSession) -> Iterator[GuiContext]:
    i18n.set_language("en")  # the texts below are compared in English
    ctx = _ctx(admin_session)
    errors: list[BaseException] = []
    ctx.tasks.error_handler = errors.append
    yield ctx
    ctx.tasks.wait()
    assert errors == []


@pytest.fixture
def world(gui_ctx: GuiContext) -> dict[str, str]:
    """A campaign with the admin's case linked (two consultations), and Leyla's case."""
    s = gui_ctx.services
    s.users.add(LEYLA, "Hüseynova Leyla Əli qızı", "lawyer", LEYLA_PASSWORD)
    client = s.clients.register(
        ClientInput(full_name="Quliyeva Aynur Vaqif qızı", gender="female", region="AZ-GA"),
        ConsentInput(given_on=today()),
    )
    mine = s.cases.open(CaseInput(client.id, "social", "Pensiya gecikir")).number
    theirs = s.cases.open(CaseInput(client.id, "utilities", "Qaz", lawyer=LEYLA)).number
    s.records.add_consultation(mine, ConsultationInput(notes="Görüş"))
    s.records.add_consultation(mine, ConsultationInput(notes="Zəng", mode="phone"))
    campaign = s.campaigns.add(
        CampaignInput(
            "Pensiya hüquqları",
            "social",
            ("Gəncə Qadın Təşəbbüsləri",),
            date(2026, 1, 1),
            date(2026, 12, 31),
            "Bələdiyyə ilə görüş",
        )
    )
    s.campaigns.add(CampaignInput("Su təchizatı", "utilities"))
    s.campaigns.link(campaign.id, mine)
    return {"campaign": campaign.id, "mine": mine, "theirs": theirs}


def _campaign_of(session: app.AppSession, number: str) -> str | None:
    with session.ws.read() as r:
        return r.scalar(select(Case.campaign_id).where(Case.number == number))


def test_the_page_lists_campaigns_and_shows_one_with_its_cases_and_figures(
    qtbot: Any, gui_ctx: GuiContext, world: dict[str, str]
) -> None:
    page = CampaignsPage(gui_ctx)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitUntil(lambda: page.list.rowCount() == 2, timeout=WAIT)
    assert [page.list.item(r, 0).text() for r in range(2)] == [
        "Pensiya hüquqları",
        "Su təchizatı",
    ]
    assert page.list.item(0, 2).text() == "01.01.2026 – 31.12.2026"
    assert page.list.item(0, 3).text() == "1"
    qtbot.waitUntil(lambda: page.detail is not None, timeout=WAIT)
    assert page.title_label.text() == "Pensiya hüquqları"
    assert "Gəncə Qadın Təşəbbüsləri" in page.partners.text()
    assert page.notes.text() == "Bələdiyyə ilə görüş"
    assert [v.text() for v in page.figure_values] == ["1", "2", "1"]
    assert page.cases.rowCount() == 1 and page.cases.item(0, 0).text() == world["mine"]
    assert page.cases.item(0, 1).text() == "Quliyeva Aynur Vaqif qızı"
    assert page.edit_button.isVisibleTo(page) and not page.read_only.isVisibleTo(page)
    opened: list[str] = []
    page.open_case.connect(opened.append)
    page._open_row(0)
    assert opened == [world["mine"]]
    page.list.selectRow(1)
    qtbot.waitUntil(
        lambda: page.detail is not None and page.detail.title == "Su təchizatı", timeout=WAIT
    )
    assert page.cases.rowCount() == 0 and page.cases_caption.text() == "0 linked cases"


def test_new_campaign_dialog_creates_one_and_the_list_shows_it(
    qtbot: Any, gui_ctx: GuiContext, world: dict[str, str]
) -> None:
    page = CampaignsPage(gui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.list.rowCount() == 2, timeout=WAIT)
    dialog = page.new_campaign()
    assert isinstance(dialog, CampaignDialog)
    assert not dialog.save_button.isEnabled()  # no title, no issue area
    dialog.title_edit.setText("Torpaq mübahisələri")
    dialog.area.set_code("property")
    dialog.partners.setPlainText("Quba Fermerlər Birliyi\n\n  Gənc Hüquqşünaslar  ")
    dialog.starts_on.set_value(date(2026, 3, 1))
    dialog.ends_on.set_value(date(2026, 2, 1))
    dialog.touch_all()
    assert "cannot end before it starts" in dialog.field_error("ends_on")
    dialog.ends_on.set_value(date(2026, 9, 30))
    assert dialog.revalidate()
    dialog.submit()
    qtbot.waitUntil(lambda: page.list.rowCount() == 3, timeout=WAIT)
    created = [c for c in gui_ctx.services.campaigns.list() if c.title == "Torpaq mübahisələri"]
    assert created[0].partners == ("Quba Fermerlər Birliyi", "Gənc Hüquqşünaslar")
    assert (created[0].starts_on, created[0].ends_on) == (date(2026, 3, 1), date(2026, 9, 30))


def test_a_title_too_long_for_the_service_comes_back_at_its_field(
    qtbot: Any, gui_ctx: GuiContext, world: dict[str, str]
) -> None:
    dialog = CampaignDialog(gui_ctx)
    qtbot.addWidget(dialog)
    dialog.title_edit.setText("K" * 10_000)
    assert len(dialog.title_edit.text()) == 200  # the field takes no more than the service
    dialog.area.set_code("social")
    dialog.notes.setPlainText("N" * 5000)
    dialog.submit()
    qtbot.waitUntil(lambda: "too long" in dialog.field_error("notes"), timeout=WAIT)


def _case_view(qtbot: Any, ctx: GuiContext, number: str) -> CaseView:
    view = CaseView(ctx)
    qtbot.addWidget(view)
    view.show()
    view.show_case(number)
    qtbot.waitUntil(lambda: view.detail is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: view.campaign_link.combo.count() == 3, timeout=WAIT)
    return view


def test_the_case_view_links_and_unlinks_the_case(
    qtbot: Any, gui_ctx: GuiContext, world: dict[str, str]
) -> None:
    view = _case_view(qtbot, gui_ctx, world["theirs"])
    combo = view.campaign_link.combo
    assert combo.isEnabled() and combo.currentData() is None  # a manager links any case
    index = combo.findText("Su təchizatı")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    qtbot.waitUntil(lambda: view.detail.campaign_id is not None, timeout=WAIT)  # type: ignore[union-attr]
    linked = _campaign_of(gui_ctx.services, world["theirs"])
    assert linked == combo.currentData() and combo.currentText() == "Su təchizatı"
    combo.setCurrentIndex(0)
    combo.activated.emit(0)
    qtbot.waitUntil(lambda: view.detail.campaign_id is None, timeout=WAIT)  # type: ignore[union-attr]
    assert _campaign_of(gui_ctx.services, world["theirs"]) is None


def test_a_lawyer_sees_another_lawyers_campaign_choice_disabled(
    qtbot: Any, gui_ctx: GuiContext, world: dict[str, str], data_dir: Path
) -> None:
    session = app.login(data_dir, LEYLA, LEYLA_PASSWORD)
    ctx = _ctx(session)
    try:
        view = _case_view(qtbot, ctx, world["mine"])
        combo = view.campaign_link.combo
        assert not combo.isEnabled() and combo.currentText() == "Pensiya hüquqları"
        own = _case_view(qtbot, ctx, world["theirs"])
        assert own.campaign_link.combo.isEnabled()
        # the service refuses what the disabled choice would have done
        failures: list[str] = []
        view.campaign_link.failed.connect(failures.append)
        view.campaign_link._may_link = True
        view.campaign_link.combo.setCurrentIndex(0)
        view.campaign_link.combo.activated.emit(0)
        qtbot.waitUntil(lambda: bool(failures), timeout=WAIT)
        assert "assigned to you" in failures[0]
        assert _campaign_of(session, world["mine"]) == world["campaign"]
        assert view.campaign_link.combo.currentText() == "Pensiya hüquqları"
    finally:
        ctx.tasks.wait()
        session.close()


def test_the_arrow_keys_walk_the_list(
    qtbot: Any, gui_ctx: GuiContext, world: dict[str, str]
) -> None:
    page = CampaignsPage(gui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.detail is not None, timeout=WAIT)
    qtbot.keyClick(page.list, Qt.Key.Key_Down)
    qtbot.waitUntil(
        lambda: page.detail is not None and page.detail.title == "Su təchizatı", timeout=WAIT
    )
