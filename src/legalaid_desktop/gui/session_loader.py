"""Background work that turns a password into a ready :class:`GuiContext` (login and unlock).

These functions run on a worker thread (through :class:`TaskRunner`), never on the GUI thread:
the key derivation alone takes about half a second, and the reference data is read from the
store. :mod:`legalaid_desktop.app` (and with it the services, SQLAlchemy and the crypto) is
imported inside them, on the worker thread, so that the login window appears without waiting
for those imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from legalaid_desktop.app import AppSession
    from legalaid_desktop.domain.reference import ReferenceCatalog


@dataclass(frozen=True)
class OpenedSession:
    """A logged-in session, the reference data it was opened with, its center's name and
    whether the store is HQ's (which screens it has depends on it)."""

    services: AppSession
    catalog: ReferenceCatalog
    center_name: str = ""
    at_hq: bool = False


def known_usernames(data_dir: Path) -> list[str]:
    """The user names that have a key in ``data_dir`` (empty when there is no store)."""
    from legalaid_desktop import app

    return app.known_usernames(data_dir)


def open_session(data_dir: Path, username: str, password: str) -> OpenedSession:
    """Log in and load the reference data (closing the store again if that fails)."""
    from legalaid_desktop import app

    session = app.login(data_dir, username, password)
    return loaded(session)


def loaded(session: AppSession) -> OpenedSession:
    """``session`` with its reference data (closes the session if loading fails)."""
    try:
        return OpenedSession(
            session, session.reference(), session.center_name(), session.sync.at_hq()
        )
    except BaseException:
        session.close()
        raise


def login_wait_seconds(data_dir: Path, username: str) -> float:
    """How long the next login of ``username`` will be delayed (seconds)."""
    from legalaid_desktop import app

    return app.login_wait_seconds(data_dir, username)
