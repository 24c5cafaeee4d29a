"""Make the fuzzers' seed corpus from real stores, real bundles and real enrollment files.

Nothing here is committed: the seeds (a few hundred kilobytes) are generated into a work folder
(``fuzz/.work`` by default, ignored by git) every time, with the project's own code:

* two real encrypted stores in a temporary folder, HQ ``BAK`` and the center ``GNJ`` (the
  fastest key-derivation parameters, as the tests use), enrolled with each other through the
  sync service, which writes a real enrollment request and response;
* cases with clients, consents, consultations, parties, deadlines and an attachment at the
  center, a case opened at HQ and transferred to the center, and a deletion;
* the bundles each side exports (center → HQ, HQ → center, twice each, full and incremental).

From those it writes, for each harness (see ``fuzz/fuzztargets.py``), a folder of seed inputs, and
``keys.json``: the throwaway private keys of the two test nodes, which the harnesses need to
open the bundles and to re-sign what they mutate, as an enrolled center gone rogue can.

Usage::

    PYTHONPATH=src python fuzz/make_corpus.py [WORK_DIR]
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import fuzztargets as targets  # noqa: E402  (after the path is set)

from legalaid_desktop import app  # noqa: E402
from legalaid_desktop.domain.cases import (  # noqa: E402
    CaseInput,
    ClientInput,
    ConsentInput,
    ConsultationInput,
)
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput  # noqa: E402
from legalaid_desktop.i18n.dates import today  # noqa: E402
from legalaid_desktop.services.sync import SyncService  # noqa: E402
from legalaid_desktop.store.vault import FLOOR  # noqa: E402
from legalaid_desktop.sync import container  # noqa: E402
from legalaid_desktop.sync.keys import NodeKeys  # noqa: E402
from legalaid_desktop.sync.nodes import load_node_keys  # noqa: E402

PASSWORD = "Fuzz-corpus-pass-2026"


def _node(root: Path, code: str, *, hq: bool, name: str) -> app.AppSession:
    session, _recovery = app.create(
        root / code.lower(),
        node_code=code,
        node_name=name,
        hq=hq,
        admin_username="admin",
        admin_full_name=f"Admin {code}",
        admin_password=PASSWORD,
        kdf=FLOOR,
    )
    return session


def _keys(session: app.AppSession) -> NodeKeys:
    with session.ws.read() as s:
        keys = load_node_keys(s)
    assert keys is not None
    return keys


def _add_cases(session: app.AppSession, count: int) -> list[str]:
    numbers = []
    for i in range(count):
        client = session.clients.register(
            ClientInput(
                full_name=f"Əliyev Rəşad İsmayıl oğlu {i}",
                gender="male" if i % 2 else "female",
                birth_year=1970 + i,
                region="AZ-GA",
                phone=f"+994 50 123 45 6{i % 10}",
            ),
            ConsentInput(given_on=today(), purposes=("store_process", "share_hq")),
            ConflictDecisionInput("no_conflict"),  # the seeds' clients share one name on purpose
        )
        case = session.cases.open(
            CaseInput(client_id=client.id, legal_area="family", summary=f"Alimentlə bağlı {i}")
        )
        session.records.add_consultation(
            case.number, ConsultationInput(notes="İlk görüş — «Şikayət» üçün")
        )
        numbers.append(case.number)
    return numbers


def _try(action: Callable[[], object]) -> None:
    """Run an optional step of the scenario; a step the services refuse only adds no seed."""
    try:
        action()
    except Exception as error:  # optional steps: a refusal only adds no seed
        print(f"make_corpus: skipped a step: {error}", file=sys.stderr)


def build(work: Path) -> dict[str, int]:
    """Write ``keys.json`` and ``seeds/<target>/`` under ``work``; return the seed counts."""
    work.mkdir(parents=True, exist_ok=True)
    seeds = work / "seeds"
    shutil.rmtree(seeds, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="legalaid-fuzz-") as tmp:
        root = Path(tmp)
        hq = _node(root, "BAK", hq=True, name="Bakı qərargahı")
        gnj = _node(root, "GNJ", hq=False, name="Gəncə mərkəzi")
        try:
            files = root / "files"
            files.mkdir()
            request = SyncService(gnj.ws).enroll_request(files / "GNJ-request.json")
            accepted = SyncService(hq.ws).enroll_accept(
                request.path, files / "GNJ-response.json", request.fingerprint
            )
            SyncService(gnj.ws).enroll_complete(accepted.response_path, accepted.hq_fingerprint)
            enrollment_files = [request.path.read_bytes(), accepted.response_path.read_bytes()]

            numbers = _add_cases(gnj, 3)
            _try(lambda: gnj.records.add_attachment(numbers[0], "ərizə.txt", "Ərizə\n".encode()))
            bundles: list[bytes] = []
            for round_ in range(2):
                up = SyncService(gnj.ws).export(files / f"up-{round_}.bundle", full=round_ == 1)
                bundles.append(up.path.read_bytes())
                SyncService(hq.ws).import_bundle(up.path)
                if round_ == 0:
                    transfer = partial(
                        SyncService(hq.ws).transfer_case, _add_cases(hq, 1)[0], "GNJ"
                    )
                    _try(transfer)
                down = SyncService(hq.ws).export(files / f"down-{round_}.bundle", to="GNJ")
                bundles.append(down.path.read_bytes())
                SyncService(gnj.ws).import_bundle(down.path)
                _add_cases(gnj, 1)
            keys = {"BAK": _keys(hq), "GNJ": _keys(gnj)}
        finally:
            hq.close()
            gnj.close()

    (work / "keys.json").write_text(
        json.dumps({code: k.to_bytes().hex() for code, k in keys.items()}, indent=1) + "\n"
    )
    fixture = targets.Fixture(keys["BAK"], keys["GNJ"])
    outputs: dict[str, list[bytes]] = {name: [] for name in targets.TARGETS}
    for raw in bundles:
        outputs["bundle_file"].append(raw)
        opened = fixture.open_real(raw)
        from_hq = opened.header.sender == "BAK"
        parts = list(opened.parts.items())
        # Whatever else the real manifest signs (an audit anchor, in a newer format) goes along.
        audit = getattr(opened, "audit", None)
        options = {} if audit is None else {"audit": audit}
        for stanza in (False, True):
            outputs["bundle_contents"].append(
                targets.contents_seed(fixture, parts, from_hq=from_hq, stanza=stanza, **options)
            )
        outputs["import_parse"].append(targets.parts_seed(parts, from_hq=from_hq))
        start = len(container.MAGIC) + 6
        outputs["strictjson"].append(raw[start : start + _header_len(raw)])
        outputs["strictjson"].extend(data for name, data in parts if not name.startswith("att/"))
    outputs["enrollment"].extend(enrollment_files)
    outputs["strictjson"].extend(enrollment_files)
    counts = {}
    for name, items in outputs.items():
        folder = seeds / name
        folder.mkdir(parents=True, exist_ok=True)
        for data in items:
            (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)
        counts[name] = len(items)
    return counts


def _header_len(raw: bytes) -> int:
    return int.from_bytes(raw[len(container.MAGIC) + 2 : len(container.MAGIC) + 6], "big")


def main(argv: list[str]) -> int:
    work = Path(argv[1]) if len(argv) > 1 else HERE / ".work"
    counts = build(work)
    for name, n in counts.items():
        print(f"{name}: {n} seeds")
    print(f"written to {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
