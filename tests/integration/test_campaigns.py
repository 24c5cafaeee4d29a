"""Campaigns on the real encrypted store: the period and notes, linked cases and their figures,
who may link which case, another center's campaign, and bad input."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.domain.campaigns import CampaignInput, pack_profile, unpack_profile
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput, ConsultationInput
from legalaid_desktop.domain.errors import (
    InputRejected,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.store.models import AuditEvent, Campaign, Case, ChangeLog

OTHER = "kamran"
OTHER_PASSWORD = "Qobustan-2026-rock"


def _client(s: app.AppSession, name: str, phone: str) -> str:
    data = ClientInput(
        full_name=name, gender="female", birth_year=1990, region="AZ-GA", phone=phone
    )
    return s.clients.register(data, ConsentInput(given_on=today())).id


@pytest.fixture
def center(store_with_lawyer: Path) -> Iterator[dict[str, object]]:
    """GNJ with the admin, the lawyer Leyla and the lawyer Kamran, each with one case."""
    admin = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    admin.users.add(OTHER, "Quliyev Kamran Fuad oğlu", "lawyer", OTHER_PASSWORD)
    leyla = app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    kamran = app.login(store_with_lawyer, OTHER, OTHER_PASSWORD)
    mine = leyla.cases.open(
        CaseInput(_client(leyla, "Əliyeva Nərgiz Rauf qızı", "+994 50 1"), "social", "Pensiya")
    )
    leyla.records.add_consultation(mine.number, ConsultationInput(notes="İlk görüş"))
    leyla.records.add_consultation(mine.number, ConsultationInput(notes="İkinci görüş"))
    theirs = kamran.cases.open(
        CaseInput(_client(kamran, "Həsənova Aynur Elşən qızı", "+994 50 2"), "social", "Müavinət")
    )
    yield {
        "admin": admin,
        "leyla": leyla,
        "kamran": kamran,
        "mine": mine.number,
        "theirs": theirs.number,
    }
    for s in (admin, leyla, kamran):
        s.close()  # type: ignore[attr-defined]


def _audit(s: app.AppSession, action: str) -> list[AuditEvent]:
    with s.ws.read() as r:
        return list(r.scalars(select(AuditEvent).where(AuditEvent.action == action)).all())


def _campaign_of(s: app.AppSession, number: str) -> str | None:
    with s.ws.read() as r:
        return r.scalar(select(Case.campaign_id).where(Case.number == number))


PENSIONS = CampaignInput(
    title="Pensiya hüquqları — Gəncə",
    issue_area="social",
    partners=("Gəncə Qadın Təşəbbüsləri", " Gəncə Qadın Təşəbbüsləri ", "Gənclər Birliyi"),
    starts_on=date(2026, 1, 1),
    ends_on=date(2026, 12, 31),
    notes="Pensiya təyinatında gecikmələr.\nBələdiyyə ilə görüş.",
)


def test_a_campaign_keeps_its_period_notes_and_partners(center: dict) -> None:  # type: ignore[type-arg]
    leyla: app.AppSession = center["leyla"]
    info = leyla.campaigns.add(PENSIONS)
    assert info.partners == ("Gəncə Qadın Təşəbbüsləri", "Gənclər Birliyi")
    assert (info.starts_on, info.ends_on) == (date(2026, 1, 1), date(2026, 12, 31))
    assert info.notes == PENSIONS.notes
    listed = leyla.campaigns.list()
    assert [(c.title, c.notes, c.starts_on) for c in listed] == [
        (PENSIONS.title, PENSIONS.notes, date(2026, 1, 1))
    ]
    assert _audit(leyla, "campaign_created")[-1].entity_id == info.id


def test_notes_without_a_period_stay_plain_text_and_old_descriptions_read_as_notes() -> None:
    assert pack_profile("Birgə iş", None, None) == "Birgə iş"
    assert unpack_profile("Birgə iş") == ("Birgə iş", None, None)
    tricky = '{"format": "campaign-profile/1", "notes": "x"}'
    assert unpack_profile(pack_profile(tricky, None, None)) == (tricky, None, None)
    packed = pack_profile("", date(2026, 3, 1), None)
    assert unpack_profile(packed) == ("", date(2026, 3, 1), None)
    assert unpack_profile("{broken") == ("{broken", None, None)


def test_a_lawyer_links_their_own_case_and_the_page_shows_it_with_figures(center: dict) -> None:  # type: ignore[type-arg]
    leyla: app.AppSession = center["leyla"]
    info = leyla.campaigns.add(PENSIONS)
    detail = leyla.campaigns.link(PENSIONS.title, center["mine"])
    assert [c.number for c in detail.cases] == [center["mine"]]
    case = detail.cases[0]
    assert case.client_display_name == "Əliyeva Nərgiz Rauf qızı"
    assert (case.status, case.legal_area, case.assigned_lawyer) == ("open", "social", LAWYER)
    assert detail.person(LAWYER) == "Hüseynova Leyla Əli qızı"
    assert detail.figures is not None
    f = detail.figures
    assert (f.cases_opened, f.consultations, f.clients_served) == (1, 2, 1)
    assert f.own_only  # a lawyer sees their own figures only
    assert f.start <= today() <= f.end
    assert _campaign_of(leyla, center["mine"]) == info.id
    with leyla.ws.read() as r:
        case_id = r.scalar(select(Case.id).where(Case.number == center["mine"]))
        groups = r.scalars(
            select(ChangeLog.groups).where(ChangeLog.row_id == case_id).order_by(ChangeLog.seq)
        ).all()
    assert groups[-1] == ["campaign"]
    linked = _audit(leyla, "case_campaign")[-1]
    assert linked.actor == LAWYER and linked.entity_id == case_id
    assert _audit(leyla, "campaign_viewed")


def test_a_lawyer_cannot_link_another_lawyers_case(center: dict) -> None:  # type: ignore[type-arg]
    leyla: app.AppSession = center["leyla"]
    info = leyla.campaigns.add(PENSIONS)
    with pytest.raises(PermissionDenied, match="assigned to you"):
        leyla.campaigns.link(info.id, center["theirs"])
    with pytest.raises(PermissionDenied):
        leyla.cases.link_campaign(center["theirs"], info.id)
    assert _campaign_of(leyla, center["theirs"]) is None
    refusal = _audit(leyla, "permission_denied")[-1]
    assert refusal.actor == LAWYER and refusal.details["action"] == "case_campaign"


def test_a_manager_links_and_unlinks_any_case_of_the_center(center: dict) -> None:  # type: ignore[type-arg]
    admin: app.AppSession = center["admin"]
    info = admin.campaigns.add(PENSIONS)
    admin.campaigns.link(info.id, center["theirs"])
    detail = admin.cases.link_campaign(center["mine"], info.id)
    assert detail.campaign_id == info.id
    assert {c.number for c in admin.campaigns.get(info.id).cases} == {
        center["mine"],
        center["theirs"],
    }
    assert admin.campaigns.unlink(center["theirs"]) == info.id
    assert _campaign_of(admin, center["theirs"]) is None
    assert admin.campaigns.get(info.id).figures.own_only is False  # type: ignore[union-attr]


def test_an_edit_touches_the_profile_group(center: dict) -> None:  # type: ignore[type-arg]
    leyla: app.AppSession = center["leyla"]
    info = leyla.campaigns.add(PENSIONS)
    changed = CampaignInput(
        title="Pensiya hüquqları", issue_area="social", partners=(), ends_on=date(2027, 6, 30)
    )
    after = leyla.campaigns.update(info.id, changed)
    assert (after.title, after.partners, after.starts_on, after.ends_on, after.notes) == (
        "Pensiya hüquqları",
        (),
        None,
        date(2027, 6, 30),
        "",
    )
    with leyla.ws.read() as r:
        groups = r.scalars(
            select(ChangeLog.groups).where(ChangeLog.row_id == info.id).order_by(ChangeLog.seq)
        ).all()
    assert groups[-1] == ["profile"]
    assert _audit(leyla, "campaign_updated")


def _foreign_campaign(s: app.AppSession) -> str:
    """A QBA campaign held here, as one arrives with a case transferred from Quba."""
    with s.ws.write() as w:
        row = Campaign(
            id="0190a0a0-0000-7000-8000-00000000c0de",
            title="Quba: torpaq mübahisələri",
            node_code="QBA",
            issue_area="property",
            partners=[],
            description="",
            origin_node="QBA",
            clocks={},
            hlc="",
        )
        w.add(row)
        s.ws.touch(w, row, Campaign.FIELD_GROUPS)
    return row.id


def test_another_centers_campaign_is_read_only(center: dict) -> None:  # type: ignore[type-arg]
    admin: app.AppSession = center["admin"]
    foreign = _foreign_campaign(admin)
    assert admin.campaigns.get(foreign).editable is False
    with pytest.raises(InputRejected, match="QBA"):
        admin.campaigns.update(foreign, CampaignInput(title="Ələ keçirilmiş"))
    with pytest.raises(InputRejected, match="QBA"):
        admin.campaigns.link(foreign, center["mine"])
    assert admin.campaigns.get(foreign).title == "Quba: torpaq mübahisələri"
    assert _campaign_of(admin, center["mine"]) is None
    refused = [e.details["action"] for e in _audit(admin, "permission_denied")]
    assert refused[-2:] == ["campaign_updated", "case_campaign"]


def test_bad_input_is_refused_with_a_clear_message(center: dict) -> None:  # type: ignore[type-arg]
    leyla: app.AppSession = center["leyla"]
    with pytest.raises(ValidationError, match="too long"):
        leyla.campaigns.add(CampaignInput(title="K" * 10_000))
    with pytest.raises(ValidationError, match="must not be empty"):
        leyla.campaigns.add(CampaignInput(title="   "))
    with pytest.raises(ValidationError, match="end before it starts"):
        leyla.campaigns.add(
            CampaignInput(title="T", starts_on=date(2026, 5, 1), ends_on=date(2026, 4, 1))
        )
    with pytest.raises(ValidationError):
        leyla.campaigns.add(CampaignInput(title="T", issue_area="astrology"))
    with pytest.raises(ValidationError, match="too long"):
        leyla.campaigns.add(CampaignInput(title="T", partners=("P" * 201,)))
    with pytest.raises(ValidationError, match="2000"):
        leyla.campaigns.add(CampaignInput(title="T", starts_on=date(1900, 1, 1)))
    assert leyla.campaigns.list() == []
    info = leyla.campaigns.add(PENSIONS)
    with pytest.raises(NotFound, match="no case"):
        leyla.campaigns.link(info.id, "GNJ-2026-9999")
    with pytest.raises(NotFound, match="no campaign"):
        leyla.campaigns.link("Belə kampaniya yoxdur", center["mine"])
    with pytest.raises(NotFound):
        leyla.campaigns.get("X" * 10_000)


def test_two_campaigns_with_one_title_are_told_apart_by_id(center: dict) -> None:  # type: ignore[type-arg]
    leyla: app.AppSession = center["leyla"]
    first = leyla.campaigns.add(CampaignInput(title="Su təchizatı"))
    leyla.campaigns.add(CampaignInput(title="Su təchizatı"))
    with pytest.raises(InputRejected, match="give the id"):
        leyla.campaigns.get("Su təchizatı")
    assert leyla.campaigns.get(first.id).id == first.id


def test_figures_cover_cases_opened_before_the_period(center: dict) -> None:  # type: ignore[type-arg]
    admin: app.AppSession = center["admin"]
    later = admin.campaigns.add(
        CampaignInput(title="Gələcək", starts_on=today() + timedelta(days=30))
    )
    detail = admin.campaigns.link(later.id, center["mine"])
    assert detail.figures is not None and detail.figures.cases_opened == 1
