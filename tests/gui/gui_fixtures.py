"""GUI test fixtures: offscreen Qt, settings in a temporary folder, real encrypted stores.

Test modules import the fixtures they use by name. This is not a ``conftest.py``: a second
``conftest`` module would replace the root one in ``sys.modules`` and break every
``from conftest import ...`` of the other test folders.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput, ConsultationInput
from legalaid_desktop.gui.main_window import MainWindow
from legalaid_desktop.gui.session_loader import OpenedSession, loaded
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.gui.ui_settings import UiSettings
from legalaid_desktop.i18n.dates import today

CLIENT_NAME = "Əliyev Rəşad İsmayıl oğlu"


@pytest.fixture(autouse=True)
def ui_settings(tmp_path: Path) -> Iterator[UiSettings]:
    """Preferences in a temporary INI file; English UI strings (no catalog loaded)."""
    folder = tmp_path / "qsettings"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    i18n.set_language("en")
    settings = UiSettings()
    settings.set_language(None, "en")
    yield settings


@pytest.fixture
def tasks(qapp: object) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.wait()


@pytest.fixture
def sample_data(admin_session: app.AppSession) -> dict[str, str]:
    """One client with an open case (assigned to the admin), a consultation, an overdue
    deadline and one due this week."""
    client = admin_session.clients.register(
        ClientInput(full_name=CLIENT_NAME, gender="male", region="AZ-GA", birth_year=1980),
        ConsentInput(given_on=today()),
    )
    case = admin_session.cases.open(
        CaseInput(client_id=client.id, legal_area="property", summary="Torpaq sahəsi mübahisəsi")
    )
    admin_session.records.add_consultation(
        case.number, ConsultationInput(notes="İlk məsləhət", minutes=45)
    )
    admin_session.records.add_deadline(case.number, today() - timedelta(days=2), "Şikayət")
    admin_session.records.add_deadline(case.number, today() + timedelta(days=3), "Məhkəmə")
    return {"client_id": client.id, "case_number": case.number}


@pytest.fixture
def opened_admin(admin_session: app.AppSession) -> OpenedSession:
    return loaded(admin_session)


@pytest.fixture
def main_window(
    qtbot: object,
    opened_admin: OpenedSession,
    data_dir: Path,
    tasks: TaskRunner,
    ui_settings: UiSettings,
) -> Iterator[MainWindow]:
    window = MainWindow(opened_admin, data_dir, tasks, ui_settings)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    yield window
    window.idle.stop()
    tasks.wait()
