"""The user roster across HQ and two centers (issue 19): a center's people reach HQ and, from
HQ, every center, so that a record written anywhere shows its author's full name — a
transferred case's earlier lawyer included — even where a namesake works; renaming and revoking
travel; and no password, key slot or vault parameter is ever in a bundle.

Three real stores: HQ (BAK) and the centers GNJ and QBA, enrolled through the service, real
bundles.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from legalaid_desktop import app
from legalaid_desktop.domain.campaigns import CampaignInput
from legalaid_desktop.domain.cases import CaseInput, ConsultationInput
from legalaid_desktop.domain.ids import is_uuid7
from legalaid_desktop.domain.roles import Role
from legalaid_desktop.domain.roster import roster_id
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.services.people import People
from legalaid_desktop.services.roster import RosterService
from legalaid_desktop.statistics.definitions import Dimension, Measure
from legalaid_desktop.statistics.periods import parse_period
from legalaid_desktop.statistics.query import FigureQuery, Filters
from legalaid_desktop.store.models import RosterEntry
from legalaid_desktop.sync import strictjson
from legalaid_desktop.sync.container import open_bundle
from legalaid_desktop.sync.nodes import load_node_keys
from sync_support import PASSWORD, World, add_case, down, pinned, sync, three_nodes, up

LEYLA = "Məmmədova Leyla Rauf qızı"
NAMESAKE = "Hüseynova Leyla Elçin qızı"  # QBA's own `leyla`: another person


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with three_nodes(tmp_path) as world:
        yield world


def as_user(world: World, code: str, username: str) -> app.AppSession:
    return app.login(world.folder / code.lower(), username, PASSWORD)


def entries(session: app.AppSession) -> dict[tuple[str, str], tuple[str, str, bool]]:
    """(node, user name) → (full name, role, active) of every roster row held here."""
    with session.ws.read() as s:
        return {
            (e.node_code, e.username): (e.full_name, e.role, e.active)
            for e in s.scalars(select(RosterEntry))
        }


def leyla_writes_a_case(world: World, follow_up_on: date | None = None) -> str:
    """GNJ's lawyer Leyla opens a case (for the client of a case GNJ's administrator opened) and
    gives a consultation, with a follow-up on ``follow_up_on`` if given; returns its number."""
    world.gnj.users.add("leyla", LEYLA, "lawyer", PASSWORD)
    client_id, _number = add_case(world.gnj)
    leyla = as_user(world, "GNJ", "leyla")
    try:
        case = leyla.cases.open(
            CaseInput(client_id=client_id, legal_area="labour", summary="İşdən çıxarılma")
        )
        leyla.records.add_consultation(
            case.number, ConsultationInput(notes="İlk görüş", follow_up_on=follow_up_on)
        )
    finally:
        leyla.close()
    return case.number


def transferred_beside_a_namesake(
    world: World, follow_up_on: date | None = None
) -> tuple[str, str]:
    """GNJ's Leyla writes a case (:func:`leyla_writes_a_case`) that HQ transfers to QBA, where
    another `leyla` (:data:`NAMESAKE`) has a case of her own; QBA has received the transfer.
    Returns (the transferred case's number, QBA's own case's number)."""
    number = leyla_writes_a_case(world, follow_up_on)
    world.qba.users.add("leyla", NAMESAKE, "lawyer", PASSWORD)
    _client, own_number = add_case(world.qba)
    world.qba.cases.assign(own_number, "leyla")
    up(world, world.gnj)
    sync(world.hq).transfer_case(number, "QBA", "Müştəri Qubaya köçüb")
    down(world, world.qba)
    return number, own_number


def test_a_gnj_lawyer_is_named_at_hq_and_at_qba_after_a_transfer(world: World) -> None:
    number = leyla_writes_a_case(world)
    world.qba.users.add("leyla", NAMESAKE, "lawyer", PASSWORD)
    world.qba.users.add("rauf", "Əliyev Rauf Tofiq oğlu", "lawyer", PASSWORD)
    # GNJ's people reach HQ with GNJ's next bundle: names and roles, by (node, user name)
    result = up(world, world.gnj)
    assert result.refused == 0 and result.quarantined == 0
    at_hq = entries(world.hq)
    assert at_hq[("GNJ", "leyla")] == (LEYLA, "lawyer", True)
    assert at_hq[("GNJ", "admin")] == ("Admin GNJ", "admin", True)
    assert not any(node == "QBA" for node, _u in at_hq)  # QBA has sent nothing yet
    detail = world.hq.cases.get(number)
    assert detail.assigned_lawyer == "leyla" and detail.assigned_lawyer_node == "GNJ"
    assert detail.person(detail.assigned_lawyer, detail.assigned_lawyer_node) == f"{LEYLA} (GNJ)"

    # HQ transfers the case to QBA; QBA, which has a `leyla` of its own, names GNJ's
    sync(world.hq).transfer_case(number, "QBA", "Müştəri Qubaya köçüb")
    down(world, world.qba)
    assert entries(world.qba)[("GNJ", "leyla")] == (LEYLA, "lawyer", True)
    there = world.qba.cases.get(number)
    assert there.assigned_lawyer_node == "GNJ"
    assert there.person(there.assigned_lawyer, there.assigned_lawyer_node) == f"{LEYLA} (GNJ)"
    (consultation,) = there.consultations
    assert (consultation.lawyer, consultation.lawyer_node) == ("leyla", "GNJ")
    assert there.person(consultation.lawyer, consultation.lawyer_node) == f"{LEYLA} (GNJ)"
    assert there.person("leyla") == "leyla"  # not QBA's namesake: the case does not name her

    # QBA assigns its own lawyer: the case is QBA's now, the consultation stays Leyla's
    after = world.qba.cases.assign(number, "rauf")
    assert after.assigned_lawyer_node == "QBA"
    assert after.person(after.assigned_lawyer, after.assigned_lawyer_node) == (
        "Əliyev Rauf Tofiq oğlu"
    )
    assert after.person("leyla", after.consultations[0].lawyer_node) == f"{LEYLA} (GNJ)"
    # the case's history names both lawyers of the assignment, each of their own center
    (assigned,) = [
        e for e in world.qba.history.case_history(number) if e.field == "assigned_lawyer"
    ]
    assert (assigned.old_value, assigned.new_value) == ("leyla", "rauf")  # as stored
    assert assigned.shown_old(lambda _k, code: code) == f"{LEYLA} (GNJ)"
    assert assigned.shown_new(lambda _k, code: code) == "Əliyev Rauf Tofiq oğlu"
    assert assigned.changed_by_name == "Admin QBA"
    # and the case summary QBA prints names GNJ's lawyer on her consultation
    pdf = world.folder / "summary.pdf"
    world.qba.reports.case_summary(number, pdf, lang="en")
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages
    )
    assert f"{LEYLA} (GNJ)" in text and NAMESAKE not in text
    # at HQ, QBA's people arrive with QBA's bundle: the history reads the same there
    up(world, world.qba)
    (hq_line,) = [e for e in world.hq.history.case_history(number) if e.field == "assigned_lawyer"]
    assert hq_line.changed_by_name == "Admin QBA (QBA)"
    assert hq_line.shown_new(lambda _k, code: code) == "Əliyev Rauf Tofiq oğlu (QBA)"
    assert hq_line.shown_old(lambda _k, code: code) == f"{LEYLA} (GNJ)"

    # renamed at GNJ, she is renamed on QBA's records too
    world.gnj.users.rename("leyla", "Məmmədova-Quliyeva Leyla Rauf qızı")
    up(world, world.gnj)
    down(world, world.qba)
    again = world.qba.cases.get(number)
    assert again.person("leyla", "GNJ") == "Məmmədova-Quliyeva Leyla Rauf qızı (GNJ)"


