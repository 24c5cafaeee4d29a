"""Shared layout of the PDFs: page geometry, styles, page furniture and building blocks.

Every page carries a confidentiality marking at the top and, at the bottom, when and by whom the
document was generated, the document's label (e.g. the case number) and "page X of Y". The page
count is only known once the whole document is laid out, so :class:`FurnishedCanvas` keeps each
finished page aside and draws the furniture when the document is saved (a two-pass canvas).
A document can hold several *groups* (one per case in a batch); page numbers count within the
group, started by a :class:`GroupStart` flowable.

User text is always put into paragraphs through :func:`para_text` or :func:`para_lines`, which
escape markup and keep line breaks, so long Azerbaijani words and notes wrap inside table cells.
The building blocks made of these (tables, letterhead, signature lines) are in
:mod:`legalaid_desktop.reports.blocks`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.formatting import format_date, format_datetime
from legalaid_desktop.reports.fonts import ReportFonts

PAGE_SIZE: tuple[float, float] = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 17 * mm
MARGIN_BOTTOM = 18 * mm
#: The width of the text column.
CONTENT_WIDTH: float = PAGE_SIZE[0] - 2 * MARGIN_X

PRIMARY = colors.HexColor("#1F3A5F")
MUTED = colors.HexColor("#5B6675")
RULE = colors.HexColor("#A7B0BC")
HEADER_BG = colors.HexColor("#E3E8EE")
ZEBRA = colors.HexColor("#F5F7F9")
MARKING = colors.HexColor("#A4161A")

#: Placeholder for a value that is not recorded.
DASH = "—"

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --- Time and formatting ----------------------------------------------------------------------


def baku_timezone() -> tzinfo:
    """Asia/Baku from the time-zone database, or UTC+4 (Baku has had no summer time since 2016)."""
    try:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    except ImportError:  # pragma: no cover - Python 3.9+ always has zoneinfo
        return timezone(timedelta(hours=4), "+04")
    try:
        return ZoneInfo("Asia/Baku")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=4), "+04")


def baku_time(now: datetime | None) -> datetime:
    """``now`` (default: the current time) as Baku wall-clock time.

    Args:
        now: An aware datetime, or a naive one taken to be Baku time already.

    Returns:
        An aware datetime in Asia/Baku.
    """
    tz = baku_timezone()
    if now is None:
        return datetime.now(tz)
    if now.tzinfo is None:
        return now.replace(tzinfo=tz)
    return now.astimezone(tz)


def fmt_date(value: date | None) -> str:
    """``dd.MM.yyyy``, or a dash for ``None``."""
    return format_date(value) if value is not None else DASH


def fmt_datetime(value: datetime) -> str:
    """``dd.MM.yyyy HH:mm`` (``value`` is Baku time, as :func:`baku_time` gives)."""
    return format_datetime(value)


def para_text(value: str | None, *, empty: str = DASH) -> str:
    """User text as paragraph markup: control characters dropped, markup escaped, lines kept.

    Args:
        value: The raw text (a name, a note, ...).
        empty: What to show for empty text.

    Returns:
        Markup safe to hand to :class:`Paragraph`.
    """
    text = _CONTROL_CHARS.sub("", value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return escape(empty)
    return escape(text).replace("\t", "    ").replace("\n", "<br/>")


def para_lines(value: str | None, *, prefix: str = "", empty: str = DASH) -> list[str]:
    """User text as one paragraph markup per line (empty lines dropped).

    Separate paragraphs rather than ``<br/>`` let a long note be continued on the next page
    between any two of its lines.

    Args:
        value: The raw text.
        prefix: Markup put before the first line (e.g. a bold label).
        empty: What to show for empty text.

    Returns:
        The paragraphs' markup; one line (``prefix`` + ``empty``) for empty text.
    """
    lines = [line for line in para_text(value, empty="").split("<br/>") if line.strip()]
    if not lines:
        return [prefix + escape(empty)]
    lines[0] = prefix + lines[0]
    return lines


# --- Flowables --------------------------------------------------------------------------------


class Para(Paragraph):
    """A paragraph that remembers its last layout.

    Tables wrap every cell several times at the same width (to size rows, to split, to draw),
    and breaking the lines is the costly part. The layout is reused only while ReportLab's own
    line data (``blPara``, which :meth:`split` may drop) is the one computed at that width.
    """

    _wrapped_at: float | None = None
    _wrapped_lines: Any = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Lay the paragraph out at ``availWidth`` (reusing the last layout at that width)."""
        lines = getattr(self, "blPara", None)
        if availWidth == self._wrapped_at and lines is not None and lines is self._wrapped_lines:
            return self.width, self.height
        width, height = super().wrap(availWidth, availHeight)
        self._wrapped_at = availWidth
        self._wrapped_lines = getattr(self, "blPara", None)
        return width, height


