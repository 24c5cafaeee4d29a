"""Nothing the user asks to write leaves a plain-text copy in the data folder.

An insider (or a slip of the file dialog) saving an export, a report or an attachment's copy into
the data folder puts personal data in plain text beside the encrypted store, where every copy of
the folder carries it, and ``-o legalaid.db`` would write over the store itself. Every writer of
the services refuses a path inside the data folder (links followed) with one clear message, and
neither the folder nor the store changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import ADMIN, ADMIN_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.cli.main import main
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput
from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.statistics.definitions import Dimension, Measure
from legalaid_desktop.statistics.periods import year
from legalaid_desktop.statistics.query import FigureQuery

REFUSED = "cannot be written into the data folder"


def _folder_state(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


@pytest.fixture
def filled(admin_session: app.AppSession) -> tuple[app.AppSession, str, str, str]:
    s = admin_session
    client = s.clients.register(
        ClientInput(full_name="Quliyeva Səbinə Rauf qızı", gender="female", region="AZ-GA"),
        ConsentInput(given_on=today()),
    )
    number = s.cases.open(
        CaseInput(client_id=client.id, legal_area="family", summary="Aliment")
    ).number
    attachment = s.records.add_attachment(number, "ərizə.txt", b"Hormetli hakim ...")
    s.cases.close(number, "advice_given")
    return s, client.id, number, attachment.id


WRITERS: dict[str, Callable[[app.AppSession, str, str, str, Path], Any]] = {
    "figures csv": lambda s, _c, _n, _a, p: s.statistics.export(
        s.statistics.figures(
            FigureQuery(Measure.CASES_OPENED, year(today().year), (Dimension.GENDER,))
        ),
        p.with_suffix(".csv"),
        "csv",
    ),
    "records xlsx": lambda s, _c, _n, _a, p: s.exports.export(
        "clients", p.with_suffix(".xlsx"), "xlsx"
    ),
    "donor pdf": lambda s, _c, _n, _a, p: s.donor.write_pdf(
        year(today().year), p.with_suffix(".pdf")
    ),
    "donor xlsx": lambda s, _c, _n, _a, p: s.donor.write_xlsx(
        year(today().year), p.with_suffix(".xlsx")
    ),
    "case summary": lambda s, _c, n, _a, p: s.reports.case_summary(n, p.with_suffix(".pdf")),
    "consent form": lambda s, c, _n, _a, p: s.reports.consent_form(c, p.with_suffix(".pdf")),
    "closed summaries": lambda s, _c, _n, _a, p: s.reports.closed_summaries(
        date(2000, 1, 1), today(), p.with_suffix(".pdf")
    ),
    "previewed pdf": lambda s, _c, n, _a, p: s.reports.save_document(
        s.reports.case_summary_document(n), p.with_suffix(".pdf")
    ),
    "access report": lambda s, c, _n, _a, p: s.access.export(c, p.with_suffix(".json")),
    "attachment copy": lambda s, _c, _n, a, p: s.records.export_attachment(a, p.parent),
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
@pytest.mark.parametrize("where", ["inside", "through a link", "over the store"])
def test_every_writer_refuses_the_data_folder(
    filled: tuple[app.AppSession, str, str, str], data_dir: Path, tmp_path: Path,
    writer: str, where: str,
) -> None:  # fmt: skip
    session, client, number, attachment = filled
    if where == "inside":
        target = data_dir / "export" / "out"
        target.parent.mkdir()
    elif where == "through a link":  # a folder elsewhere that is the data folder
        link = tmp_path / "usb"
        link.symlink_to(data_dir, target_is_directory=True)
        target = link / "out"
    else:
        target = data_dir / "legalaid"  # -o legalaid.db and friends
    before = _folder_state(data_dir)
    with pytest.raises(InputRejected, match=REFUSED):
        WRITERS[writer](session, client, number, attachment, target)
    assert _folder_state(data_dir) == before
    assert not [p for p in data_dir.rglob("out*")]


def test_the_writers_still_write_elsewhere(
    filled: tuple[app.AppSession, str, str, str], tmp_path: Path
) -> None:
    """The positive control: the same calls with a folder outside the store write their file."""
    session, client, number, attachment = filled
    outside = tmp_path / "usb"
    outside.mkdir()
    for name, write in sorted(WRITERS.items()):
        folder = outside / name.replace(" ", "-")
        folder.mkdir()
        write(session, client, number, attachment, folder / "out")
        assert [p.stat().st_size > 0 for p in folder.iterdir()] == [True], name


@pytest.mark.parametrize(
    "args",
    [
        ["report", "figures", "--measure", "cases_opened", "--period", "2026", "-o", "{d}/f.csv"],
        ["report", "donor", "--period", "2026", "-o", "{d}/donor.pdf"],
        ["export", "clients", "-o", "{d}/clients.csv"],
    ],
)
def test_the_commands_refuse_the_data_folder_with_exit_4(
    filled: tuple[app.AppSession, str, str, str],
    data_dir: Path,
    args: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    filled[0].close()
    before = _folder_state(data_dir)
    monkeypatch.setenv("LEGALAID_PASSWORD", ADMIN_PASSWORD)
    argv = ["--data-dir", str(data_dir), "--user", ADMIN, *(a.format(d=data_dir) for a in args)]
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 4, err
    assert err.count("\n") == 1 and REFUSED in err
    assert _folder_state(data_dir) == before