def test_hq_sends_every_center_the_whole_roster_and_a_center_only_its_own(world: World) -> None:
    world.gnj.users.add("leyla", LEYLA, "lawyer", PASSWORD)
    world.qba.users.add("leyla", NAMESAKE, "manager", PASSWORD)
    up(world, world.gnj)
    up(world, world.qba)
    down(world, world.gnj)
    down(world, world.qba)
    at_gnj, at_qba, at_hq = entries(world.gnj), entries(world.qba), entries(world.hq)
    # two people named `leyla`, one per center, each their own entry
    for held in (at_gnj, at_qba, at_hq):
        assert held[("GNJ", "leyla")] == (LEYLA, "lawyer", True)
        assert held[("QBA", "leyla")] == (NAMESAKE, "manager", True)
        assert held[("BAK", "admin")] == ("Admin BAK", "admin", True)
    assert set(at_gnj) == set(at_qba) == set(at_hq)
    # the same row everywhere, its id made from (node, user name)
    with world.qba.ws.read() as s:
        ids = {(e.node_code, e.username): e.id for e in s.scalars(select(RosterEntry))}
    assert ids[("GNJ", "leyla")] == roster_id("GNJ", "leyla") != roster_id("QBA", "leyla")
    assert all(is_uuid7(i) for i in ids.values())
    # a center's bundle to HQ carries its own people only, never HQ's or the other center's
    path = sync(world.qba).export(world.folder / "qba-full.bundle", full=True).path
    records = changes_of(world.hq, path, "QBA")
    assert {(r["g"]["identity"]["v"]["node_code"]) for r in records if r["t"] == "user_roster"} == {
        "QBA"
    }
    # nothing new: the next bundles carry no roster entry again
    assert (
        sync(world.gnj).export(world.folder / "gnj-again.bundle").counts.get("user_roster") is None
    )


