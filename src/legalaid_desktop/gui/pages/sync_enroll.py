"""Enrollment on the Sync screen: a center's two steps, and HQ's roster with "Accept request".

Enrollment pins each side's keys. The files travel on a USB stick; the fingerprints are read
aloud over the phone, so they are shown large, and nothing is trusted until the person ticks
that the two fingerprints are the same.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.application import monospace_font, set_role
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.tasks import Change, QueryOp, WriteOp
from legalaid_desktop.gui.widgets.case_tabs import record_table
from legalaid_desktop.gui.widgets.feedback import message_label, show_message
from legalaid_desktop.i18n import N_, _
from legalaid_desktop.services.sync import (
    EnrollmentAccepted,
    EnrollmentCompleted,
    EnrollmentPeek,
    EnrollmentRequested,
    NodeInfo,
    SyncOverview,
)

KIND_LABELS = {"hq": N_("HQ"), "center": N_("Center")}
ENROLLMENT_LABELS = {
    "enrolled": N_("Enrolled"),
    "revoked": N_("Revoked"),
    "pending": N_("Pending"),
    "self": N_("This node"),
}
NODE_COLUMNS = (N_("Code"), N_("Name"), N_("Kind"), N_("State"), N_("Fingerprint"))
FILE_FILTER = N_("Enrollment files (*.json);;All files (*)")


def fingerprint_label() -> QLabel:
    """A large, selectable fingerprint (read aloud over the phone)."""
    label = QLabel()
    label.setFont(monospace_font(18))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    label.setFrameShape(QFrame.Shape.StyledPanel)
    label.setContentsMargins(10, 8, 10, 8)
    return label


class CenterEnrollView(QWidget):
    """A center not yet enrolled: 1. write the request for HQ; 2. complete with HQ's answer.

    Signals:
        enrolled(): HQ is pinned; the screen can show the bundles.
    """

    enrolled = Signal()

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.response: tuple[Path, EnrollmentPeek] | None = None
        allowed = ctx.actor.can(Permission.MANAGE_USERS)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.step1 = QGroupBox()
        self.step1_text = QLabel()
        self.step1_text.setWordWrap(True)
        self.request_button = QPushButton()
        self.request_button.clicked.connect(self.choose_request_path)
        self.own_fingerprint = fingerprint_label()
        self.own_fingerprint.hide()
        box1 = QVBoxLayout(self.step1)
        box1.addWidget(self.step1_text)
        box1.addWidget(self.request_button, 0, Qt.AlignmentFlag.AlignLeft)
        box1.addWidget(self.own_fingerprint)
        self.step2 = QGroupBox()
        self.step2_text = QLabel()
        self.step2_text.setWordWrap(True)
        self.response_button = QPushButton()
        self.response_button.clicked.connect(self.choose_response)
        self.hq_label = QLabel()
        self.hq_fingerprint = fingerprint_label()
        self.confirm = QCheckBox()
        self.confirm.toggled.connect(self._update)
        self.complete_button = QPushButton()
        self.complete_button.clicked.connect(self.complete)
        box2 = QVBoxLayout(self.step2)
        box2.addWidget(self.step2_text)
        box2.addWidget(self.response_button, 0, Qt.AlignmentFlag.AlignLeft)
        for widget in (self.hq_label, self.hq_fingerprint, self.confirm):
            box2.addWidget(widget)
            widget.hide()
        box2.addWidget(self.complete_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.message = message_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.step1)
        layout.addWidget(self.step2)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.step1.setEnabled(allowed)
        self.step2.setEnabled(allowed)
        self.retranslate()

    def retranslate(self) -> None:
        if self.ctx.actor.can(Permission.MANAGE_USERS):
            self.intro.setText(
                _(
                    "This center is not enrolled with HQ yet. Enrollment exchanges keys once, "
                    "so that bundles can be signed and encrypted."
                )
            )
        else:
            self.intro.setText(
                _("This center is not enrolled with HQ yet. Ask the center manager to enroll it.")
            )
        self.step1.setTitle(_("Step 1: the request for HQ"))
        self.step1_text.setText(
            _(
                "Write the request file, take it to HQ, and read the fingerprint below to HQ "
                "by phone."
            )
        )
        self.request_button.setText(_("&Write request…"))
        self.step2.setTitle(_("Step 2: HQ's response"))
        self.step2_text.setText(
            _("Open the response file HQ gave you and compare HQ's fingerprint by phone.")
        )
        self.response_button.setText(_("&Open response…"))
        self.confirm.setText(_("HQ read me &this same fingerprint"))
        self.complete_button.setText(_("&Complete enrollment"))
        self.own_fingerprint.setAccessibleName(_("Fingerprint of this center"))
        self.hq_fingerprint.setAccessibleName(_("Fingerprint of HQ"))
        if self.response is not None:
            peek = self.response[1]
            self.hq_label.setText(
                _("Fingerprint of {node} ({name}):").format(node=peek.node_code, name=peek.name)
            )
        self._update()

    def set_overview(self, overview: SyncOverview) -> None:
        if overview.fingerprint and overview.requested:
            self.own_fingerprint.setText(overview.fingerprint)
            self.own_fingerprint.show()

    def _update(self) -> None:
        self.complete_button.setEnabled(self.response is not None and self.confirm.isChecked())

    def choose_request_path(self) -> None:
        code = self.ctx.actor.node_code
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save the enrollment request"), f"{code}-request.json", _(FILE_FILTER)
        )
        if chosen:
            self.write_request(Path(chosen))

    def write_request(self, path: Path) -> None:
        WriteOp(
            self.ctx.tasks,
            partial(self.ctx.services.sync.enroll_request, path),
            changes={Change.SYNC},
            success=self._requested,
            failure=self._failed,
            action="enroll_request",
        ).run()

    def _requested(self, result: EnrollmentRequested) -> None:
        self.own_fingerprint.setText(result.fingerprint)
        self.own_fingerprint.show()
        show_message(
            self.message,
            _("Request written to {path}. Take it to HQ.").format(path=result.path),
            "ok",
        )

    def choose_response(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Open HQ's response"), "", _(FILE_FILTER)
        )
        if chosen:
            self.open_response(Path(chosen))

    def open_response(self, path: Path) -> None:
        QueryOp(
            self.ctx.tasks,
            partial(self.ctx.services.sync.enroll_peek, path),
            success=partial(self._peeked, path),
            failure=self._failed,
            action="enroll_peek",
        ).run()

    def _peeked(self, path: Path, peek: EnrollmentPeek) -> None:
        if peek.kind != "response":
            show_message(self.message, _("This is an enrollment request, not HQ's response."))
            return
        self.response = (path, peek)
        self.hq_fingerprint.setText(peek.fingerprint)
        self.confirm.setChecked(False)
        for widget in (self.hq_label, self.hq_fingerprint, self.confirm):
            widget.show()
        show_message(self.message, "")
        self.retranslate()

    def complete(self) -> None:
        if self.response is None or not self.confirm.isChecked():
            return
        path, peek = self.response
        WriteOp(
            self.ctx.tasks,
            partial(self.ctx.services.sync.enroll_complete, path, peek.fingerprint),
            changes={Change.SYNC},
            success=self._completed,
            failure=self._failed,
            action="enroll_complete",
        ).run()

    def _completed(self, result: EnrollmentCompleted) -> None:
        show_message(
            self.message,
            _("This center is enrolled with {node} ({name}).").format(
                node=result.hq_code, name=result.hq_name
            ),
            "ok",
        )
        self.enrolled.emit()

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, "enroll")
        show_message(self.message, user_message(exc))


class NodesView(QWidget):
    """HQ: the node roster, and "Accept enrollment request…" with the fingerprint to compare.

    Signals:
        changed(): a center was enrolled.
    """

    changed = Signal()

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.nodes: tuple[NodeInfo, ...] = ()
        self.request: tuple[Path, EnrollmentPeek] | None = None
        self.table = record_table(self, len(NODE_COLUMNS))
        self.accept_button = QPushButton()
        self.accept_button.clicked.connect(self.choose_request)
        self.accept_button.setVisible(ctx.actor.can(Permission.MANAGE_USERS))
        self.panel = QGroupBox()
        self.center_label = QLabel()
        self.center_label.setWordWrap(True)
        self.fingerprint = fingerprint_label()
        self.confirm = QCheckBox()
        self.confirm.toggled.connect(self._update)
        self.write_button = QPushButton()
        self.write_button.clicked.connect(self.choose_response_path)
        self.dismiss = QPushButton()
        self.dismiss.clicked.connect(self.clear)
        panel_buttons = QHBoxLayout()
        panel_buttons.addWidget(self.write_button)
        panel_buttons.addWidget(self.dismiss)
        panel_buttons.addStretch(1)
        box = QVBoxLayout(self.panel)
        box.addWidget(self.center_label)
        box.addWidget(self.fingerprint)
        box.addWidget(self.confirm)
        box.addLayout(panel_buttons)
        self.panel.hide()
        self.answer = QLabel()
        self.answer.setWordWrap(True)
        self.hq_fingerprint = fingerprint_label()
        self.hq_fingerprint.hide()
        self.recovery = QLabel()
        self.recovery.setFont(monospace_font(12))
        self.recovery.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.recovery.setWordWrap(True)
        set_role(self.recovery, "warning")
        self.recovery.hide()
        self.message = message_label()
        top = QHBoxLayout()
        top.addWidget(self.accept_button)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.panel)
        layout.addWidget(self.answer)
        layout.addWidget(self.hq_fingerprint)
        layout.addWidget(self.recovery)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([_(c) for c in NODE_COLUMNS])
        self.table.setAccessibleName(_("Nodes"))
        self.accept_button.setText(_("&Accept enrollment request…"))
        self.panel.setTitle(_("Enrollment request"))
        self.confirm.setText(_("The center read me &this same fingerprint"))
        self.write_button.setText(_("Enroll and &write the response…"))
        self.dismiss.setText(_("Ca&ncel"))
        self.fingerprint.setAccessibleName(_("Fingerprint of the center"))
        self.hq_fingerprint.setAccessibleName(_("Fingerprint of HQ"))
        if self.request is not None:
            peek = self.request[1]
            self.center_label.setText(
                _(
                    "{node} ({name}) asks to be enrolled. Call the center and compare this "
                    "fingerprint with the one they read to you:"
                ).format(node=peek.node_code, name=peek.name)
            )
        self._fill()
        self._update()

    def set_overview(self, overview: SyncOverview) -> None:
        self.nodes = overview.nodes
        self._fill()

    def _fill(self) -> None:
        me = self.ctx.actor.node_code
        self.table.setRowCount(len(self.nodes))
        for i, node in enumerate(self.nodes):
            state = "self" if node.code == me else node.enrollment
            values = (
                node.code,
                node.name,
                _(KIND_LABELS[node.kind]) if node.kind in KIND_LABELS else node.kind,
                _(ENROLLMENT_LABELS[state]) if state in ENROLLMENT_LABELS else state,
                node.fingerprint or "—",
            )
            for col, text in enumerate(values):
                self.table.setItem(i, col, QTableWidgetItem(text))

    def _update(self) -> None:
        self.write_button.setEnabled(self.request is not None and self.confirm.isChecked())

    def choose_request(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Open a center's enrollment request"), "", _(FILE_FILTER)
        )
        if chosen:
            self.open_request(Path(chosen))

    def open_request(self, path: Path) -> None:
        QueryOp(
            self.ctx.tasks,
            partial(self.ctx.services.sync.enroll_peek, path),
            success=partial(self._peeked, path),
            failure=self._failed,
            action="enroll_peek",
        ).run()

    def _peeked(self, path: Path, peek: EnrollmentPeek) -> None:
        if peek.kind != "request":
            show_message(self.message, _("This is a response, not a center's request."))
            return
        self.request = (path, peek)
        self.fingerprint.setText(peek.fingerprint)
        self.confirm.setChecked(False)
        self.panel.show()
        show_message(self.message, "")
        self.retranslate()
        self.confirm.setFocus()

    def clear(self) -> None:
        self.request = None
        self.panel.hide()

    def choose_response_path(self) -> None:
        if self.request is None:
            return
        code = self.request[1].node_code
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save the response for the center"), f"{code}-response.json", _(FILE_FILTER)
        )
        if chosen:
            self.accept_request(Path(chosen))

    def accept_request(self, response_path: Path) -> None:
        """Enroll the center of the open request (its fingerprint was confirmed)."""
        if self.request is None or not self.confirm.isChecked():
            return
        path, peek = self.request
        WriteOp(
            self.ctx.tasks,
            partial(self.ctx.services.sync.enroll_accept, path, response_path, peek.fingerprint),
            changes={Change.SYNC},
            success=self._accepted,
            failure=self._failed,
            action="enroll_accept",
        ).run()

    def _accepted(self, result: EnrollmentAccepted) -> None:
        self.clear()
        self.answer.setText(
            _(
                "{node} ({name}) is enrolled. Response written to {path}. Read HQ's fingerprint "
                "to the center by phone:"
            ).format(node=result.node_code, name=result.name, path=result.response_path)
        )
        self.hq_fingerprint.setText(result.hq_fingerprint)
        self.hq_fingerprint.show()
        if result.recovery_key:
            self.recovery.setText(
                _(
                    "Bundle recovery key (shown only this once; write it down or print it and "
                    "lock it away; it opens every bundle):\n{key}"
                ).format(key=result.recovery_key)
            )
            self.recovery.show()
        self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, "enroll")
        show_message(self.message, user_message(exc))
