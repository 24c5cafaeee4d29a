"""The client and case lists sort by each column and filter by typed text (real store)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from conftest import LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput
from legalaid_desktop.domain.errors import ValidationError
from legalaid_desktop.i18n import language
from legalaid_desktop.i18n.dates import today

PEOPLE = (
    # name, birth year, region, phone
    ("Zeynalova Ülviyyə", 1990, "AZ-GA", "+994 50 111 22 33"),
    ("Əliyev Rəşad", None, "AZ-BA", ""),
    ("Çələbiyev Vüqar", 985 + 1000, "AZ-QBA", ""),
    ("Cəfərova İradə", 2001, "AZ-GA", "+994 55 777 88 99"),
    ("Eyvazov Namiq", 1979, "AZ-BA", ""),
    ("İsmayılova Lalə", 1962, "AZ-GA", ""),
    ("Ismayilov Orxan", 1970, "AZ-GA", ""),
)
AZ_ORDER = [
    "Cəfərova İradə",
    "Çələbiyev Vüqar",
    "Eyvazov Namiq",
    "Əliyev Rəşad",
    "Ismayilov Orxan",
    "İsmayılova Lalə",
    "Zeynalova Ülviyyə",
]


@pytest.fixture
def s(store_with_lawyer: Path) -> app.AppSession:
    session = app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    start = today() - timedelta(days=100)
    for i, (name, year, region, phone) in enumerate(PEOPLE):
        client = session.clients.register(
            ClientInput(
                full_name=name,
                gender="female" if name.split()[0].endswith("a") else "male",
                birth_year=year,
                region=region,
                phone=phone,
            ),
            ConsentInput(given_on=start),
        )
        session.cases.open(
            CaseInput(
                client.id,
                ("family", "social", "labour")[i % 3],
                f"Müraciət {i}",
                opened_on=start + timedelta(days=(i * 37) % 90),
            )
        )
    return session


def names(s: app.AppSession, **kw: object) -> list[str]:
    return [r.full_name for r in s.clients.list(**kw).rows]  # type: ignore[arg-type]


def test_clients_sort_by_name_in_azerbaijani_order_both_ways(s: app.AppSession) -> None:
    assert names(s) == AZ_ORDER
    assert names(s, order="name", descending=True) == AZ_ORDER[::-1]


def test_clients_sort_by_birth_year_as_numbers_blanks_last(s: app.AppSession) -> None:
    years = [r.birth_year for r in s.clients.list(order="birth_year").rows]
    assert years == [1962, 1970, 1979, 1985, 1990, 2001, None]
    years = [r.birth_year for r in s.clients.list(order="birth_year", descending=True).rows]
    assert years == [2001, 1990, 1985, 1979, 1970, 1962, None]


def test_clients_sort_by_region_label_in_the_language_shown(s: app.AppSession) -> None:
    catalog = s.reference()["regions"]
    for lang in ("az", "ru", "en"):
        with language(lang):
            rows = s.clients.list(order="region").rows
        labels = [catalog.label(r.region, lang) for r in rows]
        assert labels == sorted(labels, key=_az_key), lang
        # and within a region, by name
        ganja = [r.full_name for r in rows if r.region == "AZ-GA"]
        assert ganja == [n for n in AZ_ORDER if n in ganja]


def _az_key(text: str) -> tuple[tuple[int, ...], str]:
    from legalaid_desktop.text.collation import sort_key

    return sort_key(text)


def test_clients_filter_by_folded_typed_words(s: app.AppSession) -> None:
    assert names(s, text="eliyev") == ["Əliyev Rəşad"]
    assert names(s, text="ƏLİ") == ["Əliyev Rəşad"]
    assert names(s, text="ismay") == ["Ismayilov Orxan", "İsmayılova Lalə"]
    assert names(s, text="ismay lal") == ["İsmayılova Lalə"]  # every word
    assert names(s, text="557778") == ["Cəfərova İradə"]  # the phone's digits
    assert names(s, text="nobody") == []
    assert s.clients.count(text="ismay") == 2
    assert s.clients.list(text="ismay", region="AZ-GA").total == 2
    assert names(s, text="   ") == AZ_ORDER


@pytest.mark.parametrize(
    "typed", ['"', "*", "NEAR(a b)", "a OR b", "zey*", "-zey", "^zey", "zey:", "'); DROP TABLE x"]
)
def test_the_filter_takes_any_typed_text_as_words(s: app.AppSession, typed: str) -> None:
    """FTS5's own syntax in the typed text is not a query: it is folded to plain words."""
    found = names(s, text=typed)
    assert found in ([], ["Zeynalova Ülviyyə"]) or found == AZ_ORDER


def test_an_unknown_order_is_refused(s: app.AppSession) -> None:
    with pytest.raises(ValidationError):
        s.clients.list(order="full_name; DROP")
    with pytest.raises(ValidationError):
        s.cases.list(order="phone")


def test_cases_sort_by_each_column(s: app.AppSession) -> None:
    rows = s.cases.list().rows
    assert [r.opened_on for r in rows] == sorted((r.opened_on for r in rows), reverse=True)
    opened = [r.opened_on for r in s.cases.list(order="opened").rows]
    assert opened == sorted(opened)
    clients = [r.client_name for r in s.cases.list(order="client").rows]
    assert clients == AZ_ORDER
    numbers = [r.number for r in s.cases.list(order="number", descending=True).rows]
    assert numbers == sorted(numbers, reverse=True)
    catalog = s.reference()
    with language("az"):
        areas = [
            catalog["legal_areas"].label(r.legal_area, "az")
            for r in s.cases.list(order="legal_area").rows
        ]
    assert areas == sorted(areas, key=_az_key)
    first = s.cases.list().rows[0].number
    s.cases.close(first, "advice_given")
    closed = [r.closed_on for r in s.cases.list(order="closed").rows]
    assert closed[0] == today() and closed[1:] == [None] * (len(PEOPLE) - 1)
    closed = [r.closed_on for r in s.cases.list(order="closed", descending=True).rows]
    assert closed[0] == today()
    statuses = [r.status for r in s.cases.list(order="status").rows]
    assert sorted(set(statuses)) == ["closed", "open"] and len(statuses) == len(PEOPLE)
    assert len(s.cases.list(order="lawyer").rows) == len(PEOPLE)


def test_cases_filter_by_number_client_and_summary(s: app.AppSession) -> None:
    number = s.cases.list(order="client").rows[1].number  # Çələbiyev's
    assert [r.number for r in s.cases.list(text=number).rows] == [number]
    assert [r.client_name for r in s.cases.list(text="celebi").rows] == ["Çələbiyev Vüqar"]
    assert s.cases.count(text="müraciət") == len(PEOPLE)
    assert s.cases.count(text="muraciet 3") == 1


def test_paging_a_sorted_list_neither_repeats_nor_skips(s: app.AppSession) -> None:
    seen: list[str] = []
    for offset in range(0, len(PEOPLE), 2):
        seen += [r.full_name for r in s.clients.list(order="region", offset=offset, limit=2).rows]
    assert sorted(seen) == sorted(AZ_ORDER) and len(seen) == len(PEOPLE)
