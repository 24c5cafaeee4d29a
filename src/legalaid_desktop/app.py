"""Composition root: turns a data directory and a login into the services the front ends use.

Nothing here runs at import time. The GUI and the CLI call :func:`default_data_dir`,
:func:`create`, :func:`login` or :func:`recover` and receive an :class:`AppSession`, whose
attributes are the services; neither front end touches the store directly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.domain.users import Actor
from legalaid_desktop.paths import default_data_dir, store_exists
from legalaid_desktop.services import auth
from legalaid_desktop.services.access_report import AccessReportService
from legalaid_desktop.services.agenda import AgendaService
from legalaid_desktop.services.audit_view import AuditService
from legalaid_desktop.services.campaigns import CampaignService
from legalaid_desktop.services.case_records import CaseRecordService
from legalaid_desktop.services.cases import CaseService
from legalaid_desktop.services.client_import import ClientImportService
from legalaid_desktop.services.client_merge import ClientMergeService
from legalaid_desktop.services.clients import ClientService
from legalaid_desktop.services.conflict_decisions import ConflictDecisionService
from legalaid_desktop.services.corrections import CorrectionService, HistoryService
from legalaid_desktop.services.donor_report import DonorReportService
from legalaid_desktop.services.exports import ExportService
from legalaid_desktop.services.maintenance import MaintenanceService
from legalaid_desktop.services.reference_editor import ReferenceEditor
from legalaid_desktop.services.referrals import ReferralService
from legalaid_desktop.services.report_definitions import ReportDefinitionService
from legalaid_desktop.services.reports import ReportService
from legalaid_desktop.services.retention import RetentionService
from legalaid_desktop.services.roster import RosterService
from legalaid_desktop.services.search import SearchService
from legalaid_desktop.services.statistics import StatisticsService
from legalaid_desktop.services.sync import SyncService
from legalaid_desktop.services.users import UserService
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.vault import KdfParams

__all__ = [
    "AppSession",
    "create",
    "default_data_dir",
    "known_usernames",
    "login",
    "login_wait_seconds",
    "recover",
    "store_exists",
]


def login_wait_seconds(data_dir: Path, username: str) -> float:
    """How long ``username`` must still wait before the next password attempt (0 if none).

    The login window counts this down; the store enforces it either way.
    """
    from legalaid_desktop.store.store import StorePaths
    from legalaid_desktop.store.throttle import LoginThrottle, known_usernames

    paths = StorePaths(data_dir)
    throttle = LoginThrottle.load(paths.attempts, known=known_usernames(paths.vault))
    return throttle.wait_seconds(username)


@dataclass
class AppSession:
    """A logged-in user's services over one open store."""

    ws: Workspace
    users: UserService
    maintenance: MaintenanceService
    clients: ClientService
    cases: CaseService
    records: CaseRecordService
    campaigns: CampaignService
    agenda: AgendaService
    search: SearchService
    reports: ReportService
    audit: AuditService
    sync: SyncService
    retention: RetentionService
    access: AccessReportService
    conflicts: ConflictDecisionService
    statistics: StatisticsService
    report_definitions: ReportDefinitionService
    exports: ExportService
    corrections: CorrectionService
    history: HistoryService
    referrals: ReferralService
    merges: ClientMergeService
    reference_editor: ReferenceEditor

    @classmethod
    def over(cls, ws: Workspace) -> AppSession:
        return cls(
            ws=ws,
            users=UserService(ws),
            maintenance=MaintenanceService(ws),
            clients=ClientService(ws),
            cases=CaseService(ws),
            records=CaseRecordService(ws),
            campaigns=CampaignService(ws),
            agenda=AgendaService(ws),
            search=SearchService(ws),
            reports=ReportService(ws),
            audit=AuditService(ws),
            sync=SyncService(ws),
            retention=RetentionService(ws),
            access=AccessReportService(ws),
            conflicts=ConflictDecisionService(ws),
            statistics=StatisticsService(ws),
            report_definitions=ReportDefinitionService(ws),
            exports=ExportService(ws),
            corrections=CorrectionService(ws),
            history=HistoryService(ws),
            referrals=ReferralService(ws),
            merges=ClientMergeService(ws),
            reference_editor=ReferenceEditor(ws),
        )

    @property
    def actor(self) -> Actor:
        return self.ws.actor

    def reference(self) -> ReferenceCatalog:
        """The reference data (legal areas, regions, ...) as stored in this store."""
        return self.ws.catalog()

    def center_name(self) -> str:
        """The name of this installation's center (shown on the login window next time)."""
        return self.ws.center_name()

    @property
    def donor(self) -> DonorReportService:
        """The donor report (PDF and XLSX of anonymized figures, over :attr:`statistics`)."""
        return DonorReportService(self.ws, self.statistics)

    @property
    def imports(self) -> ClientImportService:
        """Clients and their cases from a spreadsheet (docs/import.md)."""
        return ClientImportService(self.ws)

    @property
    def roster(self) -> RosterService:
        """The people of the network this node knows (the case list's lawyer filter)."""
        return RosterService(self.ws)

    def close(self) -> None:
        self.ws.close()


def create(
    data_dir: Path,
    *,
    node_code: str,
    node_name: str,
    hq: bool,
    admin_username: str,
    admin_full_name: str,
    admin_password: str,
    kdf: KdfParams | None = None,
) -> tuple[AppSession, str]:
    """Create a store; returns the administrator's session and the recovery key."""
    new = auth.init_store(
        data_dir,
        node_code=node_code,
        node_name=node_name,
        hq=hq,
        admin_username=admin_username,
        admin_full_name=admin_full_name,
        admin_password=admin_password,
        kdf=kdf,
    )
    return AppSession.over(new.workspace), new.recovery_key


def login(
    data_dir: Path, username: str, password: str, *, sleep: Callable[[float], None] = time.sleep
) -> AppSession:
    return AppSession.over(auth.login(data_dir, username, password, sleep=sleep))


def recover(data_dir: Path, recovery_key: str) -> AppSession:
    return AppSession.over(auth.login_with_recovery(data_dir, recovery_key))


def known_usernames(data_dir: Path) -> list[str]:
    return auth.known_usernames(data_dir)
