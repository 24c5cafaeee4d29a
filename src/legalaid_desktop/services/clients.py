"""Clients: intake with consent, edits, views (audited), lists, consent withdrawal."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnClause, ColumnElement, Integer, func, literal_column, select

from legalaid_desktop.domain import validation
from legalaid_desktop.domain.cases import (
    CaseStatus,
    ClientInfo,
    ClientInput,
    ClientRow,
    ConsentInput,
    ConsentPurpose,
    Page,
)
from legalaid_desktop.domain.errors import InputRejected, ValidationError
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.search import refresh as search_refresh
from legalaid_desktop.services import lookups
from legalaid_desktop.services.rows import client_info
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.audit import utc_now_iso
from legalaid_desktop.store.models import Case, Client, Consent
from legalaid_desktop.text.collation import sort_string


class ClientService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def _validated(self, data: ClientInput) -> dict[str, object]:
        catalog = self.ws.catalog()
        return {
            "full_name": validation.person_name(data.full_name, "full_name", _("Full name")),
            "gender": validation.code(catalog, "genders", data.gender, "gender", _("gender")),
            "birth_year": validation.birth_year(data.birth_year),
            "region": validation.code(catalog, "regions", data.region, "region", _("region")),
            "displacement": validation.code(
                catalog, "displacement", data.displacement, "displacement", _("displacement")
            ),
            "disability": validation.code(
                catalog, "disability", data.disability, "disability", _("disability")
            ),
            "phone": validation.phone(data.phone),
            "address": validation.text(
                data.address, "address", _("Address"), required=False, max_length=300
            ),
            "referral_source": validation.text(
                data.referral_source,
                "referral_source",
                _("Referral"),
                required=False,
                max_length=200,
            ),
        }

    def _validate_consent(self, consent: ConsentInput) -> None:
        catalog = self.ws.catalog()
        if not consent.purposes:
            raise ValidationError(_("Choose at least one purpose of the consent."), "purposes")
        for purpose in consent.purposes:
            validation.code(catalog, "consent_purposes", purpose, "purposes", _("consent purpose"))
        if ConsentPurpose.STORE_PROCESS.value not in consent.purposes:
            raise ValidationError(
                _("Without consent to store and process the data, the client cannot be recorded."),
                "purposes",
            )
        validation.not_in_future(consent.given_on, "given_on", _("The consent date"))
        if consent.valid_until is not None and consent.valid_until < consent.given_on:
            raise ValidationError(_("The consent ends before it was given."), "valid_until")

    def register(self, data: ClientInput, consent: ConsentInput | None = None) -> ClientInfo:
        """Record a new client (with their written consent, when given)."""
        self.ws.require(Permission.EDIT_CASES)
        values = self._validated(data)
        if consent is not None:
            self._validate_consent(consent)
        with self.ws.write() as s:
            row = Client(
                id=new_id(),
                node_code=self.ws.node_code,
                created_at=utc_now_iso(),
                origin_node=self.ws.node_code,
                clocks={},
                hlc="",
                **values,
            )
            row.name_sort = sort_string(row.full_name)
            s.add(row)
            self.ws.touch(s, row, Client.FIELD_GROUPS)
            if consent is not None:
                self._add_consent(s, row.id, consent)
            search_refresh.refresh_rows(s, {"clients": {row.id: set(values)}})
            self.ws.audit(s, "client_registered", "client", row.id)
            s.flush()
            return client_info(s, row)

    def _add_consent(self, s, client_id: str, consent: ConsentInput) -> Consent:  # type: ignore[no-untyped-def]
        row = Consent(
            id=new_id(),
            client_id=client_id,
            given_on=consent.given_on.isoformat(),
            purposes=list(consent.purposes),
            valid_until=consent.valid_until.isoformat() if consent.valid_until else None,
            origin_node=self.ws.node_code,
            clocks={},
            hlc="",
        )
        s.add(row)
        self.ws.touch(s, row, Consent.FIELD_GROUPS)
        return row

    def add_consent(self, client_id: str, consent: ConsentInput) -> ClientInfo:
        self.ws.require(Permission.EDIT_CASES)
        self._validate_consent(consent)
        with self.ws.write() as s:
            client = lookups.get_client(s, client_id)
            row = self._add_consent(s, client.id, consent)
            self.ws.audit(s, "consent_recorded", "client", client.id, {"consent": row.id})
            s.flush()
            return client_info(s, client)

    def withdraw_consent(
        self, client_id: str, consent_id: str, on: date | None = None
    ) -> ClientInfo:
        self.ws.require(Permission.EDIT_CASES)
        when = on or today()
        with self.ws.write() as s:
            client = lookups.get_client(s, client_id)
            row = s.get(Consent, consent_id)
            if row is None or row.client_id != client.id:
                raise InputRejected(_("That consent does not belong to this client."))
            if row.withdrawn_on is not None:
                raise InputRejected(_("This consent was already withdrawn."))
            row.withdrawn_on = when.isoformat()
            self.ws.touch(s, row, ("withdrawal",))
            self.ws.audit(s, "consent_withdrawn", "client", client.id, {"consent": row.id})
            s.flush()
            return client_info(s, client)

    def update(self, client_id: str, data: ClientInput) -> ClientInfo:
        """Change a client's details; only the field groups that changed are stamped."""
        self.ws.require(Permission.EDIT_CASES)
        values = self._validated(data)
        with self.ws.write() as s:
            row = lookups.get_client(s, client_id)
            changed = [
                group
                for group, fields in Client.FIELD_GROUPS.items()
                if any(f in values and getattr(row, f) != values[f] for f in fields)
            ]
            if not changed:
                return client_info(s, row)
            for key, value in values.items():
                setattr(row, key, value)
            row.name_sort = sort_string(row.full_name)
            self.ws.touch(s, row, changed)
            search_refresh.refresh_rows(s, {"clients": {row.id: set(values)}})
            self.ws.audit(s, "client_updated", "client", row.id, {"groups": changed})
            return client_info(s, row)

    def get(self, client_id: str) -> ClientInfo:
        """A client's record. Viewing is an audit event."""
        self.ws.require(Permission.VIEW_CASES)
        with self.ws.write() as s:
            row = lookups.get_client(s, client_id)
            self.ws.audit(s, "client_viewed", "client", row.id)
            return client_info(s, row)

    def list(
        self,
        *,
        region: str | None = None,
        gender: str | None = None,
        offset: int = 0,
        limit: int = 200,
        count: bool = True,
    ) -> Page[ClientRow]:
        """Clients in Azerbaijani alphabetical order, one page at a time.

        Args:
            region: Only the clients of this region.
            gender: Only the clients of this gender.
            offset: How many rows of the list to skip.
            limit: The most rows to return.
            count: Count the whole list for ``Page.total``. When ``False``, ``total`` is only
                what is known from the page: ``offset + len(rows)``, plus one when more rows
                follow (the exact figure comes from :meth:`count`).
        """
        self.ws.require(Permission.VIEW_CASES)
        open_cases = (
            select(func.count())
            .where(
                Case.client_id == Client.id,
                Case.status.in_((CaseStatus.OPEN.value, CaseStatus.PENDING.value)),
                Case.deleted_hlc.is_(None),
            )
            .correlate(Client)
            .scalar_subquery()
        )
        where = self._list_filter(region, gender)
        # The page is chosen from the live-row name index alone, then only its rows are read.
        # Equal names keep one order (the row id, which the index holds) so that pages neither
        # repeat nor skip a client.
        rowid: ColumnClause[int] = literal_column("clients.rowid", Integer)
        page_ids = (
            select(rowid)
            .select_from(Client)
            .where(*where)
            .order_by(Client.name_sort, rowid)
            .offset(offset)
            .limit(limit if count else limit + 1)
        )
        with self.ws.read() as s:
            rows = s.execute(
                select(
                    Client.id,
                    Client.full_name,
                    Client.gender,
                    Client.birth_year,
                    Client.region,
                    open_cases,
                )
                .where(rowid.in_(page_ids))
                .order_by(Client.name_sort, rowid)
            ).all()
            if count:
                total = s.scalar(select(func.count()).select_from(Client).where(*where)) or 0
            else:
                more = len(rows) > limit
                rows = rows[:limit]
                total = offset + len(rows) + (1 if more else 0)
        return Page(tuple(ClientRow(*r) for r in rows), total, offset)

    def count(self, *, region: str | None = None, gender: str | None = None) -> int:
        """How many clients :meth:`list` has in all with these filters (from an index)."""
        self.ws.require(Permission.VIEW_CASES)
        where = self._list_filter(region, gender)
        with self.ws.read() as s:
            return s.scalar(select(func.count()).select_from(Client).where(*where)) or 0

    @staticmethod
    def _list_filter(region: str | None, gender: str | None) -> tuple[ColumnElement[bool], ...]:
        where: list[ColumnElement[bool]] = [Client.deleted_hlc.is_(None)]
        if region:
            where.append(Client.region == region)
        if gender:
            where.append(Client.gender == gender)
        return tuple(where)