def test_renaming_and_revoking_at_a_center_travel_to_hq_and_the_other_center(
    world: World,
) -> None:
    world.gnj.users.add("leyla", LEYLA, "lawyer", PASSWORD)
    up(world, world.gnj)
    down(world, world.qba)
    world.gnj.users.rename("leyla", "Quliyeva Leyla Rauf qızı")
    world.gnj.users.change_role("leyla", "manager")
    world.gnj.users.revoke("leyla")
    result = up(world, world.gnj)
    assert result.refused == 0
    assert entries(world.hq)[("GNJ", "leyla")] == ("Quliyeva Leyla Rauf qızı", "manager", False)
    down(world, world.qba)
    assert entries(world.qba)[("GNJ", "leyla")] == ("Quliyeva Leyla Rauf qızı", "manager", False)
    # the list `legalaid user roster` shows: this node's users as they are, others as received
    listed = {(m.node, m.username): m for m in RosterService(world.qba.ws).list()}
    leyla = listed[("GNJ", "leyla")]
    assert (leyla.full_name, leyla.role, leyla.active, leyla.here) == (
        "Quliyeva Leyla Rauf qızı",
        Role.MANAGER,
        False,
        False,
    )
    assert listed[("QBA", "admin")].here


def test_the_resolver_never_gives_a_namesakes_name(world: World) -> None:
    world.gnj.users.add("leyla", LEYLA, "lawyer", PASSWORD)
    world.qba.users.add("leyla", NAMESAKE, "lawyer", PASSWORD)
    up(world, world.gnj)
    down(world, world.qba)
    wanted = {("GNJ", "leyla"), ("QBA", "leyla"), ("", "admin"), ("GNJ", "kamal")}
    with world.qba.ws.read() as s:
        people = People.load(s, "QBA", wanted)
    assert people.name("leyla", "GNJ") == f"{LEYLA} (GNJ)"
    assert people.name("leyla", "QBA") == people.name("leyla") == NAMESAKE
    assert people.name("admin") == "Admin QBA"
    assert people.name("kamal", "GNJ") == "kamal (GNJ)"  # not in the roster (yet)
    assert people.names(wanted)["leyla@GNJ"] == f"{LEYLA} (GNJ)"
    assert people.names(wanted)["leyla"] == NAMESAKE


# --- what a bundle holds: no secret of the vault -------------------------------------------------


