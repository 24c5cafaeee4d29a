"""Screenshots of every main screen, for review and documentation.

``python -m legalaid_desktop.devtools.screenshots --out screenshots [--lang az|ru|en|all]``

Builds a temporary demo store (``devtools.demo.generate_demo``, about 300 clients, fast test key
derivation: the store is thrown away afterwards), logs in, and saves PNGs of the login window,
the wizard pages (with the recovery key page), the dashboard, the clients list and a client
dialog, the cases list, a case with consultations and its PDF preview, corrections (a case
and a consultation corrected, then the case's and its client's history and the "Edit case" and
"Edit consultation" dialogs; the store is a throwaway), the calendar, the
Campaigns screen (a campaign's cases and figures) and its "New campaign" dialog, the Reports
screen with its chart (stacked bars, a line over the months, bars), the Sync
page, the search palette with results, administration, settings, Qt's own dialogs (message box,
file dialog, print dialog: they follow the language through the Qt translators) and the lock
screen, at 1280 x 800, offscreen, into ``<out>/<language>/``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from functools import partial
from pathlib import Path

from legalaid_desktop import app
from legalaid_desktop.i18n import LANGUAGES
from legalaid_desktop.store.vault import FLOOR

USERNAME = "rauf"
PASSWORD = "Demo-Gence-2026"
LAWYER_PASSWORD = "Demo-lawyer-2026"


def build_demo_store(data_dir: Path, clients: int) -> None:
    """A center store with demo data; its manager logs in with :data:`USERNAME`."""
    session, _recovery = app.create(
        data_dir,
        node_code="GNJ",
        node_name="Gəncə hüquqi yardım mərkəzi",
        hq=False,
        admin_username=USERNAME,
        admin_full_name="Həsənov Rauf Elşən oğlu",
        admin_password=PASSWORD,
        kdf=FLOOR,
    )
    try:
        from legalaid_desktop.devtools.demo import generate_demo

        generate_demo(session.ws, clients=clients, seed=7, lawyer_password=LAWYER_PASSWORD)
    finally:
        session.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--lang", choices=[*LANGUAGES, "all"], default="az")
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--theme", choices=["light", "dark"], default="light")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    languages = list(LANGUAGES) if args.lang == "all" else [args.lang]

    from legalaid_desktop.gui.screenshots import ShotPlan, capture

    with tempfile.TemporaryDirectory(prefix="legalaid-shots-") as folder:
        data_dir = Path(folder) / "store"
        print(f"Building a demo store with {args.clients} clients ...", flush=True)
        build_demo_store(data_dir, args.clients)
        plan = ShotPlan(
            data_dir=data_dir,
            username=USERNAME,
            password=PASSWORD,
            search_text="Əli",
            create_store=partial(app.create, kdf=FLOOR),
        )
        saved = capture(plan, args.out.resolve(), languages, theme=args.theme)
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
