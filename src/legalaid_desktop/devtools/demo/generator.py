"""The demo generator: clients, the opening days and numbers of their cases, and campaigns.

:class:`Generator` makes the rows of one run; the cases themselves and what hangs off them are
made by its base class :class:`~legalaid_desktop.devtools.demo.cases.CaseRows`. Every random
decision comes from ``rng``, in a fixed order, so the same seed on the same store on the same
day gives the same data.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from legalaid_desktop.devtools.demo.cases import CaseRows
from legalaid_desktop.devtools.demo.chance import AREA_WEIGHTS, CASE_COUNTS, one, weighted
from legalaid_desktop.devtools.demo.pools import Names, NameSorter, pools
from legalaid_desktop.devtools.demo.rhythm import center_calendar
from legalaid_desktop.devtools.demo.rows import TABLES, Rows, Stamper, json_list
from legalaid_desktop.domain.client_numbers import format_client_number
from legalaid_desktop.text.collation import sort_string


@dataclass
class Plan:
    """Per client: the ordinals of the days their cases open (first = intake)."""

    openings: list[list[int]]
    numbers: list[list[str]]
    last_seq: dict[int, int]


class Generator(CaseRows):
    """Makes the rows. Every random decision comes from ``rng``, in a fixed order."""

    def __init__(
        self,
        rng: random.Random,
        stamper: Stamper,
        node: str,
        actor: str,
        base: date,
        lawyers: Sequence[tuple[str, float]],
        region_labels: dict[str, str],
    ) -> None:
        self.p = pools()
        self.rng = rng
        self.st = stamper
        self.node = node
        self.actor = actor
        self.base = base.toordinal()
        town = self.p.node_places.get(node.upper(), "")
        self.place = self.p.places.get(town, self.p.places["baku"])
        self.calendar = center_calendar(town, self.base)
        known = node.upper() in self.p.node_places
        regions: list[tuple[str, float]] = []
        for code, weight in self.place.regions if known else (("*", 100.0),):
            if code != "*":
                regions.append((code, weight))
            else:  # the rest spread over the country
                total = sum(w for _c, w in self.p.national_regions)
                regions += [(c, weight * w / total) for c, w in self.p.national_regions]
        # Only codes the store's reference data knows (HQ may retire one).
        self.regions = weighted((c, w) for c, w in regions if c in region_labels)
        self.return_regions = tuple(c for c in self.p.return_regions if c in region_labels)
        self.region_labels = region_labels
        self.names = Names(self.p)
        sorter = NameSorter()
        self.sorter: Callable[[str], str] = sorter if sorter.exact else sort_string
        self.areas_female = weighted(
            (a, w * (1.45 if a == "family" else 0.9 if a == "labour" else 1.0))
            for a, w in AREA_WEIGHTS
        )
        self.areas_male = weighted(
            (a, w * (0.45 if a == "family" else 1.2 if a in ("labour", "credit") else 1.0))
            for a, w in AREA_WEIGHTS
        )
        self.areas_idp = weighted(
            (a, w * (2.2 if a in ("social", "property") else 1.0)) for a, w in AREA_WEIGHTS
        )
        self.lawyers = weighted(lawyers)
        self.lawyer_names = [name for name, _w in lawyers]
        self.campaign_by_area: dict[str, str] = {}
        self.banks = weighted(self.p.banks)
        self.referral_sources = weighted(self.p.referral_sources)
        self.reported_to = weighted(self.p.reported_to)
        self.deadline_texts = weighted(self.p.deadlines)
        self.scenarios = weighted((s[:4], s[4]) for s in self.p.corruption_scenarios)
        self.streets = self.place.streets + self.p.streets
        self.courts = (*self.place.courts, self.place.appeal_court, self.place.admin_court)
        self.institutions = {
            "city": self.place.city,
            "executive": self.place.executive,
            "police": self.place.police,
            "municipality": self.place.municipality,
            "hospital": self.place.hospital,
            "education": self.place.education,
            "dost": self.place.dost,
        }
        self._iso: dict[int, str] = {}
        self.client_seq = 0
        self.grants: dict[int, tuple[str, ...]] = {}

    def next_client_number(self) -> str:
        """The next client number of this center (after ``client_seq``, the last one given)."""
        self.client_seq += 1
        return format_client_number(self.node, self.client_seq)

    def campaigns(self, rows: Rows) -> None:
        """The advocacy campaigns that some recent cases feed."""
        for title, area, partners, description in self.p.campaigns:
            cid = self.st.new_id()
            values = (title, self.node, area, json_list(list(partners)), description)
            self._emit(rows, rows.campaigns, TABLES["campaigns"], cid, values)
            self.campaign_by_area[area] = cid

    # -- plan: when every case opens, and its number ----------------------------------------------

    def plan(self, clients: int, existing: dict[int, int], taken: set[str]) -> Plan:
        """Decide the opening days of every case, then number them in the order they opened."""
        rng = self.rng
        calendar = self.calendar
        openings: list[list[int]] = []
        for _i in range(clients):
            # Every case opens on a working day drawn by the center's rhythm (rhythm.py), so the
            # cases of a month follow it; the client came in on the first of them.
            days = [calendar.pick(rng) for _k in range(CASE_COUNTS.pick(rng))]
            days.sort()
            openings.append(days)
        if openings:  # and someone walked in on the last working day: this month has intakes
            openings[-1] = [calendar.last_workday()]
        order = sorted(
            ((day, ci, k) for ci, days in enumerate(openings) for k, day in enumerate(days)),
        )
        numbers: list[list[str]] = [[""] * len(days) for days in openings]
        last_seq = dict(existing)
        for day, ci, k in order:
            year = date.fromordinal(day).year
            seq = last_seq.get(year, 0)
            while True:
                seq += 1
                number = f"{self.node}-{year}-{seq:04d}"
                if number not in taken:
                    break
            last_seq[year] = seq
            numbers[ci][k] = number
        return Plan(openings, numbers, last_seq)

    # -- one client with everything that hangs off them ---------------------------------------

    def client(self, rows: Rows, openings: list[int], numbers: list[str]) -> None:
        rng = self.rng
        r = rng.random()
        gender = (
            "female"
            if r < 0.575
            else "male"
            if r < 0.99
            else "undisclosed"
            if r < 0.996
            else "other"
        )
        female = gender == "female" or (gender not in ("male", "female") and rng.random() < 0.5)
        s = rng.random()
        script = "ru" if s < 0.08 else "ascii" if s < 0.105 else "az"
        full_name, _given, _surname = self.names.person(rng, female, script)

        base_year = date.fromordinal(self.base).year
        a = rng.random()
        if a < 0.16:
            age = 18 + int(rng.random() * 8)  # youth
        elif a < 0.84:
            age = int(rng.gauss(41, 10))
        else:
            age = 60 + int(rng.expovariate(1 / 8))
        birth_year: int | None = min(2007, max(1940, base_year - age))
        if rng.random() < 0.015:
            birth_year = None

        d = rng.random()
        displacement = (
            "idp" if d < 0.10
            else "returnee" if d < 0.11
            else "refugee" if d < 0.113
            else "foreign_national" if d < 0.116
            else "stateless" if d < 0.117
            else "resident"
        )  # fmt: skip
        region = self.regions.pick(rng)
        if displacement == "returnee" and self.return_regions:
            region = one(rng, self.return_regions)
        old = birth_year is not None and birth_year < base_year - 60
        x = rng.random() * (0.6 if old else 1.0)
        disability = (
            "physical" if x < 0.04
            else "sensory" if x < 0.055
            else "psychosocial" if x < 0.067
            else "intellectual" if x < 0.075
            else "multiple" if x < 0.09
            else "none"
        )  # fmt: skip

        phone = ""
        if rng.random() < 0.95:
            prefix = one(rng, ("50", "50", "51", "55", "55", "70", "77", "99", "10"))
            n = int(rng.random() * 10_000_000)
            phone = f"+994 {prefix} {n // 10000:03d} {n // 100 % 100:02d} {n % 100:02d}"
        address = self._address(region, displacement)
        referral = self.referral_sources.pick(rng)

        intake = openings[0]
        client_id = self.st.new_id()
        hh = 5 + int(rng.random() * 8)
        mm = int(rng.random() * 60)
        self._emit(
            rows,
            rows.clients,
            TABLES["clients"],
            client_id,
            (
                full_name,
                self.sorter(full_name),  # name_sort
                gender,
                birth_year,
                region,
                displacement,
                disability,
                phone,
                address,
                referral,  # referral_source
                self.node,  # node_code
                self.next_client_number(),  # number
                f"{self.iso(intake)}T{hh:02d}:{mm:02d}:00.000Z",  # created_at
                0,  # needs_review
                "person",  # kind
                "",  # registration
                "",  # contact_person
                None,  # members
                None,  # merged_into
            ),
        )
        purposes = ["store_process"]
        if rng.random() < 0.86:
            purposes.append("share_hq")
        if rng.random() < 0.92:
            purposes.append("anonymized_stats")
        valid = None if rng.random() < 0.5 else self.iso(intake + 5 * 365 + 1)
        self._emit(
            rows,
            rows.consents,
            TABLES["consents"],
            self.st.new_id(),
            (
                client_id,
                self.iso(intake),  # given_on
                json_list(purposes),
                valid,  # valid_until
                None,  # withdrawn_on
                None,  # attachment_id
            ),
        )
        if displacement in ("idp", "returnee"):
            areas = self.areas_idp
        else:
            areas = self.areas_female if female else self.areas_male
        for opened, number in zip(openings, numbers, strict=True):
            self.case(rows, client_id, female, areas.pick(rng), opened, number)

    def _address(self, region: str, displacement: str) -> str:
        rng = self.rng
        label = self.region_labels.get(region, "")
        city = label.endswith("şəhəri") or region in ("AZ-ABS",)
        if displacement == "idp" and rng.random() < 0.4:
            if rng.random() < 0.5:
                return f"{label}, məcburi köçkünlər üçün {1 + int(rng.random() * 12)} saylı qəsəbə"
            street = one(rng, self.streets)
            house, room = 1 + int(rng.random() * 90), 1 + int(rng.random() * 60)
            return f"{label}, {street} {house} (yataqxana), otaq {room}"
        if not city and rng.random() < 0.55:
            return f"{label}, {one(rng, self.p.villages)} kəndi"
        street = one(rng, self.streets)
        house = 1 + int(rng.random() * 150)
        if city and rng.random() < 0.6:
            return f"{label}, {street} {house}, mənzil {1 + int(rng.random() * 80)}"
        return f"{label}, {street} {house}"