# --- Styles -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of the reports, all in the registered Unicode font."""

    fonts: ReportFonts
    body: ParagraphStyle
    body_bold: ParagraphStyle
    small: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    label: ParagraphStyle
    value: ParagraphStyle
    cell: ParagraphStyle
    cell_header: ParagraphStyle
    cell_mono: ParagraphStyle
    letterhead_name: ParagraphStyle
    letterhead_line: ParagraphStyle


@lru_cache(maxsize=8)
def make_styles(fonts: ReportFonts, *, compact: bool = False) -> Styles:
    """The report styles for ``fonts`` (cached; styles are not changed after creation).

    Args:
        fonts: The registered fonts.
        compact: Slightly smaller text and spacing (for a form that must fit on one page).

    Returns:
        The styles.
    """
    regular, bold = fonts.regular, fonts.bold
    scale = 0.9 if compact else 1.0
    gap = 0.6 if compact else 1.0  # vertical spacing around paragraphs and headings

    def style(
        name: str,
        *,
        fontSize: float = 9,
        leading: float | None = None,
        spaceBefore: float = 0,
        spaceAfter: float = 0,
        **kwargs: Any,
    ) -> ParagraphStyle:
        kwargs.setdefault("fontName", regular)
        kwargs.setdefault("bulletFontName", regular)  # the default would be Helvetica
        return ParagraphStyle(
            name,
            fontSize=fontSize * scale,
            leading=(fontSize * 1.3 if leading is None else leading) * scale,
            spaceBefore=spaceBefore * scale,
            spaceAfter=spaceAfter * scale,
            **kwargs,
        )

    return Styles(
        fonts=fonts,
        body=style("body", fontSize=9.5, spaceAfter=4 * gap),
        body_bold=style("body_bold", fontName=bold, fontSize=9.5),
        small=style("small", fontSize=7.5, textColor=MUTED),
        title=style(
            "title",
            fontName=bold,
            fontSize=14.5 if compact else 16,
            leading=18 if compact else 20,
            textColor=PRIMARY,
        ),
        subtitle=style("subtitle", fontSize=9, textColor=MUTED, spaceAfter=6),
        heading=style(
            "heading",
            fontName=bold,
            fontSize=11.5,
            leading=14,
            textColor=PRIMARY,
            spaceBefore=10 * gap,
            spaceAfter=4 * gap,
        ),
        label=style("label", fontSize=7.5, leading=9.5, textColor=MUTED),
        value=style("value", fontSize=9.5, leading=12),
        cell=style("cell", fontSize=8.5, leading=10.8),
        cell_header=style("cell_header", fontName=bold, fontSize=8, leading=10, textColor=PRIMARY),
        cell_mono=style("cell_mono", fontSize=7, leading=9, textColor=MUTED),
        letterhead_name=style(
            "letterhead_name", fontName=bold, fontSize=13, leading=16, textColor=PRIMARY
        ),
        letterhead_line=style("letterhead_line", fontSize=8.5, leading=11, textColor=MUTED),
    )


# --- Page furniture ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Furniture:
    """The texts drawn on every page, already translated.

    Attributes:
        fonts: The registered fonts.
        marking: The confidentiality marking (top of every page).
        generated: "Generated <time> by <user>" (bottom left).
        page_of: A format string with ``{page}`` and ``{pages}`` (bottom right).
    """

    fonts: ReportFonts
    marking: str
    generated: str
    page_of: str


