"""The story (list of flowables) of one case summary.

Called with the report language already active (:func:`legalaid_desktop.i18n.language`), so
every ``_()`` here returns the label in the language of the PDF; reference-data labels come from
the catalog in the same language.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from babel.numbers import format_decimal
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from legalaid_desktop.domain.cases import is_person
from legalaid_desktop.domain.conflict_decisions import decision_text
from legalaid_desktop.domain.corrections import HistoryEntry
from legalaid_desktop.domain.documents import document_kind
from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.domain.referrals import STATUS_LABELS, ReferralInfo
from legalaid_desktop.domain.retention import display_name
from legalaid_desktop.i18n import _, pgettext
from legalaid_desktop.i18n.formatting import format_datetime
from legalaid_desktop.reports.blocks import (
    Signatory,
    data_table,
    field_grid,
    heading,
    letterhead,
    section,
    signature_lines,
)
from legalaid_desktop.reports.layout import (
    CONTENT_WIDTH,
    DASH,
    MARKING,
    Para,
    Styles,
    fmt_date,
    para_lines,
    para_text,
)
from legalaid_desktop.reports.model import (
    AttachmentInfo,
    CaseSummaryInput,
    ClientInfo,
    ConsultationInfo,
    CorruptionInfo,
    DeadlineInfo,
    PartyInfo,
)


class _Context:
    """What every part of the summary needs: styles, catalog, language and today's date."""

    def __init__(self, styles: Styles, catalog: ReferenceCatalog, lang: str, today: date) -> None:
        self.styles = styles
        self.catalog = catalog
        self.lang = lang
        self.today = today

    def ref(self, kind: str, code: str | None) -> str:
        """The label of ``code`` in list ``kind`` as paragraph markup (a dash if empty)."""
        if not code:
            return DASH
        return escape(self.catalog[kind].label(code, self.lang))

    def number(self, value: Decimal | int, pattern: str = "#,##0") -> str:
        """``value`` formatted for the report language."""
        return str(format_decimal(value, format=pattern, locale=self.lang))


def case_summary_story(
    data: CaseSummaryInput,
    *,
    styles: Styles,
    catalog: ReferenceCatalog,
    lang: str,
    today: date,
    include_contact: bool = True,
) -> list[Flowable]:
    """The flowables of one case summary.

    Args:
        data: The case.
        styles: The report styles.
        catalog: The reference data (for labels).
        lang: The report language (for reference labels and number formats).
        today: The day of printing in Baku (deadlines before it are marked overdue).
        include_contact: Whether to print the client's phone and address.

    Returns:
        The story, starting with the letterhead.
    """
    ctx = _Context(styles, catalog, lang, today)
    story: list[Flowable] = [*letterhead(data.center, styles)]
    story.append(Para(escape(_("Case summary")) + " " + para_text(data.number), styles.title))
    story.append(Spacer(1, 3 * mm))
    story.append(
        field_grid(
            [
                (_("Case number"), para_text(data.number)),
                (_("Status"), ctx.ref("case_statuses", data.status)),
                (_("Legal area"), ctx.ref("legal_areas", data.legal_area)),
                (_("Lawyer"), para_text(data.lawyer)),
                (_("Opened"), fmt_date(data.opened)),
                (_("Closed"), fmt_date(data.closed)),
            ],
            styles,
            columns=3,
        )
    )
    story += section(_("Summary"), styles)
    story += [Para(line, styles.body) for line in para_lines(data.summary)]
    story += _client(data.client, ctx, include_contact)
    if data.corruption is not None:
        story += _corruption(data.corruption, ctx)
    story += _parties(data.parties, ctx)
    if data.conflict_decisions:
        story += section(_("Conflict-of-interest decisions"), styles)
        story += [Para(para_text(decision_text(d)), styles.body) for d in data.conflict_decisions]
    story += _consultations(data.consultations, ctx)
    story += _deadlines(data.deadlines, ctx)
    if data.referrals:
        story += _referrals(data.referrals, ctx)
    story += _attachments(data.attachments, ctx)
    story += [
        *section(_("Outcome"), styles),
        field_grid(
            [
                (_("Outcome"), ctx.ref("outcomes", data.outcome)),
                (_("Closed"), fmt_date(data.closed)),
                (_("Referral"), para_text(data.referral)),
                (_("Citizen satisfaction"), ctx.ref("satisfaction", data.satisfaction)),
            ],
            styles,
            columns=3,
        ),
    ]
    if data.last_change is not None:
        story.append(Spacer(1, 2 * mm))
        story.append(Para(escape(_last_change(data.last_change)), styles.small))
    story.append(
        KeepTogether(
            [
                heading(_("Signatures"), styles),
                Spacer(1, 2 * mm),
                signature_lines(
                    [
                        Signatory(_("Lawyer"), para_text(data.lawyer, empty="")),
                        Signatory(_("Center manager"), name_hint=_("(name)")),
                    ],
                    styles,
                    date_label=_("Date"),
                    signature_label=_("Signature"),
                ),
            ]
        )
    )
    return story


