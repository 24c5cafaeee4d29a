"""A center's campaign and the cases linked to it reach HQ, with the period and notes; later
edits and an unlink travel as the field groups they touched; HQ cannot change the campaign."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from legalaid_desktop import app
from legalaid_desktop.domain.campaigns import CampaignInput
from legalaid_desktop.domain.errors import InputRejected
from sync_support import add_case, enroll, make_node, sync


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[app.AppSession, app.AppSession]]:
    hq = make_node(tmp_path, "BAK", hq=True, name="Bakı qərargahı")
    gnj = make_node(tmp_path, "GNJ", name="Gəncə mərkəzi")
    enroll(hq, gnj, tmp_path)
    yield hq, gnj
    hq.close()
    gnj.close()


def _up(hq: app.AppSession, gnj: app.AppSession, path: Path) -> dict[str, int]:
    exported = sync(gnj).export(path)
    result = sync(hq).import_bundle(exported.path)
    assert result.refused == 0 and result.quarantined == 0 and result.conflicts == 0
    return dict(exported.counts)


def test_a_campaign_and_its_linked_case_reach_hq(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj = pair
    _client, number = add_case(gnj)
    campaign = gnj.campaigns.add(
        CampaignInput(
            "Aliment hüquqları",
            "family",
            ("Gəncə Qadın Resurs Mərkəzi",),
            date(2026, 1, 1),
            date(2026, 12, 31),
            "Məhkəmə qərarlarının icrası",
        )
    )
    gnj.campaigns.link(campaign.id, number)
    _up(hq, gnj, tmp_path / "1.bundle")
    at_hq = hq.campaigns.get("Aliment hüquqları")
    assert at_hq.id == campaign.id and at_hq.node_code == "GNJ"
    assert (at_hq.starts_on, at_hq.ends_on, at_hq.notes) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
        "Məhkəmə qərarlarının icrası",
    )
    assert at_hq.partners == ("Gəncə Qadın Resurs Mərkəzi",)
    assert [c.number for c in at_hq.cases] == [number]
    assert at_hq.figures is not None and at_hq.figures.cases_opened == 1
    assert at_hq.figures.consultations == 1
    assert at_hq.editable is False  # HQ reads a center's campaign
    with pytest.raises(InputRejected, match="GNJ"):
        hq.campaigns.update(campaign.id, CampaignInput("Bakıdan dəyişdirildi", "family"))

    # HQ acknowledges; the center edits the campaign and unlinks the case: each change travels.
    sync(gnj).import_bundle(sync(hq).export(tmp_path / "down.bundle", to="GNJ").path)
    gnj.campaigns.update(campaign.id, CampaignInput("Aliment və qəyyumluq", "family"))
    gnj.campaigns.unlink(number)
    counts = _up(hq, gnj, tmp_path / "2.bundle")
    assert counts == {"campaigns": 1, "cases": 1}
    again = hq.campaigns.get(campaign.id)
    assert again.title == "Aliment və qəyyumluq" and again.starts_on is None
    assert again.cases == () and again.partners == ()
