"""What every screen gets: the logged-in user's services and the background task runner.

Screens receive this object from the main window; there is no global application object.
``services`` is an :class:`legalaid_desktop.app.AppSession`; screens call its service
attributes (``clients``, ``cases``, ``records``, ``search``, ...) only inside a
:class:`~legalaid_desktop.gui.tasks.QueryOp` or :class:`~legalaid_desktop.gui.tasks.WriteOp`
run on ``tasks``, never on the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from legalaid_desktop.app import AppSession
from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.domain.users import Actor
from legalaid_desktop.gui.tasks import TaskRunner


@dataclass
class GuiContext:
    services: AppSession
    tasks: TaskRunner
    catalog: ReferenceCatalog  # loaded once after login (in the background), then shared
    language: str = "az"
    at_hq: bool = False  # whether the store is HQ's (read with the session, in the background)

    @property
    def actor(self) -> Actor:
        return self.services.actor

    def label(self, kind: str, code: str | None) -> str:
        """The label of a reference code in the current language ('' for None)."""
        if not code:
            return ""
        if kind not in self.catalog:
            return code
        return self.catalog[kind].label(code, self.language)