def _last_change(entry: HistoryEntry) -> str:
    """ "Last correction: 05.12.2026 14:30, Hüseynova Leyla — Consultation of 02.12.2026: Notes"
    (who, when and what; the values stay in the History view)."""
    when = format_datetime(datetime.fromisoformat(entry.changed_at))
    return _("Last correction: {when}, {who} — {what}").format(
        when=when, who=entry.changed_by_name, what=entry.what
    )


def _client(client: ClientInfo, ctx: _Context, include_contact: bool) -> list[Flowable]:
    person = is_person(client.kind)
    pairs = [
        (
            _("Full name") if person else pgettext("organization", "Name"),
            para_text(display_name(client.full_name)),
        ),
        (_("Client number"), para_text(client.number)),
    ]
    if person:
        birth = str(client.birth_year) if client.birth_year is not None else DASH
        pairs += [(_("Gender"), ctx.ref("genders", client.gender)), (_("Year of birth"), birth)]
    else:  # an organization or initiative group (issue 19)
        members = str(client.members) if client.members is not None else DASH
        pairs += [
            (_("Kind of client"), ctx.ref("client_kinds", client.kind)),
            (_("Registration"), para_text(client.registration)),
            (_("Members"), members),
        ]
    pairs += [
        (_("Region"), ctx.ref("regions", client.region)),
        (_("Displacement status"), ctx.ref("displacement", client.displacement)),
        (_("Disability"), ctx.ref("disability", client.disability)),
    ]
    if include_contact:
        if not person:
            pairs.append((_("Contact person"), para_text(client.contact_person)))
        pairs += [(_("Phone"), para_text(client.phone)), (_("Address"), para_text(client.address))]
    flowables: list[Flowable] = [
        *section(_("Client"), ctx.styles),
        field_grid(pairs, ctx.styles, columns=3),
    ]
    if not include_contact:
        left_out = (
            _("Contact details (phone, address) are left out of this copy.")
            if person
            else _("Contact details (contact person, phone, address) are left out of this copy.")
        )
        flowables.append(Para(escape(left_out), ctx.styles.small))
    return flowables


def _corruption(info: CorruptionInfo, ctx: _Context) -> list[Flowable]:
    if info.amount_requested is None:
        amount = DASH
    else:
        amount = f"{ctx.number(info.amount_requested, '#,##0.00')} {escape(info.currency)}"
    return [
        *section(_("Corruption complaint"), ctx.styles),
        field_grid(
            [
                (_("Sector"), ctx.ref("corruption_sectors", info.sector)),
                (_("Type of conduct"), ctx.ref("corruption_conduct", info.conduct)),
                (_("Institution"), para_text(info.institution)),
                (_("Amount requested"), amount),
                (_("Reported to"), para_text(info.reported_to)),
            ],
            ctx.styles,
            columns=3,
        ),
    ]


def _none_recorded(ctx: _Context) -> Para:
    return Para(escape(_("None recorded.")), ctx.styles.body)


def _parties(parties: Sequence[PartyInfo], ctx: _Context) -> list[Flowable]:
    flowables: list[Flowable] = [*section(_("Parties"), ctx.styles)]
    if not parties:
        return [*flowables, _none_recorded(ctx)]
    rows = [[para_text(p.name), ctx.ref("party_roles", p.role)] for p in parties]
    widths = [CONTENT_WIDTH * 0.55, CONTENT_WIDTH * 0.45]
    return [*flowables, data_table([_("Name"), _("Role")], rows, widths, ctx.styles)]


