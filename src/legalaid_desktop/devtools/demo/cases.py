"""One case and the rows that hang off it: ALAC details, consultations, parties, deadlines.

:class:`CaseRows` is the half of :class:`~legalaid_desktop.devtools.demo.generator.Generator`
that makes a case; the other half (clients, case numbers, campaigns) is in
:mod:`legalaid_desktop.devtools.demo.generator`. Every random decision comes from
:attr:`CaseRows.rng`, in a fixed order.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from legalaid_desktop.devtools.demo.chance import (
    AMOUNTS,
    CONSULT_COUNTS,
    CORRUPTION_OUTCOMES,
    GRANT_DONORS,
    MINUTES,
    MODES,
    OUTCOMES,
    PARTY_COUNTS,
    Weighted,
    one,
)
from legalaid_desktop.devtools.demo.pools import Names, Place, Pools
from legalaid_desktop.devtools.demo.rhythm import Calendar
from legalaid_desktop.devtools.demo.rows import TABLES, Rows, Stamper, TableSpec


class CaseRows:
    """Makes a case with its details; the state it draws from is set by ``Generator``."""

    p: Pools
    rng: random.Random
    st: Stamper
    node: str
    actor: str
    base: int
    """The base date as a proleptic Gregorian ordinal."""
    place: Place
    calendar: Calendar
    names: Names
    lawyers: Weighted
    lawyer_names: list[str]
    campaign_by_area: dict[str, str]
    banks: Weighted
    reported_to: Weighted
    deadline_texts: Weighted
    scenarios: Weighted
    courts: tuple[str, ...]
    institutions: dict[str, str]
    grants: dict[int, tuple[str, ...]]
    _iso: dict[int, str]

    # -- helpers ------------------------------------------------------------------------------

    def iso(self, ordinal: int) -> str:
        text = self._iso.get(ordinal)
        if text is None:
            text = self._iso[ordinal] = date.fromordinal(ordinal).isoformat()
        return text

    def _emit(
        self,
        rows: Rows,
        out: list[tuple[Any, ...]],
        spec: TableSpec,
        row_id: str,
        values: tuple[Any, ...],
    ) -> None:
        """Queue one new row with its sync columns, and its outbox entry."""
        stamp = self.st.stamp()
        out.append(
            (row_id, self.node, stamp.join(spec.clock_parts), stamp, self.actor, None, *values)
        )
        rows.changes.append((spec.name, row_id, stamp, spec.groups_json, self.node))

    def _fill(self, template: str, ctx: dict[str, str]) -> str:
        return template.format(**self.institutions, **ctx) if "{" in template else template

    # -- one case --------------------------------------------------------------------------------

    def case(
        self, rows: Rows, client_id: str, female: bool, area: str, opened: int, number: str
    ) -> None:
        rng = self.rng
        base = self.base
        case_id = self.st.new_id()
        lawyer = self.lawyers.pick(rng)
        ctx = self._context(area)

        scenario: tuple[str, str, str, str] | None = None
        if area == "corruption":
            scenario = self.scenarios.pick(rng)
            problem = scenario[3]
        else:
            problem = one(rng, self.p.problems.get(area, self.p.problems["other"]))
        wishes = self.p.wishes.get(area, self.p.wishes_generic)
        wish = one(rng, wishes if rng.random() < 0.8 else self.p.wishes_generic)
        summary = f"{self._fill(problem, ctx)}; {wish}."
        if area == "credit" and rng.random() < 0.4:
            summary += f" Borcun məbləği təxminən {one(rng, AMOUNTS) * 10} manatdır."

        # The case's life as planned on the day it opened: consultations weeks apart (months
        # for the one in eight that goes to court), the closing a few days after the last.
        # What lies after the base date has not happened yet: those consultations are not
        # held, the case is open, and its next planned consultation is its follow-up.
        count = CONSULT_COUNTS.pick(rng)
        court = rng.random() < 0.12
        if court:
            count += 2  # hearings, appeals: more consultations, months apart
        planned = [opened]
        for _k in range(count - 1):
            gap = (
                20 + int(rng.random() * 70) if court else 3 + min(60, int(rng.expovariate(1 / 13)))
            )
            planned.append(self.calendar.forward(planned[-1] + gap))
        closing = self.calendar.forward(planned[-1] + int(rng.random() * 15))
        days = [d for d in planned if d <= base]
        closed_on: int | None = None
        outcome: str | None = None
        following: int | None = None  # the next planned consultation of an open case
        if closing <= base and rng.random() < 0.96:
            status = "closed"
            closed_on = closing
            outcome = (CORRUPTION_OUTCOMES if scenario else OUTCOMES).pick(rng)
        else:
            # waiting for a court or a public body (pending), or still being worked on
            status = "pending" if rng.random() < 0.3 else "open"
            # its next planned consultation; a case that outlived its plan (the court or the
            # body has not answered yet) has its next call planned in the coming weeks (spread
            # by the opening day, not by a draw, so the rest of the data stays as it was)
            following = next(
                (d for d in planned if d > base),
                self.calendar.forward(base + 3 + opened % 37),
            )
        referral = ""
        if outcome in self.p.referrals:
            referral = one(rng, self.p.referrals[outcome])
        year = date.fromordinal(opened).year
        grant = ""
        if rng.random() < 0.9:
            grant = one(rng, self._grants(year))
        campaign_id = None
        cid = self.campaign_by_area.get(area)
        if cid is not None and base - opened < 540 and rng.random() < 0.12:
            campaign_id = cid

        self._emit(
            rows,
            rows.cases,
            TABLES["cases"],
            case_id,
            (
                number,
                client_id,
                area,  # legal_area
                summary,
                status,
                lawyer,  # assigned_lawyer
                self.node,  # owner_node
                self.iso(opened),  # opened_on
                None if closed_on is None else self.iso(closed_on),  # closed_on
                outcome,
                referral,
                grant,  # grant_code
                campaign_id,
                0,  # needs_review
                self._satisfaction(number) if status == "closed" and not scenario else None,
                None,  # transfer_to
                "",  # transfer_reason
            ),
        )
        if scenario is not None:
            self._corruption(rows, case_id, scenario, ctx, status, outcome)
        self._consultations(rows, case_id, area, lawyer, days, following, outcome, scenario)
        self._parties(rows, case_id, area, female, ctx)
        self._deadlines(rows, case_id, opened, closed_on, status, ctx)

    @staticmethod
    def _satisfaction(number: str) -> str | None:
        """The satisfaction recorded at the closing of a case that is not a corruption case
        (those draw theirs with their details): from a generator of its own, so that the
        other rows stay as they were before satisfaction was recorded for every case."""
        rng = random.Random(f"satisfaction:{number}")
        draw = rng.random()
        if draw < 0.08:
            return "unreachable"
        if draw < 0.7:
            return str(one(rng, (1, 2, 3, 3, 4, 4, 4, 5, 5, 5)))
        return None

    def _context(self, area: str) -> dict[str, str]:
        """The case's own court, bank, employer (for the templates; plus :attr:`institutions`)."""
        rng = self.rng
        ctx = {"court": one(rng, self.courts)}
        if area == "credit":
            ctx["bank"] = self.banks.pick(rng)
        elif area == "labour":
            ctx["employer"] = one(rng, self.p.employers)
        return ctx

    def _grants(self, year: int) -> tuple[str, ...]:
        codes = self.grants.get(year)
        if codes is None:
            rng = random.Random(f"grants:{year}")  # the same codes for a year, whatever the seed
            codes = tuple(f"{donor}-{year}-{rng.randint(10, 99):02d}" for donor in GRANT_DONORS)
            self.grants[year] = codes
        return codes

    def _corruption(
        self,
        rows: Rows,
        case_id: str,
        scenario: tuple[str, str, str, str],
        ctx: dict[str, str],
        status: str,
        outcome: str | None,
    ) -> None:
        rng = self.rng
        sector, conduct, institution, _story = scenario
        amount = None
        if conduct in ("bribery", "extortion") and rng.random() < 0.6:
            amount = one(rng, AMOUNTS)
        reported = self.reported_to.pick(rng)
        if outcome in ("complaint_filed", "referred_state_body") and not reported:
            reported = "Baş Prokurorluğun Korrupsiyaya qarşı mübarizə idarəsi"
        satisfaction = None
        if status == "closed" and rng.random() < 0.7:
            satisfaction = one(rng, (1, 2, 3, 3, 4, 4, 4, 5, 5, 5))
            # the case (emitted just before) records it too: the figures read the case's
            *case, _none, transfer_to, transfer_reason = rows.cases[-1]
            rows.cases[-1] = (*case, str(satisfaction), transfer_to, transfer_reason)
        self._emit(
            rows,
            rows.corruption,
            TABLES["corruption_details"],
            self.st.new_id(),
            (
                case_id,
                sector,
                conduct,
                self._fill(institution, ctx),  # institution
                amount,  # amount_requested
                reported,  # reported_to
                satisfaction,
            ),
        )

    def _consultations(
        self,
        rows: Rows,
        case_id: str,
        area: str,
        lawyer: str,
        days: list[int],
        following: int | None,
        outcome: str | None,
        scenario: tuple[str, str, str, str] | None,
    ) -> None:
        """The consultations held on ``days``; ``following`` is the next planned one of an open
        case (``None`` for a closed case)."""
        rng = self.rng
        base = self.base
        notes_pool = self.p.notes.get(area, self.p.notes_generic)
        advice_pool = self.p.advice.get(area, self.p.advice_generic)
        steps_pool = self.p.next_steps.get(area, self.p.next_steps_generic)
        last = len(days) - 1
        for i, held in enumerate(days):
            if i == 0:
                mode = "in_person" if rng.random() < 0.75 else MODES.pick(rng)
                if scenario is not None and rng.random() < 0.3:
                    mode = "hotline"
                notes = one(rng, self.p.intake_notes)
            else:
                mode = MODES.pick(rng)
                notes = one(rng, notes_pool if rng.random() < 0.7 else self.p.notes_generic)
            if i == last and outcome is not None and rng.random() < 0.75:
                notes = self.p.outcome_notes[outcome]
            advice = ""
            if rng.random() < 0.85:
                advice = one(rng, advice_pool if rng.random() < 0.7 else self.p.advice_generic)
            steps = ""
            follow: int | None = None
            missed = False
            if i < last:
                steps = one(rng, steps_pool if rng.random() < 0.6 else self.p.next_steps_generic)
                if rng.random() < 0.55:
                    follow = days[i + 1]  # "come back on ...": met by the next consultation
            elif following is not None:
                steps = one(rng, steps_pool if rng.random() < 0.6 else self.p.next_steps_generic)
                if rng.random() < 0.9:
                    follow = following  # the next planned consultation: after the base date
                    if held + 10 < base and rng.random() < 0.1:
                        # one in ten is behind: a call that was due and not made yet
                        follow = held + 7 + int(rng.random() * min(30, base - held - 8))
                        missed = True
            lawyer_here = lawyer
            if rng.random() < 0.1:
                lawyer_here = one(rng, self.lawyer_names)
            # A follow-up met by the next consultation is closed by it (services/agenda.py);
            # one already past and not met stays to do: a few, behind schedule (``missed``).
            done_at = done_by = None
            if follow is not None and i == last and follow < base and not missed:
                done_at, done_by = f"{self.iso(follow)}T08:30:00.000Z", lawyer_here
            self._emit(
                rows,
                rows.consultations,
                TABLES["consultations"],
                self.st.new_id(),
                (
                    case_id,
                    self.iso(held),  # held_on
                    lawyer_here,  # lawyer
                    mode,
                    one(rng, MINUTES[mode]),  # minutes
                    notes,
                    advice,
                    steps,  # next_steps
                    None if follow is None else self.iso(follow),  # follow_up_on
                    done_at,  # follow_up_done_at
                    done_by,  # follow_up_done_by
                ),
            )

    def _party_for(self, area: str, female: bool, ctx: dict[str, str]) -> tuple[str, str, str]:
        """One party for a case in ``area``: ``(name, role, notes)``."""
        rng = self.rng
        inst = self.institutions
        r = rng.random()
        if r < 0.06:
            return self._person(not female), "witness", one(rng, self.p.party_notes["witness"])
        if r < 0.1:
            return (
                self._person(rng.random() < 0.5),
                "representative",
                one(rng, self.p.party_notes["representative"]),
            )
        if area == "credit":
            if rng.random() < 0.85:
                return (
                    ctx.get("bank") or self.banks.pick(rng),
                    "institution",
                    one(rng, self.p.party_notes["bank"]),
                )
            return self.place.enforcement, "institution", "İcra məmuru"
        if area == "family":
            return self._person(not female), "adverse", one(rng, self.p.party_notes["spouse"])
        if area == "inheritance":
            return (
                self._person(rng.random() < 0.5),
                "adverse",
                one(rng, self.p.party_notes["relative"]),
            )
        if area == "property":
            if rng.random() < 0.55:
                return (
                    self._person(rng.random() < 0.3),
                    "adverse",
                    one(rng, self.p.party_notes["neighbour"]),
                )
            body = one(
                rng,
                (
                    f"Əmlak Məsələləri Dövlət Xidmətinin {self.place.city} regional idarəsi",
                    inst["municipality"],
                    inst["executive"],
                    '"Kəpəz Tikinti" MMC',
                ),
            )
            return body, "institution" if "MMC" not in body else "adverse", ""
        if area == "labour":
            return (
                ctx.get("employer") or one(rng, self.p.employers),
                "adverse",
                one(rng, self.p.party_notes["employer"]),
            )
        if area == "social":
            body = one(
                rng,
                (
                    inst["dost"],
                    "DOST mərkəzi",
                    "Dövlət Sosial Müdafiə Fondu",
                    "Tibbi-Sosial Ekspert Komissiyası",
                    "Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi",
                ),
            )
            return body, "institution", one(rng, self.p.party_notes["institution"])
        if area == "utilities":
            return one(rng, ("Azərişıq ASC", "Azəriqaz İB", "Azərsu ASC")), "institution", ""
        if area == "civil_registration":
            body = one(rng, ("ASAN xidmət", "Dövlət Miqrasiya Xidməti", "Qeydiyyat şöbəsi"))
            return body, "institution", ""
        if area in ("administrative", "corruption"):
            body = one(rng, (inst["executive"], inst["municipality"], inst["police"]))
            return body, "institution", one(rng, self.p.party_notes["institution"])
        if area == "tax":
            return "Dövlət Vergi Xidməti", "institution", ""
        if area == "health":
            return inst["hospital"], "institution", ""
        if area == "education":
            return inst["education"], "institution", ""
        return self._person(rng.random() < 0.4), "adverse", ""

    def _person(self, female: bool) -> str:
        rng = self.rng
        script = "ru" if rng.random() < 0.1 else "az"
        name = self.names.person(rng, female, script)[0]
        if rng.random() < 0.35:  # parties are often known without a patronymic
            name = " ".join(name.split(" ")[:2])
        return name

    def _parties(
        self, rows: Rows, case_id: str, area: str, female: bool, ctx: dict[str, str]
    ) -> None:
        for _k in range(PARTY_COUNTS.pick(self.rng)):
            name, role, notes = self._party_for(area, female, ctx)
            self._emit(
                rows,
                rows.parties,
                TABLES["parties"],
                self.st.new_id(),
                (
                    case_id,
                    name,
                    role,
                    notes,
                ),
            )

    def _deadlines(
        self,
        rows: Rows,
        case_id: str,
        opened: int,
        closed_on: int | None,
        status: str,
        ctx: dict[str, str],
    ) -> None:
        rng = self.rng
        base = self.base
        if rng.random() >= 0.42:
            return
        for _k in range(1 if rng.random() < 0.8 else 2):
            text = self._fill(self.deadline_texts.pick(rng), ctx)
            if closed_on is not None:
                due = opened + int((closed_on - opened + 1) * rng.random())
                done = True
            else:
                due = max(opened + 1, base - 20 + int(rng.random() * 81))
                done = due < base and rng.random() < 0.75
            self._emit(
                rows,
                rows.deadlines,
                TABLES["deadlines"],
                self.st.new_id(),
                (
                    case_id,
                    self.iso(due),  # due_on
                    text,  # description
                    done,
                ),
            )
