"""What kind of document a file is, in words a person reads (never a MIME type)."""

from __future__ import annotations

from legalaid_desktop.i18n import N_, _

__all__ = ["document_kind"]

_EXACT = {
    "application/pdf": N_("PDF document"),
    "application/msword": N_("Word document"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": N_("Word document"),
    "application/vnd.oasis.opendocument.text": N_("Word document"),
    "application/rtf": N_("Word document"),
    "application/vnd.ms-excel": N_("Spreadsheet"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": N_("Spreadsheet"),
    "application/vnd.oasis.opendocument.spreadsheet": N_("Spreadsheet"),
    "text/csv": N_("Spreadsheet"),
    "application/zip": N_("Archive"),
}
_FAMILY = {
    "image": N_("Image"),
    "text": N_("Text"),
    "audio": N_("Audio recording"),
    "video": N_("Video"),
}


def document_kind(media_type: str) -> str:
    """The kind of a stored file in the current language: "PDF document", "Image", "File"."""
    kind = media_type.strip().lower().split(";", 1)[0]
    label = _EXACT.get(kind) or _FAMILY.get(kind.split("/", 1)[0]) or N_("File")
    return _(label)
