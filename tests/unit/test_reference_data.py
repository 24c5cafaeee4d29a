"""The shipped reference data (DESIGN.md §3) and its loader."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from legalaid_desktop.domain.errors import ValidationError
from legalaid_desktop.domain.reference import ReferenceCatalog, ReferenceItem, ReferenceList
from legalaid_desktop.paths import resource_path
from legalaid_desktop.reference_data import (
    REQUIRED_KINDS,
    ReferenceDataError,
    clear_cache,
    load_catalog,
)

# The code lists exactly as DESIGN.md §3 names them.
EXPECTED_CODES: dict[str, list[str]] = {
    "legal_areas": [
        "family", "property", "inheritance", "credit", "labour", "social", "utilities",
        "civil_registration", "migration", "tax", "administrative", "criminal", "consumer",
        "health", "education", "corruption", "other",
    ],
    "corruption_conduct": [
        "bribery", "extortion", "nepotism", "embezzlement", "abuse_of_office",
        "conflict_of_interest", "lack_of_transparency", "public_funds_mismanagement",
        "sextortion", "other",
    ],
    "corruption_sectors": [
        "public_services", "police", "judiciary", "education", "health", "land_property",
        "natural_resources", "customs_tax", "social_protection", "local_government",
        "utilities", "procurement", "other",
    ],
    "outcomes": [
        "advice_given", "document_prepared", "referred_advocate", "referred_state_body",
        "referred_other_org", "negotiated", "complaint_filed", "resolved_full",
        "resolved_partial", "not_resolved", "withdrawn", "lost_contact", "not_eligible",
    ],
    "displacement": ["resident", "idp", "refugee", "returnee", "stateless", "foreign_national"],
    "disability": ["none", "physical", "sensory", "intellectual", "psychosocial", "multiple"],
    "genders": ["female", "male", "other", "undisclosed"],
    "consultation_modes": ["in_person", "phone", "online", "outreach", "hotline"],
    "party_roles": ["adverse", "institution", "witness", "representative"],
    "case_statuses": ["open", "pending", "closed", "transferred"],
    "consent_purposes": ["store_process", "share_hq", "anonymized_stats"],
    # issue 19: the ALAC satisfaction scale at closing, referrals, kinds of client
    "satisfaction": ["5", "4", "3", "2", "1", "unreachable"],
    "referral_bodies": [
        "advocate", "prosecutor_anticorruption", "ombudsman", "ministry_justice",
        "ministry_labour", "ministry_interior", "ministry_health", "ministry_education",
        "local_executive", "court", "asan", "other_ngo",
    ],
    "referral_results": ["resolved", "partly_resolved", "forwarded", "refused", "no_action"],
    "client_kinds": ["person", "organization", "initiative"],
}  # fmt: skip

NAKHCHIVAN_PARTS = {"AZ-BAB", "AZ-CUL", "AZ-KAN", "AZ-NV", "AZ-ORD", "AZ-SAD", "AZ-SAH", "AZ-SAR"}
ECONOMIC_REGIONS = {
    "baku", "nakhchivan", "absheron_khizi", "mountainous_shirvan", "ganja_dashkasan", "karabakh",
    "gazakh_tovuz", "guba_khachmaz", "lankaran_astara", "central_aran", "mil_mughan",
    "shaki_zagatala", "east_zangezur", "shirvan_salyan",
}  # fmt: skip

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
LATIN = re.compile(r"[A-Za-z]")
AZ_LETTERS = set("ABCÇDEƏFGĞHXIİJKQLMNOÖPRSŞTUÜVYZabcçdeəfgğhxıijkqlmnoöprsştuüvyz")


@pytest.fixture(scope="module")
def catalog() -> ReferenceCatalog:
    return load_catalog()


def _all_items(catalog: ReferenceCatalog) -> list[tuple[str, ReferenceItem]]:
    return [(kind, item) for kind, lst in catalog.items() for item in lst]


# --- the shipped data ---------------------------------------------------------------------------


def test_catalog_has_every_required_kind_at_version_1_or_more(catalog: ReferenceCatalog) -> None:
    assert set(catalog) == set(REQUIRED_KINDS)
    for kind, lst in catalog.items():
        assert lst.kind == kind
        assert isinstance(lst.version, int) and lst.version >= 1


@pytest.mark.parametrize("kind", sorted(EXPECTED_CODES))
def test_code_lists_match_the_design_exactly(catalog: ReferenceCatalog, kind: str) -> None:
    assert list(catalog[kind].codes()) == EXPECTED_CODES[kind]


def test_regions_are_the_78_iso_3166_2_az_subdivisions(catalog: ReferenceCatalog) -> None:
    regions = catalog["regions"]
    codes = regions.codes()
    assert len(codes) == 78
    assert len(set(codes)) == 78
    assert all(re.fullmatch(r"AZ-[A-Z]{2,3}", code) for code in codes)
    for code in ("AZ-BA", "AZ-GA", "AZ-QBA", "AZ-NX", "AZ-SM", "AZ-XA", "AZ-SAK", "AZ-SA"):
        assert code in regions


def test_region_types_parents_and_economic_regions(catalog: ReferenceCatalog) -> None:
    regions = catalog["regions"]
    by_type: dict[str, set[str]] = {}
    for item in regions:
        by_type.setdefault(item.extra["type"], set()).add(item.code)
        assert item.extra.get("parent") == ("AZ-NX" if item.code in NAKHCHIVAN_PARTS else None)
        assert item.extra["economic_region"] in ECONOMIC_REGIONS
    assert by_type["autonomous_republic"] == {"AZ-NX"}
    assert by_type["city"] == {
        "AZ-BA", "AZ-GA", "AZ-LA", "AZ-MI", "AZ-NA", "AZ-NV", "AZ-SA", "AZ-SM", "AZ-SR",
        "AZ-XA", "AZ-YE",
    }  # fmt: skip
    assert len(by_type["rayon"]) == 66
    assert {item.extra["economic_region"] for item in regions} == ECONOMIC_REGIONS


def test_region_labels(catalog: ReferenceCatalog) -> None:
    regions = catalog["regions"]
    assert regions.label("AZ-BA", "az") == "Bakı şəhəri"
    assert regions.label("AZ-GA", "ru") == "Гянджа"
    assert regions.label("AZ-QBA", "az") == "Quba rayonu"
    assert regions.label("AZ-KAN", "az") == "Kəngərli rayonu"  # ə (U+0259), not ǝ (U+01DD)
    # A city and the rayon of the same name must be told apart in every language.
    for lang in ("az", "ru", "en"):
        labels = [item.label(lang) for item in regions]
        assert len(set(labels)) == len(labels), lang


def test_sample_labels_use_the_lawyers_terms(catalog: ReferenceCatalog) -> None:
    family = catalog["legal_areas"].get("family")
    assert family is not None
    assert family.labels == {"az": "Ailə hüququ", "ru": "Семейное право", "en": "Family law"}
    assert catalog["outcomes"].label("advice_given", "az") == "Hüquqi məsləhət verilib"


def test_every_item_has_three_non_empty_labels(catalog: ReferenceCatalog) -> None:
    for kind, item in _all_items(catalog):
        assert set(item.labels) == {"az", "ru", "en"}, (kind, item.code)
        for lang, label in item.labels.items():
            assert label.strip() == label and label, (kind, item.code, lang)


def test_azerbaijani_labels_use_the_azerbaijani_latin_alphabet(catalog: ReferenceCatalog) -> None:
    for kind, item in _all_items(catalog):
        label = item.labels["az"]
        assert not CYRILLIC.search(label), (kind, item.code, label)
        strange = {ch for ch in label if ch.isalpha() and ch not in AZ_LETTERS}
        assert not strange, (kind, item.code, label, strange)


def test_russian_labels_are_cyrillic(catalog: ReferenceCatalog) -> None:
    for kind, item in _all_items(catalog):
        label = item.labels["ru"]
        assert CYRILLIC.search(label), (kind, item.code, label)
        assert not LATIN.search(label), (kind, item.code, label)


def test_english_labels_are_ascii(catalog: ReferenceCatalog) -> None:
    for kind, item in _all_items(catalog):
        assert item.labels["en"].isascii(), (kind, item.code)


def test_labels_are_unique_within_each_list(catalog: ReferenceCatalog) -> None:
    for kind, lst in catalog.items():
        for lang in ("az", "ru", "en"):
            labels = [item.label(lang) for item in lst]
            assert len(set(labels)) == len(labels), (kind, lang)


def test_shipped_files_are_tidy_utf8_json() -> None:
    directory = resource_path("reference")
    assert sorted(p.stem for p in directory.glob("*.json")) == sorted(REQUIRED_KINDS)
    for path in directory.glob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert "\\u" not in text, path.name  # letters are written as letters, not escapes
        assert json.loads(text)["kind"] == path.stem


# --- the domain values --------------------------------------------------------------------------


def test_require_returns_the_item(catalog: ReferenceCatalog) -> None:
    item = catalog.require("regions", "AZ-GA", "region")
    assert item.code == "AZ-GA"
    assert item.label("en") == "Ganja"


def test_require_rejects_an_unknown_code(catalog: ReferenceCatalog) -> None:
    with pytest.raises(ValidationError) as info:
        catalog.require("regions", "AZ-XX", "region")
    assert str(info.value) == "Unknown region code 'AZ-XX'."
    assert info.value.field == "region"


def test_require_rejects_a_code_from_another_list(catalog: ReferenceCatalog) -> None:
    with pytest.raises(ValidationError):
        catalog.require("legal_areas", "bribery", "legal area", field="legal_area")


def test_label_falls_back_to_english_then_code() -> None:
    item = ReferenceItem("x", {"az": "Az", "en": "En"})
    assert item.label("az") == "Az"
    assert item.label("ru") == "En"
    assert ReferenceItem("y", {"az": "Az"}).label("ru") == "y"


def test_reference_values_are_immutable() -> None:
    labels = {"az": "Az", "ru": "Ру", "en": "En"}
    item = ReferenceItem("x", labels, {"type": "city"})
    labels["az"] = "changed"
    assert item.label("az") == "Az"
    with pytest.raises(TypeError):
        item.labels["az"] = "changed"  # type: ignore[index]
    assert hash(item) == hash(ReferenceItem("x", {"az": "Az", "ru": "Ру", "en": "En"}))


def test_reference_list_lookup() -> None:
    lst = ReferenceList("k", 1, (ReferenceItem("a", {"en": "A"}), ReferenceItem("b", {"en": "B"})))
    assert lst.codes() == ("a", "b")
    assert "a" in lst and "c" not in lst and None not in lst
    assert lst.get("c") is None
    assert lst.label("c", "en") == "c"
    assert lst.choices("az") == [("a", "A"), ("b", "B")]
    with pytest.raises(ValueError, match="duplicate"):
        ReferenceList("k", 1, (ReferenceItem("a", {}), ReferenceItem("a", {})))


# --- the loader ---------------------------------------------------------------------------------


@pytest.fixture
def copy_dir(tmp_path: Path) -> Path:
    target = tmp_path / "reference"
    shutil.copytree(resource_path("reference"), target)
    return target


def _rewrite(directory: Path, kind: str, change: Any) -> None:
    path = directory / f"{kind}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_loading_a_copy_works_and_is_cached(copy_dir: Path) -> None:
    first = load_catalog(copy_dir)
    assert first is load_catalog(copy_dir)
    assert first.versions()["regions"] == load_catalog().versions()["regions"]
    clear_cache()
    assert load_catalog(copy_dir) is not first


def test_invalid_json_is_reported_with_the_file_name(copy_dir: Path) -> None:
    (copy_dir / "outcomes.json").write_text('{"kind": "outcomes", "version": 1,', "utf-8")
    with pytest.raises(ReferenceDataError, match=r"outcomes\.json is malformed: invalid JSON"):
        load_catalog(copy_dir)


def _drop_ru_label(data: dict[str, Any]) -> None:
    del data["items"][2]["labels"]["ru"]


def _blank_az_label(data: dict[str, Any]) -> None:
    data["items"][0]["labels"]["az"] = "  "


def _duplicate_code(data: dict[str, Any]) -> None:
    data["items"].append(data["items"][0])


def _string_version(data: dict[str, Any]) -> None:
    data["version"] = "1"


def _wrong_kind(data: dict[str, Any]) -> None:
    data["kind"] = "outcomes"


def _no_code(data: dict[str, Any]) -> None:
    del data["items"][1]["code"]


def _unknown_key(data: dict[str, Any]) -> None:
    data["comment"] = "x"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_drop_ru_label, r"regions\.json is malformed: item 3 \('AZ-GA'\) has no 'ru' label"),
        (_blank_az_label, r"regions\.json is malformed: item 1 \('AZ-NX'\) has no 'az' label"),
        (_duplicate_code, r"regions\.json is malformed: item 79: the code 'AZ-NX' occurs twice"),
        (_string_version, r"regions\.json is malformed: 'version' must be a whole number"),
        (_wrong_kind, r"regions\.json is malformed: 'kind' is 'outcomes' but must be 'regions'"),
        (_no_code, r"regions\.json is malformed: item 2 needs a 'code'"),
        (_unknown_key, r"regions\.json is malformed: unexpected key\(s\): comment"),
    ],
)
def test_malformed_file_gives_a_clear_error(copy_dir: Path, change: Any, message: str) -> None:
    _rewrite(copy_dir, "regions", change)
    with pytest.raises(ReferenceDataError, match=message):
        load_catalog(copy_dir)


def test_missing_file_is_reported(copy_dir: Path) -> None:
    (copy_dir / "genders.json").unlink()
    with pytest.raises(ReferenceDataError, match=r"incomplete: genders\.json missing"):
        load_catalog(copy_dir)


def test_missing_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match="does not exist"):
        load_catalog(tmp_path / "nowhere")
