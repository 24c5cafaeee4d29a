"""Attachment file names from a dialog or a bundle are plain names (issue 13).

A name is untrusted wherever it comes from: a file dialog hands the service a path, and a bundle
carries whatever name its sender's store holds (a rogue center, or one written before this rule).
It is reduced to a plain name before it is stored, shown, offered in the Save dialog, or used to
name an exported copy (:func:`~legalaid_desktop.domain.filenames.plain_file_name`).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from legalaid_desktop import app
from legalaid_desktop.domain.cases import AttachmentInfo
from legalaid_desktop.gui.widgets.documents_tab import export_file_name
from legalaid_desktop.store.models import Attachment
from sync_support import add_case, enroll, make_node, sync


def stored_names(session: app.AppSession) -> list[str]:
    with session.ws.read() as s:
        return list(s.scalars(select(Attachment.file_name)))


def test_a_name_from_the_dialog_is_stored_plain(admin_session: app.AppSession) -> None:
    _client, number = add_case(admin_session)
    records = admin_session.records
    info = records.add_attachment(number, "..\\..\\Startup\\CON.txt", b"x")
    assert info.file_name == "_CON.txt"
    info = records.add_attachment(number, "/tmp/scan\x07\u202eFDP.exe", b"y")
    assert info.file_name == "scanFDP.exe"
    assert sorted(stored_names(admin_session)) == ["_CON.txt", "scanFDP.exe"]


def test_a_name_stored_before_the_rule_is_shown_and_exported_plain(
    admin_session: app.AppSession, tmp_path: Path
) -> None:
    _client, number = add_case(admin_session)
    info = admin_session.records.add_attachment(number, "scan.pdf", b"%PDF-1.4 x")
    with admin_session.ws.write() as s:  # what an older version, or an old import, stored
        row = s.get(Attachment, info.id)
        assert row is not None
        row.file_name = "../../escaped\x1b[2J.pdf"
    [shown] = admin_session.cases.get(number).attachments
    assert shown.file_name == "escaped[2J.pdf"
    folder = tmp_path / "export" / "inner"
    folder.mkdir(parents=True)
    path = admin_session.records.export_attachment(info.id, folder)
    assert path.parent == folder and path.name == "escaped[2J.pdf"
    assert [p for p in tmp_path.rglob("escaped*")] == [folder / "escaped[2J.pdf"]


def test_a_name_from_a_bundle_is_stored_plain(tmp_path: Path) -> None:
    hq = make_node(tmp_path, "BAK", hq=True)
    gnj = make_node(tmp_path, "GNJ")
    try:
        enroll(hq, gnj, tmp_path)
        _client, number = add_case(gnj)
        info = gnj.records.add_attachment(number, "scan.pdf", b"%PDF-1.4 x")
        with gnj.ws.write() as s:  # a rogue center's store (or one from before the rule)
            row = s.get(Attachment, info.id)
            assert row is not None
            row.file_name = "C:\\Users\\Public\\..\\NUL.pdf. . "
            gnj.ws.touch(s, row, ("file",))
        path = sync(gnj).export(tmp_path / "g.bundle").path
        result = sync(hq).import_bundle(path)
        assert result.tables.get("attachments") == 1
        assert stored_names(hq) == ["_NUL.pdf"]
    finally:
        hq.close()
        gnj.close()


def test_the_save_dialog_offers_a_plain_name() -> None:
    info = AttachmentInfo("id", "\\\\server\\share\\COM1.txt", "text/plain", 1, "0" * 64, "")
    assert export_file_name(info) == "_COM1.txt"
    info = AttachmentInfo("id", "..", "text/plain", 1, "0" * 64, "")
    assert export_file_name(info) == "document"
