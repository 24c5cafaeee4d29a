"""Realistic demonstration data for one center: clients, cases, consultations and the rest.

Development tooling, not a use case of the program: it backs ``legalaid demo``, ``make run``,
the screenshots and the benchmarks. :func:`generate_demo` takes a logged-in
:class:`~legalaid_desktop.services.workspace.Workspace` and fills its store with made-up but
plausible records for this node (``ws.node_code``), for trying the program, training staff and
measuring speed at HQ scale (DESIGN.md §9: 100,000 clients, about 150,000 cases and 500,000
consultations).

What the data looks like:

* Clients with Azerbaijani names and patronymics (``Əliyeva Aynur İsmayıl qızı``); about 8 % are
  written in Russian Cyrillic (``Алиев Рашад Исмаил оглы``) and a few in ASCII (``Aliyev Rashad``).
  More women than men; birth years 1940-2007, mostly of working age; regions around the center;
  about 10 % displaced by the Karabakh war; some with a disability; mobile numbers
  ``+994 50 123 45 67``; how they heard of the center; written consent for every client.
* About 1.5 cases per client, with the legal-area mix of real Azerbaijani legal-aid centers (bank
  loans first, then property, family, labour, social protection, ...), about 5 % anti-corruption
  (ALAC) complaints with their sector, conduct and institution. Case numbers follow the opening
  dates (``GNJ-2025-0001`` is the first case opened in 2025), continue after the numbers already
  used in the store, and the case counters are moved past them.
* Three years of a center's life (:mod:`.rhythm`): cases open on working days only (no
  weekends or public holidays), fewer in August, around Novruz and the New Year, more in autumn;
  the flow grows by half over the three years, and a center in a smaller town opened later and
  starts small (Baku and Ganja: three years, Imishli: sixteen months). Someone walked in on the
  last working day.
* A case's life is planned when it opens: about 3.3 consultations weeks apart (months for the
  one in eight that goes to court), closed a few days after the last. What lies after today has
  not happened yet, so a case still running is open or pending, its next planned consultation is
  its follow-up (in the coming weeks), and the consultations after today are not there: cases
  last from days to months, most are closed with an outcome (ALAC complaints often with the
  citizen's satisfaction), about one in ten is open, and no consultation lies before its case
  opened, after it closed, or in the future. Follow-ups are mostly met by the next consultation;
  a few are behind (overdue). Parties (banks, employers, public bodies, former spouses),
  deadlines (some done, some coming, a few overdue) and two or three advocacy campaigns linked
  to some cases.

Determinism: the content (names, codes, dates, texts, case numbers) depends only on ``seed``, on
the store (its node, its users, the case numbers it already has) and on the *base date*, which is
today's date in Baku (:func:`legalaid_desktop.i18n.dates.today`) when the generation starts:
every date is a number of days before or after it. The same seed on the same store on the same
day gives the same data. Record ids (UUIDv7) and clock stamps carry the real time, as every row
made on this node does, so they differ from run to run.

Speed: everything is written inside ONE write transaction (the workspace's
:meth:`~legalaid_desktop.services.workspace.Workspace.bulk_write`: with a rollback journal
instead of the WAL, so that the new pages are written once, not to the WAL and then again into
the database), in batches of :data:`~.feed.CLIENT_BATCH` clients. The rows and their
search-index entries are made by :func:`.feed.make_batches`, which needs no store: from
:data:`~.run.PARALLEL_FROM` clients on a machine with more than one core it runs in a second
process (:mod:`.process_feed`) while this one writes the previous batch, so the Python half of
the work and SQLite's half run at once. Rows are prepared as tuples in column order, with their
clock stamps, outbox (``change_log``) entries and JSON columns already encoded, and go in with
the DB-API's ``executemany`` on the session's connection (:mod:`.rows`). Secondary indexes are
dropped for the load and made again at the end
(:func:`legalaid_desktop.store.bulk_load.indexes_rebuilt_after`); the page cache is
:data:`~.run._BULK_CACHE_KIB` meanwhile. There is one audit event (``demo_generated``, with the
counts) for the whole run, and the full-text index is rebuilt around the load, in the same
transaction (:func:`legalaid_desktop.search.index.bulk_rebuild`): the records already in the
store are read back, the new ones are indexed from their entries batch by batch (not read back
from the store), and FTS5 indexes all entries at the end, in one segment when its term table
(:data:`~.run._BULK_FTS_HASHSIZE`) holds them all. If ``cancelled()`` returns true after a
batch, the transaction is rolled back: the store is left exactly as it was (apart from demo lawyer
accounts created before the data, see :func:`generate_demo`); so it is if the process is killed
(the journal is played back at the next open). ``bench/bench_demo.py`` measures a run at HQ
scale: about 97 s for 100,000 clients on a 2-core machine.

Only into a new or demo store: the generator refuses (:class:`NotADemoStore`) a store that has
clients it did not make (more client rows than its ``demo_generated`` audit events count), so
demo data is never mixed with real records. That is also why the ``legalaid demo`` command may
open its connections without SQLCipher's memory security
(:func:`legalaid_desktop.store.bulk_load.without_memory_security`): it writes synthetic
data only, 6-25 times faster; every other code path keeps memory security ON.

The names, places and texts the data is made of are in ``resources/demo/*.json`` (see
:class:`.pools.Pools`); the code here only decides how they combine.

The modules: :mod:`.run` (a run: checks, transaction, summary), :mod:`.feed` (batches of rows
and index entries), :mod:`.generator` and :mod:`.cases` (the rows), :mod:`.rows` (row tuples,
ids, stamps, the insert), :mod:`.chance` (weighted choices, distributions), :mod:`.pools` (names,
places, texts), :mod:`.process_feed` (items made in a second process).
"""

from __future__ import annotations

from legalaid_desktop.devtools.demo.run import (
    DEMO_LAWYERS,
    MAX_CLIENTS,
    DemoSummary,
    generate_demo,
)
from legalaid_desktop.store.bulk_load import without_memory_security

__all__ = ["DEMO_LAWYERS", "MAX_CLIENTS", "DemoSummary", "generate_demo", "without_memory_security"]
