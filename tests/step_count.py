"""Counting the work a call does in steps, not seconds, so that a loaded machine cannot make a
test fail (the house rule: no timed asserts).

:func:`count_steps` runs a call under :func:`sys.settrace` and counts the Python lines it runs
and the Python functions it enters, by name, in the application's own code
(``legalaid_desktop``), with garbage collection paused so that nothing else runs in between.
Work done in C (a regular expression, ``bytes`` methods, ``zlib``) is not counted: a test
compares the steps for a small and a huge input, so a Python loop (or recursion) over the
input's size shows as steps that grow with it.
"""

from __future__ import annotations

import gc
import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

_PACKAGE = os.sep + "legalaid_desktop" + os.sep


@dataclass
class Steps:
    """What a call did: Python lines run, functions entered (by name), what it raised."""

    lines: int = 0
    calls: Counter[str] = field(default_factory=Counter)
    raised: BaseException | None = None


def count_steps(call: Callable[[], Any]) -> Steps:
    """Run ``call`` (an exception it raises is kept in ``raised``) and count its steps."""
    steps = Steps()

    def local(_frame: FrameType, event: str, _arg: Any) -> Any:
        if event == "line":
            steps.lines += 1
        return local

    def on_call(frame: FrameType, _event: str, _arg: Any) -> Any:
        if _PACKAGE not in frame.f_code.co_filename:
            return None  # the test's own code, the standard library, a GC callback
        steps.calls[frame.f_code.co_name] += 1
        return local

    collecting = gc.isenabled()
    gc.disable()  # no garbage collection (and no callback of it) in the middle of the count
    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        call()
    except Exception as exc:
        steps.raised = exc
    finally:
        sys.settrace(previous)
        if collecting:
            gc.enable()
    return steps
