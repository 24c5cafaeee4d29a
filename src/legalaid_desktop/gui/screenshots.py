"""Screenshots of every main screen (driven by ``python -m legalaid_desktop.devtools.screenshots``).

The caller prepares a store (with demo data) and a way to create stores quickly for the wizard;
this module drives the real windows offscreen at 1280 x 800 and saves ``widget.grab()`` PNGs.
Nothing here is used by the program itself.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QSettings
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from legalaid_desktop import i18n
from legalaid_desktop.gui.application import apply_appearance, create_application
from legalaid_desktop.gui.login import LoginWindow
from legalaid_desktop.gui.main_window import MainWindow
from legalaid_desktop.gui.session_loader import OpenedSession, open_session
from legalaid_desktop.gui.tasks import Change, TaskRunner, WriteOp
from legalaid_desktop.gui.ui_settings import UiSettings
from legalaid_desktop.gui.wizard import CreateStore, FirstRunWizard

SIZE = (1280, 800)


@dataclass(frozen=True)
class ShotPlan:
    """What to photograph.

    Attributes:
        data_dir: A store with demo data.
        username: A manager or administrator of that store.
        password: Their password.
        search_text: What to type into the search palette.
        create_store: ``app.create`` with fast key derivation, for the wizard.
    """

    data_dir: Path
    username: str
    password: str
    search_text: str
    create_store: CreateStore


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Process events until ``predicate()`` is true (``False`` after ``timeout`` seconds)."""
    app = QApplication.instance()
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if app is not None:
            app.processEvents()
        if predicate():
            return True
        time.sleep(0.01)
    return False


def settle(seconds: float = 0.3) -> None:
    """Let layouts, timers and late results finish."""
    wait_until(lambda: False, seconds)


