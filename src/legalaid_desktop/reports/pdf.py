"""Rendering the PDFs: case summaries (one or a batch) and consent forms.

Each function lays the document out in memory in the requested language and then writes it to
``out``: a binary stream, or a path. A path is written through a temporary file in the same
folder (owner-only permissions, flushed to disk) that replaces the target only when complete, so a
failure or a cancelled batch never leaves a partial or stray PDF with personal data behind, and an
existing file at the target stays as it was.

Every page carries the confidentiality marking, the generation time (Baku time) and user, and
"page X of Y". In a batch (:func:`render_case_summaries`) every case starts on a new page and
page numbers restart with each case ("page 1 of 3" is page 1 of that case's 3 pages), with the
case number beside them: the printed summaries are filed separately, one per case folder.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import Flowable, PageBreak, SimpleDocTemplate
from reportlab.platypus.doctemplate import LayoutError

from legalaid_desktop.domain.errors import ReportCancelled, ReportLayoutFailed, ReportNotSaved
from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.i18n import _, language
from legalaid_desktop.reference_data import load_catalog
from legalaid_desktop.reports.case_summary import case_summary_story
from legalaid_desktop.reports.consent import consent_story
from legalaid_desktop.reports.fonts import ReportFonts, find_fonts
from legalaid_desktop.reports.layout import (
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PAGE_SIZE,
    GroupStart,
    Styles,
    baku_time,
    canvas_maker,
    make_furniture,
    make_styles,
)
from legalaid_desktop.reports.model import CaseSummaryInput, ConsentFormInput

Output = BinaryIO | Path
ProgressCallback = Callable[[int, int], None]
CancelledCallback = Callable[[], bool]

__all__ = [
    "render_case_summaries",
    "render_case_summary",
    "render_consent_form",
    "write_pdf",
]


def render_case_summary(
    data: CaseSummaryInput,
    out: Output,
    *,
    lang: str,
    generated_by: str,
    include_contact: bool = True,
    now: datetime | None = None,
    font_dirs: Sequence[Path] | None = None,
) -> int:
    """Render the summary of one case.

    Args:
        data: The case.
        out: A writable binary stream, or the path of the PDF to write.
        lang: The language of the PDF (``az``, ``ru`` or ``en``).
        generated_by: The display name of the user printing it (printed on every page).
        include_contact: ``False`` leaves out the client's phone and address.
        now: The generation time (aware, or naive Baku time); the current time by default.
        font_dirs: Folders to search for the font instead of the system's (for tests).

    Returns:
        The number of pages.

    Raises:
        FontNotFound: If no suitable font is installed.
        ReportLayoutFailed: If a text is too long to lay out.
        ReportNotSaved: If ``out`` is a path that cannot be written.
        ValueError: If ``lang`` is not supported.
    """
    return render_case_summaries(
        [data],
        out,
        lang=lang,
        generated_by=generated_by,
        include_contact=include_contact,
        now=now,
        font_dirs=font_dirs,
    )


def render_case_summaries(
    cases: Sequence[CaseSummaryInput],
    out: Output,
    *,
    lang: str,
    generated_by: str,
    include_contact: bool = True,
    now: datetime | None = None,
    progress: ProgressCallback | None = None,
    cancelled: CancelledCallback | None = None,
    font_dirs: Sequence[Path] | None = None,
) -> int:
    """Render several case summaries into one PDF, each case starting on a new page.

    Page numbers restart with every case (see the module documentation).

    Args:
        cases: The cases, in print order (at least one).
        out: A writable binary stream, or the path of the PDF to write.
        lang: The language of the PDF (``az``, ``ru`` or ``en``).
        generated_by: The display name of the user printing it.
        include_contact: ``False`` leaves out the clients' phones and addresses.
        now: The generation time (aware, or naive Baku time); the current time by default.
        progress: Called with ``(done, total)`` as cases are laid out, finally with
            ``(total, total)`` once the file is written.
        cancelled: Polled between cases; when it returns ``True`` the batch stops.
        font_dirs: Folders to search for the font instead of the system's (for tests).

    Returns:
        The total number of pages.

    Raises:
        ReportCancelled: If ``cancelled`` returned ``True``; nothing was written.
        FontNotFound: If no suitable font is installed.
        ReportLayoutFailed: If a text is too long to lay out.
        ReportNotSaved: If ``out`` is a path that cannot be written.
        ValueError: If ``cases`` is empty or ``lang`` is not supported.
    """
    if not cases:
        raise ValueError("no cases to print")
    total = len(cases)

    def stop_if_cancelled() -> None:
        if cancelled is not None and cancelled():
            raise _Stop

    def case_begins(done: int) -> None:
        stop_if_cancelled()
        if progress is not None:
            progress(done, total)

    def build(styles: Styles, catalog: ReferenceCatalog, now_baku: datetime) -> list[Flowable]:
        story: list[Flowable] = []
        for index, case in enumerate(cases):
            stop_if_cancelled()
            if index:
                story.append(PageBreak())
            hook = functools.partial(case_begins, index) if progress or cancelled else None
            story.append(GroupStart(case.number, hook))
            story += case_summary_story(
                case,
                styles=styles,
                catalog=catalog,
                lang=lang,
                today=now_baku.date(),
                include_contact=include_contact,
            )
        return story

    fonts = find_fonts(font_dirs)
    try:
        with language(lang):
            title = _("Case summary") if total == 1 else _("Case summaries")
            pdf, pages = _layout(
                build,
                fonts,
                lang=lang,
                generated_by=generated_by,
                now=now,
                title=title,
                center=cases[0].center.name,
            )
        stop_if_cancelled()
    except _Stop:
        raise ReportCancelled(_("Printing was cancelled. No file was written.")) from None
    _emit(pdf, out)
    if progress is not None:
        progress(total, total)
    return pages


def render_consent_form(
    data: ConsentFormInput,
    out: Output,
    *,
    lang: str,
    generated_by: str,
    now: datetime | None = None,
    font_dirs: Sequence[Path] | None = None,
) -> int:
    """Render a pre-filled consent form for a client.

    Args:
        data: The client, the center and what to pre-fill.
        out: A writable binary stream, or the path of the PDF to write.
        lang: The language of the form (``az``, ``ru`` or ``en``).
        generated_by: The display name of the user printing it.
        now: The generation time (aware, or naive Baku time); the current time by default.
        font_dirs: Folders to search for the font instead of the system's (for tests).

    Returns:
        The number of pages.

    Raises:
        FontNotFound: If no suitable font is installed.
        ReportLayoutFailed: If a text is too long to lay out.
        ReportNotSaved: If ``out`` is a path that cannot be written.
        ValueError: If ``lang`` is not supported.
    """

    def build(styles: Styles, catalog: ReferenceCatalog, now_baku: datetime) -> list[Flowable]:
        return consent_story(data, styles=styles, catalog=catalog, lang=lang)

    fonts = find_fonts(font_dirs)
    with language(lang):
        title = _("Consent to the processing of personal data")
        pdf, pages = _layout(
            build,
            fonts,
            lang=lang,
            generated_by=generated_by,
            now=now,
            title=title,
            center=data.center.name,
            compact=True,
        )
    _emit(pdf, out)
    return pages


def _layout(
    build: Callable[[Styles, ReferenceCatalog, datetime], list[Flowable]],
    fonts: ReportFonts,
    *,
    lang: str,
    generated_by: str,
    now: datetime | None,
    title: str,
    center: str,
    compact: bool = False,
    marking: str | None = None,
) -> tuple[bytes, int]:
    """Lay out the story made by ``build`` and return the PDF bytes and the page count.

    Runs with the report language active, so that the labels come out in it. The metadata
    travels with the file (e-mail, a shared printer): it names the ``center`` as the author
    and never the user; ``generated_by`` is printed in the page footer only.
    """
    styles = make_styles(fonts, compact=compact)
    now_baku = baku_time(now)
    story = build(styles, load_catalog(), now_baku)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=center,
        creator="LegalAid Desktop",
        subject="",
        keywords=[],
        lang=lang,
        initialFontName=fonts.regular,
    )
    maker = canvas_maker(make_furniture(fonts, now_baku, generated_by, marking))
    try:
        doc.build(story, canvasmaker=maker)
    except LayoutError as exc:
        raise ReportLayoutFailed(
            _("The PDF could not be laid out: a text in this record is too long to print.")
        ) from exc
    pages: int = maker.last.page_total  # type: ignore[attr-defined]
    return buffer.getvalue(), pages


class _Stop(Exception):
    """Raised inside the layout to abandon a cancelled batch."""


def write_pdf(pdf: bytes, out: Output) -> None:
    """Write an already rendered PDF to a stream, or atomically to a path (as the renderers do).

    Raises:
        ReportNotSaved: If ``out`` is a path that cannot be written.
    """
    _emit(pdf, out)


def _emit(pdf: bytes, out: Output) -> None:
    if isinstance(out, str | os.PathLike):
        _write_atomically(Path(out), pdf)
    else:
        out.write(pdf)


def _write_atomically(path: Path, pdf: bytes) -> None:
    """Write ``pdf`` to ``path`` through a temporary file that is removed on any failure."""
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise _not_saved(path, exc) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pdf)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise _not_saved(path, exc) from exc
        raise
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    """Flush the rename to disk where the platform allows it (best effort)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _not_saved(path: Path, exc: OSError) -> ReportNotSaved:
    return ReportNotSaved(
        _("The PDF could not be saved to {path}: {reason}").format(
            path=path, reason=exc.strerror or exc
        )
    )
