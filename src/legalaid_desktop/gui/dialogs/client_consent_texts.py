"""What the client dialog says about a client's consents: a row of the consents list, and the
line above it when processing was withdrawn or a consent expired (moved out of
``client_dialog.py``, which holds the widgets)."""

from __future__ import annotations

from legalaid_desktop.domain.cases import ClientInfo, ConsentInfo
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.i18n.formatting import format_date


def consent_state_text(ctx: GuiContext, client: ClientInfo) -> str:
    """Withdrawn or expired: what it means for the record ('' when neither)."""
    day = today()
    withdrawn = client.processing_withdrawn_on
    expired_on = client.consent_expired_on(day)
    if withdrawn is not None:
        return _(
            "Consent to store and process was withdrawn on {date}: this client's records "
            "can be read but not changed."
        ).format(date=format_date(withdrawn))
    if expired_on is not None:
        purposes = ", ".join(ctx.label("consent_purposes", p) for p in client.expired_purposes(day))
        return _("The consent expired on {date} ({purposes}): record a new consent.").format(
            date=format_date(expired_on), purposes=purposes
        )
    return ""


def consent_texts(ctx: GuiContext, consent: ConsentInfo) -> list[str]:
    """The consents list's columns: given, valid until, state, purposes (one a line)."""
    purposes = "\n".join(ctx.label("consent_purposes", p) for p in consent.purposes)
    if consent.withdrawn_on is not None:
        state = _("withdrawn {date}").format(date=format_date(consent.withdrawn_on))
    elif consent.active_on(today()):
        state = _("in force")
    else:
        state = _("expired")
    until = format_date(consent.valid_until) if consent.valid_until else _("no end date")
    return [format_date(consent.given_on), until, state, purposes]
