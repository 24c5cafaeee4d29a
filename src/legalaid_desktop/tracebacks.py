"""Tracebacks without messages: the GUI's "Details" and "Copy details", the CLI's last resort.

A traceback's last line is the exception's message, and a message may quote data: a database
error quotes the failed statement, a ``KeyError`` the key, a ``ValueError`` the value, and a
validation error what was typed. What the user copies into a bug report must hold none of it,
so the text made here keeps where the error happened (files, lines, functions and the source
line of each frame: the program's code, not its data) and the type of each exception in the
chain, and leaves every message out. The command line prints one line for an unexpected
error, and this traceback only when ``LEGALAID_DEBUG`` is set (see ``cli/main.py``).
"""

from __future__ import annotations

import traceback

from legalaid_desktop.i18n import _

_HEADER = "Traceback (most recent call last):\n"
_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def _type_name(exc: BaseException) -> str:
    kind = type(exc)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def redacted_traceback(exc: BaseException) -> str:
    """``exc``'s traceback and those of its causes, with exception types but no messages."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    link = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, _CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, _CONTEXT
        else:
            current = None
    parts: list[str] = []
    for item, following in reversed(chain):
        if item.__traceback__ is not None:
            parts.append(_HEADER)
            parts.extend(traceback.format_tb(item.__traceback__))
        parts.append(_type_name(item) + "\n")
        parts.append(following)
    parts.append(_("(The error messages are left out: they may quote client data.)") + "\n")
    return "".join(parts)
