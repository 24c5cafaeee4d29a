"""Removing the copies a print server keeps of our print jobs (CUPS: Linux and macOS).

A print job is a document handed to the system's print service. CUPS (Linux, macOS) copies it
into its spool folder (``/var/spool/cups/d<job>-001``, readable by root and the ``lp`` group)
and by default *keeps* it for a day after it was printed (``PreserveJobFiles 86400`` in
``cupsd.conf``), so that a case summary or the recovery-key sheet stays readable there.

CUPS has no per-job option to not keep the files: ``PreserveJobFiles`` is a server-wide setting
(the scheduler computes every job's expiry from it alone), and the IPP attribute
``job-retain-until`` (PWG 5100.7) is not implemented by the CUPS 2.x scheduler: CUPS 2.4.2 keeps
a job sent with ``job-retain-until=none`` all the same, whether by ``lp -o`` or through Qt's
private ``PPK_CupsOptions`` engine property (key ``0xfe00``, which PySide6 can set through
``QPrintEngine.setProperty``; Qt appends those options to its ``cupsPrintFile`` call). What CUPS
does let the owner of a job do is *purge* it: a Cancel-Job request with ``purge-job`` = true,
which the scheduler accepts for a finished job too and which deletes its files
(``cupsCancelJob2`` with ``purge`` = 1; the ``cancel -x`` command sends ``purge-jobs`` instead,
which a single job ignores). Qt hands the job to CUPS and does not return its id, so every job
this application prints carries a title that starts with :data:`JOB_TITLE_PREFIX`, and
:class:`SpoolPurger` purges each of the user's jobs with that title as soon as it has finished
(completed, cancelled or aborted). It keeps watching while the application runs; a job that
finishes after the application quit is purged by the sweep at the next start
(:func:`sweep_in_background`).

Where libcups is not there (Windows), this module does nothing: the Windows spooler deletes its
spool file when the job ends unless the printer is set to keep printed documents (an
administrator's setting this program cannot override). See docs/store-security.md, "Printing".
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

JOB_TITLE_PREFIX = "LegalAid Desktop: "
POLL_SECONDS = 2.0
WATCH_HOURS = 12  # a job held longer than this (a printer off for the night) is left to CUPS

_WHICHJOBS_ALL = -1
_FINISHED = (7, 8, 9)  # IPP job-state: canceled, aborted, completed
_IPP_OK_MAX = 0x00FF


def job_title(name: str) -> str:
    """The title of a print job of this application (how the purger recognises its jobs)."""
    return JOB_TITLE_PREFIX + name


class _CupsJob(ctypes.Structure):
    """``cups_job_t`` of ``<cups/cups.h>`` (CUPS 1.x to 2.x)."""

    _fields_ = [
        ("id", ctypes.c_int),
        ("dest", ctypes.c_char_p),
        ("title", ctypes.c_char_p),
        ("user", ctypes.c_char_p),
        ("format", ctypes.c_char_p),
        ("state", ctypes.c_int),
        ("size", ctypes.c_int),
        ("priority", ctypes.c_int),
        ("completed_time", ctypes.c_long),
        ("creation_time", ctypes.c_long),
        ("processing_time", ctypes.c_long),
    ]


@dataclass(frozen=True)
class Job:
    """One of the user's print jobs, as CUPS lists it."""

    id: int
    dest: str
    title: str
    state: int

    @property
    def finished(self) -> bool:
        return self.state in _FINISHED


