"""The access report as a PDF: everything held about one person, to hand to them.

The same letterhead, fonts, tables and page furniture as the case summaries (``layout``,
``blocks``, ``fonts``); the content is the :class:`~legalaid_desktop.domain.access.AccessReport`
the service read, in the person's language (az, ru or en). Codes are printed as the reference
data's labels; removed records are listed too, marked, since the store still holds them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from legalaid_desktop.domain.access import (
    AccessAttachment,
    AccessCase,
    AccessConsent,
    AccessConsultation,
    AccessDeadline,
    AccessEvent,
    AccessParty,
    AccessReport,
)
from legalaid_desktop.domain.cases import is_person
from legalaid_desktop.domain.corrections import HistoryEntry
from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.i18n import N_, _, language, pgettext
from legalaid_desktop.i18n.formatting import format_datetime, format_size
from legalaid_desktop.reports.blocks import data_table, field_grid, letterhead, section
from legalaid_desktop.reports.fonts import find_fonts
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
from legalaid_desktop.reports.model import CenterInfo
from legalaid_desktop.reports.pdf import _layout

#: Audit actions as people read them (the audit log screen's wording; unknown codes as they are).
ACTION_LABELS: dict[str, str] = {
    "attachment_added": N_("Document added"),
    "attachment_exported": N_("Document exported"),
    "attachment_opened": N_("Document opened"),
    "case_assigned": N_("Case assigned"),
    "case_campaign": N_("Case linked to a campaign"),
    "case_closed": N_("Case closed"),
    "case_corrected": N_("Case corrected"),
    "case_history_viewed": N_("Case history viewed"),
    "case_opened": N_("Case opened"),
    "case_pending": N_("Case set to pending"),
    "case_reopened": N_("Case reopened"),
    "case_transferred": N_("Case transferred"),
    "case_updated": N_("Case changed"),
    "case_viewed": N_("Case viewed"),
    "client_access_report": N_("Personal data report made"),
    "client_registered": N_("Client registered"),
    "client_updated": N_("Client changed"),
    "client_history_viewed": N_("Client history viewed"),
    "client_viewed": N_("Client viewed"),
    "clients_merged": N_("Duplicate clients merged"),
    "conflict_resolved": N_("Sync conflict resolved"),
    "consent_recorded": N_("Consent recorded"),
    "consent_withdrawn": N_("Consent withdrawn"),
    "consultation_added": N_("Consultation added"),
    "consultation_corrected": N_("Consultation corrected"),
    "deadline_corrected": N_("Deadline corrected"),
    "deadline_added": N_("Deadline added"),
    "deadline_done": N_("Deadline done"),
    "deadline_reopened": N_("Deadline reopened"),
    "follow_up_done": N_("Follow-up done"),
    "follow_up_reopened": N_("Follow-up reopened"),
    "party_added": N_("Party added"),
    "party_corrected": N_("Party corrected"),
    "conflict_decided": N_("Conflict decision recorded"),
    "party_removed": N_("Party removed"),
    "permission_denied": N_("Refused: not allowed for the role"),
    "pdf_case_preview": N_("Case summary previewed"),
    "pdf_case_print": N_("Case summary printed"),
    "pdf_case_save": N_("Case summary saved as PDF"),
    "pdf_consent_preview": N_("Consent form previewed"),
    "pdf_consent_print": N_("Consent form printed"),
    "pdf_consent_save": N_("Consent form saved as PDF"),
}


def render_access_report(
    report: AccessReport,
    *,
    lang: str,
    generated_by: str,
    now: datetime | None = None,
    font_dirs: Sequence[Path] | None = None,
) -> tuple[bytes, int]:
    """The PDF of ``report`` in ``lang``, and its number of pages (nothing is written to disk).

    Raises:
        FontNotFound: If no suitable font is installed.
        ReportLayoutFailed: If a text is too long to lay out.
    """

    def build(styles: Styles, catalog: ReferenceCatalog, now_baku: datetime) -> list[Flowable]:
        return access_report_story(report, styles=styles, catalog=catalog, lang=lang)

    fonts = find_fonts(font_dirs)
    with language(lang):
        return _layout(
            build,
            fonts,
            lang=lang,
            generated_by=generated_by,
            now=now,
            title=_("Personal data held about a client"),
            center=report.center_name,
        )


class _Ctx:
    def __init__(self, styles: Styles, catalog: ReferenceCatalog, lang: str) -> None:
        self.styles = styles
        self.catalog = catalog
        self.lang = lang

    def ref(self, kind: str, code: str | None) -> str:
        return escape(self.catalog[kind].label(code, self.lang)) if code else DASH

    def removed(self, markup: str, deleted: bool) -> str:
        """``markup`` followed by a red "removed" mark when ``deleted``."""
        if not deleted:
            return markup
        mark = escape(_("removed"))
        return f'{markup} <font color="#{MARKING.hexval()[2:]}">({mark})</font>'


def access_report_story(
    report: AccessReport, *, styles: Styles, catalog: ReferenceCatalog, lang: str
) -> list[Flowable]:
    """The flowables of the report (called with ``lang`` active)."""
    ctx = _Ctx(styles, catalog, lang)
    center = CenterInfo(name=report.center_name, address=report.center_address)
    story: list[Flowable] = [*letterhead(center, styles)]
    story.append(Para(escape(_("Personal data held about a client")), styles.title))
    story.append(Para(para_text(report.client.full_name), styles.subtitle))
    story.append(
        Para(
            escape(
                _(
                    "This report lists every record about the person named above that this "
                    "center holds, as on the day it was printed, and who viewed or changed those "
                    "records. It is given to the person at their request under the Law on "
                    "Personal Data; documents are listed, not copied."
                )
            ),
            styles.body,
        )
    )
    story += _client(report, ctx)
    story += _consents(report.consents, ctx)
    story += _cases(report.cases, ctx)
    story += _consultations(report.consultations, ctx)
    story += _parties(report.parties, ctx)
    story += _deadlines(report.deadlines, ctx)
    story += _attachments(report.attachments, ctx)
    story += _corrections(report.corrections, ctx)
    story += _events(report, ctx)
    return story


def _none(ctx: _Ctx) -> Para:
    return Para(escape(_("None recorded.")), ctx.styles.body)


def _client(report: AccessReport, ctx: _Ctx) -> list[Flowable]:
    c = report.client
    person = is_person(c.kind)
    pairs = [
        (_("Full name") if person else pgettext("organization", "Name"), para_text(c.full_name)),
        (_("Client number"), para_text(c.number or c.id)),
    ]
    if person:
        pairs += [
            (_("Gender"), ctx.ref("genders", c.gender)),
            (_("Year of birth"), str(c.birth_year) if c.birth_year is not None else DASH),
        ]
    else:  # an organization or initiative group (issue 19)
        pairs += [
            (_("Kind of client"), ctx.ref("client_kinds", c.kind)),
            (_("Registration"), para_text(c.registration)),
            (_("Contact person"), para_text(c.contact_person)),
            (_("Members"), str(c.members) if c.members is not None else DASH),
        ]
    pairs += [
        (_("Region"), ctx.ref("regions", c.region)),
        (_("Displacement status"), ctx.ref("displacement", c.displacement)),
        (_("Disability"), ctx.ref("disability", c.disability)),
        (_("Phone"), para_text(c.phone)),
        (_("Address"), para_text(c.address)),
        (_("Referral"), para_text(c.referral_source)),
        (_("Registered"), escape(_when(c.created_at))),
        (_("Center"), para_text(c.node_code)),
    ]
    return [*section(_("Client"), ctx.styles), field_grid(pairs, ctx.styles, columns=3)]


def _consents(items: Sequence[AccessConsent], ctx: _Ctx) -> list[Flowable]:
    flowables: list[Flowable] = [*section(_("Consents"), ctx.styles)]
    if not items:
        return [*flowables, _none(ctx)]
    rows = [
        [
            ctx.removed(fmt_date(c.given_on), c.deleted),
            [ctx.ref("consent_purposes", p) for p in c.purposes] or DASH,
            fmt_date(c.valid_until),
            fmt_date(c.withdrawn_on),
        ]
        for c in items
    ]
    widths = [28 * mm, CONTENT_WIDTH - 84 * mm, 28 * mm, 28 * mm]
    header = [_("Given on"), _("Purposes"), _("Valid until"), _("Withdrawn on")]
    return [*flowables, data_table(header, rows, widths, ctx.styles)]


def _cases(items: Sequence[AccessCase], ctx: _Ctx) -> list[Flowable]:
    title = _("Cases")
    flowables: list[Flowable] = [*section(f"{title} ({len(items)})", ctx.styles)]
    if not items:
        return [*flowables, _none(ctx)]
    for case in items:
        pairs = [
            (_("Case number"), ctx.removed(para_text(case.number), case.deleted)),
            (_("Status"), ctx.ref("case_statuses", case.status)),
            (_("Legal area"), ctx.ref("legal_areas", case.legal_area)),
            (_("Lawyer"), para_text(case.assigned_lawyer_name or case.assigned_lawyer)),
            (_("Opened"), fmt_date(case.opened_on)),
            (_("Closed"), fmt_date(case.closed_on)),
            (_("Outcome"), ctx.ref("outcomes", case.outcome)),
            (_("Referral"), para_text(case.referral)),
            (_("Center"), para_text(case.owner_node)),
        ]
        if case.corruption is not None:
            k = case.corruption
            pairs += [
                (_("Sector"), ctx.ref("corruption_sectors", k.sector)),
                (_("Type of conduct"), ctx.ref("corruption_conduct", k.conduct)),
                (_("Institution"), para_text(k.institution)),
                (_("Reported to"), para_text(k.reported_to)),
            ]
        summary = [Para(line, ctx.styles.body) for line in para_lines(case.summary)]
        flowables.append(
            KeepTogether([field_grid(pairs, ctx.styles, columns=3), Spacer(1, 1 * mm), *summary])
        )
        flowables.append(Spacer(1, 3 * mm))
    return flowables


def _consultations(items: Sequence[AccessConsultation], ctx: _Ctx) -> list[Flowable]:
    title = f"{_('Consultations')} ({len(items)})"
    flowables: list[Flowable] = [*section(title, ctx.styles)]
    if not items:
        return [*flowables, _none(ctx)]
    advice = f"<b>{escape(_('Advice given'))}:</b> "
    steps = f"<b>{escape(_('Next steps'))}:</b> "
    follow = f"<b>{escape(_('Follow-up'))}:</b> "
    rows = []
    for k in items:
        details = para_lines(k.notes)
        if k.advice.strip():
            details += para_lines(k.advice, prefix=advice)
        if k.next_steps.strip():
            details += para_lines(k.next_steps, prefix=steps)
        if k.follow_up_on is not None:
            details.append(follow + fmt_date(k.follow_up_on))
        mode = ctx.ref("consultation_modes", k.mode) + "<br/>"
        mode += escape(_("{n} min").format(n=k.minutes))
        rows.append(
            [
                ctx.removed(fmt_date(k.held_on), k.deleted),
                para_text(k.case_number),
                mode,
                para_text(k.lawyer_name or k.lawyer),
                details,
            ]
        )
    fixed = [20 * mm, 26 * mm, 29 * mm, 26 * mm]
    widths = [*fixed, CONTENT_WIDTH - sum(fixed)]
    header = [_("Date"), _("Case"), _("Mode and duration"), _("Lawyer"), _("Notes")]
    return [*flowables, data_table(header, rows, widths, ctx.styles)]


def _parties(items: Sequence[AccessParty], ctx: _Ctx) -> list[Flowable]:
    flowables: list[Flowable] = [*section(_("Parties"), ctx.styles)]
    if not items:
        return [*flowables, _none(ctx)]
    rows = [
        [
            para_text(p.case_number),
            ctx.removed(para_text(p.name), p.deleted),
            ctx.ref("party_roles", p.role),
        ]
        for p in items
    ]
    widths = [30 * mm, CONTENT_WIDTH - 75 * mm, 45 * mm]
    return [*flowables, data_table([_("Case"), _("Name"), _("Role")], rows, widths, ctx.styles)]


def _deadlines(items: Sequence[AccessDeadline], ctx: _Ctx) -> list[Flowable]:
    flowables: list[Flowable] = [*section(_("Deadlines"), ctx.styles)]
    if not items:
        return [*flowables, _none(ctx)]
    rows = [
        [
            para_text(d.case_number),
            ctx.removed(fmt_date(d.due_on), d.deleted),
            para_lines(d.description),
            escape(_("done")) if d.done else "",
        ]
        for d in items
    ]
    widths = [30 * mm, 22 * mm, CONTENT_WIDTH - 72 * mm, 20 * mm]
    header = [_("Case"), _("Due"), _("Description"), ""]
    return [*flowables, data_table(header, rows, widths, ctx.styles)]


def _attachments(items: Sequence[AccessAttachment], ctx: _Ctx) -> list[Flowable]:
    flowables: list[Flowable] = [*section(_("Attachments"), ctx.styles)]
    if not items:
        return [*flowables, _none(ctx)]
    rows = [
        [
            para_text(a.case_number, empty=_("Client")),
            ctx.removed(para_text(a.file_name), a.deleted),
            para_text(a.media_type),
            escape(format_size(a.size)),
            escape(_when(a.added_at)),
        ]
        for a in items
    ]
    fixed = [30 * mm, 34 * mm, 18 * mm, 28 * mm]
    widths = [fixed[0], CONTENT_WIDTH - sum(fixed), *fixed[1:]]
    header = [_("Case"), _("File"), _("Type"), _("Size"), _("Added")]
    return [*flowables, data_table(header, rows, widths, ctx.styles)]


def _corrections(items: Sequence[HistoryEntry], ctx: _Ctx) -> list[Flowable]:
    """Every correction of the person's records: when, who, what, from what to what."""
    flowables: list[Flowable] = [*section(_("Corrections"), ctx.styles)]
    if not items:
        return [*flowables, _none(ctx)]

    def label(kind: str, code: str) -> str:
        return ctx.catalog[kind].label(code, ctx.lang) if kind in ctx.catalog else code

    rows = [
        [
            escape(_when(e.changed_at)),
            para_text(e.changed_by_name),
            para_text(f"{e.case_number} {e.what}" if e.case_number else e.what),
            para_lines(e.shown_old(label)),
            para_lines(e.shown_new(label)),
        ]
        for e in items
    ]
    fixed = [26 * mm, 32 * mm, 40 * mm]
    rest = (CONTENT_WIDTH - sum(fixed)) / 2
    widths = [*fixed, rest, rest]
    header = [_("When"), _("Who"), _("What"), _("From"), _("To")]
    return [*flowables, data_table(header, rows, widths, ctx.styles)]


