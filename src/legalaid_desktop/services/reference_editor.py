"""The reference-list editor at HQ (issue 19).

HQ maintains the lists the centers choose from — legal areas, corruption sectors and conduct,
outcomes, referral bodies and results, grant codes — with labels in az, ru and en. A change makes
a new version of the whole list; the next bundle HQ sends a center carries it, and the center
installs it because its version is higher (``services/reference.install_lists``). A code in use
is never deleted: it is *retired* (inactive): no new record takes it, old records keep it.

The other lists (regions, genders, statuses, consent purposes, the satisfaction scale…) are part
of the program's rules or of law and change only with the program.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from legalaid_desktop.domain.errors import InputRejected, NotFound, PermissionDenied
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n import LANGUAGES, _
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.models import ReferenceItem
from legalaid_desktop.sync.nodes import is_hq

__all__ = ["EDITABLE_KINDS", "EditableItem", "ReferenceEditor"]

EDITABLE_KINDS: tuple[str, ...] = (
    "legal_areas",
    "corruption_sectors",
    "corruption_conduct",
    "outcomes",
    "referral_bodies",
    "referral_results",
    "grant_codes",
)
"""The lists HQ edits (the rest change only with the program)."""

CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}")
LABEL_MAX = 300


@dataclass(frozen=True)
class EditableItem:
    kind: str
    code: str
    labels: dict[str, str]
    active: bool
    version: int


class ReferenceEditor:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def _check_kind(self, kind: str) -> str:
        if kind not in EDITABLE_KINDS:
            raise InputRejected(
                _("The list '{kind}' is not edited here; the lists HQ edits are: {kinds}.").format(
                    kind=kind, kinds=", ".join(EDITABLE_KINDS)
                )
            )
        return kind

    def _at_hq(self, s: Session) -> None:
        if not is_hq(s):
            raise PermissionDenied(
                _("Reference lists are edited at HQ; a center receives them in its bundles.")
            )

    def items(self, kind: str) -> tuple[EditableItem, ...]:
        """Every item of ``kind``, retired ones too, by code."""
        self.ws.require(Permission.VIEW_CASES)
        self._check_kind(kind)
        with self.ws.read() as s:
            rows = s.scalars(
                select(ReferenceItem).where(ReferenceItem.kind == kind).order_by(ReferenceItem.code)
            ).all()
            return tuple(
                EditableItem(r.kind, r.code, dict(r.labels), bool(r.active), r.version)
                for r in rows
            )

    def set_item(self, kind: str, code: str, labels: dict[str, str]) -> EditableItem:
        """Add a code to ``kind``, or change its labels (a retired code comes back).

        Raises:
            PermissionDenied: Not HQ, or a role that may not edit the lists (audited).
            InputRejected: Not an editable list, a malformed code, a label missing or too long.
        """
        self.ws.require(Permission.EDIT_REFERENCE, "reference_changed", "reference", kind)
        self._check_kind(kind)
        code = code.strip()
        if not CODE.fullmatch(code):
            raise InputRejected(
                _(
                    "'{code}' is not a code: use up to 32 Latin letters, digits, '_', '.' or "
                    "'-', starting with a letter or digit."
                ).format(code=code)
            )
        clean: dict[str, str] = {}
        for lang in LANGUAGES:
            text = " ".join(str(labels.get(lang, "")).split())
            if not text or len(text) > LABEL_MAX:
                raise InputRejected(
                    _("Give the label in {lang} (1 to {n} characters).").format(
                        lang=lang, n=LABEL_MAX
                    )
                )
            clean[lang] = text
        with self.ws.write() as s:
            self._at_hq(s)
            version = self._next_version(s, kind)
            row = s.get(ReferenceItem, (kind, code))
            if row is None:
                row = ReferenceItem(kind=kind, code=code, extra={})
                s.add(row)
            row.labels, row.active, row.version = clean, True, version
            self.ws.audit(
                s, "reference_changed", "reference", kind, {"code": code, "version": version}
            )
            s.flush()
            item = EditableItem(kind, code, clean, True, version)
        self.ws.reference_changed()
        return item

    def retire(self, kind: str, code: str) -> EditableItem:
        """Retire a code: no new record takes it; the records that have it keep it.

        Raises:
            NotFound: No such code in the list.
            InputRejected: Already retired, or the list's last code in use.
        """
        self.ws.require(Permission.EDIT_REFERENCE, "reference_retired", "reference", kind)
        self._check_kind(kind)
        with self.ws.write() as s:
            self._at_hq(s)
            row = s.get(ReferenceItem, (kind, code.strip()))
            if row is None:
                raise NotFound(
                    _("The list {kind} has no code '{code}'.").format(kind=kind, code=code)
                )
            if not row.active:
                raise InputRejected(_("'{code}' is retired already.").format(code=row.code))
            others = s.scalar(
                select(ReferenceItem.code).where(
                    ReferenceItem.kind == kind,
                    ReferenceItem.active.is_(True),
                    ReferenceItem.code != row.code,
                )
            )
            if others is None:
                raise InputRejected(_("A list keeps at least one code in use."))
            version = self._next_version(s, kind)
            row.active, row.version = False, version
            self.ws.audit(
                s, "reference_retired", "reference", kind, {"code": row.code, "version": version}
            )
            item = EditableItem(kind, row.code, dict(row.labels), False, version)
        self.ws.reference_changed()
        return item

    @staticmethod
    def _next_version(s: Session, kind: str) -> int:
        """The list's next version, given to every row of it (the list travels whole)."""
        current = s.scalars(select(ReferenceItem.version).where(ReferenceItem.kind == kind)).all()
        version = max(current, default=0) + 1
        s.execute(update(ReferenceItem).where(ReferenceItem.kind == kind).values(version=version))
        return version
