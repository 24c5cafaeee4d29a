"""Building blocks of the PDFs: letterhead, section headings, tables, tick boxes, signatures.

Tables always name the report font (ReportLab's default cell font is Helvetica, which cannot
print Azerbaijani). Long cell text is cut into continuation rows (:func:`split_row`), so that a
table breaks across pages between rows, its header row repeated, and never needs a row taller
than a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import CondPageBreak, Flowable, Image, Paragraph, Spacer, Table, TableStyle

from legalaid_desktop.i18n import _
from legalaid_desktop.reports.layout import (
    CONTENT_WIDTH,
    HEADER_BG,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MUTED,
    PAGE_SIZE,
    PRIMARY,
    RULE,
    ZEBRA,
    Para,
    Styles,
    para_text,
)
from legalaid_desktop.reports.model import CenterInfo

#: The tallest a table row may be before its text continues in another row (about eight lines
#: of a table cell). A row is never split, so up to this much may be left blank at a page foot.
MAX_ROW_HEIGHT: float = (PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM) / 10
CELL_PADDING = 3.0
_GRID_PADDING = 6.0


def letterhead(center: CenterInfo, styles: Styles, *, compact: bool = False) -> list[Flowable]:
    """The center's letterhead: logo (if readable), name, address and phone, then a rule.

    Args:
        center: The center.
        styles: The report styles.
        compact: Put the address and phone on one line under the name (saves space on forms).

    Returns:
        The letterhead's flowables.
    """
    lines = [Para(para_text(center.name), styles.letterhead_name)]
    contact: list[str] = []
    address = para_text(center.address, empty="")
    if address:
        contact.append(address.replace("<br/>", ", ") if compact else address)
    if center.phone.strip():
        contact.append(escape(_("Phone: {phone}").format(phone=center.phone.strip())))
    if compact and contact:
        lines.append(Para(" · ".join(contact), styles.letterhead_line))
    else:
        lines += [Para(markup, styles.letterhead_line) for markup in contact]
    logo = _logo(center, (12 if compact else 18) * mm)
    if logo is not None:
        block = make_table(
            [[logo, lines]],
            [logo.drawWidth + 5 * mm, CONTENT_WIDTH - logo.drawWidth - 5 * mm],
            styles,
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ],
        )
        content: list[Flowable] = [block]
    else:
        content = list(lines)
    after = (2 if compact else 4) * mm
    return [*content, Spacer(1, 2 * mm), HRule(CONTENT_WIDTH, PRIMARY, 0.8), Spacer(1, after)]


def _logo(center: CenterInfo, height: float) -> Image | None:
    if center.logo_path is None:
        return None
    try:
        reader = ImageReader(str(center.logo_path))
        px_width, px_height = reader.getSize()
    except Exception:  # an unreadable or missing logo must not stop the print
        return None
    if px_width <= 0 or px_height <= 0:
        return None
    width = min(height * px_width / px_height, 45 * mm)
    return Image(str(center.logo_path), width=width, height=width * px_height / px_width)


class HRule(Flowable):
    """A horizontal line.

    Args:
        width: The line's length.
        color: The line's colour.
        thickness: The line's width in points.
    """

    def __init__(self, width: float, color: colors.Color, thickness: float) -> None:
        super().__init__()
        self.width = width
        self.color = color
        self.thickness = thickness

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        """Take the line's thickness."""
        return self.width, self.thickness

    def draw(self) -> None:
        """Draw the line."""
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(self.thickness)
        self.canv.line(0, self.thickness / 2, self.width, self.thickness / 2)


class TickBox(Flowable):
    """A square tick box, ticked or empty (drawn, so it needs no glyph in the font).

    Args:
        ticked: Whether to draw a tick in the box.
        size: The side of the box in points.
    """

    def __init__(self, ticked: bool, size: float = 3.6 * mm) -> None:
        super().__init__()
        self.ticked = ticked
        self.size = size
        self.width = self.height = size

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        """Take the box's size."""
        return self.size, self.size

    def draw(self) -> None:
        """Draw the box and, if ticked, the tick."""
        c, s = self.canv, self.size
        c.setStrokeColor(colors.black)
        c.setLineWidth(0.8)
        c.rect(0, 0, s, s)
        if self.ticked:
            c.setLineWidth(1.3)
            path = c.beginPath()
            path.moveTo(s * 0.2, s * 0.52)
            path.lineTo(s * 0.42, s * 0.25)
            path.lineTo(s * 0.82, s * 0.8)
            c.drawPath(path, stroke=1, fill=0)


