"""The mapping: which column holds which field, how values read, what fills a gap. JSON.

A mapping is made once for a center's spreadsheet (guessed from its header,
:func:`guess_mapping`, then corrected in the wizard or by hand), saved, and used for every run
on that file or its later versions (``legalaid import clients FILE --mapping MAP.json``)::

    {
      "format": "legalaid-import-mapping",
      "version": 1,
      "sheet": null,
      "header_row": 2,
      "header_rows": 2,
      "columns": {"B": "surname", "C": "given_name", "D": "father_name", "E": "gender",
                  "F": "birth", "I": "region", "L": "legal_area", "M": "summary"},
      "headers": {"B": "Müraciət edən / Soyadı", "E": "Cinsi"},
      "values": {"region": {"Gorambay": "AZ-GOR", "Şəki": "AZ-SAK"}},
      "defaults": {"region": "AZ-GA", "displacement": "resident"},
      "date_order": "dmy",
      "consent_purposes": ["store_process"],
      "csv": {"encoding": null, "delimiter": null}
    }

* ``columns``: column letter → field (:data:`~.fields.FIELDS`); a field once, except those
  that take several columns (address, summary: joined line by line);
* ``headers``: the title each mapped column had when the mapping was made. When a later
  version of the file has the columns elsewhere, the mapping follows the title; when the title
  is nowhere, the mapping is refused rather than reading the wrong column;
* ``values``: per reference field (and ``lawyer``), a value as written in the file → the code
  (or user name); read before the built-in readings (:mod:`.references`);
* ``defaults``: the value of a field whose cell is empty (or that has no column): the codes
  of reference fields, a user name for ``lawyer``, ``YYYY-MM-DD`` for dates; only for the
  fields where one value can stand for many rows (not names, phones, addresses, birth dates);
* ``date_order``: ``dmy``, ``mdy`` or ``ymd`` for dates both orders can read (``05/06/1985``);
* ``consent_purposes``: what the consent of a row with a consent date covers;
* ``csv``: a CSV file's encoding and delimiter, when detection is not wanted.

A mapping holds header titles and the values of reference columns (region names, "MKŞ"),
never a client's name, phone, address or date: it is not personal data
(docs/store-security.md).
"""

from __future__ import annotations

import json
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Final

from legalaid_desktop.domain.errors import MappingRejected
from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.fsutil import atomic_write
from legalaid_desktop.i18n import _
from legalaid_desktop.spreadsheet_import.cells import Table, column_index, column_letter
from legalaid_desktop.spreadsheet_import.csv_text import DELIMITERS, ENCODINGS
from legalaid_desktop.spreadsheet_import.fields import BY_NAME, NAME_PARTS, Kind, guess_field
from legalaid_desktop.spreadsheet_import.guard import shown
from legalaid_desktop.spreadsheet_import.headers import bottom_titles, column_titles, guess_header
from legalaid_desktop.spreadsheet_import.values import DateOrder
from legalaid_desktop.text.folding import fold

__all__ = [
    "DEFAULTABLE",
    "FORMAT",
    "ImportMapping",
    "guess_mapping",
    "load_mapping",
    "resolve_columns",
    "save_mapping",
]

FORMAT: Final = "legalaid-import-mapping"
VERSION: Final = 1
MAX_MAPPING_BYTES: Final = 1024 * 1024
DEFAULTABLE: Final = frozenset(
    {
        "kind", "gender", "region", "displacement", "disability", "referral_source",
        "legal_area", "status", "outcome", "opened_on", "closed_on", "lawyer", "consent_date",
    }
)  # fmt: skip
"""The fields a mapping may give a default (one value that can stand for many rows)."""
_KEYS: Final = frozenset(
    {
        "format", "version", "sheet", "header_row", "header_rows", "columns", "headers",
        "values", "defaults", "date_order", "consent_purposes", "csv",
    }
)  # fmt: skip


@dataclass(frozen=True)
class ImportMapping:
    """A mapping (see the module docstring). ``columns`` and ``headers`` are keyed by column
    letter; ``header_row`` is 1-based (0: the sheet has no header row)."""

    columns: MappingABC[str, str]
    header_row: int = 1
    header_rows: int = 1
    sheet: str | None = None
    headers: MappingABC[str, str] = field(default_factory=dict)
    values: MappingABC[str, MappingABC[str, str]] = field(default_factory=dict)
    defaults: MappingABC[str, str] = field(default_factory=dict)
    date_order: DateOrder | None = None
    consent_purposes: tuple[str, ...] = ("store_process",)
    encoding: str | None = None
    delimiter: str | None = None

    def to_json(self) -> dict[str, Any]:
        ordered = sorted(self.columns.items(), key=lambda item: column_index(item[0]))
        return {
            "format": FORMAT,
            "version": VERSION,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "header_rows": self.header_rows,
            "columns": dict(ordered),
            "headers": {k: self.headers[k] for k, _v in ordered if k in self.headers},
            "values": {f: dict(v) for f, v in self.values.items() if v},
            "defaults": dict(self.defaults),
            "date_order": self.date_order.value if self.date_order else None,
            "consent_purposes": list(self.consent_purposes),
            "csv": {"encoding": self.encoding, "delimiter": self.delimiter},
        }

    def with_value(self, field_name: str, raw: str, code: str | None) -> ImportMapping:
        """This mapping with ``raw`` of ``field_name`` read as ``code`` (``None``: forgotten)."""
        values = {f: dict(v) for f, v in self.values.items()}
        mine = values.setdefault(field_name, {})
        if code is None:
            mine.pop(raw, None)
        else:
            mine[raw] = code
        return replace(self, values=values)