def _events(report: AccessReport, ctx: _Ctx) -> list[Flowable]:
    title = f"{_('Who viewed or changed these records')} ({len(report.events)})"
    flowables: list[Flowable] = [
        *section(title, ctx.styles),
        Para(
            escape(
                _(
                    "From this center's audit log, oldest first. Changes that arrived from "
                    "another center through sync are listed in that center's own log."
                )
            ),
            ctx.styles.small,
        ),
    ]
    if not report.events:
        return [*flowables, _none(ctx)]
    numbers = {c.id: c.number for c in report.cases}
    files = {a.id: a.file_name for a in report.attachments}
    rows = []
    for e in report.events:
        who = para_text(e.actor)
        if e.actor_name:
            who += "<br/>" + para_text(e.actor_name)
        rows.append(
            [escape(_when(e.at)), who, escape(_action(e.action)), _record(e, numbers, files)]
        )
    fixed = [28 * mm, 42 * mm]
    widths = [*fixed, (CONTENT_WIDTH - sum(fixed)) * 0.5, (CONTENT_WIDTH - sum(fixed)) * 0.5]
    header = [_("Time"), _("User"), _("Action"), _("Record")]
    return [*flowables, Spacer(1, 2 * mm), data_table(header, rows, widths, ctx.styles)]


def _action(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return _(label) if label is not None else code


def _record(e: AccessEvent, numbers: dict[str, str], files: dict[str, str]) -> str:
    if e.entity_type == "client":
        return escape(_("Client"))
    if e.entity_id in numbers:
        return escape(_("Case {number}").format(number=numbers[e.entity_id]))
    if e.entity_id in files:
        return escape(_("Document {name}").format(name=files[e.entity_id]))
    details = dict(e.details)
    number = details.get("number") or details.get("target")
    if number:
        return escape(_("Case {number}").format(number=number))
    return DASH


def _when(value: str) -> str:
    """A stored UTC ISO time as Baku time for people (the text itself if it does not parse)."""
    try:
        return format_datetime(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return value