def make_furniture(
    fonts: ReportFonts, generated_at: datetime, generated_by: str, marking: str | None = None
) -> Furniture:
    """The page furniture in the current language.

    Args:
        fonts: The registered fonts.
        generated_at: The generation time (Baku time).
        generated_by: The display name of the user who generates the document.
        marking: The marking at the top of every page, if not the confidentiality marking
            (the donor report's anonymized figures hold no personal data).

    Returns:
        The translated furniture texts.
    """
    return Furniture(
        fonts=fonts,
        marking=marking if marking is not None else _("CONFIDENTIAL — contains personal data"),
        generated=_("Generated {time} (Baku time) by {user}").format(
            time=fmt_datetime(generated_at), user=_CONTROL_CHARS.sub("", generated_by).strip()
        ),
        page_of=_("Page {page} of {pages}"),
    )


class FurnishedCanvas(Canvas):
    """A canvas that holds pages back until saving, then draws the furniture with page counts.

    Args:
        *args: Passed to :class:`~reportlab.pdfgen.canvas.Canvas`.
        furniture: The texts to draw on each page.
        **kwargs: Passed to :class:`~reportlab.pdfgen.canvas.Canvas`.
    """

    def __init__(self, *args: Any, furniture: Furniture, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._held_pages: list[dict[str, Any]] = []
        self._group_index = 0
        self._group_label = ""
        self.page_total = 0

    def begin_group(self, label: str) -> None:
        """Start a new group of pages (numbered from 1) on the current page.

        Args:
            label: Printed in the footer of the group's pages (e.g. the case number).
        """
        self._group_index += 1
        self._group_label = label

    def showPage(self) -> None:
        """Hold the finished page back; it is written by :meth:`save`."""
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        """Draw the furniture on every held page, then write the document."""
        totals = Counter(state["_group_index"] for state in self._held_pages)
        numbers: Counter[int] = Counter()
        for state in self._held_pages:
            self.__dict__.update(state)
            numbers[self._group_index] += 1
            self._draw_furniture(numbers[self._group_index], totals[self._group_index])
            super().showPage()
        self.page_total = len(self._held_pages)
        self._held_pages = []
        super().save()

    def _draw_furniture(self, page: int, pages: int) -> None:
        f = self._furniture
        width, height = PAGE_SIZE
        self.saveState()
        self.setFillColor(MARKING)
        self.setFont(f.fonts.bold, 8)
        self.drawCentredString(width / 2, height - 11 * mm, f.marking)
        self.setStrokeColor(RULE)
        self.setLineWidth(0.4)
        self.line(MARGIN_X, 14 * mm, width - MARGIN_X, 14 * mm)
        self.setFillColor(MUTED)
        self.setFont(f.fonts.regular, 7)
        baseline = 10 * mm
        self.drawString(MARGIN_X, baseline, f.generated)
        right = f.page_of.format(page=page, pages=pages)
        if self._group_label:
            right = f"{self._group_label}   ·   {right}"
        self.drawRightString(width - MARGIN_X, baseline, right)
        self.restoreState()


def canvas_maker(furniture: Furniture) -> Callable[..., FurnishedCanvas]:
    """A ``canvasmaker`` for ``doc.build`` that creates a :class:`FurnishedCanvas`.

    The created canvas is remembered as ``maker.last`` so that the page count can be read after
    the build.
    """

    def maker(*args: Any, **kwargs: Any) -> FurnishedCanvas:
        canvas = FurnishedCanvas(*args, furniture=furniture, **kwargs)
        maker.last = canvas  # type: ignore[attr-defined]
        return canvas

    return maker


class GroupStart(Flowable):
    """An invisible flowable that starts a page group; optionally runs a hook first.

    Args:
        label: The group's footer label.
        hook: Called when the flowable is drawn (e.g. to report progress or stop a cancelled
            batch by raising).
    """

    def __init__(self, label: str, hook: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.label = label
        self.hook = hook
        self.width = self.height = 0

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        """Take no space."""
        return 0, 0

    def draw(self) -> None:
        """Run the hook, then start the group on the canvas."""
        if self.hook is not None:
            self.hook()
        begin = getattr(self.canv, "begin_group", None)
        if begin is not None:
            begin(self.label)
