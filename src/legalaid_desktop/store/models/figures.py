"""The consultations as the statistics count them: one narrow row per live consultation.

A figure over consultations (consultations, their minutes, clients served) reads every
consultation of its period with its case's, its corruption details' and its client's dimension
values. Read from the tables themselves that is two lookups by id per consultation, through
indexes that do not fit the page cache at HQ scale (docs/statistics.md "Speed"). This table holds
the same values side by side, ordered by the day (``WITHOUT ROWID``, primary key
``(held_on, id)``): a period is one contiguous range of it. The consultation's id is kept as the
UUID's 16 bytes (:func:`legalaid_desktop.store.consultation_figures.key`), not its 36 characters.

It is derived, never written by the services: SQLite triggers (revisions ``b7d2e5a9c4f1``,
``a4c7e2f9b1d3`` and ``e9a2d7c4b8f6``) keep it equal to the join below after every insert,
update and delete of a consultation, a case, its corruption details, its referrals or a client,
whoever writes them (a lawyer's screen, a bundle's merge, an import). A row exists exactly when
the consultation, its case and its client are all live (``deleted_hlc IS NULL``). It is per
node and never synchronized: each node derives its own.

    SELECT co.held_on, key(co.id), ca.client_id, co.lawyer, co.mode, co.minutes,
           ca.owner_node, ca.legal_area, ca.outcome, ca.campaign_id,
           cd.id IS NOT NULL AS corruption, cd.sector, cd.conduct, cd.institution,
           ca.satisfaction, cl.gender, cl.birth_year, cl.region, cl.displacement,
           cl.disability, cl.referral_source, cl.kind AS client_kind,
           ca.grant_code,
           (SELECT r.body FROM referrals r WHERE r.case_id = ca.id
            AND r.deleted_hlc IS NULL ORDER BY r.referred_on, r.id LIMIT 1) AS referred_to,
           co.origin_node AS given_at
    FROM consultations co
    JOIN cases ca ON ca.id = co.case_id AND ca.deleted_hlc IS NULL
    JOIN clients cl ON cl.id = ca.client_id AND cl.deleted_hlc IS NULL
    LEFT JOIN corruption_details cd ON cd.case_id = ca.id AND cd.deleted_hlc IS NULL
    WHERE co.deleted_hlc IS NULL
"""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from legalaid_desktop.store.models.base import Base


class ConsultationFigure(Base):
    """One live consultation with the dimension values a figure reads (see the module)."""

    __tablename__ = "consultation_figures"
    __table_args__ = ({"sqlite_with_rowid": False},)

    held_on: Mapped[str] = mapped_column(String(10), primary_key=True)
    id: Mapped[bytes] = mapped_column(LargeBinary(16), primary_key=True)  # the UUID's bytes
    client_id: Mapped[str] = mapped_column(String(36))
    lawyer: Mapped[str | None] = mapped_column(String(64))
    mode: Mapped[str | None] = mapped_column(String(16))
    minutes: Mapped[int | None] = mapped_column(Integer)
    owner_node: Mapped[str | None] = mapped_column(String(16))
    legal_area: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str | None] = mapped_column(String(32))
    campaign_id: Mapped[str | None] = mapped_column(String(36))
    corruption: Mapped[bool] = mapped_column(Boolean)
    sector: Mapped[str | None] = mapped_column(String(32))
    conduct: Mapped[str | None] = mapped_column(String(32))
    institution: Mapped[str | None] = mapped_column(String(300))
    satisfaction: Mapped[str | None] = mapped_column(String(16))
    gender: Mapped[str | None] = mapped_column(String(16))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    region: Mapped[str | None] = mapped_column(String(8))
    displacement: Mapped[str | None] = mapped_column(String(24))
    disability: Mapped[str | None] = mapped_column(String(16))
    referral_source: Mapped[str | None] = mapped_column(String(200))
    client_kind: Mapped[str | None] = mapped_column(String(16))
    grant_code: Mapped[str | None] = mapped_column(String(64))
    referred_to: Mapped[str | None] = mapped_column(String(32))
    """The body of the case's first referral (``referral_bodies``), NULL when not referred."""
    given_at: Mapped[str | None] = mapped_column(String(16))
    """The node the consultation was given at (its ``origin_node``), which is not the case's
    ``owner_node`` after a transfer: the figures over consultations count it there."""


class ConsentGeneration(Base):
    """How many times the consents changed: one row, raised by SQLite triggers (revision
    ``b5d8e1f4a7c3``) on every insert, update and delete of a consent, whoever writes it.

    The anonymized figures count only the clients whose consent covers them; selecting those
    takes about 100 ms at HQ scale, and the statistics keep the selection for as long as this
    number is the same (``services.statistics``). It is per node and never synchronized.
    """

    __tablename__ = "consent_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1: one row
    n: Mapped[int] = mapped_column(Integer)
