"""Settings: idle lock, theme, language, font size. Applied at once and remembered per user.

For managers and administrators, also the data store's backup reminder (after how many days the
dashboard reminds to back up to a USB stick; kept in the store, not on this computer).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.gui.application import set_role
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.pages.base import Page
from legalaid_desktop.gui.ui_settings import (
    LANGUAGE_NAMES,
    MAX_FONT_SIZE,
    MAX_IDLE_MINUTES,
    MIN_FONT_SIZE,
    MIN_IDLE_MINUTES,
    THEMES,
    UiSettings,
)
from legalaid_desktop.gui.widgets.backup_reminder_setting import BackupReminderSetting
from legalaid_desktop.i18n import LANGUAGES, N_, _, current_language

THEME_LABELS = {"system": N_("As the system"), "light": N_("Light"), "dark": N_("Dark")}


class SettingsPage(Page):
    """The user's preferences (kept with QSettings, not in the store).

    Signals:
        appearance_changed(): theme or font size changed (re-apply the appearance).
        language_changed(str): the language changed (retranslate everything).
        idle_changed(int): the idle-lock minutes changed.
    """

    appearance_changed = Signal()
    language_changed = Signal(str)
    idle_changed = Signal(int)

    def __init__(
        self, ctx: GuiContext, settings: UiSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self.settings = settings
        self.username = ctx.actor.username
        self.heading = QLabel()
        set_role(self.heading, "heading")
        self.idle = QSpinBox()
        self.idle.setRange(MIN_IDLE_MINUTES, MAX_IDLE_MINUTES)
        self.idle.setValue(settings.idle_minutes(self.username))
        self.theme = QComboBox()
        for code in THEMES:
            self.theme.addItem("", code)
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme(self.username))))
        self.language = QComboBox()
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(max(0, self.language.findData(current_language())))
        self.font_size = QSpinBox()
        self.font_size.setRange(MIN_FONT_SIZE, MAX_FONT_SIZE)
        self.font_size.setValue(settings.font_size(self.username))
        self.idle_label, self.theme_label = QLabel(), QLabel()
        self.language_label, self.font_label = QLabel(), QLabel()
        for label, field in (
            (self.idle_label, self.idle),
            (self.theme_label, self.theme),
            (self.language_label, self.language),
            (self.font_label, self.font_size),
        ):
            label.setBuddy(field)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setMaximumWidth(640)
        set_role(self.note, "muted")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        for field in (self.idle, self.theme, self.language, self.font_size):
            field.setMinimumWidth(220)
        form.addRow(self.idle_label, self.idle)
        form.addRow(self.theme_label, self.theme)
        form.addRow(self.language_label, self.language)
        form.addRow(self.font_label, self.font_size)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(self.heading)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addSpacing(8)
        layout.addWidget(self.note)
        layout.addSpacing(16)
        self.backup_reminder = BackupReminderSetting(ctx, self)
        layout.addWidget(self.backup_reminder)
        layout.addStretch(1)

        self.idle.valueChanged.connect(self._idle_changed)
        self.theme.currentIndexChanged.connect(self._theme_changed)
        self.language.currentIndexChanged.connect(self._language_changed)
        self.font_size.valueChanged.connect(self._font_changed)
        self.retranslate()

    def title(self) -> str:
        return _("Settings")

    def retranslate(self) -> None:
        self.heading.setText(_("Settings"))
        self.idle_label.setText(_("&Lock after (minutes idle):"))
        self.idle.setSuffix(" " + _("min"))
        self.theme_label.setText(_("&Theme:"))
        for i in range(self.theme.count()):
            self.theme.setItemText(i, _(THEME_LABELS[str(self.theme.itemData(i))]))
        self.language_label.setText(_("&Language:"))
        self.font_label.setText(_("&Font size:"))
        self.font_size.setSuffix(" " + _("pt"))
        self.note.setText(
            _(
                "These settings are kept on this computer for your user name. The window locks "
                "itself when nobody has used it for the time above; Ctrl+L locks it at once."
            )
        )
        self.backup_reminder.retranslate()

    def _idle_changed(self, minutes: int) -> None:
        self.settings.set_idle_minutes(self.username, minutes)
        self.idle_changed.emit(minutes)

    def _theme_changed(self) -> None:
        self.settings.set_theme(self.username, str(self.theme.currentData()))
        self.appearance_changed.emit()

    def _font_changed(self, size: int) -> None:
        self.settings.set_font_size(self.username, size)
        self.appearance_changed.emit()

    def _language_changed(self) -> None:
        language = str(self.language.currentData())
        self.settings.set_language(self.username, language)
        self.language_changed.emit(language)