class Camera:
    """Saves numbered PNGs into one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.saved: list[Path] = []

    def shoot(self, name: str, widget: QWidget, *, overlay: QWidget | None = None) -> Path:
        settle()
        pixmap = widget.grab()
        if overlay is not None and overlay.isVisible():
            # a popup is a window of its own: paint it where it sits over the window
            painter = QPainter(pixmap)
            offset = overlay.mapToGlobal(QPoint(0, 0)) - widget.mapToGlobal(QPoint(0, 0))
            painter.drawPixmap(offset, overlay.grab())
            painter.end()
        return self.save(name, pixmap)

    def save(self, name: str, pixmap: QPixmap) -> Path:
        path = self.folder / f"{len(self.saved) + 1:02d}-{name}.png"
        if not pixmap.save(str(path)):
            raise OSError(f"could not write {path}")
        self.saved.append(path)
        return path


def _login_and_wizard(plan: ShotPlan, camera: Camera, tasks: TaskRunner, language: str) -> None:
    settings = UiSettings()
    login = LoginWindow(plan.data_dir, tasks, settings, language=language)
    login.resize(*SIZE)
    login.show()
    wait_until(lambda: login.username.count() > 0)
    login.username.setCurrentText(plan.username)
    camera.shoot("login", login)
    login.password.setText("wrong password")
    login.attempt()
    wait_until(lambda: not login.busy)
    camera.shoot("login-wrong-password", login)
    login.close()
    login.deleteLater()

    with tempfile.TemporaryDirectory(prefix="legalaid-wizard-") as folder:
        wizard = FirstRunWizard(
            Path(folder) / "store", tasks, language=language, create_store=plan.create_store
        )
        wizard.resize(*SIZE)
        wizard.show()
        camera.shoot("wizard-1-kind", wizard)
        wizard.next()
        wizard.node.code.setText("QBA")
        wizard.node.name.setText("Quba hüquqi yardım mərkəzi")
        camera.shoot("wizard-2-center", wizard)
        wizard.next()
        wizard.admin.username.setText("aynur")
        wizard.admin.full_name.setText("Əliyeva Aynur İsmayıl qızı")
        wizard.admin.passwords.password.setText("Quba-mərkəz-2026")
        wizard.admin.passwords.repeat.setText("Quba-mərkəz-2026")
        camera.shoot("wizard-3-admin", wizard)
        wizard.next()
        camera.shoot("wizard-4-creating", wizard)
        wait_until(lambda: wizard.currentPage() is wizard.key_page, 60)
        camera.shoot("wizard-5-recovery-key", wizard)
        wizard.key_page.stored.setChecked(True)
        session = wizard.session
        wizard.accept()
        if session is not None:
            WriteOp(tasks, session.close).run()
        tasks.wait()
        wizard.deleteLater()
        settle()


def _first(predicate: Callable[[], Any], timeout: float = 20.0) -> Any:
    found: list[Any] = []

    def check() -> bool:
        value = predicate()
        if value:
            found.append(value)
        return bool(value)

    wait_until(check, timeout)
    return found[0] if found else None


def _main_screens(plan: ShotPlan, camera: Camera, tasks: TaskRunner) -> None:
    opened: list[OpenedSession] = []
    WriteOp(
        tasks,
        lambda: open_session(plan.data_dir, plan.username, plan.password),
        success=opened.append,
    ).run()
    if not wait_until(lambda: bool(opened), 60):
        raise RuntimeError("login failed")
    window = MainWindow(opened[0], plan.data_dir, tasks, UiSettings())
    window.resize(*SIZE)
    window.show()
    dashboard = window.page("dashboard")
    wait_until(lambda: getattr(dashboard, "data", None) is not None)
    camera.shoot("dashboard", window)

    window.go("clients")
    clients: Any = window.page("clients")
    model = getattr(clients, "model", None)
    wait_until(lambda: model is None or model.rowCount() > 0)
    camera.shoot("clients", window)
    first_id = model.row(0).id if model is not None and model.rowCount() else None
    if first_id and hasattr(clients, "show_client"):
        clients.show_client(first_id)
        dialog = _first(lambda: getattr(clients, "active_dialog", None))
        if dialog is not None:
            settle(1.0)
            camera.shoot("client-dialog", dialog)
            dialog.close()
    if model is not None and model.rowCount():
        _conflict_shots(camera, clients, model.row(0).display_name)
    _organization_shot(camera, clients)

    window.go("cases")
    cases = window.page("cases")
    case_model = getattr(cases, "model", None)
    wait_until(lambda: case_model is None or case_model.rowCount() > 0)
    camera.shoot("cases", window)

    number = _case_with_consultations(window, tasks)
    if number:
        window.open_case(number)
        view = window.page("case_view")
        wait_until(lambda: getattr(view, "detail", None) is not None)
        camera.shoot("case-view", window)
        _pdf_preview(camera, view, number)
        _correction_shots(camera, window, view, tasks)
        _referral_shots(camera, window, view, tasks)

    window.go("calendar")
    settle(1.0)
    camera.shoot("calendar", window)

    _campaign_shots(window, camera)

    reports_shots(window, camera)

    sync: Any = window.page("sync")
    if sync is not None:
        window.go("sync")
        wait_until(lambda: getattr(sync, "overview", None) is not None, 30)
        camera.shoot("sync", window)

    window.go("dashboard")
    window.show_search()
    palette = window.search_palette
    if palette is not None:
        palette.field.setText(plan.search_text)
        wait_until(lambda: bool(palette.hit_items()))
        camera.shoot("search-palette", window, overlay=palette)
        palette.hide()

    admin: Any = window.page("admin")
    if admin is not None:
        window.go("admin")
        users = admin.users
        wait_until(lambda: users.table.rowCount() > 0)
        camera.shoot("admin-users", window)
        if admin.audit is not None:
            admin.tabs.setCurrentWidget(admin.audit)
            wait_until(lambda: admin.audit.table.rowCount() > 0)
            camera.shoot("admin-audit", window)
        admin.tabs.setCurrentWidget(admin.maintenance)
        admin.maintenance.verify()
        wait_until(lambda: admin.maintenance.report is not None, 60)
        camera.shoot("admin-verify", window)

    window.go("settings")
    camera.shoot("settings", window)
    _qt_dialogs(camera, window)

    window.lock()
    wait_until(lambda: not tasks.busy())
    camera.shoot("lock-screen", window)
    window.close()
    window.deleteLater()
    tasks.wait()
    settle()


def reports_shots(window: MainWindow, camera: Camera) -> None:
    """The Reports screen with a chart: clients served by gender and age band this year
    (stacked bars), then consultations by month (a line)."""
    from legalaid_desktop.gui.pages.reports import ReportsPage
    from legalaid_desktop.i18n.dates import today

    page = window.page("reports")
    if not isinstance(page, ReportsPage):
        return
    window.go("reports")
    form = page.form
    wait_until(lambda: form.campaign.count() > 0)
    year = today().year

    def run(measure: str, first: str, second: str | None) -> None:
        form.measure.setCurrentIndex(form.measure.findData(measure))
        form.first.setCurrentIndex(form.first.findData(first))
        form.second.setCurrentIndex(max(form.second.findData(second), 0))
        form.period_kind.setCurrentIndex(form.period_kind.findData("year"))
        form.year.setValue(year)
        page.run()
        wait_until(lambda: not page.running, 60)
        settle(0.5)

    run("clients_served", "gender", "age_band")
    camera.shoot("reports-stacked", window)
    run("consultations", "month", None)
    camera.shoot("reports-line", window)
    run("cases_opened", "legal_area", None)
    camera.shoot("reports-bars", window)


def _campaign_shots(window: MainWindow, camera: Camera) -> None:
    """The Campaigns screen with its first campaign shown, and the "New campaign" dialog."""
    page: Any = window.page("campaigns")
    if page is None:
        return
    window.go("campaigns")
    wait_until(lambda: getattr(page, "detail", None) is not None, 30)
    if page.campaigns:  # the campaign with the most cases, to show them and their figures
        fullest = max(page.campaigns, key=lambda c: len(c.case_numbers))
        page.show_campaign(fullest.id)
        wait_until(lambda: page.detail is not None and page.detail.id == fullest.id, 30)
        page.list.selectRow([c.id for c in page.campaigns].index(fullest.id))
    camera.shoot("campaigns", window)
    dialog = page.new_campaign()
    if dialog is not None:
        camera.shoot("campaign-dialog", dialog)
        dialog.mark_clean()
        dialog.reject()


def _conflict_shots(camera: Camera, clients: Any, name: str) -> None:
    """A new client typed with a name already held (the banner's grouped list) and the decision
    the strong matches ask for."""
    from legalaid_desktop.gui.dialogs.client_dialog import ClientDialog
    from legalaid_desktop.gui.dialogs.conflict_decision import ConflictDecisionDialog

    dialog = ClientDialog(clients.ctx, parent=clients)
    dialog.show()
    dialog.name.setText(name)
    dialog.name.textEdited.emit(name)  # as typed: the live check starts
    wait_until(lambda: bool(dialog.banner.hits()) and not dialog.banner.pending())
    settle(1.0)
    camera.shoot("client-conflicts", dialog)
    strong = [hit for hit in dialog.banner.hits() if hit.level in ("exact", "strong")]
    if strong:
        decision = ConflictDecisionDialog(clients.ctx, strong, dialog)
        decision.show()
        settle(0.5)
        camera.shoot("conflict-decision", decision)
        decision.reject()
    dialog.reject()
    settle()


def _organization_shot(camera: Camera, clients: Any) -> None:
    """A community organization being registered (issue 19): its own rows in place of a
    person's gender and birth year."""
    from legalaid_desktop.gui.dialogs.client_dialog import ClientDialog

    dialog = ClientDialog(clients.ctx, parent=clients)
    dialog.show()
    dialog.kind.setCurrentIndex(dialog.kind.findData("organization"))
    dialog.name.setText("Gəncə Gənclər Təşəbbüs Mərkəzi İctimai Birliyi")
    dialog.region.set_code("AZ-GA")
    dialog.registration.setText("1402345671")
    dialog.contact_person.setText("Məmmədova Aytən Rauf qızı")
    dialog.members.setText("40")
    dialog.phone.setText("+994 22 256 11 22")
    dialog.address.setText("Gəncə şəhəri, Atatürk prospekti 12")
    dialog.purposes["store_process"].setChecked(True)
    dialog.touch_all()
    for line in (dialog.name, dialog.address):
        line.setCursorPosition(0)  # the start of a long name, as when it is opened
    settle(0.5)
    camera.shoot("client-organization", dialog)
    dialog.mark_clean()
    dialog.reject()
    settle()


def _correction_shots(camera: Camera, window: MainWindow, view: Any, tasks: TaskRunner) -> None:
    """Corrections (issue 19): a case's summary and a consultation corrected through the
    services, then the case's and its client's history, the "Edit case" dialog and a
    consultation's "Edit" dialog."""
    from legalaid_desktop.domain.corrections import CaseEdit, ConsultationEdit
    from legalaid_desktop.gui.dialogs.history_dialog import CLIENT, HistoryDialog
    from legalaid_desktop.gui.dialogs.history_dialog import SIZE as HISTORY_SIZE

    detail, ctx = getattr(view, "detail", None), window.ctx
    if detail is None or ctx is None or not detail.consultations:
        return
    corrections, first = ctx.services.corrections, detail.consultations[0]
    modes = [c for c in ctx.catalog["consultation_modes"].codes() if c != first.mode]

    def correct() -> None:
        corrections.edit_case(detail.number, CaseEdit(summary=detail.summary + " (düzəliş)"))
        notes = first.notes + "\nMüştəri torpaq sənədlərinin surətlərini də gətirdi."
        corrections.edit_consultation(
            first.id, ConsultationEdit(notes=notes, mode=modes[0] if modes else None)
        )

    done: list[bool] = []
    WriteOp(
        tasks,
        correct,
        changes={Change.CASES, Change.AGENDA},
        success=lambda _r: done.append(True),
        failure=lambda _e: done.append(False),
    ).run()
    wait_until(lambda: bool(done), 30)
    # the case view reloads the corrected case (the edit dialogs open with it)
    wait_until(lambda: view.detail is not None and view.detail.summary != detail.summary, 30)
    history = view.corrections.history_button.open_history()
    if history is not None:
        history.resize(*HISTORY_SIZE)  # as on a real screen (the offscreen one is 800 wide)
        wait_until(lambda: history.entries is not None, 30)
        notes = [i for i, e in enumerate(history.entries or ()) if e.field == "notes"]
        if notes:  # a long text, whole in the boxes under the table
            history.table.setCurrentCell(notes[0], 0)
        camera.shoot("case-history", history)
        history.reject()
    client = detail.client
    subject = " · ".join(t for t in (client.number, client.display_name) if t)
    of_client = HistoryDialog(ctx, CLIENT, client.id, subject, window)
    of_client.resize(*HISTORY_SIZE)
    of_client.show()
    wait_until(lambda: of_client.entries is not None, 30)
    camera.shoot("client-history", of_client)
    of_client.reject()
    of_client.deleteLater()
    shown = view.detail or detail
    for name, open_edit in (
        ("case-edit", view.corrections.edit_case),
        ("consultation-edit", lambda: view.corrections.edit_consultation(shown.consultations[0])),
    ):
        dialog = open_edit()
        if dialog is not None:
            settle(0.5)
            camera.shoot(name, dialog)
            dialog.reject()
            settle()


def _open_case_opened_weeks_ago(window: MainWindow, tasks: TaskRunner) -> str | None:
    """The number of an open case opened three weeks ago or more (else any open case)."""
    from datetime import timedelta

    from legalaid_desktop.i18n.dates import today

    ctx = window.ctx
    if ctx is None:
        return None
    cases = ctx.services.cases

    def find() -> str | None:
        rows = cases.list(status="open", limit=60).rows
        old = [r for r in rows if r.opened_on <= today() - timedelta(days=21)]
        return (old or rows)[0].number if rows else None

    found: list[str | None] = []
    WriteOp(tasks, find, success=found.append, failure=lambda _e: found.append(None)).run()
    wait_until(lambda: bool(found), 60)
    return found[0] if found else None


def _referral_shots(camera: Camera, window: MainWindow, view: Any, tasks: TaskRunner) -> None:
    """Referrals (issue 19) of an open case: one answered and one waiting, made through the
    services, in the case view's Referrals tab; the "Refer" dialog, the answer dialog of the
    answered one (a correction) and the "Close case" dialog with the citizen's satisfaction."""
    from datetime import timedelta

    from legalaid_desktop.domain.referrals import AnswerInput, ReferralInput
    from legalaid_desktop.gui.dialogs.case_dialogs import CloseCaseDialog
    from legalaid_desktop.i18n.dates import today

    number = _open_case_opened_weeks_ago(window, tasks)
    ctx = window.ctx
    if number is None or ctx is None:
        return
    window.open_case(number)
    wait_until(lambda: view.detail is not None and view.detail.number == number, 30)
    detail = view.detail
    if detail is None or detail.number != number:
        return
    referrals = ctx.services.referrals
    first_day = max(detail.opened_on, today() - timedelta(days=40))
    answered_on = min(first_day + timedelta(days=14), today())

    def refer() -> None:
        sent = referrals.refer(
            number,
            ReferralInput(
                "prosecutor_anticorruption",
                first_day,
                "Şikayətlərə baxılması şöbəsi",
                "Rayon icra hakimiyyətində torpaq sənədinin verilməsi üçün pul tələb "
                "olunmasına dair şikayətin araşdırılması xahiş olunur.",
            ),
        )
        referrals.record_answer(
            number,
            AnswerInput(
                "answered",
                answered_on,
                "Şikayət araşdırılıb; vəzifəli şəxsə xəbərdarlıq edilib, sənəd verilib.",
                "partly_resolved",
            ),
            sent.id,
        )
        referrals.refer(
            number,
            ReferralInput(
                "ombudsman",
                max(first_day, today() - timedelta(days=5)),
                "",
                "Müraciətə baxılma müddətinin pozulması barədə.",
            ),
        )

    done: list[bool] = []
    WriteOp(
        tasks,
        refer,
        changes={Change.CASES},
        success=lambda _r: done.append(True),
        failure=lambda _e: done.append(False),
    ).run()
    wait_until(lambda: bool(done), 30)
    wait_until(lambda: view.detail is not None and len(view.detail.referrals) >= 2, 30)
    tab = view.referrals_tab
    view.tabs.setCurrentWidget(tab)
    tab.table.setCurrentCell(0, 0)
    camera.shoot("case-referrals", window)
    for name, open_dialog in (
        ("referral-refer", tab.refer),
        ("referral-answer", tab.record_answer),
    ):
        dialog = open_dialog()
        if dialog is not None:
            settle(0.5)
            camera.shoot(name, dialog)
            dialog.reject()
            settle()
    view.close_case()
    closing = view.active_dialog
    if isinstance(closing, CloseCaseDialog):
        closing.outcome.set_code("resolved_partial")
        closing.satisfaction.set_code("unreachable")
        closing.revalidate()
        settle(0.5)
        camera.shoot("case-close", closing)
        closing.reject()
        settle()
    view.tabs.setCurrentIndex(0)
    settle()


def _pdf_preview(camera: Camera, view: Any, number: str) -> None:
    """The print preview of the case summary (``gui/dialogs/pdf_preview.py``), once rendered."""
    opener = getattr(view, "open_summary_preview", None)
    if opener is None:
        return
    dialog = opener(number)
    wait_until(lambda: getattr(dialog, "document", None) is not None, 60)
    settle(1.0)
    camera.shoot("pdf-preview", dialog)
    dialog.close()
    dialog.deleteLater()
    settle()


def _qt_dialogs(camera: Camera, window: QWidget) -> None:
    """Qt's own dialogs, which follow the language through the Qt translators: a question with
    details, the file dialog (Qt's, not the platform's) and the print dialog."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        i18n._("LegalAid Desktop"),
        i18n._("Revoke {name} ({username})?").format(
            name="Həsənov Elvin Vaqif oğlu", username="elvin.h"
        ),
        QMessageBox.StandardButton.Yes
        | QMessageBox.StandardButton.No
        | QMessageBox.StandardButton.Cancel,
        window,
    )
    box.setDetailedText("—")
    box.show()
    camera.shoot("qt-message-box", box)
    box.close()
    box.deleteLater()

    with tempfile.TemporaryDirectory(prefix="legalaid-shots-files-") as folder:
        (Path(folder) / "Arxiv").mkdir()
        for name, size in (("GNJ-2026-0233.pdf", 48_213), ("Razılıq forması.pdf", 1_536)):
            (Path(folder) / name).write_bytes(b"%PDF-1.7\n" + b"0" * size)
        files = QFileDialog(window)
        files.setOption(QFileDialog.Option.DontUseNativeDialog)
        files.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        files.setViewMode(QFileDialog.ViewMode.Detail)
        files.setDirectory(folder)
        files.resize(900, 560)
        files.show()
        settle(1.0)  # the folder is read in the background
        camera.shoot("qt-file-dialog", files)
        files.close()
        files.deleteLater()

    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printing = QPrintDialog(printer, window)
    printing.resize(760, 560)
    printing.show()
    camera.shoot("qt-print-dialog", printing)
    printing.close()
    printing.deleteLater()
    settle()


def _case_with_consultations(window: MainWindow, tasks: TaskRunner) -> str | None:
    """The number of a recent case that has at least two consultations."""
    ctx = window.ctx
    if ctx is None:
        return None
    services = ctx.services

    def find() -> str | None:
        page = services.cases.list(limit=40)
        for row in page.rows:
            detail = services.cases.get(row.number)
            if len(detail.consultations) >= 2:
                return row.number
        return page.rows[0].number if page.rows else None

    found: list[str | None] = []
    WriteOp(tasks, find, success=found.append).run()  # a write: viewing a case is recorded
    wait_until(lambda: bool(found), 60)
    return found[0] if found else None


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


def _network_shots(plan: ShotPlan, camera: Camera, tasks: TaskRunner) -> None:
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


def capture(
    plan: ShotPlan, out: Path, languages: Iterable[str], *, theme: str = "light"
) -> list[Path]:
    """Photograph every main screen in each language into ``out/<language>/``."""
    with tempfile.TemporaryDirectory(prefix="legalaid-shots-settings-") as settings_dir:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
        app = create_application(["legalaid-screenshots"])
        apply_appearance(app, theme=theme, font_size=10)
        tasks = TaskRunner()
        saved: list[Path] = []
        for language in languages:
            i18n.set_language(language)
            camera = Camera(out / language)
            _login_and_wizard(plan, camera, tasks, language)
            _main_screens(plan, camera, tasks)
            _network_shots(plan, camera, tasks)
            saved.extend(camera.saved)
        tasks.wait()
        return saved
