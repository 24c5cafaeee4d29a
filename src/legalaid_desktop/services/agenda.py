"""Deadlines and follow-ups (calendar), and the dashboard's figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from legalaid_desktop.domain.cases import AgendaItem, CaseStatus
from legalaid_desktop.domain.dates import today
from legalaid_desktop.domain.roles import Permission
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


class AgendaService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def items(
        self, start: date, end: date, *, lawyer: str | None = None, include_done: bool = False
    ) -> list[AgendaItem]:
        """Deadlines and consultation follow-ups due between ``start`` and ``end`` (inclusive)."""
        self.ws.require(Permission.VIEW_CASES)
        lo, hi = start.isoformat(), end.isoformat()
        with self.ws.read() as s:
            dq = (
                select(Deadline, Case.number, Case.assigned_lawyer)
                .join(Case, Case.id == Deadline.case_id)
                .where(Deadline.due_on.between(lo, hi), Deadline.deleted_hlc.is_(None))
            )
            if not include_done:
                dq = dq.where(Deadline.done.is_(False))
            if lawyer:
                dq = dq.where(Case.assigned_lawyer == lawyer)
            items = [
                AgendaItem(
                    "deadline",
                    d.id,
                    number,
                    date.fromisoformat(d.due_on),
                    d.description,
                    d.done,
                    who,
                )
                for d, number, who in s.execute(dq)
            ]
            fq = (
                select(Consultation, Case.number)
                .join(Case, Case.id == Consultation.case_id)
                .where(
                    Consultation.follow_up_on.between(lo, hi),
                    Consultation.deleted_hlc.is_(None),
                    Case.status.in_((CaseStatus.OPEN.value, CaseStatus.PENDING.value)),
                )
            )
            if lawyer:
                fq = fq.where(Consultation.lawyer == lawyer)
            items += [
                AgendaItem(
                    "follow_up",
                    c.id,
                    number,
                    date.fromisoformat(c.follow_up_on or lo),
                    c.next_steps or c.notes[:120],
                    False,
                    c.lawyer,
                )
                for c, number in s.execute(fq)
            ]
        return sorted(items, key=lambda i: (i.due_on, i.case_number))

    def dashboard(self) -> Dashboard:
        self.ws.require(Permission.VIEW_CASES)
        day = today()
        me = self.ws.actor.username
        month_start = day.replace(day=1).isoformat()
        open_states = (CaseStatus.OPEN.value, CaseStatus.PENDING.value)
        with self.ws.read() as s:
            alive = Case.deleted_hlc.is_(None)
            my_open = (
                s.scalar(
                    select(func.count())
                    .select_from(Case)
                    .where(alive, Case.status.in_(open_states), Case.assigned_lawyer == me)
                )
                or 0
            )
            all_open = (
                s.scalar(
                    select(func.count())
                    .select_from(Case)
                    .where(alive, Case.status.in_(open_states))
                )
                or 0
            )
            new_clients = (
                s.scalar(
                    select(func.count())
                    .select_from(Client)
                    .where(Client.deleted_hlc.is_(None), Client.created_at >= month_start)
                )
                or 0
            )
            new_cases = (
                s.scalar(
                    select(func.count())
                    .select_from(Case)
                    .where(alive, Case.opened_on >= month_start)
                )
                or 0
            )
            closed = (
                s.scalar(
                    select(func.count())
                    .select_from(Case)
                    .where(alive, Case.closed_on >= month_start)
                )
                or 0
            )
            consultations = (
                s.scalar(
                    select(func.count())
                    .select_from(Consultation)
                    .where(Consultation.deleted_hlc.is_(None), Consultation.held_on >= month_start)
                )
                or 0
            )
        week = self.items(day, day + timedelta(days=7), lawyer=me)
        overdue = [
            i for i in self.items(day - timedelta(days=365), day - timedelta(days=1), lawyer=me)
        ]
        return Dashboard(
            my_open,
            all_open,
            tuple(week),
            tuple(overdue),
            new_clients,
            new_cases,
            consultations,
            closed,
        )