def _consultations(items: Sequence[ConsultationInfo], ctx: _Context) -> list[Flowable]:
    title = _("Consultations")
    if items:
        title = f"{title} ({len(items)})"
    flowables: list[Flowable] = [*section(title, ctx.styles)]
    if not items:
        return [*flowables, _none_recorded(ctx)]
    styles = ctx.styles
    advice_label = f"<b>{escape(_('Advice given'))}:</b> "
    steps_label = f"<b>{escape(_('Next steps'))}:</b> "
    follow_label = f"<b>{escape(_('Follow-up'))}:</b> "
    rows = []
    for item in sorted(items, key=lambda c: c.date):
        details = para_lines(item.notes)
        if item.advice.strip():
            details += para_lines(item.advice, prefix=advice_label)
        if item.next_steps.strip():
            details += para_lines(item.next_steps, prefix=steps_label)
        if item.follow_up is not None:
            details.append(follow_label + fmt_date(item.follow_up))
        mode = ctx.ref("consultation_modes", item.mode)
        if item.minutes is not None:
            mode += "<br/>" + escape(_("{n} min").format(n=item.minutes))
        rows.append([fmt_date(item.date), mode, para_text(item.lawyer), details])
    fixed = [20 * mm, 27 * mm, 30 * mm]
    widths = [*fixed, CONTENT_WIDTH - sum(fixed)]
    header = [_("Date"), _("Mode and duration"), _("Lawyer"), _("Notes, advice and next steps")]
    return [*flowables, data_table(header, rows, widths, styles)]


def _deadlines(items: Sequence[DeadlineInfo], ctx: _Context) -> list[Flowable]:
    flowables: list[Flowable] = [*section(_("Open deadlines"), ctx.styles)]
    open_items = sorted((d for d in items if not d.done), key=lambda d: d.due)
    if not open_items:
        return [*flowables, Para(escape(_("No open deadlines.")), ctx.styles.body)]
    overdue = f'<font color="#{MARKING.hexval()[2:]}"><b>{escape(_("overdue"))}</b></font>'
    rows = [
        [fmt_date(d.due), para_lines(d.description), overdue if d.due < ctx.today else ""]
        for d in open_items
    ]
    widths = [22 * mm, CONTENT_WIDTH - 48 * mm, 26 * mm]
    header = [_("Due"), _("Description"), ""]
    return [*flowables, data_table(header, rows, widths, ctx.styles)]


def _referrals(items: Sequence[ReferralInfo], ctx: _Context) -> list[Flowable]:
    """Where the case was referred and what came back: date, to whom, what was asked, the
    answer (its status, date, result and text)."""
    rows = []
    for r in items:
        to = ctx.ref("referral_bodies", r.body)
        if r.to_whom:
            to += "<br/>" + para_text(r.to_whom)
        status = escape(_(STATUS_LABELS.get(r.status, r.status)))
        if r.answered_on is not None:
            status += " " + fmt_date(r.answered_on)
        answer = [status]
        if r.result:
            answer.append("<b>" + ctx.ref("referral_results", r.result) + "</b>")
        if r.answer:
            answer += para_lines(r.answer)
        rows.append([fmt_date(r.referred_on), to, para_lines(r.request), answer])
    widths = [22 * mm, 45 * mm, (CONTENT_WIDTH - 67 * mm) / 2, (CONTENT_WIDTH - 67 * mm) / 2]
    header = [_("Date"), _("Referred to"), _("What was asked"), _("Answer")]
    return [
        *section(_("Referrals and follow-up"), ctx.styles),
        data_table(header, rows, widths, ctx.styles),
    ]


def _attachments(items: Sequence[AttachmentInfo], ctx: _Context) -> list[Flowable]:
    flowables: list[Flowable] = [*section(_("Attachments"), ctx.styles)]
    if not items:
        return [*flowables, _none_recorded(ctx)]
    rows = []
    for a in items:
        digest = escape(a.sha256.strip().lower())
        # 64 hex digits in two lines of 32, which fit the column without breaking mid-group.
        digest_markup = f"{digest[:32]}<br/>{digest[32:]}" if len(digest) > 32 else digest
        rows.append(
            [
                para_text(a.file_name),
                para_text(document_kind(a.media_type)),
                escape(_size(a.size, ctx)),
                Para(digest_markup or DASH, ctx.styles.cell_mono),
            ]
        )
    fixed = [30 * mm, 16 * mm, 54 * mm]
    widths = [CONTENT_WIDTH - sum(fixed), *fixed]
    header = [_("File"), _("Type"), _("Size"), _("SHA-256")]
    return [*flowables, data_table(header, rows, widths, ctx.styles)]


def _size(size: int, ctx: _Context) -> str:
    if size < 1024:
        return _("{n} B").format(n=ctx.number(size))
    value = Decimal(size) / 1024
    for template in (_("{n} KB"), _("{n} MB")):
        if value < 1024:
            return template.format(n=ctx.number(value, "#,##0.#"))
        value /= 1024
    return _("{n} GB").format(n=ctx.number(value, "#,##0.#"))
