"""The error hierarchy. Every error's message is written for the person using the program.

Front ends show ``str(error)``; the CLI maps each family to an exit code (DESIGN.md §7):
:class:`AuthenticationError` → 3, :class:`InputRejected` and :class:`BundleRejected` (a
:class:`SyncError`) → 4, :class:`PermissionDenied` → 5, everything else → 1.
"""

from __future__ import annotations


class LegalAidError(Exception):
    """Something went wrong."""

    exit_code = 1

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or (self.__doc__ or "").strip())

    @property
    def message(self) -> str:
        return str(self)


class AuthenticationError(LegalAidError):
    """The user name or password is wrong."""

    exit_code = 3


class PermissionDenied(LegalAidError):
    """Your role does not allow this action.

    Not an :class:`AuthenticationError`: the user is who they say, their role does not allow
    it. The message names the role that would (services write it; see ``Workspace.refuse``).
    """

    exit_code = 5


class InputRejected(LegalAidError):
    """The input was rejected."""

    exit_code = 4


class ValidationError(InputRejected):
    """A value is not valid. ``field`` names the offending field when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class UserChangeRefused(InputRejected):
    """This change to a user account is not allowed (for example, revoking the last
    administrator, or one's own account)."""


class NotFound(InputRejected):
    """The record does not exist."""


class NotADemoStore(InputRejected):
    """Demo data can only be added to a new store or to a store that holds only demo data."""


class ProcessingWithdrawn(InputRejected):
    """The client withdrew consent to store and process their data: their records can be read
    but no longer changed."""


class StoreError(LegalAidError):
    """The data store could not be used."""


class StoreNotFound(StoreError):
    """No data store exists here yet. Run `legalaid init` first."""


class StoreAlreadyExists(StoreError):
    """A data store already exists here."""


class StoreLocked(StoreError):
    """The data store is busy in another program. Try again in a moment."""


class StoreCorrupted(StoreError):
    """The data store failed its integrity check."""


class StoreRolledBack(StoreError):
    """The data store is older than its key file: it may have been replaced by an old copy."""


class StoreDiskFull(StoreError):
    """The disk is full; nothing was changed."""


class StoreReadOnly(StoreError):
    """The data folder is read-only; nothing was changed."""


class StoreIOError(StoreError):
    """The disk reported a read or write error; nothing was changed."""


# --- Backups to a folder outside the data folder, and restores (store/backup_file.py) ---------


class BackupRejected(InputRejected):
    """This file is not a LegalAid backup, or it is damaged or altered: nothing was restored."""


class BackupNoSpace(StoreDiskFull):
    """There is not enough space for the backup; nothing of it was left."""


class BackupCancelled(LegalAidError):
    """The backup was cancelled; nothing of it was left."""


class RestoreTargetTaken(InputRejected):
    """A data store already exists in the target folder; nothing was restored."""


class ExportAfterRestore(InputRejected):
    """This data store was restored from a backup: import the peer's latest bundle first."""


class VaultError(StoreError):
    """The key file could not be used."""


class VaultTampered(VaultError):
    """The key file has been altered and is refused."""


class BackgroundWorkFailed(LegalAidError):
    """A helper process stopped before finishing its work."""


class SyncError(LegalAidError):
    """The sync bundle could not be processed."""


class BundleRejected(SyncError):
    """The bundle was rejected.

    A sync error (``except SyncError`` sees it) that exits with 4, "input rejected", like
    :class:`InputRejected`: the bundle is the input the person gave.
    """

    exit_code = InputRejected.exit_code


class FontNotFound(LegalAidError):
    """No font that can print Azerbaijani and Russian letters was found."""


# --- Sync bundle rejections (sync/strictjson.py, sync/keys.py, sync/container/) -------------------


class NotABundle(BundleRejected):
    """This file is not a LegalAid sync bundle."""


class BundleVersionUnsupported(BundleRejected):
    """This bundle uses a format this version of LegalAid cannot read."""


class BundleTooNew(BundleVersionUnsupported):
    """This bundle was made by a newer version of LegalAid. Upgrade the app to import it."""


class BundleMalformed(BundleRejected):
    """The bundle is malformed."""


class InvalidJSON(BundleMalformed):
    """The data is not valid strict JSON."""


class TooManyRecipients(BundleMalformed):
    """The bundle names too many recipients."""


class KeysRejected(BundleRejected):
    """The node keys are not valid."""


class UnknownSender(BundleRejected):
    """The bundle comes from a node that is not enrolled here."""


class BundleDamaged(BundleRejected):
    """The bundle is damaged or truncated."""


class BundleNotAddressed(BundleRejected):
    """The bundle is not addressed to this node."""


class SenderMismatch(BundleRejected):
    """The contents of the bundle were not written by the node that sent it."""


class ManifestInvalid(BundleRejected):
    """The list of contents inside the bundle does not match what the bundle holds."""


class BundleTooLarge(BundleRejected):
    """The bundle is larger than allowed."""


class PartTooLarge(BundleTooLarge):
    """A part of the bundle is larger than allowed."""


# --- Enrollment, import and merge (sync/enrollment.py, sync/inbound.py, services/sync/) ------


class AlreadyImported(SyncError):
    """This bundle was already imported. Nothing was changed."""

    exit_code = 0


class ChannelViolation(BundleRejected):
    """The bundle does not continue its sender's sequence (an old copy or a fork); refused."""


class BundleContentInvalid(BundleRejected):
    """The records inside the bundle are not valid; nothing was imported."""


class OwnershipViolation(BundleContentInvalid):
    """The bundle changes records its sender does not own; nothing was imported."""


class NotEnrolled(SyncError):
    """This node is not enrolled for sync yet."""


class EnrollmentRejected(InputRejected):
    """The enrollment file is not valid."""


class FingerprintNotConfirmed(InputRejected):
    """Compare the fingerprint with the other side by phone, then run again with --fingerprint."""


# --- Reports (reports/pdf.py) ------------------------------------------------------------------


class ReportCancelled(LegalAidError):
    """Printing was cancelled. No file was written."""


class ReportNotSaved(LegalAidError):
    """The PDF could not be saved."""


class ReportLayoutFailed(LegalAidError):
    """The PDF could not be laid out: a text in this record is too long to print."""


class StoreKeyChanged(StoreError):
    """The database key was changed by another program (a user was revoked). Log in again."""


# --- Importing clients from a spreadsheet (spreadsheet_import/, services/client_import.py) ------


class SpreadsheetRejected(InputRejected):
    """The spreadsheet could not be read."""


class MappingRejected(InputRejected):
    """The mapping file is not valid."""


class ImportProblems(InputRejected):
    """Some rows of the spreadsheet have problems: nothing was imported.

    ``report`` holds the rows and their problems (a
    :class:`~legalaid_desktop.services.client_import.ImportReport`).
    """

    def __init__(self, message: str | None = None, report: object = None) -> None:
        super().__init__(message)
        self.report = report


class DuplicatesUndecided(InputRejected):
    """Some rows may be clients already in the store: decide for each whether to merge, keep
    both or skip. Nothing was imported.

    ``report`` lists the rows and their likely duplicates.
    """

    def __init__(self, message: str | None = None, report: object = None) -> None:
        super().__init__(message)
        self.report = report


class ImportCancelled(LegalAidError):
    """The import was cancelled. Nothing was imported."""
