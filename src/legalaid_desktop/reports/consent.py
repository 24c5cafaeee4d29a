"""The story of the pre-filled consent form (Law on Personal Data, 2010).

The form names the purposes (as tick boxes), the categories of data processed, the period of
validity, and the right and procedure to withdraw, as the Law requires of written consent; it
says what the program does (what HQ receives with and without consent to share, the retention
period of the center and anonymization after it, what a withdrawal stops, the copy of
everything held); and it
ends with signature and date lines for the client and the center. The client's and the center's
details are filled in; what is not known is left as a line to write on.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.reports.blocks import (
    Signatory,
    TickBox,
    letterhead,
    make_table,
    section,
    signature_lines,
)
from legalaid_desktop.reports.consent_text import consent_text, years_text
from legalaid_desktop.reports.layout import (
    CONTENT_WIDTH,
    Para,
    Styles,
    fmt_date,
    para_text,
)
from legalaid_desktop.reports.model import ConsentFormInput

#: Printed where a detail is unknown, for the client to fill in by hand.
BLANK = "_" * 22


def consent_story(
    data: ConsentFormInput, *, styles: Styles, catalog: ReferenceCatalog, lang: str
) -> list[Flowable]:
    """The flowables of a consent form.

    Args:
        data: The client, the center and what to pre-fill.
        styles: The report styles.
        catalog: The reference data (for the purposes' labels).
        lang: The form's language.

    Returns:
        The story, starting with the letterhead.
    """
    text = consent_text(lang)
    centered = ParagraphStyle("consent_title", parent=styles.title, alignment=TA_CENTER)
    sub = ParagraphStyle("consent_subtitle", parent=styles.subtitle, alignment=TA_CENTER)
    ref = ParagraphStyle("consent_ref", parent=styles.small, alignment=TA_RIGHT)
    # One page with the signatures: the body is set a little tighter than a report's.
    body = ParagraphStyle(
        "consent_body",
        parent=styles.body,
        alignment=TA_JUSTIFY,
        fontSize=styles.body.fontSize - 0.75,
        leading=(styles.body.fontSize - 0.75) * 1.2,
    )
    purpose = ParagraphStyle("consent_purpose", parent=body, alignment=0, spaceAfter=0)
    bullet = ParagraphStyle(
        "consent_bullet", parent=body, leftIndent=6 * mm, bulletIndent=2 * mm, spaceAfter=1
    )

    client, center = data.client, data.center
    birth = str(client.birth_year) if client.birth_year is not None else BLANK
    story: list[Flowable] = [*letterhead(center, styles, compact=True)]
    story += [
        Para(escape(text.title), centered),
        Para(escape(text.subtitle), sub),
        Para(escape(text.client_ref.format(id=client.number or BLANK)), ref),
        Spacer(1, 2 * mm),
        Para(
            escape(text.intro).format(
                name=f"<b>{para_text(client.full_name, empty=BLANK)}</b>",
                birth_year=birth,
                address=_one_line(client.address),
                phone=_unbroken(para_text(client.phone, empty=BLANK)),
                center=f"<b>{para_text(center.name)}</b>",
                center_address=_one_line(center.address),
            ),
            body,
        ),
    ]

    hq = f" ({para_text(data.hq_name)})" if data.hq_name.strip() else ""
    ticked = set(data.purposes)
    rows = []
    for item in catalog["consent_purposes"]:
        description = text.purposes.get(item.code, "")
        markup = f"<b>{escape(item.label(lang))}</b>"
        if description:
            markup += " — " + escape(description).replace("{hq}", hq)
        rows.append([TickBox(item.code in ticked), Para(markup, purpose)])
    purposes = make_table(
        rows,
        [9 * mm, CONTENT_WIDTH - 9 * mm],
        styles,
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("TOPPADDING", (0, 0), (0, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ],
    )
    story += [
        *section(text.purposes_heading, styles, min_space=20 * mm),
        Para(escape(text.purposes_intro), body),
        purposes,
        Para(escape(text.hq_withheld), body),
        *section(text.categories_heading, styles, min_space=20 * mm),
        *(Para(escape(c), bullet, bulletText="•") for c in text.categories),
        *section(text.validity_heading, styles, min_space=20 * mm),
    ]
    if data.valid_until is not None:
        until = f"<b>{fmt_date(data.valid_until)}</b>"
        validity = escape(text.valid_until).replace("{date}", until)
        validity += " " + escape(text.after_end)
    else:
        validity = escape(text.valid_open)
    years = f"<b>{escape(years_text(lang, data.retention_years))}</b>"
    retention = escape(text.retention).replace("{years}", years)
    story.append(Para(f"{validity} {retention}", body))

    phone = (
        escape(text.phone_suffix).replace("{phone}", _unbroken(para_text(center.phone)))
        if center.phone.strip()
        else ""
    )
    story += section(text.withdrawal_heading, styles, min_space=20 * mm)
    withdrawal = " ".join(escape(paragraph) for paragraph in text.withdrawal)
    withdrawal = withdrawal.replace("{center_address}", _one_line(center.address))
    story.append(Para(withdrawal.replace("{center_phone}", phone), body))
    story += [
        *section(text.rights_heading, styles, min_space=20 * mm),
        Para(escape(text.rights), body),
    ]

    when = fmt_date(data.form_date) if data.form_date is not None else ""
    story.append(
        KeepTogether(
            [
                Spacer(1, 3 * mm),
                signature_lines(
                    [
                        Signatory(
                            text.subject_role,
                            para_text(client.full_name),
                            name_hint=text.subject_hint,
                            when=when,
                        ),
                        Signatory(
                            text.center_role,
                            para_text(data.representative, empty=""),
                            name_hint=text.representative_hint,
                            when=when,
                        ),
                    ],
                    styles,
                    date_label=text.date,
                    signature_label=text.signature,
                ),
            ]
        )
    )
    return story


def _one_line(value: str) -> str:
    """An address as one line of markup (line breaks become commas); a blank if empty."""
    parts = [p.strip() for p in (value or "").replace("\r", "\n").split("\n") if p.strip()]
    return para_text(", ".join(parts), empty=BLANK)


def _unbroken(markup: str) -> str:
    """Markup whose spaces do not break or stretch (for phone numbers in justified text)."""
    return markup.replace(" ", "\u00a0")
