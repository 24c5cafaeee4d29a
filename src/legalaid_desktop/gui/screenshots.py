"""Screenshots of every main screen (driven by ``python -m legalaid_desktop.devtools.screenshots``).

The caller prepares a store (with demo data) and a way to create stores quickly for the wizard;
this module drives the real windows offscreen at 1280 x 800 and saves ``widget.grab()`` PNGs.
Nothing here is used by the program itself.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from legalaid_desktop import i18n
from legalaid_desktop.gui.application import apply_appearance, create_application
from legalaid_desktop.gui.login import LoginWindow
from legalaid_desktop.gui.main_window import MainWindow
from legalaid_desktop.gui.screenshot_camera import SIZE, Camera, ShotPlan, first, settle, wait_until
from legalaid_desktop.gui.screenshots_network import network_shots
from legalaid_desktop.gui.session_loader import OpenedSession, open_session
from legalaid_desktop.gui.tasks import Change, TaskRunner, WriteOp
from legalaid_desktop.gui.ui_settings import UiSettings
from legalaid_desktop.gui.wizard import FirstRunWizard


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
        dialog = first(lambda: getattr(clients, "active_dialog", None))
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
            network_shots(plan, camera, tasks)
            saved.extend(camera.saved)
        tasks.wait()
        return saved