def make_table(
    data: Sequence[Sequence[Any]],
    widths: Sequence[float],
    styles: Styles,
    commands: Sequence[tuple[Any, ...]],
    **kwargs: Any,
) -> Table:
    """A left-aligned table in the report font.

    Every table must name the font: ReportLab's default cell font is Helvetica, which would
    otherwise be added to the PDF (and cannot print Azerbaijani text).

    Args:
        data: The rows of cells.
        widths: The column widths.
        styles: The report styles (for the font).
        commands: The table style commands.
        **kwargs: Passed to :class:`~reportlab.platypus.Table` (e.g. ``repeatRows``).

    Returns:
        The table.
    """
    table = Table([list(row) for row in data], colWidths=list(widths), hAlign="LEFT", **kwargs)
    font = styles.fonts.regular
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), *commands]))
    return table


def section(title: str, styles: Styles, *, min_space: float = 30 * mm) -> list[Flowable]:
    """A section heading, preceded by a page break if less than ``min_space`` is left.

    The conditional break keeps a heading with the start of its content without holding a long
    table back to the next page (which ``keepWithNext`` would do).
    """
    return [CondPageBreak(min_space), heading(title, styles)]


def heading(title: str, styles: Styles) -> Para:
    """A bare section heading (for use inside a ``KeepTogether``)."""
    return Para(escape(title), styles.heading)


def split_row(
    cells: Sequence[Any], widths: Sequence[float], padding: float, limit: float = MAX_ROW_HEIGHT
) -> list[list[Any]]:
    """A table row as one or more rows, none taller than ``limit`` where that can be helped.

    ReportLab never breaks a page inside a row here (its own in-row splitting repeats the header
    in mid-page), so a row taller than a page could not be placed at all, and a tall row leaves a
    tall gap at the foot of a page. Cells are therefore cut into pieces of at most ``limit``
    (between paragraphs, or between the lines of a long paragraph) that go into continuation
    rows; the table then breaks between rows as usual.

    Args:
        cells: The row's cells: a paragraph or a list of paragraphs is cut; anything else stays
            in the first row.
        widths: The column widths.
        padding: The horizontal padding of a cell (left plus right).
        limit: The tallest a piece may be.

    Returns:
        The rows (just one when nothing is too tall); a cell of a list is a list in every row.
    """
    columns: list[list[Any]] = []
    for cell, width in zip(cells, widths, strict=True):
        if isinstance(cell, Paragraph):
            pieces = _pack([cell], width - padding, limit)
            columns.append([group[0] if len(group) == 1 else group for group in pieces])
        elif isinstance(cell, list) and all(isinstance(p, Paragraph) for p in cell):
            columns.append(_pack(cell, width - padding, limit))
        else:
            columns.append([cell])
    count = max(len(pieces) for pieces in columns)
    return [[p[i] if i < len(p) else "" for p in columns] for i in range(count)]


def _pack(paragraphs: Sequence[Paragraph], width: float, limit: float) -> list[list[Paragraph]]:
    """The paragraphs, long ones cut, in consecutive groups of at most ``limit`` height."""
    groups: list[list[Paragraph]] = [[]]
    used = 0.0
    for paragraph in paragraphs:
        for piece in _cut(paragraph, width, limit):
            _width, height = piece.wrap(width, limit)
            if groups[-1] and used + height > limit:
                groups.append([])
                used = 0.0
            groups[-1].append(piece)
            used += height
    return groups


def _cut(paragraph: Paragraph, width: float, limit: float) -> list[Paragraph]:
    """``paragraph`` cut between lines into pieces of at most ``limit`` (where it allows).

    Cuts in halves (at a multiple of ``limit``) rather than piece by piece, so that a huge text
    is laid out O(n log n) times instead of O(n²).
    """
    _width, height = paragraph.wrap(width, limit)
    if height <= limit:
        return [paragraph]
    target = max(limit, (height / 2) // limit * limit)
    parts = paragraph.split(width, target)
    if len(parts) != 2:  # e.g. widow/orphan control leaves no place to cut
        return [paragraph]
    return _cut(parts[0], width, limit) + _cut(parts[1], width, limit)


def field_grid(pairs: Sequence[tuple[str, str]], styles: Styles, *, columns: int = 2) -> Table:
    """Label/value pairs in a grid: small grey label above each value.

    Args:
        pairs: ``(label, markup)`` pairs; the label is plain text, the value paragraph markup
            (see :func:`para_text`).
        styles: The report styles.
        columns: How many pairs per row.

    Returns:
        The grid as a table.
    """
    label_font = f'<font size="{styles.label.fontSize:g}" color="#{MUTED.hexval()[2:]}">'
    cells: list[Any] = [
        Para(f"{label_font}{escape(label)}</font><br/>{markup}", styles.value)
        for label, markup in pairs
    ]
    cells += [""] * (-len(cells) % columns)
    widths = [CONTENT_WIDTH / columns] * columns
    rows: list[list[Any]] = []
    for start in range(0, len(cells), columns):
        rows += split_row(cells[start : start + columns], widths, _GRID_PADDING)
    return make_table(
        rows,
        widths,
        styles,
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), _GRID_PADDING),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ],
    )