def _bad(problem: str) -> MappingRejected:
    return MappingRejected(_("The mapping is not valid: {problem}").format(problem=problem))


def _text_map(raw: Any, what: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        raise _bad(_("'{what}' must map texts to texts.").format(what=what))
    return dict(raw)


def _letter(raw: str) -> str:
    try:
        return column_letter(column_index(raw))
    except ValueError:
        raise _bad(_("'{column}' is not a column letter.").format(column=raw)) from None


def _int(data: dict[str, Any], key: str, default: int, low: int) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low or value > 1000:
        raise _bad(_("'{key}' must be a whole number from {low}.").format(key=key, low=low))
    return value


def _parse(data: Any) -> ImportMapping:
    if not isinstance(data, dict):
        raise _bad(_("the file must hold a JSON object."))
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise _bad(_("unknown key(s): {keys}.").format(keys=", ".join(unknown)))
    if data.get("format") != FORMAT:
        raise _bad(
            _("it is not a LegalAid import mapping ('format' is not '{format}').").format(
                format=FORMAT
            )
        )
    if data.get("version") != VERSION:
        raise _bad(_("version {version} is not known here.").format(version=data.get("version")))
    columns = {_letter(k): v for k, v in _text_map(data.get("columns", {}), "columns").items()}
    headers = {_letter(k): v for k, v in _text_map(data.get("headers", {}), "headers").items()}
    raw_values = data.get("values", {})
    if not isinstance(raw_values, dict):
        raise _bad(_("'values' must map fields to value maps."))
    values = {f: _text_map(v, f"values.{f}") for f, v in raw_values.items()}
    order = data.get("date_order")
    if order is not None and order not in {o.value for o in DateOrder}:
        raise _bad(_("'date_order' must be dmy, mdy or ymd."))
    purposes = data.get("consent_purposes", ["store_process"])
    if not isinstance(purposes, list) or not all(isinstance(p, str) for p in purposes):
        raise _bad(_("'consent_purposes' must be a list of codes."))
    csv = data.get("csv") or {}
    if not isinstance(csv, dict) or set(csv) - {"encoding", "delimiter"}:
        raise _bad(_("'csv' may hold only 'encoding' and 'delimiter'."))
    sheet = data.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        raise _bad(_("'sheet' must be a sheet's name or null."))
    return ImportMapping(
        columns=columns,
        header_row=_int(data, "header_row", 1, 0),
        header_rows=_int(data, "header_rows", 1, 1),
        sheet=sheet,
        headers=headers,
        values=values,
        defaults=_text_map(data.get("defaults", {}), "defaults"),
        date_order=DateOrder(order) if order else None,
        consent_purposes=tuple(purposes),
        encoding=csv.get("encoding"),
        delimiter=csv.get("delimiter"),
    )


def _check_default(catalog: ReferenceCatalog, name: str, value: str) -> None:
    spec = BY_NAME[name]
    if spec.kind is Kind.CODE and value not in catalog[spec.reference]:
        raise _bad(
            _("the default {field} '{value}' is not a code of that list.").format(
                field=name, value=value
            )
        )
    if spec.kind is Kind.DATE:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise _bad(
                _("the default {field} must be a date written YYYY-MM-DD.").format(field=name)
            ) from None


def validated(mapping: ImportMapping, catalog: ReferenceCatalog) -> ImportMapping:
    """``mapping`` if its fields, codes and defaults make sense for ``catalog``.

    Raises:
        MappingRejected: An unknown field, a field mapped twice, a name given both whole and
            in parts, a code not in its list, a default where none can be given, an unknown
            consent purpose, encoding or delimiter.
    """
    seen: set[str] = set()
    for letter, name in mapping.columns.items():
        spec = BY_NAME.get(name)
        if spec is None:
            raise _bad(
                _("column {column}: '{field}' is not a field.").format(column=letter, field=name)
            )
        if name in seen and not spec.multi:
            raise _bad(_("the field '{field}' is given two columns.").format(field=name))
        seen.add(name)
    if "full_name" in seen and seen & set(NAME_PARTS):
        raise _bad(_("the name is given both whole (full_name) and in parts."))
    for name, given in mapping.values.items():
        spec = BY_NAME.get(name)
        if spec is None or not spec.takes_values:
            raise _bad(
                _(
                    "'values' can only be given for reference fields and lawyer, not '{field}'."
                ).format(field=name)
            )
        if spec.kind is Kind.CODE:
            for raw, code in given.items():
                if code not in catalog[spec.reference]:
                    raise _bad(
                        _(
                            "'{value}' of {field} is mapped to '{code}', which is not a code "
                            "of that list."
                        ).format(value=raw, field=name, code=code)
                    )
    for name, value in mapping.defaults.items():
        if name not in DEFAULTABLE:
            raise _bad(_("the field '{field}' cannot have a default.").format(field=name))
        _check_default(catalog, name, value)
    for purpose in mapping.consent_purposes:
        if purpose not in catalog["consent_purposes"]:
            raise _bad(_("'{purpose}' is not a consent purpose.").format(purpose=purpose))
    if mapping.encoding is not None and mapping.encoding not in ENCODINGS:
        raise _bad(_("the encoding must be one of {names}.").format(names=", ".join(ENCODINGS)))
    if mapping.delimiter is not None and mapping.delimiter not in DELIMITERS:
        raise _bad(_("the delimiter must be a comma, a semicolon or a tab."))
    return mapping


def load_mapping(path: Path, catalog: ReferenceCatalog) -> ImportMapping:
    """Read and check the mapping file at ``path``.

    Raises:
        MappingRejected: Not a mapping, or one that does not fit the reference data.
        OSError: The file cannot be read.
    """
    if path.stat().st_size > MAX_MAPPING_BYTES:
        raise _bad(_("the file is too large for a mapping."))
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _bad(_("the file is not UTF-8 text.")) from None
    except json.JSONDecodeError as exc:
        raise _bad(
            _("invalid JSON at line {line}, column {column}.").format(
                line=exc.lineno, column=exc.colno
            )
        ) from None
    return validated(_parse(data), catalog)


def parse_mapping(data: Any, catalog: ReferenceCatalog) -> ImportMapping:
    """A mapping from its decoded JSON (the GUI's saved state), checked."""
    return validated(_parse(data), catalog)


def save_mapping(mapping: ImportMapping, path: Path) -> None:
    """Write ``mapping`` to ``path`` as JSON (whole or not at all)."""
    text = json.dumps(mapping.to_json(), ensure_ascii=False, indent=2) + "\n"
    atomic_write(path, text.encode("utf-8"))


def resolve_columns(mapping: ImportMapping, table: Table) -> dict[int, str]:
    """Column index → field for ``table``, following moved columns by their titles.

    Raises:
        MappingRejected: A mapped column's recorded title is not where it was nor anywhere
            else in the header (the mapping was made for another file), or a column lies
            outside the sheet.
    """
    titles = column_titles(table, mapping.header_row, mapping.header_rows)
    folded = [fold(t) for t in titles]
    resolved: dict[int, str] = {}
    for letter, name in mapping.columns.items():
        col = column_index(letter)
        expected = mapping.headers.get(letter)
        if expected is not None and mapping.header_row > 0:
            want = fold(expected)
            if col >= len(folded) or folded[col] != want:
                moved = [i for i, t in enumerate(folded) if t == want]
                if len(moved) != 1:
                    found = titles[col] if col < len(titles) else ""
                    raise MappingRejected(
                        _(
                            "The mapping expects column {column} to be headed '{expected}'; in "
                            "this file it is headed '{found}' and no other column is headed so. "
                            "Check that this is the right file, or make the mapping again."
                        ).format(column=letter, expected=shown(expected), found=shown(found))
                    )
                col = moved[0]
        if col >= table.width:
            raise MappingRejected(
                _("The mapping names column {column}, but the sheet ends at column {last}.").format(
                    column=letter, last=column_letter(max(0, table.width - 1))
                )
            )
        resolved[col] = name
    return resolved


def guess_mapping(table: Table) -> ImportMapping:
    """A starting mapping for ``table``: its header row and each column's field as its title
    suggests (:func:`~.fields.guess_field`; the last header row's words first). A lone part of
    a name (``Ad``, ``Имя``: this program's own export) is taken for the whole name."""
    header_row, header_rows = guess_header(table)
    titles = column_titles(table, header_row, header_rows)
    bottom = bottom_titles(table, header_row)
    columns: dict[str, str] = {}
    taken: list[str] = []
    for col in range(table.width):
        name = guess_field(bottom[col], taken) or guess_field(titles[col], taken)
        if name is not None:
            columns[column_letter(col)] = name
            taken.append(name)
    parts = [k for k, v in columns.items() if v in NAME_PARTS]
    if "full_name" in taken:
        columns = {k: v for k, v in columns.items() if v not in NAME_PARTS}
    elif len(parts) == 1:  # one column named "Ad" or "Имя" alone holds the whole name
        columns[parts[0]] = "full_name"
    headers = {k: titles[column_index(k)] for k in columns if header_row > 0}
    return ImportMapping(
        columns=columns,
        header_row=header_row,
        header_rows=header_rows,
        sheet=table.sheet or None,
        headers=headers,
        encoding=None,
        delimiter=None,
    )
