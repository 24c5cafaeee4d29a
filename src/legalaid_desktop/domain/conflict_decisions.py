"""A lawyer's decision on a strong or exact conflict-of-interest match (issue 17)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.domain.search import ConflictHit
from legalaid_desktop.i18n import N_, _
from legalaid_desktop.i18n.formatting import format_datetime

__all__ = [
    "DECISION_LABELS",
    "ConflictDecisionInfo",
    "ConflictDecisionInput",
    "ConflictDecisionRequired",
    "Decision",
    "decision_label",
    "decision_text",
]

MAX_REASON = 1000


class Decision(StrEnum):
    """What the lawyer decided about a strong or exact match.

    ``declined``: the center does not take the person on: nothing is saved (no client, no
    party); for a party the decision stays on the case, for a client only the audit log
    records it (there is no record to link it to).
    """

    NO_CONFLICT = "no_conflict"
    WAIVED = "waived"
    DECLINED = "declined"


DECISION_LABELS: dict[str, str] = {
    Decision.NO_CONFLICT.value: N_("No conflict"),
    Decision.WAIVED.value: N_("Conflict waived"),
    Decision.DECLINED.value: N_("Declined"),
}


def decision_label(code: str) -> str:
    """The translated name of a decision."""
    return _(DECISION_LABELS[code]) if code in DECISION_LABELS else code


@dataclass(frozen=True)
class ConflictDecisionInput:
    """The decision given when saving past a strong match (``reason`` required for waived)."""

    decision: str
    reason: str = ""


@dataclass(frozen=True)
class ConflictDecisionInfo:
    """One recorded decision, as the case view and the case summary show it.

    Attributes:
        matched_name: The matched client's or party's name as stored here now ("" when it is
            not held here or was erased).
        decided_by: The full name of who decided (the user name if unknown here).
        decided_at: When, as an ISO UTC timestamp.
        subject: ``"client"`` (the case's client was saved past the match) or ``"party"``.
    """

    id: str
    subject: str
    client_id: str | None
    case_id: str | None
    party_id: str | None
    matched_kind: str
    matched_id: str
    matched_name: str
    matched_level: str
    matched_score: int
    decision: str
    reason: str
    decided_by: str
    decided_at: str


class ConflictDecisionRequired(InputRejected):
    """Saving would pass a strong or exact conflict match without a recorded decision.

    ``hits`` are the strong and exact matches (for the decision dialog; the message carries
    no name).
    """

    def __init__(self, hits: tuple[ConflictHit, ...]) -> None:
        super().__init__(
            _(
                "A strong match with an existing client or party was found: record a conflict "
                "decision (no conflict, or waived with a reason), or decline."
            )
        )
        self.hits = hits


def decision_text(info: ConflictDecisionInfo) -> str:
    """One decision as a line a person reads (case view, case summary): what was decided on
    which match, the reason, who and when (Baku time)."""
    try:
        when = format_datetime(datetime.fromisoformat(info.decided_at.replace("Z", "+00:00")))
    except ValueError:
        when = info.decided_at
    if info.matched_name:
        matched = info.matched_name
    elif info.matched_kind == "party":
        matched = _("a party not held here")
    else:
        matched = _("a client not held here")
    subject = _("client") if info.subject == "client" else _("party")
    text = _("{decision} ({subject}) — match: {matched} ({score}); {who}, {when}").format(
        decision=decision_label(info.decision),
        subject=subject,
        matched=matched,
        score=info.matched_score,
        who=info.decided_by,
        when=when,
    )
    if info.reason:
        text += " — " + _("reason: {reason}").format(reason=info.reason)
    return text
