"""A failed statement's error text never quotes the values it was writing (issue 13).

SQLAlchemy's exceptions end with ``[parameters: (...)]``: the values of the failed statement, a
client's name or a lawyer's notes. That text reaches stderr (cron mail, the journal) and logs
whenever such an error is not caught. The store's engine hides them, and the command line
prints a bug (an exception it does not expect) as one line with its type only.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from legalaid_desktop import app
from legalaid_desktop.cli import admin_commands
from legalaid_desktop.cli.main import main

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


def _buggy_command(args: object, ctx: object) -> object:
    """A command with a bug whose exception quotes data, as a bug's exception may."""
    try:
        raise ValueError(f"bad note: {SECRET_NOTE}")
    except ValueError as exc:
        raise KeyError(SECRET_NAME) from exc


@pytest.mark.parametrize("debug", [False, True])
def test_cli_prints_a_bug_in_one_line_without_its_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], debug: bool
) -> None:
    monkeypatch.setattr(admin_commands, "cmd_db_status", _buggy_command)
    if debug:
        monkeypatch.setenv("LEGALAID_DEBUG", "1")
    else:
        monkeypatch.delenv("LEGALAID_DEBUG", raising=False)

    code = main(["db", "status"])

    err = capsys.readouterr().err
    assert code == 1
    assert SECRET_NAME not in err and SECRET_NOTE not in err
    last = err.splitlines()[-1]
    assert last.startswith("legalaid: ") and "KeyError" in last
    if debug:  # where it happened, still without the messages
        assert "Traceback" in err and "_buggy_command" in err and "ValueError" in err
    else:
        assert len(err.splitlines()) == 1 and "Traceback" not in err
