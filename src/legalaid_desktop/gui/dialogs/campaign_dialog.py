"""The "New campaign" dialog (and editing one): title, issue area, period, partners, notes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget

from legalaid_desktop.domain.campaigns import CampaignDetail, CampaignInput
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.case_dialogs import text_box
from legalaid_desktop.gui.dialogs.form_dialog import FormDialog
from legalaid_desktop.gui.tasks import Change
from legalaid_desktop.gui.widgets import checks
from legalaid_desktop.gui.widgets.code_combo import CodeCombo
from legalaid_desktop.gui.widgets.dates import OptionalDateEdit
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.i18n.formatting import format_date

TITLE_MAX = 200


def partner_names(text: str) -> tuple[str, ...]:
    """The partner organizations typed one per line (blank lines left out)."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class CampaignDialog(FormDialog):
    """Create a campaign of this center, or edit ``campaign`` (one of this center's).

    The period's two days are optional; the service checks again whatever is typed here.
    """

    changes = frozenset({Change.CAMPAIGNS})

    def __init__(
        self,
        ctx: GuiContext,
        campaign: CampaignDetail | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.campaign = campaign
        self.setMinimumWidth(600)
        self.title_edit = QLineEdit(self)
        self.title_edit.setMaxLength(TITLE_MAX)
        self.area = CodeCombo(ctx, "legal_areas", empty_text=lambda: _("Choose…"), parent=self)
        self.starts_on = OptionalDateEdit(today(), self)
        self.ends_on = OptionalDateEdit(today(), self)
        self.partners = text_box(self, 70)
        self.notes = text_box(self, 90)
        self.add_field("title", lambda: _("&Title"), self.title_edit)
        self.add_field("issue_area", lambda: _("&Issue area"), self.area)
        self.add_field("starts_on", lambda: _("&Starts on"), self.starts_on)
        self.add_field("ends_on", lambda: _("&Ends on"), self.ends_on)
        self.add_field("partners", lambda: _("&Partner organizations"), self.partners)
        self.add_field("notes", lambda: _("&Notes"), self.notes)
        self.finish_layout()
        if campaign is not None:
            self.title_edit.setText(campaign.title)
            self.area.set_code(campaign.issue_area or None)
            self.starts_on.set_value(campaign.starts_on)
            self.ends_on.set_value(campaign.ends_on)
            self.partners.setPlainText("\n".join(campaign.partners))
            self.notes.setPlainText(campaign.notes)
            self.mark_clean()
        self.retranslate()

    def validate(self) -> dict[str, str]:
        found = {
            "title": checks.required(self.title_edit.text(), _("Title")),
            "issue_area": checks.chosen(self.area.code(), _("Choose the issue area.")),
        }
        starts, ends = self.starts_on.value(), self.ends_on.value()
        if starts is not None and ends is not None and ends < starts:
            found["ends_on"] = _("The campaign cannot end before it starts.")
        return {name: message for name, message in found.items() if message}

    def campaign_input(self) -> CampaignInput:
        return CampaignInput(
            title=self.title_edit.text(),
            issue_area=self.area.code() or "",
            partners=partner_names(self.partners.toPlainText()),
            starts_on=self.starts_on.value(),
            ends_on=self.ends_on.value(),
            notes=self.notes.toPlainText(),
        )

    def save_call(self) -> Callable[[], Any]:
        data, campaigns = self.campaign_input(), self.ctx.services.campaigns
        if self.campaign is None:
            return lambda: campaigns.add(data)
        campaign_id = self.campaign.id
        return lambda: campaigns.update(campaign_id, data)

    def window_title(self) -> str:
        return _("New campaign") if self.campaign is None else _("Edit campaign")

    def retranslate_extra(self) -> None:
        self.area.retranslate()
        self.starts_on.set_texts(_("known"), _("Starts on"))
        self.ends_on.set_texts(_("known"), _("Ends on"))
        self.partners.setPlaceholderText(_("Community organizations, one per line"))
        self.notes.setPlaceholderText(_("What the campaign asks for, with whom, its next steps"))


def period_text(starts: date | None, ends: date | None) -> str:
    """``01.02.2026 – 30.11.2026``; ``…`` for a day not given; ``—`` for no period."""
    if starts is None and ends is None:
        return "—"
    return f"{format_date(starts) or '…'} – {format_date(ends) or '…'}"
