"""Which screens the main window has, in what order, for whom; and building them.

The screens live in their own modules (``pages/clients.py``, ``cases.py``, ``case_view.py``,
``calendar.py``, ``sync.py``...). If one of them is not there (a partial checkout, a screen still
being written), a placeholder takes its place so the rest of the program works; any other import
error is a bug and is raised.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStyle, QVBoxLayout, QWidget

from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.pages.base import Page
from legalaid_desktop.gui.ui_settings import UiSettings
from legalaid_desktop.i18n import N_, _


@dataclass(frozen=True)
class PageSpec:
    """One screen of the main window.

    Attributes:
        key: Stable name (``dashboard``, ``clients``...).
        label: The navigation label, marked for translation.
        icon: A standard icon of the style.
        module: Where the page class is (relative to ``legalaid_desktop.gui.pages``).
        cls: The page class name.
        shortcut: Ctrl+<digit> that opens it (0: none; the case view is reached from lists).
        permission: Needed to see the screen at all (``None``: everyone).
    """

    key: str
    label: str
    icon: QStyle.StandardPixmap
    module: str
    cls: str
    shortcut: int = 0
    permission: Permission | None = None

    @property
    def in_navigation(self) -> bool:
        return self.shortcut > 0


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "dashboard",
        N_("Dashboard"),
        QStyle.StandardPixmap.SP_ComputerIcon,
        "dashboard",
        "DashboardPage",
        1,
    ),
    PageSpec(
        "clients",
        N_("Clients"),
        QStyle.StandardPixmap.SP_DirHomeIcon,
        "clients",
        "ClientsPage",
        2,
    ),
    PageSpec(
        "cases",
        N_("Cases"),
        QStyle.StandardPixmap.SP_FileDialogDetailedView,
        "cases",
        "CasesPage",
        3,
    ),
    PageSpec(
        "calendar",
        N_("Calendar"),
        QStyle.StandardPixmap.SP_FileDialogInfoView,
        "calendar",
        "CalendarPage",
        4,
    ),
    # Sync: managers, administrators and HQ analysts (Permission.SYNC); not lawyers.
    PageSpec(
        "sync",
        N_("Sync"),
        QStyle.StandardPixmap.SP_BrowserReload,
        "sync",
        "SyncPage",
        5,
        Permission.SYNC,
    ),
    PageSpec(
        "admin",
        N_("Administration"),
        QStyle.StandardPixmap.SP_DriveNetIcon,
        "admin",
        "AdminPage",
        6,
        Permission.MANAGE_USERS,
    ),
    PageSpec(
        "settings",
        N_("Settings"),
        QStyle.StandardPixmap.SP_FileDialogContentsView,
        "settings",
        "SettingsPage",
        7,
    ),
    PageSpec(
        "case_view",
        N_("Case"),
        QStyle.StandardPixmap.SP_FileIcon,
        "case_view",
        "CaseView",
    ),
)


class PlaceholderPage(Page):
    """Stands in for a screen whose module is not available."""

    def __init__(self, ctx: GuiContext, label: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._label = label
        self.text = QLabel()
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        self.retranslate()

    def title(self) -> str:
        return _(self._label)

    def retranslate(self) -> None:
        self.text.setText(_("This screen is not available in this version."))


def visible_specs(ctx: GuiContext) -> list[PageSpec]:
    """The screens ``ctx.actor`` may see, in order."""
    return [s for s in PAGES if s.permission is None or ctx.actor.can(s.permission)]


def _page_class(spec: PageSpec) -> Callable[..., Page] | None:
    name = f"legalaid_desktop.gui.pages.{spec.module}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise
    cls = getattr(module, spec.cls, None)
    return cls if isinstance(cls, type) and issubclass(cls, Page) else None


def build_page(spec: PageSpec, ctx: GuiContext, settings: UiSettings) -> Page:
    """An instance of the screen ``spec`` for ``ctx`` (a placeholder if it is missing)."""
    cls = _page_class(spec)
    if cls is None:
        return PlaceholderPage(ctx, spec.label)
    if spec.key == "settings":
        return cls(ctx, settings)
    return cls(ctx)
