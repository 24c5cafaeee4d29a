"""Speed of the client import (issue 20, docs/import.md "Speed"), on a real encrypted store.

Writes a center's list of ``--rows`` clients (default 10,000; ``devtools/center_sheet.py``: a
case per row, names in three scripts, dates and phones in every form, empty rows), then times

* reading it (``ClientImportService.read``: the guard's scan, python-calamine, the cells);
* the preview: every row read with the guessed mapping and checked (rows per second);
* the import into a new center's store: the conflict check of every row against the store and
  the rows before it, the clients and cases written as intake writes them, in one transaction
  (``--on-duplicate keep``: the realistic list has brothers and sisters, which the conflict
  check asks about);
* the same file again: every row recognized as already there, nothing written;

beside the floor: the same clients and cases inserted with plain SQL (``INSERT ... VALUES``,
all rows at once) in one transaction of another new store, with the same journal
(``Workspace.bulk_write``) and SQLCipher's memory security on, as for real client data.

Run with ``python bench/bench_import.py [--rows 10000] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from legalaid_desktop import app
from legalaid_desktop.devtools.center_sheet import SheetSpec, write_center_xlsx
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.i18n import set_language
from legalaid_desktop.services.import_report import OnDuplicate
from legalaid_desktop.store.audit import utc_now_iso
from legalaid_desktop.store.models import Case, Client
from legalaid_desktop.store.vault import FLOOR
from legalaid_desktop.text.collation import sort_string

PASSWORD = "Bench-qala-2026"
LAWYERS = (("leyla", "Hüseynova Leyla Əli qızı"), ("aysel", "Quliyeva Aysel Vüqar qızı"))


def _store(folder: Path) -> app.AppSession:
    session, _key = app.create(
        folder,
        node_code="GNJ",
        node_name="Gəncə mərkəzi",
        hq=False,
        admin_username="admin",
        admin_full_name="Məmmədov Elçin Vaqif oğlu",
        admin_password=PASSWORD,
        kdf=FLOOR,
    )
    for username, name in LAWYERS:
        session.users.add(username, name, "lawyer", PASSWORD)
    return session


def _rate(rows: int, seconds: float) -> str:
    return f"{seconds:8.2f} s {rows / seconds:9.0f} rows/s"


def _floor(folder: Path, preview: object) -> float:
    """The preview's clients and cases inserted with plain SQL in one transaction."""
    session = _store(folder)
    try:
        clients, cases = [], []
        now = utc_now_iso()
        for n, row in enumerate(preview.valid, start=1):  # type: ignore[attr-defined]
            data = row.client
            cid = new_id()
            clients.append(
                {
                    "id": cid, "full_name": data.full_name,
                    "name_sort": sort_string(data.full_name), "gender": data.gender,
                    "birth_year": data.birth_year, "region": data.region,
                    "displacement": data.displacement, "disability": data.disability,
                    "phone": data.phone, "address": data.address, "referral_source": "",
                    "node_code": "GNJ", "number": f"GNJ-C-{n:05d}", "created_at": now,
                    "kind": data.kind, "origin_node": "GNJ", "clocks": {}, "hlc": now,
                }
            )  # fmt: skip
            if row.case is not None:
                draft = row.case
                cases.append(
                    {
                        "id": new_id(), "number": f"GNJ-{draft.opened_on.year}-{n:05d}",
                        "client_id": cid, "legal_area": draft.legal_area, "summary": draft.summary,
                        "status": draft.status, "assigned_lawyer": draft.lawyer or "admin",
                        "owner_node": "GNJ", "opened_on": draft.opened_on.isoformat(),
                        "closed_on": draft.closed_on.isoformat() if draft.closed_on else None,
                        "outcome": draft.outcome, "origin_node": "GNJ", "clocks": {}, "hlc": now,
                    }
                )  # fmt: skip
        started = time.perf_counter()
        with session.ws.bulk_write() as s:
            s.execute(insert(Client.__table__), clients)
            s.execute(insert(Case.__table__), cases)
        return time.perf_counter() - started
    finally:
        session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--keep", metavar="DIR", help="keep the stores and the file in DIR")
    args = parser.parse_args()
    set_language("en")
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-import-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        sheet = write_center_xlsx(
            root / "center.xlsx", SheetSpec(rows=args.rows, lawyers=("leyla", "aysel", ""))
        )
        session = _store(root / "store")
        imports = session.imports
        started = time.perf_counter()
        table = imports.read(sheet)
        read = time.perf_counter() - started
        mapping = imports.guess_mapping(table)
        started = time.perf_counter()
        preview = imports.preview(table, mapping)
        previewed = time.perf_counter() - started
        rows = len(preview.rows)
        print(f"{rows} rows ({len(preview.valid)} valid, {preview.empty_rows} empty skipped)")
        print(f"read      {_rate(rows, read)}")
        print(f"preview   {_rate(rows, previewed)}")
        started = time.perf_counter()
        report = imports.run(table, mapping, on_duplicate=OnDuplicate.KEEP)
        imported = time.perf_counter() - started
        print(f"import    {_rate(rows, imported)}   {report.totals()}")
        started = time.perf_counter()
        again = imports.run(table, mapping, on_duplicate=OnDuplicate.SKIP)
        rerun = time.perf_counter() - started
        counts = again.totals()
        print(
            f"again     {_rate(rows, rerun)}   existing {counts['existing']}, "
            f"skipped {counts['skipped']}, created {counts['created']}"
        )
        session.close()
        floor = _floor(root / "floor", preview)
        print(f"floor     {_rate(rows, floor)}   (plain INSERTs of the same clients and cases)")
        print(f"import / floor: {imported / floor:.0f}x")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
