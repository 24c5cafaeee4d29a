"""Which screens the main window has, in what order, for whom; and building them.

The screens live in their own modules (``pages/clients.py``, ``cases.py``, ``case_view.py``,
``calendar.py``, ``sync.py``...), imported here by name like any other code.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QStyle

from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.pages.admin import AdminPage
from legalaid_desktop.gui.pages.base import Page
from legalaid_desktop.gui.pages.calendar import CalendarPage
from legalaid_desktop.gui.pages.campaigns import CampaignsPage
from legalaid_desktop.gui.pages.case_view import CaseView
from legalaid_desktop.gui.pages.cases import CasesPage
from legalaid_desktop.gui.pages.clients import ClientsPage
from legalaid_desktop.gui.pages.dashboard import DashboardPage
from legalaid_desktop.gui.pages.reference_lists import ReferenceListsPage
from legalaid_desktop.gui.pages.reports import ReportsPage
from legalaid_desktop.gui.pages.retention import RetentionPage
from legalaid_desktop.gui.pages.settings import SettingsPage
from legalaid_desktop.gui.pages.sync import SyncPage
from legalaid_desktop.gui.ui_settings import UiSettings
from legalaid_desktop.i18n import N_


@dataclass(frozen=True)
class PageSpec:
    """One screen of the main window.

    Attributes:
        key: Stable name (``dashboard``, ``clients``...).
        label: The navigation label, marked for translation.
        icon: A standard icon of the style.
        page: The page class.
        shortcut: Ctrl+<digit> that opens it (0: none; the case view is reached from lists).
        permission: Needed to see the screen at all (``None``: everyone).
        listed: In the navigation without a shortcut of its own (the nine digits are taken).
        hq_only: Only in HQ's store (``GuiContext.at_hq``).
    """

    key: str
    label: str
    icon: QStyle.StandardPixmap
    page: type[Page]
    shortcut: int = 0
    permission: Permission | None = None
    listed: bool = False
    hq_only: bool = False

    @property
    def in_navigation(self) -> bool:
        return self.shortcut > 0 or self.listed


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "dashboard",
        N_("Dashboard"),
        QStyle.StandardPixmap.SP_ComputerIcon,
        DashboardPage,
        1,
    ),
    PageSpec(
        "clients",
        N_("Clients"),
        QStyle.StandardPixmap.SP_DirHomeIcon,
        ClientsPage,
        2,
    ),
    PageSpec(
        "cases",
        N_("Cases"),
        QStyle.StandardPixmap.SP_FileDialogDetailedView,
        CasesPage,
        3,
    ),
    # Campaigns: every role that sees cases (a lawyer's figures are their own only).
    PageSpec(
        "campaigns",
        N_("Campaigns"),
        QStyle.StandardPixmap.SP_FileDialogNewFolder,
        CampaignsPage,
        permission=Permission.VIEW_CASES,
        listed=True,
    ),
    PageSpec(
        "calendar",
        N_("Calendar"),
        QStyle.StandardPixmap.SP_FileDialogInfoView,
        CalendarPage,
        4,
    ),
    # Sync: managers, administrators and HQ analysts (Permission.SYNC); not lawyers.
    PageSpec(
        "sync",
        N_("Sync"),
        QStyle.StandardPixmap.SP_BrowserReload,
        SyncPage,
        5,
        Permission.SYNC,
    ),
    # Reports: managers, administrators and HQ analysts see every figure (VIEW_STATISTICS);
    # lawyers see the screen too, with their own figures only (VIEW_CASES: every role).
    PageSpec(
        "reports",
        N_("Reports"),
        QStyle.StandardPixmap.SP_FileDialogListView,
        ReportsPage,
        9,
        Permission.VIEW_CASES,
    ),
    PageSpec(
        "admin",
        N_("Administration"),
        QStyle.StandardPixmap.SP_DriveNetIcon,
        AdminPage,
        6,
        Permission.MANAGE_USERS,
    ),
    # Reference lists: HQ's administrators (Permission.EDIT_REFERENCE), at HQ only: the centers
    # receive the lists in their bundles.
    PageSpec(
        "reference_lists",
        N_("Reference lists"),
        QStyle.StandardPixmap.SP_FileDialogListView,
        ReferenceListsPage,
        permission=Permission.EDIT_REFERENCE,
        listed=True,
        hq_only=True,
    ),
    # Retention: managers and administrators (Permission.MANAGE_PERSONAL_DATA); not lawyers,
    # not HQ analysts.
    PageSpec(
        "retention",
        N_("Retention"),
        QStyle.StandardPixmap.SP_TrashIcon,
        RetentionPage,
        7,
        Permission.MANAGE_PERSONAL_DATA,
    ),
    PageSpec(
        "settings",
        N_("Settings"),
        QStyle.StandardPixmap.SP_FileDialogContentsView,
        SettingsPage,
        8,
    ),
    PageSpec(
        "case_view",
        N_("Case"),
        QStyle.StandardPixmap.SP_FileIcon,
        CaseView,
    ),
)


def visible_specs(ctx: GuiContext) -> list[PageSpec]:
    """The screens ``ctx.actor`` may see, in order (the HQ-only ones at HQ only)."""
    return [
        s
        for s in PAGES
        if (s.permission is None or ctx.actor.can(s.permission)) and (ctx.at_hq or not s.hq_only)
    ]


def build_page(spec: PageSpec, ctx: GuiContext, settings: UiSettings) -> Page:
    """An instance of the screen ``spec`` for ``ctx``."""
    if spec.page is SettingsPage:
        return SettingsPage(ctx, settings)
    return spec.page(ctx)
