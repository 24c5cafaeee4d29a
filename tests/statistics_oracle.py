"""The figures of docs/statistics.md computed again in plain Python over the rows of a store.

Written from the counting rules, not from the service's SQL: every row is read as it is stored,
then filtered, deduplicated and counted here, so the tests compare two independent ways.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import text

from legalaid_desktop import app

BAKU = timezone(timedelta(hours=4))
NS, NA, NOT_REFERRED = "not_stated", "not_applicable", "not_referred"
TOP = 10


@dataclass
class Rows:
    clients: dict[str, dict[str, Any]]
    cases: dict[str, dict[str, Any]]
    consultations: list[dict[str, Any]]
    corruption: dict[str, dict[str, Any]]  # by case id
    consents: list[dict[str, Any]]
    referrals: list[dict[str, Any]] = field(default_factory=list)

    def first_bodies(self) -> dict[str, str]:
        """Each referred case's first referral's body (the earliest day, then the smallest id)."""
        first: dict[str, dict[str, Any]] = {}
        for r in self.referrals:
            got = first.get(r["case_id"])
            if got is None or (r["referred_on"], r["id"]) < (got["referred_on"], got["id"]):
                first[r["case_id"]] = r
        return {case: r["body"] for case, r in first.items()}


def read_rows(session: app.AppSession) -> Rows:
    def table(sql: str) -> list[dict[str, Any]]:
        with session.ws.read() as s:
            return [dict(r._mapping) for r in s.execute(text(sql))]

    live = " WHERE deleted_hlc IS NULL"
    return Rows(
        clients={r["id"]: r for r in table("SELECT * FROM clients" + live)},
        cases={r["id"]: r for r in table("SELECT * FROM cases" + live)},
        consultations=table("SELECT * FROM consultations" + live),
        corruption={r["case_id"]: r for r in table("SELECT * FROM corruption_details" + live)},
        consents=table("SELECT * FROM consents" + live),
        referrals=table("SELECT * FROM referrals" + live),
    )


def _stated(value: Any) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return NS
    return str(value).strip()


def age_band(birth_year: int | None, year: int) -> str:
    if birth_year is None or year - birth_year < 0:
        return NS
    age = year - birth_year
    for low, code in ((60, "60+"), (45, "45-59"), (30, "30-44"), (18, "18-29"), (14, "14-17")):
        if age >= low:
            return code
    return "0-13"


def baku_day(created_at: str) -> date:
    moment = datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    return moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(BAKU).date()


def eligible(rows: Rows, end: date) -> set[str]:
    """Clients whose consent covers anonymized statistics at ``end`` (and is not withdrawn)."""
    by_client: dict[str, list[dict[str, Any]]] = {}
    for c in rows.consents:
        by_client.setdefault(c["client_id"], []).append(c)
    out: set[str] = set()
    for client, consents in by_client.items():

        def holds(c: dict[str, Any], p: str) -> bool:
            return p in json.loads(c["purposes"])

        store_rows = [c for c in consents if holds(c, "store_process")]
        if store_rows and all(c["withdrawn_on"] is not None for c in store_rows):
            continue  # processing withdrawn
        if any(
            holds(c, "anonymized_stats")
            and c["withdrawn_on"] is None
            and c["given_on"] <= end.isoformat()
            and (c["valid_until"] is None or c["valid_until"] >= end.isoformat())
            for c in consents
        ):
            out.add(client)
    return out


def _dims(
    cl: dict[str, Any],
    ca: dict[str, Any] | None,
    co: dict[str, Any] | None,
    cd: dict[str, Any] | None,
    *,
    center: str,
    lawyer: str | None,
    event: str | None,
    year: int,
    bodies: dict[str, str] | None = None,
) -> dict[str, str]:
    def corr(field: str) -> str:
        return NA if cd is None else _stated(cd[field])

    person = cl.get("kind") in (None, "person")  # an organization has no gender nor age
    d = {
        "gender": _stated(cl["gender"]) if person else NA,
        "age_band": age_band(cl["birth_year"], year) if person else NA,
        "client_kind": _stated(cl.get("kind")),
        "region": _stated(cl["region"]),
        "center": _stated(center),
        "legal_area": _stated(ca["legal_area"] if ca else None),
        "corruption_sector": corr("sector"),
        "corruption_conduct": corr("conduct"),
        "institution": corr("institution"),
        "outcome": _stated(ca["outcome"] if ca else None),
        "displacement": _stated(cl["displacement"]),
        "disability": _stated(cl["disability"]),
        "consultation_mode": _stated(co["mode"] if co else None),
        "heard_from": _stated(cl["referral_source"]),
        "campaign": (ca["campaign_id"] if ca and ca["campaign_id"] else NA),
        "lawyer": _stated(lawyer),
        "satisfaction": _stated(ca["satisfaction"] if ca else None),
        # the first referral's body; a case never referred is "not referred", no case at all
        # (a new client without one) "not stated"
        "referred_to": NS if ca is None else (bodies or {}).get(ca["id"], NOT_REFERRED),
        "grant_code": _stated(ca["grant_code"] if ca else None),
    }
    if event is not None:
        d["month"] = event[:7]
        d["quarter"] = f"{event[:4]}Q{(int(event[5:7]) + 2) // 3}"
        d["year"] = event[:4]
    return d


def base(
    rows: Rows,
    measure: str,
    start: date,
    end: date,
    keep: Callable[[dict[str, str]], bool] = lambda d: True,
) -> list[tuple[dict[str, str], int]]:
    """The base rows of ``measure`` in ``start``..``end`` that ``keep`` keeps: (their dimension
    codes, value). A client served is counted at their first consultation among those kept (a
    filter narrows the consultations, then each client is counted once)."""
    s, e, year = start.isoformat(), end.isoformat(), end.year
    out: list[tuple[dict[str, str], int]] = []
    bodies = rows.first_bodies()

    def case_row(ca: dict[str, Any], event: str | None) -> None:
        cl = rows.clients.get(ca["client_id"])
        if cl is None:
            return
        cd = rows.corruption.get(ca["id"])
        dims = _dims(
            cl, ca, None, cd, center=ca["owner_node"], lawyer=ca["assigned_lawyer"],
            event=event, year=year, bodies=bodies,
        )  # fmt: skip
        out.append(({**dims, "_client": cl["id"]}, 1))

    if measure in ("consultations", "consultation_minutes", "clients_served"):
        held: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = []
        for co in rows.consultations:
            ca = rows.cases.get(co["case_id"])
            cl = rows.clients.get(ca["client_id"]) if ca else None
            if ca is None or cl is None or not s <= co["held_on"] <= e:
                continue
            dims = _dims(
                cl, ca, co, rows.corruption.get(ca["id"]), center=ca["owner_node"],
                lawyer=co["lawyer"], event=co["held_on"], year=year, bodies=bodies,
            )  # fmt: skip
            if keep({**dims, "_client": cl["id"]}):
                held.append((co, ca, cl))
        if measure == "clients_served":
            first: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = {}
            for co, ca, cl in held:
                got = first.get(cl["id"])
                if got is None or (co["held_on"], co["id"]) < (got[0]["held_on"], got[0]["id"]):
                    first[cl["id"]] = (co, ca, cl)
            held = list(first.values())
        for co, ca, cl in held:
            dims = _dims(
                cl, ca, co, rows.corruption.get(ca["id"]), center=ca["owner_node"],
                lawyer=co["lawyer"], event=co["held_on"], year=year, bodies=bodies,
            )  # fmt: skip
            value = co["minutes"] if measure == "consultation_minutes" else 1
            out.append(({**dims, "_client": cl["id"]}, value))
    elif measure == "cases_opened":
        for ca in rows.cases.values():
            if s <= ca["opened_on"] <= e:
                case_row(ca, ca["opened_on"])
    elif measure == "cases_closed":
        for ca in rows.cases.values():
            if ca["closed_on"] is not None and s <= ca["closed_on"] <= e:
                case_row(ca, ca["closed_on"])
    elif measure == "open_cases":
        for ca in rows.cases.values():
            if ca["opened_on"] <= e and (ca["closed_on"] is None or ca["closed_on"] > e):
                case_row(ca, None)
    elif measure == "new_clients":
        for cl in rows.clients.values():
            day = baku_day(cl["created_at"])
            if not start <= day <= end:
                continue
            theirs = sorted(
                (c for c in rows.cases.values() if c["client_id"] == cl["id"]),
                key=lambda c: (c["opened_on"], c["number"]),
            )
            ca = theirs[0] if theirs else None
            cd = rows.corruption.get(ca["id"]) if ca else None
            dims = _dims(
                cl, ca, None, cd, center=cl["node_code"],
                lawyer=ca["assigned_lawyer"] if ca else None, event=day.isoformat(), year=year,
                bodies=bodies,
            )  # fmt: skip
            out.append(({**dims, "_client": cl["id"]}, 1))
    else:
        raise AssertionError(measure)
    return out


def figure(
    rows: Rows,
    measure: str,
    by: tuple[str, ...],
    start: date,
    end: date,
    keep: Callable[[dict[str, str]], bool] = lambda d: True,
) -> Counter[tuple[str, ...]]:
    """The values by the codes of ``by`` (institutions below the top ten become "other")."""
    got: Counter[tuple[str, ...]] = Counter()
    for dims, value in base(rows, measure, start, end, keep):
        if keep(dims):
            got[tuple(dims[d] for d in by)] += value
    if "institution" in by:
        i = by.index("institution")
        sizes: Counter[str] = Counter()
        for key, v in got.items():
            if key[i] not in (NS, NA):
                sizes[key[i]] += v
        kept = {c for c, _ in sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]}
        folded: Counter[tuple[str, ...]] = Counter()
        for key, v in got.items():
            code = key[i] if key[i] in kept or key[i] in (NS, NA) else "other"
            folded[(*key[:i], code, *key[i + 1 :])] += v
        got = folded
    return got
