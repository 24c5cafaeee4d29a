"""Screenshots of the work between nodes (issue 19): HQ and three centers enrolled through the
services, transfer requests sent up in bundles, a case transferred and sent down, grant codes kept
at HQ; then the transfer dialogs, the HQ's "Transfer requests" tab and the reference-list editor."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from legalaid_desktop import i18n
from legalaid_desktop.gui.main_window import MainWindow
from legalaid_desktop.gui.screenshot_camera import SIZE, Camera, ShotPlan, settle, wait_until
from legalaid_desktop.gui.session_loader import OpenedSession
from legalaid_desktop.gui.tasks import TaskRunner, WriteOp
from legalaid_desktop.gui.ui_settings import UiSettings

NETWORK_PASSWORD = "Şəbəkə-mərkəz-2026"
NETWORK = (
    ("BAK", "Hüquqi yardım şəbəkəsi — qərargah", True),
    ("GNJ", "Gəncə hüquqi yardım mərkəzi", False),
    ("QBA", "Quba hüquqi yardım mərkəzi", False),
    ("LNK", "Lənkəran hüquqi yardım mərkəzi", False),
)


@dataclass
class _Network:
    """HQ and three centers, enrolled, with transfer requests (for the issue 19 shots)."""

    folder: Path
    sessions: dict[str, Any]
    asked: str = ""  # a GNJ case whose transfer GNJ asked for
    moved: str = ""  # a GNJ case HQ transferred to QBA


def _build_network(plan: ShotPlan, folder: Path) -> _Network:
    """Stores of HQ (BAK) and the centers GNJ, QBA and LNK, enrolled through the services; the
    centers' cases, their requests sent up in bundles; one case transferred and sent down; grant
    codes kept at HQ (one retired)."""
    from datetime import timedelta

    from legalaid_desktop.domain.cases import (
        CaseInput,
        ClientInput,
        ConsentInput,
        ConsultationInput,
    )
    from legalaid_desktop.i18n.dates import today

    sessions: dict[str, Any] = {}
    for code, name, hq in NETWORK:
        sessions[code], _key = plan.create_store(
            folder / code.lower(),
            node_code=code,
            node_name=name,
            hq=hq,
            admin_username="admin",
            admin_full_name="Əliyeva Nərgiz Tofiq qızı" if hq else f"Admin {code}",
            admin_password=NETWORK_PASSWORD,
        )
    hq_sync = sessions["BAK"].sync
    serial = iter(range(1, 1000))

    def up(code: str) -> None:
        path = folder / f"{code}-up-{next(serial)}.bundle"
        hq_sync.import_bundle(sessions[code].sync.export(path).path)

    def down(code: str) -> None:
        path = folder / f"{code}-down-{next(serial)}.bundle"
        sessions[code].sync.import_bundle(hq_sync.export(path, to=code).path)

    for code in ("GNJ", "QBA", "LNK"):
        center = sessions[code].sync
        request = center.enroll_request(folder / f"{code}-request.json")
        accepted = hq_sync.enroll_accept(
            request.path, folder / f"{code}-response.json", request.fingerprint.replace(" ", "-")
        )
        center.enroll_complete(accepted.response_path, accepted.hq_fingerprint)
    for code in ("GNJ", "QBA", "LNK"):
        down(code)  # each center learns the others from HQ's roster

    def case(code: str, name: str, gender: str, area: str, summary: str) -> str:
        session = sessions[code]
        opened = today() - timedelta(days=30)
        client = session.clients.register(
            ClientInput(full_name=name, gender=gender, birth_year=1979, region="AZ-GA"),
            ConsentInput(given_on=opened, purposes=("store_process", "share_hq")),
        )
        number = str(
            session.cases.open(CaseInput(client.id, area, summary, opened_on=opened)).number
        )
        session.records.add_consultation(number, ConsultationInput(notes="İlk görüş"))
        return number

    network = _Network(folder, sessions)
    gnj, qba = sessions["GNJ"].sync, sessions["QBA"].sync
    network.asked = case(
        "GNJ", "Məmmədova Səbinə Elçin qızı", "female", "family", "Aliment və nəfəqə"
    )
    gnj.request_transfer(
        network.asked,
        "QBA",
        "Müştəri ailəsi ilə birlikdə Qubaya köçüb; məhkəmə iclasları Quba Rayon Məhkəməsində "
        "keçiriləcək.",
    )
    second = case("GNJ", "Hüseynov Tural Vüqar oğlu", "male", "labour", "İşdən çıxarılma")
    gnj.request_transfer(second, "LNK", "Maraqlar toqquşması: qarşı tərəf mərkəzin işçisidir.")
    network.moved = case("GNJ", "Quliyev Rəşad Asif oğlu", "male", "property", "Torpaq sahəsi")
    gnj.request_transfer(network.moved, "QBA", "Torpaq sahəsi Qubadadır.")
    third = case("QBA", "Əsgərova Lalə Rauf qızı", "female", "social", "Pensiya təyinatı")
    qba.request_transfer(third, "GNJ", "Müştəri Gəncədə yaşayır və orada müalicə alır.")
    up("GNJ")
    up("QBA")
    hq_sync.transfer_case(network.moved, "QBA", "Torpaq sahəsi və müştəri Qubadadır.")
    down("GNJ")
    editor = sessions["BAK"].reference_editor
    for code, labels in (
        ("ADB-2024-07", ("ADB qrantı 2024", "Грант АБР 2024", "ADB grant 2024")),
        (
            "EU-LA-2026",
            ("AB hüquqi yardım layihəsi", "Проект ЕС по правовой помощи", "EU legal aid project"),
        ),
        (
            "UNDP-AC-3",
            ("BMTİP antikorrupsiya 3", "ПРООН антикоррупция 3", "UNDP anti-corruption 3"),
        ),
    ):
        editor.set_item("grant_codes", code, dict(zip(("az", "ru", "en"), labels, strict=True)))
    editor.retire("grant_codes", "ADB-2024-07")
    return network


def network_shots(plan: ShotPlan, camera: Camera, tasks: TaskRunner) -> None:
    """Case transfer and the reference lists (issue 19), in a network of its own: at a center,
    the case with its request waiting, "Ask HQ to transfer" and a case transferred away; at HQ,
    the requests on the Sync screen, "Transfer case" filled in from one, and the reference-list
    editor with its "Edit" dialog."""
    from legalaid_desktop.gui.context import GuiContext
    from legalaid_desktop.gui.pages.case_view import CaseView
    from legalaid_desktop.gui.session_loader import loaded

    with tempfile.TemporaryDirectory(prefix="legalaid-shots-network-") as name:
        folder = Path(name)
        built: list[_Network] = []
        WriteOp(tasks, lambda: _build_network(plan, folder), success=built.append).run()
        if not wait_until(lambda: bool(built), 180):
            raise RuntimeError("the network for the transfer screenshots was not built")
        network = built[0]
        center = network.sessions["GNJ"]
        ctx = GuiContext(
            services=center,
            tasks=tasks,
            catalog=center.reference(),
            language=i18n.current_language(),
        )
        view = CaseView(ctx)
        view.resize(*SIZE)
        view.show()
        view.show_case(network.asked)
        wait_until(lambda: view.detail is not None and bool(view.transfer.centers), 30)
        camera.shoot("case-transfer-requested", view)
        dialog = view.transfer.ask_hq()
        if dialog is not None:
            settle(0.5)
            camera.shoot("case-transfer-request-dialog", dialog)
            dialog.reject()
            settle()
        view.show_case(network.moved)
        wait_until(lambda: view.detail is not None and view.detail.number == network.moved, 30)
        camera.shoot("case-transferred-away", view)
        view.close()
        view.deleteLater()
        tasks.wait()

        opened: list[OpenedSession] = []
        WriteOp(tasks, lambda: loaded(network.sessions["BAK"]), success=opened.append).run()
        wait_until(lambda: bool(opened), 60)
        window = MainWindow(opened[0], folder / "bak", tasks, UiSettings())
        window.resize(*SIZE)
        window.show()
        sync: Any = window.page("sync")
        if sync is not None:
            window.go("sync")
            requests = sync.transfers_view
            wait_until(lambda: requests.loaded and sync.tabs.indexOf(requests) >= 0, 30)
            sync.tabs.setCurrentWidget(requests)
            requests.table.setCurrentCell(0, 0)
            camera.shoot("hq-transfer-requests", window)
            transfer = requests.transfer()
            if transfer is not None:
                settle(0.5)
                camera.shoot("hq-transfer-dialog", transfer)
                transfer.reject()
                settle()
        lists: Any = window.page("reference_lists")
        if lists is not None:
            window.go("reference_lists")
            lists.choose_list("grant_codes")
            wait_until(lambda: lists.loaded and lists.kind == "grant_codes", 30)
            lists.table.setCurrentCell(1, 0)
            camera.shoot("reference-lists", window)
            edit = lists.edit()
            if edit is not None:
                settle(0.5)
                camera.shoot("reference-item-dialog", edit)
                edit.reject()
                settle()
        window.close()
        window.deleteLater()
        tasks.wait()
        for code, session in network.sessions.items():
            if code != "BAK":  # the window closed HQ's
                WriteOp(tasks, session.close).run()
        tasks.wait()
        settle()
