"""An organization client across HQ and two centers (issue 19): it reaches HQ with its kind and
fields, is counted apart there, follows a transferred case to the other center, and a client
who does not share with HQ arrives without its contact person.

Three real stores: HQ (BAK) and the centers GNJ and QBA, enrolled through the service.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from legalaid_desktop import app
from legalaid_desktop.domain.cases import (
    CaseInput,
    ClientInfo,
    ClientInput,
    ConsentInput,
    ConsultationInput,
)
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.statistics.definitions import Dimension, Measure
from legalaid_desktop.statistics.periods import parse_period
from legalaid_desktop.statistics.query import FigureQuery
from sync_support import World, add_case, down, sync, three_nodes, up


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with three_nodes(tmp_path) as world:
        yield world


def register(
    center: app.AppSession, name: str, purposes: tuple[str, ...]
) -> tuple[ClientInfo, str]:
    client = center.clients.register(
        ClientInput(
            full_name=name,
            gender="",
            region="AZ-GA",
            kind="organization",
            registration="1402345671",
            contact_person="Məmmədova Aytən Rauf qızı",
            members=40,
        ),
        ConsentInput(today(), purposes),
    )
    case = center.cases.open(CaseInput(client.id, "administrative", "Qeydiyyatdan imtina"))
    center.records.add_consultation(case.number, ConsultationInput(notes="İlk görüş"))
    return client, case.number


def test_an_organization_reaches_hq_and_is_counted_apart(world: World) -> None:
    org, number = register(
        world.gnj, "Gənclər Birliyi", ("store_process", "share_hq", "anonymized_stats")
    )
    add_case(world.gnj)  # a person beside it
    result = up(world, world.gnj)
    assert result.refused == 0 and result.quarantined == 0
    at_hq = world.hq.clients.get(org.id)
    assert (at_hq.kind, at_hq.full_name, at_hq.registration, at_hq.members) == (
        "organization",
        "Gənclər Birliyi",
        "1402345671",
        40,
    )
    assert at_hq.contact_person == "Məmmədova Aytən Rauf qızı"
    assert (at_hq.gender, at_hq.birth_year) == ("", None)
    # HQ's figures count people and organizations apart
    table = world.hq.statistics.figures(
        FigureQuery(
            Measure.CLIENTS_SERVED,
            parse_period(str(today().year)),
            (Dimension.CLIENT_KIND,),
            previous=False,
        )
    )
    assert {r.codes[0]: r.value for r in table.rows} == {"organization": 1, "person": 1}
    # HQ's conflict check knows it in another spelling
    hits = world.hq.search.conflicts("Gencler birliyi", kind="organization", audit=False)
    assert [(h.ref_id, h.level) for h in hits] == [(org.id, "exact")]
    # a correction at the center travels too
    world.gnj.clients.update(
        org.id,
        ClientInput(
            full_name="Gənclər Birliyi",
            gender="",
            region="AZ-GA",
            kind="organization",
            registration="1402345671",
            contact_person="Məmmədova Aytən Rauf qızı",
            members=55,
        ),
    )
    up(world, world.gnj)
    assert world.hq.clients.get(org.id).members == 55
    # the case moves to QBA, and the organization with it
    sync(world.hq).transfer_case(number, "QBA")
    down(world, world.qba)
    at_qba = world.qba.cases.get(number).client
    assert (at_qba.kind, at_qba.members, at_qba.registration) == ("organization", 55, "1402345671")


def test_an_organization_that_does_not_share_arrives_without_its_contact_person(
    world: World,
) -> None:
    org, _number = register(world.gnj, "Qadınlar Şurası", ("store_process",))
    up(world, world.gnj)
    at_hq = world.hq.clients.get(org.id)
    assert at_hq.kind == "organization" and at_hq.members == 40
    assert at_hq.contact_person == "" and at_hq.full_name != "Qadınlar Şurası"
    assert at_hq.registration == ""  # a registration number names it as surely as its name
    at_gnj = world.gnj.clients.get(org.id)
    assert at_gnj.contact_person == "Məmmədova Aytən Rauf qızı" and at_gnj.registration
    # once it agrees to share, the next bundle sends the real values
    world.gnj.clients.give_purpose(org.id, "share_hq")
    up(world, world.gnj)
    at_hq = world.hq.clients.get(org.id)
    assert (at_hq.full_name, at_hq.contact_person) == (
        "Qadınlar Şurası",
        "Məmmədova Aytən Rauf qızı",
    )
