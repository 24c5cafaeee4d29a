"""A failed statement's error text never quotes the values it was writing (issue 13).

SQLAlchemy's exceptions end with ``[parameters: (...)]``: the values of the failed statement, a
client's name or a lawyer's notes. That text reaches stderr (cron mail, the journal) and logs
whenever such an error is not caught. The store's engine hides them.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from legalaid_desktop import app

SECRET_NAME = "Gizlinova Sevda Arif qızı"
SECRET_NOTE = "Rüşvəti polis rəisi aldı"


def test_failed_statement_error_hides_its_values(admin_session: app.AppSession) -> None:
    with pytest.raises(DBAPIError) as caught, admin_session.ws.write() as s:
        s.execute(  # NOT NULL columns left out: the insert fails
            text("INSERT INTO clients (id, full_name, address) VALUES (:id, :name, :note)"),
            {"id": "x" * 32, "name": SECRET_NAME, "note": SECRET_NOTE},
        )
    shown = str(caught.value)
    assert "INSERT INTO clients" in shown  # the statement is code, not data: it may stay
    assert SECRET_NAME not in shown and SECRET_NOTE not in shown
    assert "hidden" in shown
