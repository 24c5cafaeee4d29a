"""Organizations and initiative groups as clients (issue 19), on a real store: registration and
its rules, corrections, the conflict check and search with Azerbaijani spellings, the summary
PDF and the access report."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import new_center_store
from legalaid_desktop import app
from legalaid_desktop.domain.cases import (
    CaseInput,
    ClientInfo,
    ClientInput,
    ConsentInput,
    ConsultationInput,
)
from legalaid_desktop.domain.conflict_decisions import (
    ConflictDecisionInput,
    ConflictDecisionRequired,
)
from legalaid_desktop.domain.errors import ValidationError
from legalaid_desktop.i18n.dates import today

YOUTH_UNION = "Gənclər Birliyi"


@pytest.fixture
def session(tmp_path: Path) -> Iterator[app.AppSession]:
    s = new_center_store(tmp_path / "store")
    yield s
    s.close()


def organization(
    s: app.AppSession,
    name: str = YOUTH_UNION,
    *,
    kind: str = "organization",
    decision: ConflictDecisionInput | None = None,
    **extra: object,
) -> ClientInfo:
    values: dict[str, object] = {
        "registration": "1402345671",
        "contact_person": "Məmmədova Aytən Rauf qızı",
        "members": 40,
        "phone": "+994 22 256 11 22",
        **extra,
    }
    return s.clients.register(
        ClientInput(full_name=name, gender="", region="AZ-GA", kind=kind, **values),  # type: ignore[arg-type]
        ConsentInput(today(), ("store_process", "share_hq", "anonymized_stats")),
        decision,
    )


def person(s: app.AppSession, name: str, birth_year: int = 1985) -> ClientInfo:
    return s.clients.register(
        ClientInput(full_name=name, gender="male", region="AZ-GA", birth_year=birth_year),
        ConsentInput(today(), ("store_process",)),
        ConflictDecisionInput("no_conflict"),
    )


# -- registration ---------------------------------------------------------------------------------


def test_an_organization_is_recorded_with_its_own_fields(session: app.AppSession) -> None:
    info = organization(session)
    got = session.clients.get(info.id)
    assert (got.kind, got.full_name, got.region) == ("organization", YOUTH_UNION, "AZ-GA")
    assert (got.registration, got.contact_person, got.members) == (
        "1402345671",
        "Məmmədova Aytən Rauf qızı",
        40,
    )
    assert (got.gender, got.birth_year) == ("", None)  # a person's only
    assert not got.is_person and got.number.startswith("GNJ-C-")
    group = organization(session, "Qazaxlı qadınlar", kind="initiative", members=None, phone="")
    assert group.kind == "initiative" and group.members is None


def test_a_person_stays_as_before(session: app.AppSession) -> None:
    info = person(session, "Əliyev Rəşad İsmayıl oğlu")
    assert (info.kind, info.registration, info.contact_person, info.members) == (
        "person",
        "",
        "",
        None,
    )
    assert info.is_person and info.gender == "male"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"gender": "female"}, "gender"),
        ({"birth_year": 1990}, "birth_year"),
        ({"members": 0}, "members"),
        ({"members": -3}, "members"),
        ({"contact_person": "12345"}, "contact_person"),
        ({"registration": "x" * 65}, "registration"),
        ({"region": ""}, "region"),
        ({"kind": "company"}, "kind"),
    ],
)
def test_what_does_not_fit_an_organization_is_refused(
    session: app.AppSession, changes: dict[str, object], field: str
) -> None:
    changes = dict(changes)  # the parameters are shared: a second run must see them whole
    kind = str(changes.pop("kind", "organization"))
    region = changes.pop("region", "AZ-GA")
    values = {"gender": "", "registration": "", "contact_person": "", "members": None, **changes}
    with pytest.raises(ValidationError) as refused:
        session.clients.register(
            ClientInput(full_name=YOUTH_UNION, region=str(region), kind=kind, **values),  # type: ignore[arg-type]
            ConsentInput(today()),
        )
    assert refused.value.field == field
    assert session.clients.count() == 0


@pytest.mark.parametrize("field", ["registration", "contact_person", "members"])
def test_a_person_has_no_organization_fields(session: app.AppSession, field: str) -> None:
    value: object = 5 if field == "members" else "Nəsə"
    with pytest.raises(ValidationError) as refused:
        session.clients.register(
            ClientInput("Əliyev Rəşad", "male", "AZ-GA", **{field: value}),  # type: ignore[arg-type]
            ConsentInput(today()),
        )
    assert refused.value.field == field
    with pytest.raises(ValidationError) as no_gender:
        session.clients.register(ClientInput("Əliyev Rəşad", "", "AZ-GA"), ConsentInput(today()))
    assert no_gender.value.field == "gender"


def test_a_correction_keeps_what_the_organization_fields_were(session: app.AppSession) -> None:
    info = organization(session)
    changed = session.clients.update(
        info.id,
        ClientInput(
            full_name=YOUTH_UNION,
            gender="",
            region="AZ-GA",
            kind="organization",
            registration="1402345671",
            contact_person="Həsənov Elvin Vaqif oğlu",
            members=55,
            phone=info.phone,
        ),
    )
    assert (changed.contact_person, changed.members) == ("Həsənov Elvin Vaqif oğlu", 55)
    history = {e.field: (e.old_value, e.new_value) for e in session.history.client_history(info.id)}
    assert history == {
        "contact_person": ("Məmmədova Aytən Rauf qızı", "Həsənov Elvin Vaqif oğlu"),
        "members": ("40", "55"),
    }
    # registered as a person by mistake: corrected to an initiative group
    mistaken = person(session, "Şəmkir Ekoloji Təşəbbüs Qrupu")
    fixed = session.clients.update(
        mistaken.id,
        ClientInput(
            full_name=mistaken.full_name, gender="", region="AZ-GA", kind="initiative", members=8
        ),
    )
    assert (fixed.kind, fixed.gender, fixed.birth_year, fixed.members) == (
        "initiative",
        "",
        None,
        8,
    )
    fields = {e.field for e in session.history.client_history(mistaken.id)}
    assert fields == {"kind", "gender", "birth_year", "members"}


# -- the conflict check and search ----------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "Genclər birliyi",
        "Gencler Birliyi",
        "GƏNCLƏR BİRLİYİ",
        "Гянджлар Бирлийи",
        "Gənclər İctimai Birliyi",  # the legal form written out
        "«Gənclər» İB",
    ],
)
def test_an_organization_is_found_in_every_spelling(session: app.AppSession, typed: str) -> None:
    info = organization(session)
    hits = session.search.conflicts(typed, kind="organization", audit=False)
    assert [(h.ref_id, h.level) for h in hits] == [(info.id, "exact")]
    assert hits[0].reasons and YOUTH_UNION in hits[0].reasons[0]
    assert hits[0].birth_year is None


def test_another_organization_of_the_same_kind_is_not_a_match(session: app.AppSession) -> None:
    organization(session, "Gəncə Gənclər Birliyi")
    assert session.search.conflicts("Şəki Gənclər Birliyi", kind="organization") == []
    within = session.search.conflicts("Gənclər Birliyi", kind="organization", audit=False)
    assert [h.level for h in within] == ["possible"]  # one name within the other


def test_registering_the_same_organization_again_needs_a_decision(
    session: app.AppSession,
) -> None:
    first = organization(session)
    with pytest.raises(ConflictDecisionRequired) as required:
        organization(session, "Gencler Birliyi", registration="", contact_person="", members=None)
    assert [h.ref_id for h in required.value.hits] == [first.id]
    second = organization(session, "Gencler Birliyi", decision=ConflictDecisionInput("no_conflict"))
    assert second.id != first.id


def test_people_and_organizations_are_not_taken_for_each_other(session: app.AppSession) -> None:
    umid = organization(session, "Ümid", registration="", contact_person="", phone="")
    people = [person(session, f"Ümid {s}", 1980 + i) for i, s in enumerate(("Əliyev", "Quliyev"))]
    # an organization named like people's given name is none of them, nor are they it
    assert session.search.conflicts("Ümid", kind="organization", audit=False)[0].ref_id == umid.id
    found = {h.ref_id for h in session.search.conflicts("Ümid", kind="organization")}
    assert found == {umid.id}
    for p in people:
        hits = session.search.conflicts(p.full_name, birth_year=p.birth_year, audit=False)
        assert umid.id not in {h.ref_id for h in hits}


def test_person_rules_do_not_break_an_organization(session: app.AppSession) -> None:
    """A father's name marker and a birth year are a person's: an organization named after a
    person, with oğlu in it, is matched on its words, and a birth year changes nothing."""
    info = organization(session, "Bülbüloğlu adına Musiqi Cəmiyyəti", registration="")
    for typed in ("Bulbuloglu adina Musiqi Cemiyyeti", "Бюльбюльоглу адына Мусиги Джамиййати"):
        hits = session.search.conflicts(typed, birth_year=1950, kind="organization", audit=False)
        assert [(h.ref_id, h.level) for h in hits] == [(info.id, "exact")]
    marker = organization(session, "Əli oğlu Qardaşlar Birliyi", registration="", phone="")
    hits = session.search.conflicts("Ali oglu Qardashlar Birliyi", kind="organization")
    assert [(h.ref_id, h.level) for h in hits] == [(marker.id, "exact")]
    # a person with that father's name is no match for the organization
    rasad = person(session, "Məmmədov Rəşad Əli oğlu")
    assert rasad.id not in {h.ref_id for h in hits}


def test_an_organization_client_as_an_adverse_party_is_a_conflict(
    session: app.AppSession,
) -> None:
    org = organization(session)
    someone = person(session, "Əliyev Rəşad İsmayıl oğlu")
    case = session.cases.open(CaseInput(someone.id, "labour", "Əmək haqqı ödənilmir"))
    with pytest.raises(ConflictDecisionRequired) as required:
        session.records.add_party(case.number, "Genclər Birliyi İB", "adverse")
    assert [h.ref_id for h in required.value.hits] == [org.id]
    party = session.records.add_party(
        case.number, "Genclər Birliyi İB", "adverse", decision=ConflictDecisionInput("no_conflict")
    )
    # and a new organization matching that adverse party is told so
    hits = session.search.conflicts("Gənclər Birliyi", kind="organization", audit=False)
    by_id = {h.ref_id: h for h in hits}
    assert by_id[party.id].kind == "party" and by_id[party.id].level == "exact"
    assert any(case.number in r for r in by_id[party.id].reasons)


def test_search_finds_an_organization_by_name_registration_and_contact(
    session: app.AppSession,
) -> None:
    info = organization(session)
    for typed in ("gencler", "Гянджлар", "1402345671", "Aytən Məmmədova"):
        hits = session.search.search(typed, kinds=["client"])
        assert info.id in [h.ref_id for h in hits], typed
    (hit,) = [h for h in session.search.search("Genclər") if h.ref_id == info.id]
    assert "Community organization" in hit.subtitle  # the kind, where a person's year is


# -- what is printed --------------------------------------------------------------------------


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_summary_and_the_access_report_show_the_organization(
    session: app.AppSession, tmp_path: Path
) -> None:
    info = organization(session)
    case = session.cases.open(CaseInput(info.id, "administrative", "Qeydiyyatdan imtina"))
    session.records.add_consultation(case.number, ConsultationInput(notes="İlk görüş"))
    text = _text(
        session.reports.case_summary_document(case.number, lang="en", include_contact=True).data
    )
    for shown in ("Kind of client", "Community organization", "Registration", "1402345671"):
        assert shown in text
    assert "Məmmədova Aytən Rauf qızı" in text and "Members" in text
    assert "Gender" not in text and "Year of birth" not in text
    without = _text(
        session.reports.case_summary_document(case.number, lang="en", include_contact=False).data
    )
    assert "Məmmədova Aytən" not in without and "1402345671" in without
    assert "contact person, phone, address" in without
    report = tmp_path / "access.json"
    session.access.export(info.id, report)
    client = json.loads(report.read_text("utf-8"))["client"]
    assert (client["kind"], client["registration"], client["members"]) == (
        "organization",
        "1402345671",
        40,
    )
    assert client["contact_person"] == "Məmmədova Aytən Rauf qızı"
    pdf = tmp_path / "access.pdf"
    session.access.export(info.id, pdf, lang="az")
    text = _text(pdf.read_bytes())
    assert "İctimai təşkilat" in text and "Məmmədova Aytən Rauf qızı" in text
