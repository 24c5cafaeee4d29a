"""Locale-aware formatting (Babel/CLDR): dd.MM.yyyy dates, decimal commas, plural forms."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from legalaid_desktop import i18n
from legalaid_desktop.i18n.formatting import (
    babel_locale,
    format_date,
    format_datetime,
    format_decimal,
    format_integer,
    format_size,
    month_names,
)

NBSP = "\xa0"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def test_dates_are_day_month_year_in_every_language() -> None:
    for lang in i18n.LANGUAGES:
        with i18n.language(lang):
            assert format_date(date(2026, 3, 7)) == "07.03.2026"
            moment = datetime(2026, 3, 7, 5, 5, tzinfo=UTC)
            assert format_datetime(moment) == "07.03.2026 09:05"  # Baku time, UTC+4
    assert format_date(None) == ""


def test_date_times_with_seconds_and_naive_values() -> None:
    moment = datetime(2026, 3, 7, 5, 5, 9, tzinfo=UTC)
    assert format_datetime(moment, seconds=True) == "07.03.2026 09:05:09"  # Baku time, UTC+4
    assert format_datetime(datetime(2026, 3, 7, 5, 5, 9)) == "07.03.2026 05:05"  # noqa: DTZ001
    assert format_datetime(None) == ""
    assert format_datetime(None, seconds=True) == ""


@pytest.mark.parametrize(
    ("lang", "decimal", "integer"),
    [
        ("az", "1.234,5", "12.345"),
        ("ru", f"1{NBSP}234,5", f"12{NBSP}345"),
        ("en", "1,234.5", "12,345"),
    ],
)
def test_numbers_follow_the_language(lang: str, decimal: str, integer: str) -> None:
    assert format_decimal(1234.5, 1, lang) == decimal
    assert format_integer(12345, lang) == integer
    with i18n.language(lang):  # the thread's language when none is passed
        assert format_decimal(Decimal("1234.50")) == decimal
        assert format_integer(12345) == integer


def test_decimal_comma_in_azerbaijani_and_russian() -> None:
    assert format_decimal(0.25, 2, "az") == "0,25"
    assert format_decimal(0.25, 2, "ru") == "0,25"
    assert format_decimal(0.25, 2, "en") == "0.25"
    assert format_decimal(7, 0, "az") == "7"
    assert babel_locale("az") == "az_Latn_AZ"


def test_file_sizes_use_the_decimal_sign_of_the_language() -> None:
    size = 1536 * 1024  # 1.5 MB
    with i18n.language("az"):
        assert format_size(size) == "1,5 MB"
        assert format_size(800) == "800 B"
    with i18n.language("ru"):
        assert format_size(size) == "1,5 МБ"
    assert format_size(size) == "1.5 MB"
    assert format_size(20 * 1024) == "20 KB"


@pytest.mark.parametrize(
    ("n", "russian", "azerbaijani"),
    [
        (1, "1 минута", "1 dəqiqə"),
        (3, "3 минуты", "3 dəqiqə"),
        (5, "5 минут", "5 dəqiqə"),
        (11, "11 минут", "11 dəqiqə"),
        (21, "21 минута", "21 dəqiqə"),
        (24, "24 минуты", "24 dəqiqə"),
        (112, "112 минут", "112 dəqiqə"),
    ],
)
def test_plural_forms(n: int, russian: str, azerbaijani: str) -> None:
    with i18n.language("ru"):
        assert i18n.ngettext("{n} minute", "{n} minutes", n).format(n=n) == russian
    with i18n.language("az"):
        assert i18n.ngettext("{n} minute", "{n} minutes", n).format(n=n) == azerbaijani
    english = "1 minute" if n == 1 else f"{n} minutes"
    assert i18n.ngettext("{n} minute", "{n} minutes", n).format(n=n) == english


def test_language_listeners_are_called_once_per_switch() -> None:
    seen: list[str] = []
    i18n.add_language_listener(seen.append)
    i18n.add_language_listener(seen.append)  # registered once
    try:
        i18n.set_language("ru")
        with i18n.language("az"):  # a thread-local language is not a switch
            pass
        i18n.set_language("en")
    finally:
        i18n.remove_language_listener(seen.append)
    i18n.set_language("az")  # no longer listened to
    assert seen == ["ru", "en"]


def test_month_names_in_each_language() -> None:
    assert month_names("az")[5] == "iyun"
    assert month_names("ru", "abbreviated")[1] == "февр."
    assert month_names("en", "abbreviated")[0] == "Jan"
    assert len(month_names("az")) == 12
