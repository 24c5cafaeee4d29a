"""Loading the shipped reference data (``resources/reference/*.json``).

Each file holds one list::

    {"kind": "legal_areas", "version": 1,
     "items": [{"code": "family",
                "labels": {"az": "Ailə hüququ", "ru": "Семейное право", "en": "Family law"}},
               ...]}

The file name is ``<kind>.json``. Items may carry further attributes (regions have ``type``,
``parent`` and ``economic_region``); they end up in :attr:`ReferenceItem.extra`. The structure is
checked strictly, and a malformed file is reported with its name and what is wrong with it.
Nothing is read at import time.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from legalaid_desktop.domain.errors import LegalAidError
from legalaid_desktop.domain.reference import (
    LABEL_LANGUAGES,
    ReferenceCatalog,
    ReferenceItem,
    ReferenceList,
)
from legalaid_desktop.i18n import _

#: The lists every catalog must contain (DESIGN.md §3).
REQUIRED_KINDS: tuple[str, ...] = (
    "legal_areas",
    "corruption_sectors",
    "corruption_conduct",
    "outcomes",
    "regions",
    "displacement",
    "disability",
    "genders",
    "consultation_modes",
    "party_roles",
    "case_statuses",
    "consent_purposes",
    "satisfaction",
    "referral_bodies",
    "referral_results",
    "client_kinds",
)

_TOP_LEVEL_KEYS = frozenset({"kind", "version", "items"})


class ReferenceDataError(LegalAidError):
    """The reference data could not be read."""


def load_catalog(directory: Path | None = None) -> ReferenceCatalog:
    """Read every reference list from ``directory``.

    The result is cached per directory; call :func:`clear_cache` after the files have changed
    (e.g. when a bundle from HQ brings new versions).

    Args:
        directory: The folder holding the ``<kind>.json`` files; by default the shipped
            ``resources/reference`` folder.

    Returns:
        The catalog with one list per file.

    Raises:
        ReferenceDataError: If the folder or a required list is missing, or a file is malformed.
    """
    if directory is None:
        from legalaid_desktop.paths import resource_path

        directory = resource_path("reference")
    return _load_cached(Path(directory).resolve())


def clear_cache() -> None:
    """Forget every catalog read so far, so that the next :func:`load_catalog` reads the disk."""
    _load_cached.cache_clear()


def parse_reference_list(data: Any, source: str, expected_kind: str | None = None) -> ReferenceList:
    """Check the decoded JSON of one list and build it.

    Args:
        data: The decoded JSON document.
        source: The file name (or other origin) to name in error messages.
        expected_kind: The kind the document must declare (the file name's stem), if any.

    Returns:
        The reference list.

    Raises:
        ReferenceDataError: If the document does not have the expected structure.
    """
    if not isinstance(data, dict):
        raise _malformed(source, _("the file must contain a JSON object."))
    unknown = sorted(set(data) - _TOP_LEVEL_KEYS)
    if unknown:
        raise _malformed(source, _("unexpected key(s): {keys}.").format(keys=", ".join(unknown)))
    missing = sorted(_TOP_LEVEL_KEYS - set(data))
    if missing:
        raise _malformed(source, _("missing key(s): {keys}.").format(keys=", ".join(missing)))

    kind = data["kind"]
    if not isinstance(kind, str) or not kind:
        raise _malformed(source, _("'kind' must be a non-empty text."))
    if expected_kind is not None and kind != expected_kind:
        raise _malformed(
            source,
            _("'kind' is '{kind}' but must be '{expected}'.").format(
                kind=kind, expected=expected_kind
            ),
        )
    version = data["version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _malformed(source, _("'version' must be a whole number of 1 or more."))
    raw_items = data["items"]
    if not isinstance(raw_items, list) or not raw_items:
        raise _malformed(source, _("'items' must be a non-empty list."))

    items: list[ReferenceItem] = []
    seen: set[str] = set()
    for position, raw in enumerate(raw_items, start=1):
        item = _parse_item(raw, source, position)
        if item.code in seen:
            raise _malformed(
                source,
                _("item {n}: the code '{code}' occurs twice.").format(n=position, code=item.code),
            )
        seen.add(item.code)
        items.append(item)
    return ReferenceList(kind=kind, version=version, items=tuple(items))


@functools.lru_cache(maxsize=8)
def _load_cached(directory: Path) -> ReferenceCatalog:
    if not directory.is_dir():
        raise ReferenceDataError(
            _("The reference data folder {path} does not exist.").format(path=directory)
        )
    lists = [_read_file(path) for path in sorted(directory.glob("*.json"))]
    present = {lst.kind for lst in lists}
    missing = [kind for kind in REQUIRED_KINDS if kind not in present]
    if missing:
        raise ReferenceDataError(
            _("The reference data in {path} is incomplete: {files} missing.").format(
                path=directory, files=", ".join(f"{kind}.json" for kind in missing)
            )
        )
    return ReferenceCatalog(lists)


def _read_file(path: Path) -> ReferenceList:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReferenceDataError(
            _("The reference data file {file} could not be read: {reason}").format(
                file=path.name, reason=exc.strerror or exc
            )
        ) from exc
    except UnicodeDecodeError as exc:
        raise _malformed(path.name, _("the file is not UTF-8 text.")) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _malformed(
            path.name,
            _("invalid JSON at line {line}, column {column}.").format(
                line=exc.lineno, column=exc.colno
            ),
        ) from exc
    return parse_reference_list(data, path.name, expected_kind=path.stem)


def _parse_item(raw: Any, source: str, position: int) -> ReferenceItem:
    if not isinstance(raw, dict):
        raise _malformed(source, _("item {n} must be a JSON object.").format(n=position))
    code = raw.get("code")
    if not isinstance(code, str) or not code.strip() or code != code.strip():
        raise _malformed(
            source,
            _(
                "item {n} needs a 'code' that is a non-empty text without surrounding spaces."
            ).format(n=position),
        )
    labels = raw.get("labels")
    if not isinstance(labels, dict):
        raise _malformed(
            source, _("item {n} ('{code}') needs a 'labels' object.").format(n=position, code=code)
        )
    for lang in LABEL_LANGUAGES:
        label = labels.get(lang)
        if not isinstance(label, str) or not label.strip():
            raise _malformed(
                source,
                _("item {n} ('{code}') has no '{lang}' label.").format(
                    n=position, code=code, lang=lang
                ),
            )
    for lang, label in labels.items():
        if not isinstance(lang, str) or not isinstance(label, str):
            raise _malformed(
                source,
                _("item {n} ('{code}') has a label that is not text.").format(
                    n=position, code=code
                ),
            )
    extra = {key: value for key, value in raw.items() if key not in ("code", "labels")}
    return ReferenceItem(code=code, labels=labels, extra=extra)


def _malformed(source: str, problem: str) -> ReferenceDataError:
    return ReferenceDataError(
        _("The reference data file {file} is malformed: {problem}").format(
            file=source, problem=problem
        )
    )
