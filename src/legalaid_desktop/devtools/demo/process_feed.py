"""Items made by a function in a second process and used, one by one, in this one.

The demo generator's work is half Python (random choices, strings, folding names for the
search index) and half SQLite (inserting, indexing). Python threads cannot share that: the
inserting thread gives up the interpreter lock for every row and then waits for it. So
:func:`feed` runs the Python half, ``make(arg)``, in a fresh interpreter (the ``spawn`` start
method: safe in a program with threads, the same on every platform) and hands its items over a
pipe, while this process writes the previous ones. The pipe holds little, so the other process
is at most about one item ahead: memory stays bounded.

``make`` must be a module-level function and ``arg`` and the items picklable. An exception in
the other process is raised again here (the same exception, when it can be pickled); if that
process dies, :class:`BackgroundWorkFailed` says so. Leaving the ``with`` block early (a
cancellation, an error here) stops the other process.

With ``in_process=True`` the same items come from ``make(arg)`` called here: for small jobs,
where starting an interpreter (about half a second) would cost more than it saves, and as the
reference the tests compare the second process with.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from legalaid_desktop.domain.errors import BackgroundWorkFailed
from legalaid_desktop.i18n import _

__all__ = ["feed"]

A = TypeVar("A")
T = TypeVar("T")

_ITEM = "item"
_END = "end"
_ERROR = "error"
_STOP_SECONDS = 5.0


def _serve(make: Callable[[Any], Iterable[Any]], arg: Any, conn: Connection) -> None:
    """The other process: send every item of ``make(arg)``, then the end or the exception."""
    try:
        for item in make(arg):
            conn.send((_ITEM, item))
        conn.send((_END, None))
    except BaseException as exc:
        message: BaseException | str = exc
        try:
            pickle.loads(pickle.dumps(exc))  # can it be made again over there?
        except Exception:
            message = "".join(traceback.format_exception_only(exc)).strip()
        with contextlib.suppress(Exception):  # the parent may be gone
            conn.send((_ERROR, message))
    finally:
        conn.close()


def _receive(conn: Connection, process: Any) -> Iterator[Any]:
    while True:
        try:
            kind, value = conn.recv()
        except EOFError:
            process.join(_STOP_SECONDS)
            raise BackgroundWorkFailed(
                _("A helper process stopped unexpectedly (exit code {code}).").format(
                    code=process.exitcode
                )
            ) from None
        except Exception as exc:  # what it sent cannot be read back here
            raise BackgroundWorkFailed(
                _("A helper process failed: {detail}").format(detail=exc)
            ) from exc
        if kind == _ITEM:
            yield value
        elif kind == _END:
            return
        elif isinstance(value, BaseException):
            raise value
        else:
            raise BackgroundWorkFailed(_("A helper process failed: {detail}").format(detail=value))


@contextmanager
def feed(
    make: Callable[[A], Iterable[T]], arg: A, *, in_process: bool = False
) -> Iterator[Iterator[T]]:
    """The items of ``make(arg)``, made in another process (see the module docstring).

    Args:
        make: A module-level function returning an iterable of picklable items.
        arg: Its argument (picklable).
        in_process: Call ``make`` here instead.

    Yields:
        An iterator over the items, in order.

    Raises:
        BackgroundWorkFailed: The other process died, or raised an exception that cannot be
            sent back as it is.
    """
    if in_process:
        yield iter(make(arg))
        return
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_serve, args=(make, arg, sender), name="legalaid-feed", daemon=True
    )
    process.start()
    sender.close()  # only the child writes: its end of the pipe closes when it exits
    try:
        yield _receive(receiver, process)
    finally:
        # Closing our end makes a sending child fail and exit; one that hangs is stopped.
        receiver.close()
        process.join(_STOP_SECONDS)
        if process.is_alive():
            process.terminate()
            process.join(_STOP_SECONDS)
