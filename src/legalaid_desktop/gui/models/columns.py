"""The columns of the client and case lists."""

from __future__ import annotations

from collections.abc import Callable

from legalaid_desktop.domain.cases import ClientRow, is_person
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.models.paged_table import RIGHT, Column
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.formatting import format_date


def _gender_or_kind(ctx: GuiContext, row: ClientRow) -> str:
    if is_person(row.kind):
        return ctx.label("genders", row.gender)
    return ctx.label("client_kinds", row.kind)


def client_columns(ctx: GuiContext) -> list[Column]:
    """Name, gender, birth year, region, number of open cases, the client number, and (at HQ)
    the center."""
    return [
        Column(lambda: _("Name"), lambda r: r.display_name, sort="name"),
        # an organization or initiative group has no gender: its kind shows there (issue 19)
        Column(lambda: _("Gender"), lambda r: _gender_or_kind(ctx, r), sort="gender"),
        Column(
            lambda: _("Birth year"),
            lambda r: str(r.birth_year) if r.birth_year else "",
            RIGHT,
            sort="birth_year",
        ),
        Column(lambda: _("Region"), lambda r: ctx.label("regions", r.region), sort="region"),
        Column(lambda: _("Open cases"), lambda r: str(r.open_cases), RIGHT, sort="open_cases"),
        Column(lambda: _("Number"), lambda r: r.number, sort="number"),
        Column(lambda: _("Center"), lambda r: r.center),  # shown at HQ only
    ]


CLIENT_CENTER_COLUMN = 6
CASE_CENTER_COLUMN = 7


def case_columns(ctx: GuiContext, lawyer_name: Callable[[str], str]) -> list[Column]:
    """Number, client, legal area, status, lawyer, opened and closed dates, and (at HQ) the
    center."""
    return [
        Column(lambda: _("Number"), lambda r: r.number, sort="number"),
        Column(lambda: _("Client"), lambda r: r.client_display_name, sort="client"),
        Column(
            lambda: _("Legal area"),
            lambda r: ctx.label("legal_areas", r.legal_area),
            sort="legal_area",
        ),
        Column(lambda: _("Status"), lambda r: ctx.label("case_statuses", r.status), sort="status"),
        Column(
            lambda: _("Lawyer"),
            lambda r: r.lawyer_name or lawyer_name(r.assigned_lawyer),
            sort="lawyer",
        ),
        Column(lambda: _("Opened"), lambda r: format_date(r.opened_on), sort="opened"),
        Column(lambda: _("Closed"), lambda r: format_date(r.closed_on), sort="closed"),
        Column(lambda: _("Center"), lambda r: r.center),  # shown at HQ only
    ]
