"""Reading a center's spreadsheet cells (issue 20): reference codes in any script and
spelling, dates in the forms people type, phone numbers, header words (docs/import.md)."""

from __future__ import annotations

from datetime import date

import pytest

from legalaid_desktop.i18n.dates import today
from legalaid_desktop.reference_data import load_catalog
from legalaid_desktop.spreadsheet_import.fields import guess_field
from legalaid_desktop.spreadsheet_import.references import ReferenceMatcher
from legalaid_desktop.spreadsheet_import.values import (
    DateOrder,
    blank,
    column_order,
    looks_like_formula,
    phone_key,
    read_date,
    read_phone,
)


@pytest.fixture(scope="module")
def catalog():  # type: ignore[no-untyped-def]
    return load_catalog()


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Qadın", "female"), ("qadin", "female"), ("QADIN", "female"), ("Женский", "female"),
        ("жен.", "female"), ("Ж", "female"), ("F", "female"), ("female", "female"),
        ("Женщина", "female"), ("Kişi", "male"), ("KİŞİ", "male"), ("м", "male"),
        ("Мужской", "male"), ("M", "male"), ("male", "male"), ("Digər", "other"),
    ],
)  # fmt: skip
def test_genders_in_every_script_and_abbreviation(catalog, raw: str, code: str) -> None:  # type: ignore[no-untyped-def]
    assert ReferenceMatcher(catalog, "genders").match(raw).code == code


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Gəncə", "AZ-GA"), ("Gəncə şəhəri", "AZ-GA"), ("Ganja", "AZ-GA"), ("Гянджа", "AZ-GA"),
        ("г. Гянджа", "AZ-GA"), ("Goranboy r-nu", "AZ-GOR"), ("Goranboy", "AZ-GOR"),
        ("Геранбойский район", "AZ-GOR"), ("Goranboy District", "AZ-GOR"),
        ("Şəmkir", "AZ-SKR"), ("Шамкир", "AZ-SKR"), ("Shamkir", "AZ-SKR"),
        ("Шамкирский", "AZ-SKR"), ("Şəki rayonu", "AZ-SAK"), ("Şəki şəhəri", "AZ-SA"),
        ("Шекинский р-н", "AZ-SAK"), ("Bakı", "AZ-BA"), ("Баку", "AZ-BA"), ("AZ-QBA", "AZ-QBA"),
        ("az-qba", "AZ-QBA"), ("Губинский район", "AZ-QBA"), ("Quba", "AZ-QBA"),
    ],
)  # fmt: skip
def test_regions_in_az_ru_en_with_or_without_rayonu(catalog, raw: str, code: str) -> None:  # type: ignore[no-untyped-def]
    assert ReferenceMatcher(catalog, "regions").match(raw).code == code


def test_a_city_and_a_district_of_one_name_is_asked_not_guessed(catalog) -> None:  # type: ignore[no-untyped-def]
    for raw in ("Şəki", "Шеки", "Lənkəran"):
        found = ReferenceMatcher(catalog, "regions").match(raw)
        assert found.code is None
        assert len(found.candidates) == 2


def test_a_typo_is_suggested_never_applied(catalog) -> None:  # type: ignore[no-untyped-def]
    found = ReferenceMatcher(catalog, "regions").match("Gorambay")
    assert found.code is None
    assert found.suggestion == "AZ-GOR"


def test_the_mapping_value_map_comes_first(catalog) -> None:  # type: ignore[no-untyped-def]
    matcher = ReferenceMatcher(catalog, "regions", {"Gorambay": "AZ-GOR", "Şəki": "AZ-SAK"})
    assert matcher.match("gorambay").code == "AZ-GOR"
    assert matcher.match("ŞƏKİ").code == "AZ-SAK"


@pytest.mark.parametrize(
    ("kind", "raw", "code"),
    [
        ("displacement", "MKŞ", "idp"), ("displacement", "m.k.ş.", "idp"),
        ("displacement", "ВПЛ", "idp"), ("displacement", "qaçqın", "refugee"),
        ("displacement", "Daimi sakin", "resident"), ("disability", "yoxdur", "none"),
        ("disability", "Fiziki əlillik", "physical"), ("legal_areas", "Ailə", "family"),
        ("legal_areas", "Семейное право", "family"), ("legal_areas", "Sosial təminat", "social"),
        ("legal_areas", "Pensiya", "social"), ("outcomes", "Şikayət verilib", "complaint_filed"),
        ("client_kinds", "QHT", "organization"),
    ],
)  # fmt: skip
def test_other_lists(catalog, kind: str, raw: str, code: str) -> None:  # type: ignore[no-untyped-def]
    assert ReferenceMatcher(catalog, kind).match(raw).code == code


