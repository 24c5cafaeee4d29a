"""The pickers of the Reports screen: measure, one or two dimensions (only those that break the
measure down), period (a relative one, a year, quarter, month, or typed ``dd.MM.yyyy`` dates),
filters and "anonymized". It makes a :class:`ReportSpec` and shows one again."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.widgets.code_combo import CodeCombo
from legalaid_desktop.gui.widgets.dates import DateEdit
from legalaid_desktop.gui.widgets.lawyer_combo import LawyerCombo
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.i18n.formatting import month_names
from legalaid_desktop.services.report_definitions import ReportChoices
from legalaid_desktop.statistics.definitions import (
    DIMENSION_LABELS,
    MEASURE_LABELS,
    Dimension,
    Measure,
    check_applies,
)
from legalaid_desktop.statistics.periods import Period
from legalaid_desktop.statistics.report_spec import RELATIVE_PERIODS, ReportSpec, resolve_period
from legalaid_desktop.text.casing import az_upper

YEAR, QUARTER, MONTH, RANGE = "year", "quarter", "month", "range"
PERIOD_KINDS = (*RELATIVE_PERIODS, YEAR, QUARTER, MONTH, RANGE)


def applicable(measure: Measure) -> list[Dimension]:
    """The dimensions that break ``measure`` down (statistics.definitions.check_applies)."""
    out = []
    for dim in Dimension:
        try:
            check_applies(measure, (dim,))
        except InputRejected:
            continue
        out.append(dim)
    return out


class ReportForm(QWidget):
    """See the module's docstring.

    Signals:
        changed(): a choice changed (the shown figure no longer matches it).
    """

    changed = Signal()

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.all_figures = ctx.actor.can(Permission.VIEW_STATISTICS)
        self.hq = False
        self.measure = QComboBox()
        self.measure.setObjectName("measure")
        for m in Measure:
            self.measure.addItem("", m.value)
        self.first = QComboBox()
        self.first.setObjectName("first_dimension")
        self.second = QComboBox()
        self.second.setObjectName("second_dimension")
        self.period_kind = QComboBox()
        for kind in PERIOD_KINDS:
            self.period_kind.addItem("", kind)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today().year)
        self.quarter = QComboBox()
        for q in range(1, 5):
            self.quarter.addItem(f"Q{q}", q)
        self.quarter.setCurrentIndex((today().month - 1) // 3)
        self.month = QComboBox()
        for number in range(1, 13):
            self.month.addItem("", number)
        self.month.setCurrentIndex(today().month - 1)
        self.date_from = DateEdit(today().replace(day=1))
        self.date_to = DateEdit(today())
        self.center = QComboBox()
        self.region = CodeCombo(ctx, "regions", empty_text=lambda: _("All regions"))
        self.legal_area = CodeCombo(ctx, "legal_areas", empty_text=lambda: _("All legal areas"))
        self.lawyer: LawyerCombo | None = None
        if self.all_figures:  # a lawyer sees only their own figures: no other lawyer offered
            self.lawyer = LawyerCombo(ctx, assignable=False, empty_text=lambda: _("All lawyers"))
        self.campaign = QComboBox()
        self.anonymized = QCheckBox()  # the screen puts it beside its buttons
        self.labels = {k: QLabel() for k in ("measure", "by", "then", "period", "filters")}
        self.labels["measure"].setBuddy(self.measure)
        self.labels["by"].setBuddy(self.first)
        self.labels["then"].setBuddy(self.second)
        self.labels["period"].setBuddy(self.period_kind)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.labels["measure"], 0, 0)
        grid.addWidget(self.measure, 0, 1)
        grid.addWidget(self.labels["by"], 1, 0)
        by_row = QHBoxLayout()
        by_row.addWidget(self.first, 1)
        by_row.addWidget(self.labels["then"])
        by_row.addWidget(self.second, 1)
        grid.addLayout(by_row, 1, 1)
        grid.addWidget(self.labels["period"], 2, 0)
        period_row = QHBoxLayout()
        for w in (self.period_kind, self.year, self.quarter, self.month):
            period_row.addWidget(w)
        period_row.addWidget(self.date_from)
        self.dash = QLabel("–")
        period_row.addWidget(self.dash)
        period_row.addWidget(self.date_to)
        period_row.addStretch(1)
        grid.addLayout(period_row, 2, 1)
        grid.addWidget(self.labels["filters"], 3, 0)
        filters = QHBoxLayout()
        for box in (self.center, self.region, self.legal_area, self.lawyer, self.campaign):
            if box is not None:
                filters.addWidget(box, 1)
        grid.addLayout(filters, 3, 1)
        grid.setColumnStretch(1, 1)
        # a long label (a legal area, a campaign's title) must not widen the screen: the lists
        # are as wide as the row gives them and show whole labels when they open
        for box in self.findChildren(QComboBox):
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(8)
        self.center.hide()  # until the choices say this is HQ

        self.measure.currentIndexChanged.connect(self._measure_changed)
        self.first.currentIndexChanged.connect(self._first_changed)
        self.period_kind.currentIndexChanged.connect(self._period_kind_changed)
        combos: tuple[QComboBox, ...] = (
            self.second,
            self.quarter,
            self.month,
            self.center,
            self.region,
            self.legal_area,
            self.campaign,
        )
        for combo in combos:
            combo.currentIndexChanged.connect(self.changed)
        if self.lawyer is not None:
            self.lawyer.currentIndexChanged.connect(self.changed)
        self.year.valueChanged.connect(self.changed)
        self.date_from.dateChanged.connect(self.changed)
        self.date_to.dateChanged.connect(self.changed)
        self.anonymized.toggled.connect(self.changed)
        self.retranslate()
        self._period_kind_changed()

    # -- choices --------------------------------------------------------------------------------

    def set_choices(self, choices: ReportChoices) -> None:
        """The centers (at HQ) and campaigns to filter by."""
        self.hq = choices.hq
        chosen_center, chosen_campaign = self.center.currentData(), self.campaign.currentData()
        for combo in (self.center, self.campaign):
            combo.blockSignals(True)
            combo.clear()
        self.center.addItem(_("All centers"), None)
        for code, name in choices.centers:
            self.center.addItem(f"{name} ({code})", code)
        self.campaign.addItem(_("All campaigns"), None)
        for cid, title in choices.campaigns:
            self.campaign.addItem(title, cid)
        for combo, chosen in ((self.center, chosen_center), (self.campaign, chosen_campaign)):
            combo.setCurrentIndex(max(combo.findData(chosen), 0))
            combo.blockSignals(False)
        self.center.setVisible(self.hq)
        self._fill_dimensions()

    def _measure_changed(self) -> None:
        self._fill_dimensions()
        self.changed.emit()

    def _first_changed(self) -> None:
        self._fill_second()
        self.changed.emit()

    def _dimension_items(self, combo: QComboBox, dims: list[Dimension]) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(_("(nothing)"), None)
        for dim in dims:
            combo.addItem(_(DIMENSION_LABELS[dim]), dim.value)
        combo.setCurrentIndex(max(combo.findData(chosen), 0))
        combo.blockSignals(False)

    def _offered(self) -> list[Dimension]:
        dims = applicable(Measure(self.measure.currentData()))
        if not self.hq:
            dims = [d for d in dims if d is not Dimension.CENTER]
        if not self.all_figures:
            dims = [d for d in dims if d is not Dimension.LAWYER]
        return dims

    def _fill_dimensions(self) -> None:
        self._dimension_items(self.first, self._offered())
        self._fill_second()

    def _fill_second(self) -> None:
        first = self.first.currentData()
        self._dimension_items(self.second, [d for d in self._offered() if d.value != first])
        self.second.setEnabled(first is not None)
        if first is None:
            self.second.setCurrentIndex(0)

    def _period_kind_changed(self) -> None:
        kind = self.period_kind.currentData()
        self.year.setVisible(kind in (YEAR, QUARTER, MONTH))
        self.quarter.setVisible(kind == QUARTER)
        self.month.setVisible(kind == MONTH)
        for w in (self.date_from, self.dash, self.date_to):
            w.setVisible(kind == RANGE)
        self.changed.emit()

    # -- the spec -------------------------------------------------------------------------------

    def period_code(self) -> str:
        kind = self.period_kind.currentData()
        y = self.year.value()
        if kind == YEAR:
            return str(y)
        if kind == QUARTER:
            return f"{y}Q{self.quarter.currentData()}"
        if kind == MONTH:
            return f"{y}-{int(self.month.currentData()):02d}"
        if kind == RANGE:
            return f"{self.date_from.value().isoformat()}..{self.date_to.value().isoformat()}"
        return str(kind)

    def period(self) -> Period:
        return resolve_period(self.period_code(), today())

    def spec(self) -> ReportSpec:
        """The current choice.

        Raises:
            InputRejected: It has no meaning (the dates the wrong way round).
        """
        by = tuple(Dimension(c) for c in (self.first.currentData(), self.second.currentData()) if c)
        filters = {
            "center": self.center.currentData() if self.hq else None,
            "region": self.region.code(),
            "legal_area": self.legal_area.code(),
            "lawyer": self.lawyer.username() if self.lawyer is not None else None,
            "campaign": self.campaign.currentData(),
        }
        spec = ReportSpec(
            Measure(self.measure.currentData()),
            self.period_code(),
            by,
            {k: v for k, v in filters.items() if v},
            self.anonymized.isChecked(),
        )
        self.period()  # from after to is refused here, in one line
        return spec

    def set_spec(self, spec: ReportSpec) -> None:
        """Show ``spec`` (a saved definition) in the pickers."""
        self.measure.setCurrentIndex(self.measure.findData(spec.measure.value))
        self._fill_dimensions()
        codes = [d.value for d in spec.by] + [None, None]
        self.first.setCurrentIndex(max(self.first.findData(codes[0]), 0))
        self._fill_second()
        self.second.setCurrentIndex(max(self.second.findData(codes[1]), 0))
        code = spec.period
        if code in RELATIVE_PERIODS:
            self.period_kind.setCurrentIndex(self.period_kind.findData(code))
        else:
            period = resolve_period(code, today())
            self.period_kind.setCurrentIndex(self.period_kind.findData(period.kind))
            self.year.setValue(period.start.year)
            self.quarter.setCurrentIndex((period.start.month - 1) // 3)
            self.month.setCurrentIndex(period.start.month - 1)
            if period.kind == RANGE:
                self.date_from.set_value(period.start)
                self.date_to.set_value(period.end)
        f = spec.filters
        self.center.setCurrentIndex(max(self.center.findData(f.get("center")), 0))
        self.region.set_code(f.get("region"))
        self.legal_area.set_code(f.get("legal_area"))
        if self.lawyer is not None:
            self.lawyer.set_username(f.get("lawyer"))
        self.campaign.setCurrentIndex(max(self.campaign.findData(f.get("campaign")), 0))
        self.anonymized.setChecked(spec.anonymized)

    def set_range(self, start: date, end: date) -> None:
        self.period_kind.setCurrentIndex(self.period_kind.findData(RANGE))
        self.date_from.set_value(start)
        self.date_to.set_value(end)

    # -- texts ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        for i, measure in enumerate(Measure):
            self.measure.setItemText(i, _(MEASURE_LABELS[measure]))
        self._fill_dimensions()
        names = {
            **{k: _(v) for k, v in RELATIVE_PERIODS.items()},
            YEAR: _("Year"),
            QUARTER: _("Quarter"),
            MONTH: _("Month"),
            RANGE: _("From – to"),
        }
        for i, kind in enumerate(PERIOD_KINDS):
            self.period_kind.setItemText(i, names[kind])
        for i, name in enumerate(month_names()):
            self.month.setItemText(i, az_upper(name[:1]) + name[1:])
        self.labels["measure"].setText(_("&Measure:"))
        self.labels["by"].setText(_("&Broken down by:"))
        self.labels["then"].setText(_("a&nd by"))
        self.labels["period"].setText(_("&Period:"))
        self.labels["filters"].setText(_("Only:"))
        self.anonymized.setText(_('&Anonymized (for donors and the public: consent, "<5")'))
        self.year.setAccessibleName(_("Year"))
        self.quarter.setAccessibleName(_("Quarter"))
        self.month.setAccessibleName(_("Month"))
        self.date_from.setAccessibleName(_("First day of the period"))
        self.date_to.setAccessibleName(_("Last day of the period"))
        self.center.setAccessibleName(_("Center"))
        self.campaign.setAccessibleName(_("Campaign"))
        if self.center.count():
            self.center.setItemText(0, _("All centers"))
        if self.campaign.count():
            self.campaign.setItemText(0, _("All campaigns"))
        self.region.retranslate()
        self.legal_area.retranslate()
        if self.lawyer is not None:
            self.lawyer.retranslate()
