"""The client dialog's "Attach signed scan…" button (issue 16): real dialog, real store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from legalaid_desktop import app, i18n
from legalaid_desktop.domain.cases import ClientInput, ConsentInput
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.client_dialog import ClientDialog
from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.store.models import Attachment, Consent

WAIT = 15_000
SCAN = b"%PDF-1.4 imzali razilig " * 20


@pytest.fixture
def gui_ctx(qapp: object, admin_session: app.AppSession) -> Iterator[GuiContext]:
    i18n.set_language("en")
    ctx = GuiContext(services=admin_session, tasks=TaskRunner(), catalog=admin_session.reference())
    errors: list[BaseException] = []
    ctx.tasks.error_handler = errors.append
    yield ctx
    ctx.tasks.wait()
    assert errors == []


def test_attach_signed_scan_to_the_chosen_consent(
    qtbot: Any, gui_ctx: GuiContext, tmp_path: Path
) -> None:
    clients = gui_ctx.services.clients
    client = clients.register(
        ClientInput(full_name="Əliyev Rəşad İsmayıl oğlu", gender="male", region="AZ-GA"),
        ConsentInput(given_on=today()),
    )
    dialog = ClientDialog(gui_ctx, clients.get(client.id))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.scan_button.text() == "Attach signed s&can…"
    assert not dialog.scan_button.isEnabled()  # no consent chosen yet
    dialog.consents.setCurrentItem(dialog.consents.topLevelItem(0))
    assert dialog.scan_button.isEnabled()

    too_big = tmp_path / "empty.pdf"
    too_big.write_bytes(b"")
    dialog.attach_scan(too_big)
    qtbot.waitUntil(lambda: "empty" in dialog.general_error.text(), timeout=WAIT)
    assert dialog.scan_button.isEnabled()

    scan = tmp_path / "imzalı razılıq.pdf"
    scan.write_bytes(SCAN)
    dialog.attach_scan(scan)
    qtbot.waitUntil(
        lambda: dialog._client is not None and dialog._client.consents[0].has_scan, timeout=WAIT
    )
    dialog.consents.setCurrentItem(dialog.consents.topLevelItem(0))
    assert not dialog.scan_button.isEnabled()  # one scan per consent
    with gui_ctx.services.ws.read() as s:
        consent = s.scalars(select(Consent).where(Consent.client_id == client.id)).one()
        attachment = s.get(Attachment, consent.attachment_id)
        assert attachment is not None and bytes(attachment.content) == SCAN
        assert (attachment.client_id, attachment.file_name) == (client.id, "imzalı razılıq.pdf")
