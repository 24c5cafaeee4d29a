"""What hangs off a case: consultations, parties, deadlines and attachments."""

from __future__ import annotations

import hashlib
import mimetypes
from datetime import date
from pathlib import Path

from legalaid_desktop.domain import validation
from legalaid_desktop.domain.cases import (
    MAX_MINUTES,
    AttachmentInfo,
    ConsultationInfo,
    ConsultationInput,
    DeadlineInfo,
    PartyInfo,
)
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.domain.errors import InputRejected, NotFound, ValidationError
from legalaid_desktop.domain.filenames import plain_file_name
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.fsutil import atomic_write
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.i18n.formatting import format_decimal, format_integer
from legalaid_desktop.search import refresh as search_refresh
from legalaid_desktop.services import conflict_decisions, lookups
from legalaid_desktop.services.cases import CaseService
from legalaid_desktop.services.rows import (
    attachment_info,
    consultation_info,
    deadline_info,
    party_info,
)
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.audit import utc_now_iso
from legalaid_desktop.store.models import Attachment, Case, Consultation, Deadline, Party
from legalaid_desktop.text.cleaning import clean

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def checked_file(file_name: str, content: bytes, media_type: str | None = None) -> tuple[str, str]:
    """The plain name and media type of a file about to be stored as an attachment (a case's
    document or a consent's signed scan); refused when it is empty, nameless or too large."""
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("The file is {size} MB; the limit is {limit} MB.").format(
                size=format_decimal(len(content) / 1024 / 1024, 1),
                limit=format_integer(MAX_ATTACHMENT_BYTES // 1024 // 1024),
            ),
            "content",
        )
    if not file_name.strip():
        raise ValidationError(_("The file needs a name."), "file_name")
    name = plain_file_name(file_name)  # no path parts, device names or control characters
    if not content:
        raise ValidationError(_("The file is empty."), "content")
    return name, media_type or mimetypes.guess_type(name)[0] or "application/octet-stream"


