"""Referrals and their follow-up (issue 19): a case referred to an advocate, a state body or
another organization, and the answer that came back (or did not)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from legalaid_desktop.i18n import N_


class ReferralStatus(StrEnum):
    PENDING = "pending"
    ANSWERED = "answered"
    NO_ANSWER = "no_answer"


STATUS_LABELS: dict[str, str] = {
    ReferralStatus.PENDING: N_("Waiting for an answer"),
    ReferralStatus.ANSWERED: N_("Answered"),
    ReferralStatus.NO_ANSWER: N_("No answer"),
}


@dataclass(frozen=True)
class ReferralInput:
    """A new referral: to whom (a ``referral_bodies`` code, and a name or office if useful),
    when, and what was asked."""

    body: str
    referred_on: date | None = None  # today
    to_whom: str = ""
    request: str = ""


@dataclass(frozen=True)
class AnswerInput:
    """The follow-up of a referral: the answer (or that none came), when, and its result (a
    ``referral_results`` code)."""

    status: str = ReferralStatus.ANSWERED.value
    answered_on: date | None = None  # today
    answer: str = ""
    result: str | None = None


@dataclass(frozen=True)
class ReferralInfo:
    id: str
    referred_on: date
    body: str
    to_whom: str
    request: str
    status: str
    answered_on: date | None
    answer: str
    result: str | None
