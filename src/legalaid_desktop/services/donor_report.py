"""The donor report (issue 18): anonymized figures for a period and a center or the network, as a
PDF (tables, vector charts, the counting rules) or an XLSX (the same tables, one sheet each).

Every figure is counted by :class:`~.statistics.StatisticsService` with ``anonymized=True`` (the
consent rule, small-cell suppression, the clients left out): there is no second counting path.
The tables are :mod:`.donor_content`'s; the PDF is laid out by
:mod:`legalaid_desktop.reports.donor`.

Who: the roles that see every figure (:attr:`Permission.VIEW_STATISTICS`: managers,
administrators, HQ analysts). A lawyer is refused (audited): a donor report speaks for a center
or the network, and a lawyer's own figures are the Reports screen's and ``report figures``'.
At HQ the report covers the network, or one center (``center``); at a center, the center.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n import LANGUAGES, _, current_language, language
from legalaid_desktop.i18n.dates import now_baku
from legalaid_desktop.i18n.formatting import format_datetime, format_integer
from legalaid_desktop.reports import model as rm
from legalaid_desktop.reports.donor import DonorReportInput, render_donor_report
from legalaid_desktop.reports.pdf import write_pdf
from legalaid_desktop.services import donor_content as content
from legalaid_desktop.services.reports import ReportDocument
from legalaid_desktop.services.statistics import StatisticsService
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.statistics import export
from legalaid_desktop.statistics.definitions import Dimension, Measure
from legalaid_desktop.statistics.periods import Period
from legalaid_desktop.statistics.query import FigureQuery, Filters
from legalaid_desktop.statistics.table import FigureTable
from legalaid_desktop.statistics.writers import Cell, write_xlsx
from legalaid_desktop.store.models import Node
from legalaid_desktop.sync.nodes import is_hq

ACTION = "donor_report"


@dataclass(frozen=True)
class Center:
    code: str
    name: str


@dataclass(frozen=True)
class DonorScope:
    """Where the report may be made: HQ (the network or any center) or one center."""

    hq: bool
    own: Center
    centers: tuple[Center, ...]


class DonorReportService:
    def __init__(self, ws: Workspace, statistics: StatisticsService | None = None) -> None:
        self.ws = ws
        self.statistics = statistics or StatisticsService(ws)

    # -- who and where --------------------------------------------------------------------------

    def scope(self) -> DonorScope:
        """This store's centers (the GUI's choice at HQ); refused for a lawyer."""
        self.ws.require(Permission.VIEW_STATISTICS, ACTION)
        with self.ws.read() as s:
            hq = is_hq(s)
            nodes = [Center(c, n) for c, n, k in s.execute(select(Node.code, Node.name, Node.kind))]
        own = next((c for c in nodes if c.code == self.ws.node_code), Center(self.ws.node_code, ""))
        centers = tuple(sorted((c for c in nodes if c.code != own.code or not hq), key=_key))
        return DonorScope(hq, own, centers)

    def _center(self, center: str | None) -> tuple[str | None, str]:
        """The filter and the name of the scope: at HQ None (the network) or a center; at a
        center, that center.

        Raises:
            InputRejected: A center code this store does not know (or another center's, at a
                center).
        """
        scope = self.scope()
        if center is None or not center.strip():
            if scope.hq:
                return None, _("the whole network")
            return scope.own.code, scope.own.name or scope.own.code
        code = center.strip().upper()
        known = {c.code: c for c in scope.centers} if scope.hq else {scope.own.code: scope.own}
        if code not in known:
            raise InputRejected(
                _("Unknown center '{code}': choose one of {codes}.").format(
                    code=code, codes=", ".join(sorted(known)) or "—"
                )
            )
        return code, known[code].name or code

    def _lang(self, lang: str | None) -> str:
        chosen = lang or current_language()
        if chosen not in LANGUAGES:
            raise InputRejected(
                _("Unknown language '{lang}': choose az, ru or en.").format(lang=chosen)
            )
        return chosen

    # -- the figures ----------------------------------------------------------------------------

    def figures(self, period: Period, center: str | None, lang: str) -> content.DonorFigures:
        """Every figure of the report, anonymized (the caller has the language active), counted
        in one read (:meth:`StatisticsService.figures_many`: the consent rule is evaluated once
        per period end, not once per statement).

        The headline figures have the previous period beside them; the breakdowns do not (a
        table of codes beside codes of another period says little, and costs as much again).
        """
        filters = Filters(center=center)

        def q(
            measure: Measure, *by: Dimension, previous: bool = False, recorded_only: bool = False
        ) -> FigureQuery:
            return FigureQuery(
                measure,
                period,
                tuple(by),
                filters,
                anonymized=True,
                previous=previous,
                lang=lang,
                recorded_only=recorded_only,
            )

        measures = tuple(Measure)
        queries = [
            *(q(m, previous=True) for m in measures),
            q(Measure.CLIENTS_SERVED, Dimension.GENDER, Dimension.AGE_BAND),
            q(Measure.CLIENTS_SERVED, Dimension.REGION),
            q(Measure.CASES_OPENED, Dimension.LEGAL_AREA),
            q(Measure.CASES_CLOSED, Dimension.OUTCOME),
            *(q(Measure.CASES_OPENED, d) for d in content.ALAC_DIMENSIONS),
            q(*content.ALAC_SATISFACTION, recorded_only=True),
            *(q(m, Dimension.MONTH) for m in content.TREND_MEASURES),
            q(Measure.CLIENTS_SERVED, Dimension.CLIENT_KIND),
        ]
        got = iter(self.statistics.figures_many(queries))

        def take(n: int) -> tuple[FigureTable, ...]:
            return tuple(next(got) for _i in range(n))

        headline = take(len(measures))
        gender_age, region, legal_area, outcome = take(4)
        return content.DonorFigures(
            headline=headline,
            gender_age=gender_age,
            region=region,
            legal_area=legal_area,
            outcome=outcome,
            alac=take(len(content.ALAC_DIMENSIONS) + 1),
            months=take(len(content.TREND_MEASURES)),
            client_kind=next(got),
        )

    def _facts(
        self, figures: content.DonorFigures, scope_name: str, made: str
    ) -> list[tuple[str, Cell]]:
        first = figures.headline[0]
        facts: list[tuple[str, Cell]] = [
            (_("Center"), scope_name),
            (_("Period"), export.period_text(first)),
        ]
        if first.previous is not None:
            facts.append((_("Previous period"), export.period_text(first.previous)))
        facts += [
            (_("Anonymized"), _("yes")),
            (_("Clients left out (no consent to anonymized statistics)"), figures.left_out),
            (_("Made on"), made),
        ]
        return facts

    def _make(
        self, period: Period, center: str | None, lang: str
    ) -> tuple[content.DonorFigures, str, str | None]:
        code, name = self._center(center)
        return self.figures(period, code, lang), name, code

    # -- the files ------------------------------------------------------------------------------

    def document(
        self, period: Period, *, center: str | None = None, lang: str | None = None
    ) -> ReportDocument:
        """The PDF in memory (the preview; saved or printed through the reports service),
        audited as a preview.

        Raises:
            PermissionDenied: The role does not see every figure (a lawyer; audited).
            InputRejected: An unknown center or language.
        """
        return self._document(period, center, lang, "preview")

    def _document(
        self, period: Period, center: str | None, lang: str | None, purpose: str
    ) -> ReportDocument:
        self.ws.require(Permission.VIEW_STATISTICS, f"pdf_donor_{purpose}")
        chosen = self._lang(lang)
        with language(chosen):
            figures, name, code = self._make(period, center, chosen)
            made = format_datetime(now_baku())
            facts = self._facts(figures, name, made)
            data = DonorReportInput(
                center=rm.CenterInfo(name=self.ws.center_name(), address=""),
                title=_("Donor report"),
                facts=tuple((k, _text(v)) for k, v in facts),
                sections=content.sections(figures),
                methodology=content.methodology(figures),
            )
            pdf, pages = render_donor_report(
                data, lang=chosen, generated_by=self.ws.actor.full_name
            )
        doc = ReportDocument(
            kind="donor",
            entity_type="",
            entity_id="",
            name=f"donor-report-{_file_part(period.code)}-{(code or 'network').lower()}",
            lang=chosen,
            pages=pages,
            data=pdf,
            details=self._details(period, code, chosen, figures) | {"pages": pages},
        )
        if purpose == "preview":
            self._audit("pdf_donor_preview", doc.details)
        return doc

    def write_pdf(
        self, period: Period, path: Path, *, center: str | None = None, lang: str | None = None
    ) -> int:
        """Write the PDF to ``path`` (whole or not at all); returns its number of pages."""
        self.ws.check_destination(Path(path))
        doc = self._document(period, center, lang, "save")
        write_pdf(doc.data, Path(path))
        self._audit("pdf_donor_save", {**doc.details, "file": str(path)})
        return doc.pages

    def write_xlsx(
        self, period: Period, path: Path, *, center: str | None = None, lang: str | None = None
    ) -> int:
        """Write the same tables as an XLSX to ``path`` (one sheet per table and the
        parameters; whole or not at all); returns the number of sheets with figures.

        Raises:
            PermissionDenied, InputRejected: As :meth:`document`; InputRejected also when the
                file cannot be written (nothing is left behind).
        """
        self.ws.check_destination(Path(path))
        chosen = self._lang(lang)
        with language(chosen):
            figures, name, code = self._make(period, center, chosen)
            sheets = content.sheets(figures)
            params = self._facts(figures, name, format_datetime(now_baku()))
            params += list(content.methodology(figures))
            try:
                write_xlsx(Path(path), sheets, params, parameters_title=_("Parameters"))
            except OSError as exc:
                raise InputRejected(
                    _("Cannot write {file}: {reason}").format(file=path, reason=exc.strerror or exc)
                ) from None
        details = self._details(period, code, chosen, figures)
        self._audit("donor_report_exported", {**details, "format": "xlsx", "file": str(path)})
        return len(sheets)

    # -- audit ----------------------------------------------------------------------------------

    @staticmethod
    def _details(
        period: Period, code: str | None, lang: str, figures: content.DonorFigures
    ) -> dict[str, object]:
        return {
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "center": code or "",
            "lang": lang,
            "anonymized": True,
            "left_out": figures.left_out,
        }

    def _audit(self, action: str, details: Mapping[str, object]) -> None:
        with self.ws.write() as s:
            self.ws.audit(s, action, details=details)


def _key(center: Center) -> str:
    return center.code


def _text(value: Cell) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else format_integer(int(value))


def _file_part(code: str) -> str:
    return code.replace("..", "_")