class Cups:
    """The few libcups calls needed, through ctypes (no build step, nothing on Windows).

    Each thread talks to the server on its own connection (libcups keeps one per thread).
    """

    def __init__(self, library: ctypes.CDLL) -> None:
        self._lib = library
        library.cupsGetJobs2.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.POINTER(_CupsJob)),
            ctypes.c_char_p,
            ctypes.c_int,
            ctypes.c_int,
        ]
        library.cupsGetJobs2.restype = ctypes.c_int
        library.cupsFreeJobs.argtypes = [ctypes.c_int, ctypes.POINTER(_CupsJob)]
        library.cupsFreeJobs.restype = None
        library.cupsCancelJob2.argtypes = [
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_int,
            ctypes.c_int,
        ]
        library.cupsCancelJob2.restype = ctypes.c_int
        library.cupsLastErrorString.restype = ctypes.c_char_p

    @classmethod
    def load(cls) -> Cups | None:
        """libcups if this machine has it, else ``None``."""
        name = ctypes.util.find_library("cups")
        if not name:
            return None
        try:
            return cls(ctypes.CDLL(name))
        except (OSError, AttributeError):
            return None

    def my_jobs(self) -> list[Job]:
        """The current user's jobs on every destination, finished ones included."""
        pointer = ctypes.POINTER(_CupsJob)()
        count = self._lib.cupsGetJobs2(None, ctypes.byref(pointer), None, 1, _WHICHJOBS_ALL)
        if count <= 0 or not pointer:
            return []
        try:
            return [
                Job(
                    id=pointer[i].id,
                    dest=_text(pointer[i].dest),
                    title=_text(pointer[i].title),
                    state=pointer[i].state,
                )
                for i in range(count)
            ]
        finally:
            self._lib.cupsFreeJobs(count, pointer)

    def purge(self, job: Job) -> bool:
        """Delete the job and its files from the server (it must be finished, or it is stopped)."""
        status = self._lib.cupsCancelJob2(None, job.dest.encode(), job.id, 1)
        if status > _IPP_OK_MAX:
            message = self._lib.cupsLastErrorString() or b""
            log.warning("print job %d not purged: %s", job.id, message.decode(errors="replace"))
            return False
        return True


def _text(value: bytes | None) -> str:
    return value.decode("utf-8", errors="replace") if value else ""


def ours(job: Job) -> bool:
    return job.title.startswith(JOB_TITLE_PREFIX)


class SpoolPurger:
    """Purges this application's finished print jobs, watching in a background thread while
    any of them is still waiting or printing.

    Args:
        cups: libcups (``None``: nothing to do on this platform).
        poll_seconds: How often the server is asked while a job is not finished.
        watch_seconds: How long a job that does not finish is watched before giving up.
        clock, sleep: For tests (no timed asserts: a test injects ``sleep``).
    """

    def __init__(
        self,
        cups: Cups | None,
        *,
        poll_seconds: float = POLL_SECONDS,
        watch_seconds: float = WATCH_HOURS * 3600,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.cups = cups
        self.poll_seconds = poll_seconds
        self.watch_seconds = watch_seconds
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._until = 0.0
        self._again = False
        self.purged: list[int] = []

    def sweep(self) -> bool:
        """Purge every finished job of ours now; ``True`` if some of ours are still unfinished."""
        if self.cups is None:
            return False
        waiting = False
        for job in self.cups.my_jobs():
            if not ours(job):
                continue
            if job.finished:
                if self.cups.purge(job):
                    self.purged.append(job.id)
            else:
                waiting = True
        return waiting

    def watch(self) -> None:
        """After a job was handed to the print service: purge it once it has finished."""
        if self.cups is None:
            return
        with self._lock:
            self._until = self._clock() + self.watch_seconds
            self._again = True
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="print-spool", daemon=True)
                self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until nothing is watched any more (tests); ``True`` if so."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _run(self) -> None:
        while True:
            with self._lock:
                self._again = False
            try:
                waiting = self.sweep()
            except Exception:  # the print service went away: nothing more to do here
                log.warning("the print service could not be asked about print jobs", exc_info=True)
                waiting = False
            with self._lock:
                if not self._again and (not waiting or self._clock() > self._until):
                    self._thread = None
                    return
            self._sleep(self.poll_seconds)


_purger: SpoolPurger | None = None
_purger_lock = threading.Lock()


def spool_purger() -> SpoolPurger:
    """The application's purger (libcups loaded once)."""
    global _purger
    with _purger_lock:
        if _purger is None:
            _purger = SpoolPurger(Cups.load())
        return _purger


def sweep_in_background() -> None:
    """At start: purge our jobs that finished after the application last quit."""
    purger = spool_purger()
    if purger.cups is not None:
        purger.watch()