class CaseRecordService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._cases = CaseService(ws)

    def _case_for_edit(self, s, number: str) -> Case:  # type: ignore[no-untyped-def]
        case = lookups.get_case(s, number)
        self._cases._editable(case)
        return case

    # -- consultations ------------------------------------------------------------------------

    def add_consultation(self, number: str, data: ConsultationInput) -> ConsultationInfo:
        catalog = self.ws.catalog()
        mode = validation.code(catalog, "consultation_modes", data.mode, "mode", _("mode"))
        notes = validation.text(data.notes, "notes", _("Notes"), required=True, max_length=20000)
        advice = validation.text(
            data.advice, "advice", _("Advice given"), required=False, max_length=20000
        )
        steps = validation.text(
            data.next_steps, "next_steps", _("Next steps"), required=False, max_length=5000
        )
        held = validation.not_in_future(
            data.held_on or today(), "held_on", _("The consultation date")
        )
        if not 1 <= data.minutes <= MAX_MINUTES:
            raise ValidationError(
                _("The duration must be between 1 and {n} minutes.").format(n=MAX_MINUTES),
                "minutes",
            )
        if data.follow_up_on is not None and data.follow_up_on < held:
            raise ValidationError(
                _("The follow-up date is before the consultation."), "follow_up_on"
            )
        with self.ws.write() as s:
            case = self._case_for_edit(s, number)
            if held < date.fromisoformat(case.opened_on):
                raise ValidationError(
                    _("The consultation is dated before the case was opened."), "held_on"
                )
            lawyer = self._cases._lawyer(s, data.lawyer)
            row = Consultation(
                id=new_id(),
                case_id=case.id,
                held_on=held.isoformat(),
                lawyer=lawyer,
                mode=mode,
                minutes=data.minutes,
                notes=notes,
                advice=advice,
                next_steps=steps,
                follow_up_on=data.follow_up_on.isoformat() if data.follow_up_on else None,
                origin_node=self.ws.node_code,
                clocks={},
                hlc="",
            )
            s.add(row)
            self.ws.touch(s, row, Consultation.FIELD_GROUPS)
            search_refresh.refresh_rows(s, {"consultations": {row.id: ()}})
            self.ws.audit(
                s,
                "consultation_added",
                "case",
                case.id,
                {"number": case.number, "consultation": row.id},
            )
            return consultation_info(row)

    def set_follow_up_done(self, consultation_id: str, done: bool = True) -> ConsultationInfo:
        """Mark a consultation's follow-up done (or not done again), with who and when.

        Any lawyer who may change the case may do it (a colleague may see the client when the
        follow-up falls due); it is audited either way, and travels in bundles (field group
        ``follow_up``). A consultation without a follow-up date has nothing to mark.
        """
        self.ws.require(Permission.EDIT_CASES)
        with self.ws.write() as s:
            row = s.get(Consultation, consultation_id)
            if row is None or row.deleted_hlc is not None:
                raise NotFound(_("There is no such consultation."))
            case = s.get(Case, row.case_id)
            assert case is not None
            self._cases._editable(case)
            if row.follow_up_on is None:
                raise InputRejected(_("This consultation has no follow-up date."))
            if done == (row.follow_up_done_at is not None):
                return consultation_info(row)  # already so: nothing to write or audit
            row.follow_up_done_at = utc_now_iso() if done else None
            row.follow_up_done_by = self.ws.actor.username if done else None
            self.ws.touch(s, row, ("follow_up",))
            self.ws.audit(
                s,
                "follow_up_done" if done else "follow_up_reopened",
                "case",
                case.id,
                {"number": case.number, "consultation": row.id, "due": row.follow_up_on},
            )
            return consultation_info(row)

    # -- parties ------------------------------------------------------------------------------

    def add_party(
        self,
        number: str,
        name: str,
        role: str,
        notes: str = "",
        decision: ConflictDecisionInput | None = None,
    ) -> PartyInfo:
        """Add a party to case ``number``.

        Raises:
            ConflictDecisionRequired: The name matches a client or party strongly (the case's
                own client as an adverse party, above all) and no ``decision`` was given.
        """
        catalog = self.ws.catalog()
        clean_name = validation.text(name, "name", _("Name"), required=True, max_length=300)
        if not any(ch.isalpha() for ch in clean_name):
            raise ValidationError(_("Name must contain letters."), "name")
        role = validation.code(catalog, "party_roles", role, "role", _("role"))
        decision = conflict_decisions.validated_input(decision)
        with self.ws.write() as s:
            case = self._case_for_edit(s, number)
            hits = conflict_decisions.strong_matches(s, clean_name)
            decided = conflict_decisions.checked_decision(hits, decision)
            row = Party(
                id=new_id(),
                case_id=case.id,
                name=clean(clean_name),
                role=role,
                notes=validation.text(notes, "notes", _("Notes"), required=False, max_length=2000),
                origin_node=self.ws.node_code,
                clocks={},
                hlc="",
            )
            s.add(row)
            self.ws.touch(s, row, Party.FIELD_GROUPS)
            search_refresh.refresh_rows(s, {"parties": {row.id: ()}})
            self.ws.audit(
                s,
                "party_added",
                "case",
                case.id,
                {"number": case.number, "party": row.id, "role": role},
            )
            if decided is not None:
                conflict_decisions.record_decision(
                    self.ws,
                    s,
                    hits,
                    decided.decision,
                    decided.reason,
                    case_id=case.id,
                    party_id=row.id,
                )
            return party_info(row)

    def remove_party(self, number: str, party_id: str) -> None:
        with self.ws.write() as s:
            case = self._case_for_edit(s, number)
            row = s.get(Party, party_id)
            if row is None or row.case_id != case.id or row.deleted_hlc is not None:
                raise NotFound(_("That party is not part of case {number}.").format(number=number))
            self.ws.tombstone(s, row)
            search_refresh.refresh_rows(s, {"parties": {row.id: ()}})
            self.ws.audit(s, "party_removed", "case", case.id, {"party": row.id})

    # -- deadlines ----------------------------------------------------------------------------

    def add_deadline(self, number: str, due_on: date, description: str) -> DeadlineInfo:
        text = validation.text(
            description, "description", _("Description"), required=True, max_length=500
        )
        with self.ws.write() as s:
            case = self._case_for_edit(s, number)
            row = Deadline(
                id=new_id(),
                case_id=case.id,
                due_on=due_on.isoformat(),
                description=text,
                done=False,
                origin_node=self.ws.node_code,
                clocks={},
                hlc="",
            )
            s.add(row)
            self.ws.touch(s, row, Deadline.FIELD_GROUPS)
            self.ws.audit(
                s, "deadline_added", "case", case.id, {"number": case.number, "due": row.due_on}
            )
            return deadline_info(row, case.number)

    def set_deadline_done(self, deadline_id: str, done: bool = True) -> DeadlineInfo:
        self.ws.require(Permission.EDIT_CASES)
        with self.ws.write() as s:
            row = s.get(Deadline, deadline_id)
            if row is None or row.deleted_hlc is not None:
                raise NotFound(_("There is no such deadline."))
            case = s.get(Case, row.case_id)
            assert case is not None
            self._cases._editable(case)
            row.done = done
            self.ws.touch(s, row, ("done",))
            self.ws.audit(
                s,
                "deadline_done" if done else "deadline_reopened",
                "case",
                case.id,
                {"deadline": row.id},
            )
            return deadline_info(row, case.number)

    # -- attachments --------------------------------------------------------------------------

    def add_attachment(
        self,
        number: str,
        file_name: str,
        content: bytes,
        media_type: str | None = None,
    ) -> AttachmentInfo:
        """Store a document inside the encrypted store (never as a loose file)."""
        name, kind = checked_file(file_name, content, media_type)
        with self.ws.write() as s:
            case = self._case_for_edit(s, number)
            row = Attachment(
                id=new_id(),
                case_id=case.id,
                file_name=name,
                media_type=kind,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                content=content,
                added_at=utc_now_iso(),
                origin_node=self.ws.node_code,
                clocks={},
                hlc="",
            )
            s.add(row)
            self.ws.touch(s, row, Attachment.FIELD_GROUPS)
            self.ws.audit(
                s,
                "attachment_added",
                "case",
                case.id,
                {
                    "number": case.number,
                    "attachment": row.id,
                    "size": row.size,
                    "sha256": row.sha256,
                },
            )
            return attachment_info(row)

    def attachment_content(self, attachment_id: str) -> tuple[AttachmentInfo, bytes]:
        """An attachment's bytes (for opening or exporting). Reading it is an audit event."""
        self.ws.require(Permission.VIEW_CASES)
        with self.ws.write() as s:
            row = s.get(Attachment, attachment_id)
            if row is None or row.deleted_hlc is not None:
                raise NotFound(_("There is no such attachment."))
            if hashlib.sha256(row.content).hexdigest() != row.sha256:
                raise InputRejected(
                    _("The attachment {name} is damaged (its checksum differs).").format(
                        name=row.file_name
                    )
                )
            self.ws.audit(s, "attachment_opened", "attachment", row.id)
            return attachment_info(row), bytes(row.content)

    def export_attachment(self, attachment_id: str, target: Path) -> Path:
        """Write an attachment where the user chose (an explicit export; audited)."""
        info, content = self.attachment_content(attachment_id)
        path = target / plain_file_name(info.file_name) if target.is_dir() else target
        self.ws.check_destination(path)
        atomic_write(path, content)
        with self.ws.write() as s:
            self.ws.audit(s, "attachment_exported", "attachment", info.id, {"sha256": info.sha256})
        return path
