"""Reference data: the code lists behind the choice fields (DESIGN.md §3).

Legal areas, corruption sectors and conduct types, outcomes, regions (ISO 3166-2:AZ codes) and
the smaller enumerations (gender, displacement, disability, ...) are versioned lists of codes,
each labelled in Azerbaijani, Russian and English. They are maintained at HQ and distributed in
bundles; records store only the code, front ends show :meth:`ReferenceItem.label`.

This module holds the plain, immutable values and the validation helper. Reading the JSON files
is done by :mod:`legalaid_desktop.reference_data`; nothing here touches the disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from legalaid_desktop.domain.errors import ValidationError
from legalaid_desktop.i18n import _

#: The label languages every reference item carries, in display order.
LABEL_LANGUAGES: tuple[str, ...] = ("az", "ru", "en")

#: The language used when a label is missing in the requested one.
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class ReferenceItem:
    """One code of a reference list with its labels.

    Attributes:
        code: The stable identifier stored in records (e.g. ``"family"``, ``"AZ-GA"``).
        labels: Label per language code (``az``, ``ru``, ``en``).
        extra: Any further attributes of the item (for regions: ``type``, ``parent``,
            ``economic_region``).
    """

    code: str
    labels: Mapping[str, str]
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Freeze the mappings so that a shared item cannot be changed behind the catalog's back.
        object.__setattr__(self, "labels", MappingProxyType(dict(self.labels)))
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted(self.labels.items()))))

    def label(self, lang: str) -> str:
        """The label in ``lang``.

        Args:
            lang: A language code such as ``"az"``.

        Returns:
            The label in ``lang``; failing that the English label; failing that the code itself.
        """
        return self.labels.get(lang) or self.labels.get(FALLBACK_LANGUAGE) or self.code


@dataclass(frozen=True)
class ReferenceList:
    """A versioned list of reference items of one kind (e.g. ``"regions"``).

    Attributes:
        kind: The list's name, e.g. ``"legal_areas"``.
        version: The list's version; HQ raises it with every change it distributes.
        items: The items in display order (codes are unique).

    Raises:
        ValueError: If two items share a code.
    """

    kind: str
    version: int
    items: tuple[ReferenceItem, ...]
    _index: Mapping[str, ReferenceItem] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        items = tuple(self.items)
        index: dict[str, ReferenceItem] = {}
        for item in items:
            if item.code in index:
                raise ValueError(f"duplicate code {item.code!r} in reference list {self.kind!r}")
            index[item.code] = item
        object.__setattr__(self, "items", items)
        object.__setattr__(self, "_index", MappingProxyType(index))

    def codes(self) -> tuple[str, ...]:
        """All codes, in display order."""
        return tuple(item.code for item in self.items)

    def get(self, code: str) -> ReferenceItem | None:
        """The item with ``code``, or ``None`` if the list has no such code."""
        return self._index.get(code)

    def label(self, code: str, lang: str) -> str:
        """The label of ``code`` in ``lang``; the code itself if the list does not know it.

        Useful for showing old records whose code has since been retired from the list.
        """
        item = self._index.get(code)
        return item.label(lang) if item is not None else code

    def choices(self, lang: str) -> list[tuple[str, str]]:
        """``(code, label)`` pairs in display order, for filling a choice field."""
        return [(item.code, item.label(lang)) for item in self.items]

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._index

    def __iter__(self) -> Iterator[ReferenceItem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class ReferenceCatalog(Mapping[str, ReferenceList]):
    """All reference lists, by kind. Immutable.

    Args:
        lists: The lists; each is filed under its own ``kind``.

    Raises:
        ValueError: If two lists have the same kind.
    """

    __slots__ = ("_lists",)

    def __init__(self, lists: Iterable[ReferenceList]) -> None:
        by_kind: dict[str, ReferenceList] = {}
        for ref_list in lists:
            if ref_list.kind in by_kind:
                raise ValueError(f"duplicate reference list kind {ref_list.kind!r}")
            by_kind[ref_list.kind] = ref_list
        self._lists: Mapping[str, ReferenceList] = MappingProxyType(by_kind)

    def __getitem__(self, kind: str) -> ReferenceList:
        return self._lists[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._lists)

    def __len__(self) -> int:
        return len(self._lists)

    def __repr__(self) -> str:
        versions = ", ".join(f"{kind}=v{lst.version}" for kind, lst in self._lists.items())
        return f"ReferenceCatalog({versions})"

    def versions(self) -> dict[str, int]:
        """The version of every list, by kind (e.g. for a sync bundle's manifest)."""
        return {kind: lst.version for kind, lst in self._lists.items()}

    def require(
        self, kind: str, code: str, field_label: str, *, field: str | None = None
    ) -> ReferenceItem:
        """The item ``code`` of list ``kind``, or a :class:`ValidationError` for the user.

        Args:
            kind: The list to look in, e.g. ``"regions"``.
            code: The code to check, e.g. ``"AZ-GA"``.
            field_label: What the user calls the field, already translated (e.g. ``_("region")``);
                it is put into the message "Unknown region code 'AZ-XX'.".
            field: The field name recorded on the error; ``field_label`` if not given.

        Returns:
            The matching item.

        Raises:
            ValidationError: If the list has no item with ``code``.
            KeyError: If there is no list ``kind`` at all (a programming error).
        """
        item = self._lists[kind].get(code) if isinstance(code, str) else None
        if item is None:
            message = _("Unknown {field} code '{code}'.").format(field=field_label, code=code)
            raise ValidationError(message, field=field if field is not None else field_label)
        return item
