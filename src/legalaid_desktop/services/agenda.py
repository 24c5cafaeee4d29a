"""Deadlines and follow-ups (calendar), and the dashboard's figures."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from legalaid_desktop.domain.cases import AgendaItem, CaseStatus
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.services import consents
from legalaid_desktop.services.people import People, author_node
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.models import Case, Client, Consultation, Deadline


@dataclass(frozen=True)
class Dashboard:
    my_open_cases: int
    open_cases: int
    due_this_week: tuple[AgendaItem, ...]
    overdue: tuple[AgendaItem, ...]
    month_new_clients: int
    month_new_cases: int
    month_consultations: int
    month_closed_cases: int
    expired_consents: int = 0
    """Clients of this center whose consent ran out and was not renewed."""


class AgendaService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def items(
        self, start: date, end: date, *, lawyer: str | None = None, include_done: bool = False
    ) -> list[AgendaItem]:
        """Deadlines and consultation follow-ups due between ``start`` and ``end`` (inclusive)."""
        self.ws.require(Permission.VIEW_CASES)
        with self.ws.read() as s:
            return _items(
                s, self.ws.node_code, start, end, lawyer=lawyer, include_done=include_done
            )

    def dashboard(self) -> Dashboard:
        """The dashboard's figures and agenda, read in one transaction.

        Every figure is a count over a partial index of live rows (see the indexes of
        ``store/models/cases.py``), and the agenda reads only the actor's open deadlines and
        follow-ups through their indexes, so that the dashboard stays quick at HQ scale.
        """
        self.ws.require(Permission.VIEW_CASES)
        day = today()
        me = self.ws.actor.username
        month_start = day.replace(day=1).isoformat()
        with self.ws.read() as s:

            def count(
                model: type[Case | Client | Consultation], *where: ColumnElement[bool]
            ) -> int:
                query = select(func.count()).select_from(model)
                return s.scalar(query.where(model.deleted_hlc.is_(None), *where)) or 0

            is_open = Case.status.in_(OPEN_STATES)
            my_open = count(Case, is_open, Case.assigned_lawyer == me)
            all_open = count(Case, is_open)
            new_clients = count(Client, Client.created_at >= month_start)
            new_cases = count(Case, Case.opened_on >= month_start)
            closed = count(Case, Case.closed_on >= month_start)
            consultations = count(Consultation, Consultation.held_on >= month_start)
            # the overdue items (a year back) and this week's, in one pass over the agenda
            agenda = _items(
                s, self.ws.node_code, day - timedelta(days=365), day + timedelta(days=7), lawyer=me
            )
            # (read from the consents with a "valid until" already past, not from an index)
            expired = consents.expired_consent_count(s, day, self.ws.node_code)
        return Dashboard(
            my_open,
            all_open,
            tuple(i for i in agenda if i.due_on >= day),
            tuple(i for i in agenda if i.due_on < day),
            new_clients,
            new_cases,
            consultations,
            closed,
            expired_consents=expired,
        )


OPEN_STATES = (CaseStatus.OPEN.value, CaseStatus.PENDING.value)


def closing_consultation() -> ColumnElement[str | None]:
    """The date of the consultation that closes a follow-up, if there is one (a correlated
    scalar subquery over ``Consultation``).

    The rule (docs/intake.md): a follow-up is closed by any *other* live consultation of the same
    case held on or after the follow-up's date, i.e. the lawyer saw the client again when the
    follow-up was due or later. It is worked out from the consultations themselves, so it needs
    no stored mark, holds for follow-ups recorded before the rule, and is the same at every node
    once the consultations have travelled. ``ix_consultations_case_date`` answers it.
    """
    later = aliased(Consultation)
    return (
        select(func.min(later.held_on))
        .where(
            later.case_id == Consultation.case_id,
            later.id != Consultation.id,
            later.held_on >= Consultation.follow_up_on,
            later.deleted_hlc.is_(None),
        )
        .correlate(Consultation)
        .scalar_subquery()
    )


def _items(
    s: Session,
    me: str,
    start: date,
    end: date,
    *,
    lawyer: str | None,
    include_done: bool = False,
) -> list[AgendaItem]:
    """The agenda between ``start`` and ``end`` (inclusive), sorted by date and case number.

    Only the columns shown are read. With ``lawyer`` (a user of this node: the dashboard, the
    calendar's filter), the open deadlines come from the partial index of deadlines still to
    do and the follow-ups from the index of each lawyer's open follow-ups; the case and its
    client are read by their keys. A follow-up is done when it was marked done or a later
    consultation of its case closed it (:func:`closing_consultation`).

    Each item names its lawyer by the one resolver (``services/people.py``): a deadline's is
    the case's lawyer, of the node that last assigned the case; a follow-up's is whoever held
    the consultation, of the node it was held at (``me`` is this node's code).
    """
    lo, hi = start.isoformat(), end.isoformat()
    dq = (
        select(
            Deadline.id,
            Deadline.due_on,
            Deadline.description,
            Deadline.done,
            Case.number,
            Case.assigned_lawyer,
            Client.full_name,
            Case.clocks,
            Case.origin_node,
        )
        .join(Case, Case.id == Deadline.case_id)
        .join(Client, Client.id == Case.client_id)
        .where(Deadline.due_on.between(lo, hi), Deadline.deleted_hlc.is_(None))
    )
    if not include_done:
        dq = dq.where(Deadline.done.is_(False))  # "done IS 0", as in the partial index
    if lawyer:
        dq = dq.where(Case.assigned_lawyer == lawyer)
    items: list[tuple[str, AgendaItem]] = [
        (
            author_node(clocks, "assignment", origin or ""),
            AgendaItem("deadline", ref, number, date.fromisoformat(due), text, done, who, name),
        )
        for ref, due, text, done, number, who, name, clocks, origin in s.execute(dq)
    ]
    closed_by = closing_consultation()
    fq = (
        select(
            Consultation.id,
            Consultation.follow_up_on,
            Consultation.next_steps,
            Consultation.notes,
            Consultation.lawyer,
            Case.number,
            Client.full_name,
            Consultation.follow_up_done_at,
            closed_by,
            Consultation.origin_node,
        )
        .join(Case, Case.id == Consultation.case_id)
        .join(Client, Client.id == Case.client_id)
        .where(
            Consultation.follow_up_on.between(lo, hi),
            Consultation.deleted_hlc.is_(None),
            Case.status.in_(OPEN_STATES),
        )
    )
    if not include_done:
        # "follow_up_done_at IS NULL", as in the partial index of a lawyer's open follow-ups
        fq = fq.where(Consultation.follow_up_done_at.is_(None), closed_by.is_(None))
    if lawyer:
        fq = fq.where(Consultation.lawyer == lawyer)
    items += [
        (
            origin or "",
            AgendaItem(
                "follow_up",
                ref,
                number,
                date.fromisoformat(follow_up_on or lo),
                next_steps or notes[:120],
                done_at is not None or closed is not None,
                who,
                name,
                closed_by=date.fromisoformat(closed) if closed else None,
            ),
        )
        for ref, follow_up_on, next_steps, notes, who, number, name, done_at, closed, origin in (
            s.execute(fq)
        )
    ]
    if lawyer:  # this node's user: a namesake at another node is someone else
        items = [(node, item) for node, item in items if (node or me) == me]
    people = People.load(s, me, [(node, item.lawyer) for node, item in items])
    named = [replace(item, lawyer_name=people.name(item.lawyer, node)) for node, item in items]
    return sorted(named, key=lambda i: (i.due_on, i.case_number))