def test_one_letter_keys_do_not_merge(catalog) -> None:  # type: ignore[no-untyped-def]
    """x, k, q share the phonetic key "k": a stray x is not a gender."""
    assert ReferenceMatcher(catalog, "genders").match("x").code is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31.12.1985", date(1985, 12, 31)), ("31/12/1985", date(1985, 12, 31)),
        ("31-12-1985", date(1985, 12, 31)), ("1985-12-31", date(1985, 12, 31)),
        ("12/31/1985", date(1985, 12, 31)), ("31.12.85", date(1985, 12, 31)),
        ("05.06.1985", date(1985, 6, 5)), ("31 dekabr 1985", date(1985, 12, 31)),
        ("31 декабря 1985", date(1985, 12, 31)), ("December 31, 1985", date(1985, 12, 31)),
        ("1985-12-31 00:00:00", date(1985, 12, 31)), (date(1985, 12, 31), date(1985, 12, 31)),
        (31047.0, date(1984, 12, 31)), ("31047", date(1984, 12, 31)),
    ],
)  # fmt: skip
def test_dates_in_the_forms_people_type(value: object, expected: date) -> None:
    assert read_date(value).day == expected  # type: ignore[arg-type]


def test_a_date_both_orders_can_read_follows_the_order_given() -> None:
    assert read_date("05/06/1985").ambiguous
    assert read_date("05/06/1985", order=DateOrder.MDY).day == date(1985, 5, 6)
    assert read_date("05/06/1985", order=DateOrder.DMY).day == date(1985, 6, 5)
    assert column_order(["05/06/1985", "13/06/1985"]) is DateOrder.DMY
    assert column_order(["05/06/1985", "06/13/1985"]) is DateOrder.MDY
    assert column_order(["13/06/1985", "06/13/1985"]) is None  # mixed: each is its own


def test_a_year_alone_is_a_birth_year_only() -> None:
    assert read_date("1985", birth=True).year == 1985
    assert read_date(1985.0, birth=True).year == 1985
    assert read_date("1985").error
    assert read_date("31.02.1985").error
    assert read_date("yesterday").error


def test_a_two_digit_year_is_never_in_the_future() -> None:
    yy = today().year % 100
    assert read_date(f"01.01.{yy + 1:02d}").day == date(1900 + yy + 1, 1, 1)


def test_phones() -> None:
    assert read_phone(994501234567.0) == ("+994501234567", 0)
    assert read_phone(501234567.0) == ("0501234567", 0)
    assert read_phone("050 111 22 33, 055 444 55 66") == ("050 111 22 33", 1)
    assert phone_key("+994 50 123 45 67") == phone_key("050-123-45-67")


def test_formula_text_and_blanks() -> None:
    assert looks_like_formula('=HYPERLINK("http://x","click")')
    assert looks_like_formula("@SUM(A1)") and looks_like_formula("+A1")
    assert not looks_like_formula("+994 50 123 45 67")
    assert not looks_like_formula("- 5")
    assert blank("—") and blank("  ") and blank(None) and not blank("0")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Soyadı, adı, atasının adı", "full_name"), ("ФИО", "full_name"), ("Soyadı", "surname"),
        ("Adı", "given_name"), ("Atasının adı", "father_name"), ("Отчество", "father_name"),
        ("Cinsi", "gender"), ("Пол", "gender"), ("Doğum tarixi", "birth"),
        ("Год рождения", "birth"), ("Müraciət tarixi", "opened_on"), ("Telefon", "phone"),
        ("Адрес", "address"), ("Ünvan", "address"), ("Rayon", "region"), ("Район", "region"),
        ("Hüquq sahəsi", "legal_area"), ("Qısa məzmun", "summary"), ("Примечание", "summary"),
        ("Hüquqşünas", "lawyer"), ("Nəticə", "outcome"), ("№", None), ("Client number", None),
        ("Name", "full_name"), ("Birth year", "birth"), ("How they heard", "referral_source"),
    ],
)  # fmt: skip
def test_header_words_guess_the_field(header: str, field: str | None) -> None:
    assert guess_field(header) == field
