"""The gettext catalogs are complete, consistent with the source and compiled.

Checks every shipped language (az, ru, en): no untranslated or fuzzy entry, the same
placeholders and keyboard accelerators as the English text, the right plural rules, a template
that matches the ``_()`` strings of ``src/`` (extracted with the options of ``make i18n``) and
``.mo`` files compiled from the current ``.po`` files. Fix a failure with ``make i18n`` and by
translating the new entries in ``resources/locale/<lang>/LC_MESSAGES/legalaid.po``.
"""

from __future__ import annotations

import gettext
import io
import re
import shlex
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from legalaid_desktop import i18n

ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = ROOT / "resources" / "locale"
TEMPLATE = LOCALE_DIR / "legalaid.pot"
LANGUAGES = ("az", "ru", "en")
PLURAL_FORMS = {
    "az": "nplurals=2; plural=(n != 1);",
    "ru": (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);"
    ),
    "en": "nplurals=2; plural=(n != 1);",
}

BRACE_FIELD = re.compile(r"\{[^{}]*\}")
PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
ACCELERATOR = re.compile(r"&(?=[^&\s])")


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "legalaid.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def load_po(lang: str) -> Catalog:
    with po_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang)


def entries(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def label(message: Message) -> str:
    text = message.id if isinstance(message.id, str) else message.id[0]
    return f"{text!r} ({message.locations[0][0] if message.locations else 'no location'})"


def forms(value: str | tuple[str, ...] | list[str] | None) -> list[str]:
    if value is None:
        return [""]
    return [value] if isinstance(value, str) else list(value)


def placeholders(text: str) -> tuple[list[str], list[str], int]:
    """The ``{…}`` fields, the ``%`` conversions and the number of ``&`` accelerators."""
    braces = text.replace("{{", "").replace("}}", "")
    percents = text.replace("%%", "")
    accelerators = text.replace("&&", "")
    return (
        sorted(BRACE_FIELD.findall(braces)),
        sorted(PERCENT_FIELD.findall(percents)),
        len(ACCELERATOR.findall(accelerators)),
    )


def message_keys(catalog: Catalog) -> set[tuple[str | None, str | tuple[str, ...]]]:
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in entries(catalog)}


@pytest.fixture(scope="module")
def catalogs() -> dict[str, Catalog]:
    return {lang: load_po(lang) for lang in LANGUAGES}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_entry_is_translated_and_not_fuzzy(catalogs: dict[str, Catalog], lang: str) -> None:
    catalog = catalogs[lang]
    assert entries(catalog), f"{lang}: the catalog is empty"
    assert not catalog.fuzzy, f"{lang}: the header is marked fuzzy"
    untranslated = [label(m) for m in entries(catalog) if any(not text for text in forms(m.string))]
    fuzzy = [label(m) for m in entries(catalog) if m.fuzzy]
    assert not untranslated, f"{lang}: {len(untranslated)} untranslated: {untranslated[:20]}"
    assert not fuzzy, f"{lang}: {len(fuzzy)} fuzzy: {fuzzy[:20]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_rules(catalogs: dict[str, Catalog], lang: str) -> None:
    catalog = catalogs[lang]
    assert catalog.plural_forms == PLURAL_FORMS[lang]
    for message in entries(catalog):
        if message.pluralizable:
            assert len(forms(message.string)) == catalog.num_plurals, label(message)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_and_accelerators_match_the_source(
    catalogs: dict[str, Catalog], lang: str
) -> None:
    problems = []
    for message in entries(catalogs[lang]):
        # A plural form may follow either English form ("{n} page" / "{n} pages").
        allowed = [placeholders(source) for source in forms(message.id)]
        for text in forms(message.string):
            if text and placeholders(text) not in allowed:
                problems.append(f"{label(message)} -> {text!r}")
    assert not problems, f"{lang}: placeholders or '&' differ:\n" + "\n".join(problems)


def extract_options() -> list[str]:
    """The options that ``make i18n`` gives ``pybabel extract`` (read from the Makefile)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    match = re.search(r"pybabel extract\s+(.*?)\s+-o\s+\S+\s+(\S+)[ \t]*$", makefile, re.MULTILINE)
    assert match, "the Makefile's i18n target no longer runs `pybabel extract … -o FILE DIR`"
    return [*shlex.split(match.group(1)), match.group(2)]


def test_template_is_up_to_date_with_the_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    *options, source_dir = extract_options()
    fresh = tmp_path / "fresh.pot"
    monkeypatch.chdir(ROOT)
    CommandLineInterface().run(
        ["pybabel", "--quiet", "extract", *options, "-o", str(fresh), source_dir]
    )
    with fresh.open("rb") as fh:
        extracted = message_keys(read_po(fh))
    with TEMPLATE.open("rb") as fh:
        template = message_keys(read_po(fh))
    new = sorted(map(str, extracted - template))
    gone = sorted(map(str, template - extracted))
    assert not new and not gone, (
        "resources/locale/legalaid.pot is out of date: run `make i18n` and translate.\n"
        f"new in the source: {new[:20]}\nno longer in the source: {gone[:20]}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_has_the_template_messages(catalogs: dict[str, Catalog], lang: str) -> None:
    with TEMPLATE.open("rb") as fh:
        template = message_keys(read_po(fh))
    assert message_keys(catalogs[lang]) == template, f"{lang}: run `make i18n`"


def translation_table(translations: gettext.GNUTranslations) -> dict[object, str]:
    table = dict(translations._catalog)  # type: ignore[attr-defined]
    table.pop("", None)  # the header (dates change without any message changing)
    return table


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalog_matches_its_po(catalogs: dict[str, Catalog], lang: str) -> None:
    shipped = mo_path(lang)
    assert shipped.is_file(), f"{shipped} is missing: run `make i18n`"
    buffer = io.BytesIO()
    write_mo(buffer, catalogs[lang])
    buffer.seek(0)
    expected = gettext.GNUTranslations(buffer)
    with shipped.open("rb") as fh:
        actual = gettext.GNUTranslations(fh)
    assert translation_table(actual) == translation_table(expected), (
        f"{shipped} is older than its .po: run `make i18n`"
    )
    assert actual.info().get("plural-forms") == expected.info().get("plural-forms")


def test_known_translations_through_the_app() -> None:
    previous = i18n.current_language()
    try:
        i18n.set_language("az")
        assert i18n._("Cases") == "İşlər"
        assert i18n._("Save") == "Yadda saxla"
        assert i18n._("Audit log") == "Audit jurnalı"
        assert i18n._("Recovery key") == "Bərpa açarı"
        assert i18n.ngettext("{n} case", "{n} cases", 3).format(n=3) == "3 iş"

        i18n.set_language("ru")
        assert i18n._("Cases") == "Дела"
        assert i18n._("Audit log") == "Журнал аудита"
        for n, text in (
            (1, "1 дело"),
            (3, "3 дела"),
            (5, "5 дел"),
            (21, "21 дело"),
            (12, "12 дел"),
        ):
            assert i18n.ngettext("{n} case", "{n} cases", n).format(n=n) == text

        i18n.set_language("en")
        assert i18n._("Cases") == "Cases"
        assert i18n.ngettext("{n} case", "{n} cases", 1).format(n=1) == "1 case"
    finally:
        i18n.set_language(previous)