def changes_of(receiver: app.AppSession, path: Path, sender: str) -> list[dict[str, Any]]:
    """The records of a bundle addressed to ``receiver``, decrypted with its keys."""
    with receiver.ws.read() as s:
        keys = load_node_keys(s)
    assert keys is not None
    opened = open_bundle(path, me=keys, sender_keys=lambda _c: pinned(receiver, sender))
    return [strictjson.loads(line) for line in opened.parts["changes"].splitlines() if line]


def _secrets(value: Any) -> Iterator[str]:
    """Every string of the vault file long enough to be key material (salts, wrapped keys)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _secrets(item)
    elif isinstance(value, list):
        for item in value:
            yield from _secrets(item)
    elif isinstance(value, str) and len(value) >= 16:
        yield value


def test_no_password_or_key_material_travels(world: World) -> None:
    world.gnj.users.add("leyla", LEYLA, "lawyer", PASSWORD)
    path = sync(world.gnj).export(world.folder / "gnj.bundle").path
    with world.hq.ws.read() as s:
        keys = load_node_keys(s)
    assert keys is not None
    opened = open_bundle(path, me=keys, sender_keys=lambda _c: pinned(world.hq, "GNJ"))
    roster = [r for r in changes_of(world.hq, path, "GNJ") if r["t"] == "user_roster"]
    assert {r["g"]["identity"]["v"]["username"] for r in roster} == {"admin", "leyla"}
    for record in roster:
        fields = {name for group in record["g"].values() for name in group["v"]}
        assert fields == {"node_code", "username", "full_name", "role", "active"}
        assert record["x"] == {}
    vault = json.loads(world.gnj.ws.store.vault.to_json())
    material = set(_secrets(vault))
    assert material  # the vault has slots with salts and wrapped keys
    decrypted = b"".join(opened.parts.values())
    for value in material:
        assert value.encode() not in decrypted
        try:
            raw = base64.b64decode(value, validate=True)
        except ValueError:
            continue
        if len(raw) >= 16:
            assert raw not in decrypted
    assert PASSWORD.encode() not in decrypted


def test_the_case_list_at_qba_names_a_transferred_cases_gnj_lawyer(world: World) -> None:
    """The case list's lawyer column: GNJ's Leyla on the case transferred to QBA, QBA's own
    `leyla` (a namesake) on QBA's case; the filter still works on the user name."""
    number, own_number = transferred_beside_a_namesake(world)

    listed = {r.number: r for r in world.qba.cases.list().rows}
    assert listed[number].assigned_lawyer == listed[own_number].assigned_lawyer == "leyla"
    assert listed[number].lawyer_name == f"{LEYLA} (GNJ)"
    assert listed[own_number].lawyer_name == NAMESAKE
    filtered = {r.number for r in world.qba.cases.list(lawyer="leyla").rows}
    assert filtered == {number, own_number}

    # the list exports name them the same way (the consultation of the node it was given at)
    exported = {}
    for what in ("cases", "consultations"):
        path = world.folder / f"qba-{what}.xlsx"
        world.qba.exports.export(what, path, "xlsx")
        book = openpyxl.load_workbook(path, read_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        lawyer = rows[0].index("Lawyer")
        number_at = rows[0].index("Case number")
        exported[what] = sorted((r[number_at], r[lawyer]) for r in rows[1:])
        book.close()
    assert exported["cases"] == sorted([(number, f"{LEYLA} (GNJ)"), (own_number, NAMESAKE)])
    assert (number, f"{LEYLA} (GNJ)") in exported["consultations"]
    assert (number, NAMESAKE) not in exported["consultations"]
    # by (user name, node): the one person, of the node that last assigned the case
    for key, expected in (("leyla@GNJ", {number}), ("leyla@QBA", {own_number})):
        assert {r.number for r in world.qba.cases.list(lawyer=key).rows} == expected
        assert world.qba.cases.list(lawyer=key, count=True).total == 1
    assert world.qba.cases.list(lawyer="leyla@BAK").rows == ()
    # at HQ, once QBA's bundle came, each center's leyla is one choice of the filter
    up(world, world.qba)
    for key, expected in (("leyla@GNJ", {number}), ("leyla@QBA", {own_number})):
        assert {r.number for r in world.hq.cases.list(lawyer=key).rows} == expected
    # QBA assigns the transferred case to its own leyla: from then on it is hers
    world.qba.cases.assign(number, "leyla")
    assert {r.number for r in world.qba.cases.list(lawyer="leyla@QBA").rows} == {
        number,
        own_number,
    }
    assert world.qba.cases.list(lawyer="leyla@GNJ").rows == ()


def by_lawyer(session: app.AppSession) -> dict[str, tuple[str, int]]:
    """The open cases by lawyer this year: code → (label, cases)."""
    query = FigureQuery(
        Measure.OPEN_CASES, parse_period(str(today().year)), (Dimension.LAWYER,), previous=False
    )
    table = session.statistics.figures(query)
    labels = table.labels["lawyer"]
    return {r.codes[0]: (labels[r.codes[0]], r.value) for r in table.rows}


def test_statistics_by_lawyer_tell_a_transferred_cases_gnj_lawyer_from_a_namesake(
    world: World,
) -> None:
    """At QBA the case transferred from GNJ counts for GNJ's Leyla, named with GNJ's code, not
    for QBA's own `leyla`; at HQ the two namesakes are two rows, each named by the roster."""
    number, _own_number = transferred_beside_a_namesake(world)
    up(world, world.qba)

    assert by_lawyer(world.qba) == {
        "leyla@GNJ": (f"{LEYLA} (GNJ)", 1),
        "leyla": (NAMESAKE, 1),
    }
    assert by_lawyer(world.hq) == {
        "admin@GNJ": ("Admin GNJ (GNJ)", 1),  # the case of the client Leyla's case is for
        "leyla@GNJ": (f"{LEYLA} (GNJ)", 1),
        "leyla@QBA": (f"{NAMESAKE} (QBA)", 1),
    }
    # QBA assigns the case to its own `leyla`: one row of hers, two cases
    world.qba.cases.assign(number, "leyla")
    assert by_lawyer(world.qba) == {"leyla": (NAMESAKE, 2)}


def figures(
    session: app.AppSession, measure: Measure, by: Dimension, center: str | None = None
) -> dict[str, int]:
    """``measure`` this year by ``by`` (narrowed to ``center`` if given): code → value."""
    query = FigureQuery(
        measure, parse_period(str(today().year)), (by,), Filters(center=center), previous=False
    )
    return {r.codes[0]: r.value for r in session.statistics.figures(query).rows}


def test_consultations_count_where_they_were_given_and_cases_where_they_are(
    world: World,
) -> None:
    """After a transfer, the consultations GNJ gave on the case count for GNJ and for GNJ's
    Leyla (not for QBA, nor QBA's namesake); the case itself counts where it is now (QBA), as do
    the consultations QBA gives on it from then on."""
    number, own_number = transferred_beside_a_namesake(world)
    world.qba.records.add_consultation(number, ConsultationInput(notes="Qubada ilk görüş"))
    namesake = as_user(world, "QBA", "leyla")
    try:
        namesake.records.add_consultation(own_number, ConsultationInput(notes="İkinci görüş"))
    finally:
        namesake.close()
    up(world, world.qba)

    # GNJ gave two (its administrator's case, Leyla's); QBA three (two on its own case, one on
    # the transferred case)
    assert figures(world.qba, Measure.CONSULTATIONS, Dimension.CENTER) == {"GNJ": 1, "QBA": 3}
    assert figures(world.hq, Measure.CONSULTATIONS, Dimension.CENTER) == {"GNJ": 2, "QBA": 3}
    assert figures(world.hq, Measure.CONSULTATIONS, Dimension.LAWYER) == {
        "admin@GNJ": 1,
        "leyla@GNJ": 1,
        "admin@QBA": 2,
        "leyla@QBA": 1,
    }
    assert figures(world.qba, Measure.CONSULTATIONS, Dimension.LAWYER) == {
        "leyla@GNJ": 1,
        "admin": 2,
        "leyla": 1,
    }
    assert figures(world.hq, Measure.CONSULTATION_MINUTES, Dimension.CENTER, "GNJ") == {"GNJ": 60}
    # the client GNJ served and the one QBA served (GNJ's client, served at both)
    assert figures(world.hq, Measure.CLIENTS_SERVED, Dimension.CENTER) == {"GNJ": 1, "QBA": 1}
    assert figures(world.hq, Measure.CLIENTS_SERVED, Dimension.CENTER, "QBA") == {"QBA": 2}
    # the case measures: where the case is now
    assert figures(world.hq, Measure.CASES_OPENED, Dimension.CENTER) == {"GNJ": 1, "QBA": 2}
    assert figures(world.hq, Measure.OPEN_CASES, Dimension.CENTER, "GNJ") == {"GNJ": 1}


def test_the_calendar_at_qba_names_a_transferred_cases_gnj_lawyer_not_the_namesake(
    world: World,
) -> None:
    """The calendar and the dashboard: GNJ's Leyla's follow-up on the case transferred to QBA is
    named with GNJ's code and is not on the agenda of QBA's own `leyla`, whose deadline is hers."""
    soon = today() + timedelta(days=3)
    number, own_number = transferred_beside_a_namesake(world, follow_up_on=soon)
    world.qba.records.add_deadline(own_number, soon, "Məhkəməyə ərizə")
    world.qba.cases.assign(number, "admin")  # QBA's manager takes it: the case is open there

    span = (today(), today() + timedelta(days=7))
    named = {(i.case_number, i.kind): i.lawyer_name for i in world.qba.agenda.items(*span)}
    assert named == {
        (number, "follow_up"): f"{LEYLA} (GNJ)",
        (own_number, "deadline"): NAMESAKE,
    }
    # the filter (and the dashboard) is of this node's `leyla`: not GNJ's namesake's follow-up
    mine = world.qba.agenda.items(*span, lawyer="leyla")
    assert [(i.case_number, i.kind) for i in mine] == [(own_number, "deadline")]
    qba_leyla = as_user(world, "QBA", "leyla")
    try:
        due = qba_leyla.agenda.dashboard().due_this_week
        assert [(i.case_number, i.lawyer_name) for i in due] == [(own_number, NAMESAKE)]
    finally:
        qba_leyla.close()
    # at HQ, once QBA's bundle brings the assignment, both are named by the roster
    up(world, world.qba)
    at_hq = {(i.case_number, i.kind): i.lawyer_name for i in world.hq.agenda.items(*span)}
    assert at_hq == {
        (number, "follow_up"): f"{LEYLA} (GNJ)",
        (own_number, "deadline"): f"{NAMESAKE} (QBA)",
    }


def test_the_personal_data_report_at_qba_names_the_gnj_lawyer(world: World) -> None:
    """The access report (everything held about a person): the case's lawyer and the
    consultation's author are GNJ's Leyla, named with GNJ's code, not QBA's namesake."""
    number, _own_number = transferred_beside_a_namesake(world)

    report = world.qba.access.report(number)
    (case,) = [c for c in report.cases if c.number == number]
    assert (case.assigned_lawyer, case.assigned_lawyer_name) == ("leyla", f"{LEYLA} (GNJ)")
    given = [(k.lawyer, k.lawyer_name) for k in report.consultations if k.case_number == number]
    assert given == [("leyla", f"{LEYLA} (GNJ)")]
    # the audit trail is this node's: QBA's administrator made the report
    assert report.events[-1].actor_name == "Admin QBA"


def test_a_campaign_at_qba_names_the_transferred_cases_gnj_lawyer(world: World) -> None:
    """The campaign page's cases: GNJ's Leyla on the case transferred to QBA, QBA's own
    `leyla` on QBA's case."""
    number, own_number = transferred_beside_a_namesake(world)

    campaign = world.qba.campaigns.add(CampaignInput("Əmək hüquqları", issue_area="labour"))
    world.qba.campaigns.link(campaign.id, own_number)
    detail = world.qba.campaigns.link(campaign.id, number)
    named = {c.number: detail.person(c.assigned_lawyer, c.lawyer_node) for c in detail.cases}
    assert named == {number: f"{LEYLA} (GNJ)", own_number: NAMESAKE}