def _cell(value: Any, styles: Styles) -> Any:
    if isinstance(value, str):
        return Para(value, styles.cell)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [Para(v, styles.cell) for v in value]
    return value


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    styles: Styles,
) -> Table:
    """A ruled, striped table whose header row repeats on every page it continues on.

    Args:
        header: The column titles (plain text).
        rows: The rows; each cell a flowable, paragraph markup, or a list of markup (one
            paragraph each, see :func:`para_lines`).
        widths: The column widths (summing to at most :data:`CONTENT_WIDTH`).
        styles: The report styles.

    Returns:
        The table.
    """
    pad = CELL_PADDING
    data: list[list[Any]] = [[Para(escape(h), styles.cell_header) for h in header]]
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.7, PRIMARY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for index, row in enumerate(rows):
        cells = [_cell(c, styles) for c in row]
        parts = split_row(cells, widths, 2 * pad)
        first, last = len(data), len(data) + len(parts) - 1
        data += parts
        if index % 2:
            commands.append(("BACKGROUND", (0, first), (-1, last), ZEBRA))
        if last > first:  # continuation rows read as one: no gap between the pieces
            commands.append(("BOTTOMPADDING", (0, first), (-1, last - 1), 0))
            commands.append(("TOPPADDING", (0, first + 1), (-1, last), 0))
        commands.append(("LINEBELOW", (0, last), (-1, last), 0.25, RULE))
    return make_table(data, widths, styles, commands, repeatRows=1)


@dataclass(frozen=True)
class Signatory:
    """One signature block.

    Attributes:
        role: The block's caption, e.g. "Lawyer" (plain text).
        name: The signatory's name as paragraph markup, printed on the name line; empty to
            leave the line blank.
        name_hint: The caption under the name line (plain text), e.g. "(name, position)".
        when: The date to print on the date line; empty for a blank line.
    """

    role: str
    name: str = ""
    name_hint: str = ""
    when: str = ""


def _signature_and_date(
    when: str, width: float, styles: Styles, signature_label: str, date_label: str
) -> Table:
    """A signature line and a date line side by side, with their captions under them."""
    date_width = min(32 * mm, width * 0.4)
    sign_width = width - date_width - 4 * mm
    date_markup = escape(when) if when else "&nbsp;"
    return make_table(
        [
            ["", "", Para(date_markup, styles.value)],
            [
                Para(escape(signature_label), styles.small),
                "",
                Para(escape(date_label), styles.small),
            ],
        ],
        [sign_width, 4 * mm, date_width],
        styles,
        [
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LINEBELOW", (0, 0), (0, 0), 0.6, colors.black),
            ("LINEBELOW", (2, 0), (2, 0), 0.6, colors.black),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 1),
            ("BOTTOMPADDING", (0, 1), (-1, 1), 0),
        ],
    )


def _shorten(markup: str, limit: int = 160) -> str:
    """Name markup (from :func:`para_text`) on one line and cut to about ``limit`` characters.

    Keeps a signature block smaller than a page whatever the name.
    """
    markup = markup.replace("<br/>", " ")
    if len(markup) <= limit:
        return markup
    cut = markup[:limit]
    amp = cut.rfind("&")
    if amp > cut.rfind(";"):  # do not cut an entity such as &amp; in half
        cut = cut[:amp]
    return cut.rstrip() + "…"


def signature_lines(
    signatories: Sequence[Signatory],
    styles: Styles,
    *,
    date_label: str,
    signature_label: str,
) -> Table:
    """Side-by-side signature blocks: role, name, signature line and date line.

    Args:
        signatories: The blocks, left to right.
        styles: The report styles.
        date_label: The caption under the date line.
        signature_label: The caption under the signature line.

    Returns:
        The signature table.
    """
    gap = 10 * mm
    width = (CONTENT_WIDTH - gap * (len(signatories) - 1)) / len(signatories)
    row: list[Any] = []
    widths: list[float] = []
    for index, who in enumerate(signatories):
        if index:
            row.append("")
            widths.append(gap)
        cell: list[Flowable] = [
            Para(escape(who.role), styles.body_bold),
            Spacer(1, 3 * mm),
            Para(_shorten(who.name) or "&nbsp;", styles.value),
            HRule(width, colors.black, 0.6),
            Para(escape(who.name_hint) or "&nbsp;", styles.small),
        ]
        cell.append(Spacer(1, 7 * mm))
        cell.append(_signature_and_date(who.when, width, styles, signature_label, date_label))
        row.append(cell)
        widths.append(width)
    return make_table(
        [row],
        widths,
        styles,
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ],
    )
