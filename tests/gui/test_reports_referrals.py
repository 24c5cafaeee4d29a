"""The Reports screen breaks figures down by where the cases were referred and by grant (issue 19):
both dimensions are offered with their labels, in the user's language, and the table shows the
bodies by their labels, "not referred" as its own row, adding up to the total. Real encrypted
store, real widgets."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox

from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import CaseInput
from legalaid_desktop.domain.referrals import ReferralInput
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.pages.reports import ReportsPage
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.i18n.dates import today
from sync_support import add_case

WAIT = 30_000


def _choose(combo: QComboBox, data: str) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


@pytest.mark.parametrize("lang", ["en", "az"])
def test_cases_by_referral_on_the_reports_screen(
    qtbot: Any, qapp: object, admin_session: app.AppSession, lang: str
) -> None:
    client, first = add_case(admin_session)
    second = admin_session.cases.open(CaseInput(client, "labour", "İşdən çıxarılma")).number
    admin_session.cases.open(CaseInput(client, "property", "Torpaq", grant_code=""))
    admin_session.referrals.refer(first, ReferralInput("ombudsman", today()))
    admin_session.referrals.refer(first, ReferralInput("advocate", today()))  # the second
    admin_session.referrals.refer(second, ReferralInput("advocate", today()))
    i18n.set_language(lang)
    try:
        ctx = GuiContext(
            services=admin_session,
            tasks=TaskRunner(),
            catalog=admin_session.reference(),
            language=lang,
        )
        errors: list[BaseException] = []
        ctx.tasks.error_handler = errors.append
        page = ReportsPage(ctx)
        qtbot.addWidget(page)
        page.resize(1200, 800)
        page.show()
        form = page.form
        _choose(form.measure, "cases_opened")
        offered = {
            form.first.itemData(i): form.first.itemText(i) for i in range(form.first.count())
        }
        assert "referred_to" in offered and "grant_code" in offered
        if lang == "en":
            assert (offered["referred_to"], offered["grant_code"]) == (
                "Referred to",
                "Grant or project",
            )
        else:
            assert offered["referred_to"] == "Haraya yönləndirilib"  # gettext, not the code
        _choose(form.first, "referred_to")
        _choose(form.period_kind, "year")  # this year (the default is the last whole month)
        form.year.setValue(today().year)
        page.run()
        qtbot.waitUntil(lambda: not page.running and page.table is not None, timeout=WAIT)
        table = page.table
        assert table is not None
        assert {r.codes[0]: r.value for r in table.rows} == {
            "ombudsman": 1,
            "advocate": 1,
            "not_referred": 1,
        }
        assert table.total == 3
        model = page.model
        labels = [model.index(r, 0).data() for r in range(model.rowCount())]
        ombudsman = ctx.catalog["referral_bodies"].label("ombudsman", lang)
        assert ombudsman in labels
        ctx.tasks.wait()
        assert errors == []
    finally:
        i18n.set_language("en")
