"""Strict JSON for everything that crosses a trust boundary (DESIGN.md §6).

Python's :mod:`json` is lenient in ways that matter for signed, hostile input: it keeps the
*last* of two duplicate keys, accepts ``NaN`` and ``Infinity``, turns ``1e400`` into ``inf``,
accepts ``"\\ud800"`` (a lone surrogate that cannot be stored as UTF-8), and recurses once per
nesting level until it raises :class:`RecursionError`. :func:`loads` refuses all of these with an
:class:`~legalaid_desktop.domain.errors.InvalidJSON` (a ``BundleRejected``) and a message saying
why, and checks the nesting depth with a linear scan *before* the parser recurses.

:func:`dumps` writes the one canonical form used for everything that is signed: keys sorted by
code point, no whitespace, non-ASCII written as UTF-8 (not ``\\u`` escapes), integers within the
signed 64-bit range, finite floats only. ``loads(data, canonical=True)`` additionally demands
that ``data`` is exactly ``dumps(loads(data))``, so one value has exactly one signed spelling.
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate
from typing import Any

from legalaid_desktop.domain.errors import InvalidJSON
from legalaid_desktop.i18n import _

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_SIZE",
    "INT_MAX",
    "INT_MIN",
    "dumps",
    "loads",
    "loads_lines",
]

DEFAULT_MAX_DEPTH = 32
"""Deepest nesting of arrays and objects that :func:`loads` accepts by default."""

DEFAULT_MAX_SIZE = 16 * 1024 * 1024
"""Largest document, in bytes, that :func:`loads` accepts by default (16 MiB)."""

INT_MAX = 2**63 - 1
"""Largest integer accepted (signed 64-bit, what SQLite stores)."""

INT_MIN = -(2**63)
"""Smallest integer accepted."""

_MAX_INT_DIGITS = 19  # len(str(2**63 - 1)); anything longer is refused before int() runs
_BOM = b"\xef\xbb\xbf"

# A complete string, or an unterminated one running to the end of the text (which the parser
# will refuse). The pattern cannot fail once it has matched the opening quote and its possessive
# quantifiers never backtrack, so removing every string is one linear pass.
_STRINGS = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_TO_SQUARE = bytes.maketrans(b"{}", b"[]")
_DEPTH_STEP = [0] * 256
_DEPTH_STEP[ord("[")] = 1
_DEPTH_STEP[ord("]")] = -1
# Maps every digit to "0" and every other byte to a space, to find runs of digits quickly.
_DIGITS_TO_ZERO = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_DIGIT_RUN = b"0" * _MAX_INT_DIGITS


def _reject(message: str) -> InvalidJSON:
    return InvalidJSON(_("Invalid data: {reason}").format(reason=message))


def _parse_constant(name: str) -> Any:
    raise _reject(_("the value {name} is not allowed").format(name=name))


def _parse_int(literal: str) -> int:
    digits = len(literal) - (1 if literal.startswith("-") else 0)
    if digits > _MAX_INT_DIGITS:
        raise _reject(
            _("an integer has {n} digits; at most {limit} are allowed").format(
                n=digits, limit=_MAX_INT_DIGITS
            )
        )
    value = int(literal)
    if not INT_MIN <= value <= INT_MAX:
        raise _reject(_("the integer {value} is out of range").format(value=literal))
    return value


def _parse_float(literal: str) -> float:
    if len(literal) > 64:
        raise _reject(_("a number is written with more than 64 characters"))
    value = float(literal)
    if not math.isfinite(value):
        raise _reject(_("the number {value} is out of range").format(value=literal))
    return value


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                # Shortened: a key can be as long as the document, and the message is one line.
                shown = key if len(key) <= 40 else key[:37] + "..."
                raise _reject(_("the key {key!r} appears twice in one object").format(key=shown))
            seen.add(key)
    return result


_DECODER = json.JSONDecoder(
    object_pairs_hook=_object_pairs,
    parse_float=_parse_float,
    parse_constant=_parse_constant,
    strict=True,
)
"""For documents with no run of 19 digits: every integer in them is within range."""

_CHECKED_INT_DECODER = json.JSONDecoder(
    object_pairs_hook=_object_pairs,
    parse_float=_parse_float,
    parse_int=_parse_int,
    parse_constant=_parse_constant,
    strict=True,
)
"""For the rest: each integer's digits are counted before ``int()`` sees them."""


def _check_depth(text: str, max_depth: int) -> None:
    """Refuse ``text`` if its arrays and objects nest deeper than ``max_depth``.

    This runs before the parser so that the parser never recurses deeper than ``max_depth``. It
    works in C-speed passes, never by recursion: strings are removed, every other character but
    the brackets is deleted, and innermost ``[]`` pairs are removed at most ``max_depth`` times; a
    balanced text no deeper than ``max_depth`` is then empty. Anything left (too deep, or
    unbalanced) is measured exactly with a running sum. Unbalanced brackets are left for the
    parser to report.
    """
    if text.count("[") + text.count("{") <= max_depth:
        return
    brackets = _STRINGS.sub("", text).encode("utf-8").translate(_TO_SQUARE, _NOT_BRACKETS)
    rest = brackets
    for _level in range(max_depth):
        shorter = rest.replace(b"[]", b"")
        if len(shorter) == len(rest):
            break
        rest = shorter
    if not rest:
        return
    if max(accumulate(map(_DEPTH_STEP.__getitem__, brackets))) > max_depth:
        raise _reject(
            _("arrays and objects are nested more than {limit} levels deep").format(limit=max_depth)
        )


def _check_strings(value: Any) -> None:
    """Walk ``value`` without recursion, refusing lone surrogates in keys and strings.

    Lone surrogates come from escapes such as ``\\ud800``; they cannot be written as UTF-8.
    """
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise _reject(
                    _("a string contains a lone surrogate escape (such as \\ud800)")
                ) from None


def loads(
    data: bytes | bytearray | memoryview,
    *,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_size: int = DEFAULT_MAX_SIZE,
    canonical: bool = False,
) -> Any:
    """Parse one strict JSON document.

    Args:
        data: The document as UTF-8 bytes (no byte order mark).
        max_depth: The deepest nesting of arrays and objects allowed (``[]`` is depth 1).
        max_size: The largest document allowed, in bytes.
        canonical: Also require ``data`` to be exactly what :func:`dumps` writes for the value.

    Returns:
        The value: ``dict`` (string keys), ``list``, ``str``, ``int``, ``float``, ``bool`` or
        ``None``.

    Raises:
        InvalidJSON: ``data`` is too large, not UTF-8, starts with a byte order mark, is not JSON,
            has trailing data, nests too deeply, repeats a key within one object, holds ``NaN``,
            ``Infinity``, a number out of range or an integer outside the signed 64-bit range, a
            lone surrogate, or (with ``canonical``) is not in canonical form.
        TypeError: ``data`` is not bytes-like.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    raw = bytes(data)
    if len(raw) > max_size:
        raise _reject(
            _("the document is {size} bytes; at most {limit} are allowed").format(
                size=len(raw), limit=max_size
            )
        )
    if raw.startswith(_BOM):
        raise _reject(_("the document starts with a byte order mark"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _reject(
            _("the document is not valid UTF-8 (at byte {pos})").format(pos=error.start)
        ) from None
    _check_depth(text, max_depth)
    # Only a document with a run of 19 digits can hold an integer out of range; only those pay
    # for a Python call per integer.
    long_digits = _LONG_DIGIT_RUN in raw.translate(_DIGITS_TO_ZERO)
    decoder = _CHECKED_INT_DECODER if long_digits else _DECODER
    try:
        value = decoder.decode(text)
    except json.JSONDecodeError as error:
        raise _reject(
            _("{problem} (line {line}, column {column})").format(
                problem=error.msg, line=error.lineno, column=error.colno
            )
        ) from None
    except RecursionError:  # pragma: no cover - _check_depth runs first
        raise _reject(_("arrays and objects are nested too deeply")) from None
    # Strict UTF-8 decoding refuses encoded surrogates: only an escape can make a lone one.
    if "\\u" in text:
        _check_strings(value)
    if canonical:
        try:
            again = dumps(value, max_depth=max_depth)
        except ValueError as error:  # pragma: no cover - loads already refused these values
            raise _reject(str(error)) from None
        if again != raw:
            raise _reject(_("the document is not in canonical form"))
    return value


def loads_lines(
    data: bytes | bytearray | memoryview,
    *,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_size: int = DEFAULT_MAX_SIZE,
    max_lines: int | None = None,
) -> list[Any]:
    """Parse JSON Lines strictly: one JSON value per line, every line ended by ``\\n``.

    The same rules as :func:`loads` apply to every value (duplicate keys, ``NaN``, huge numbers,
    lone surrogates, nesting). A line must hold exactly one value and nothing else: no blank
    lines, no whitespace around the value, no carriage returns. Parsing is linear in the size of
    ``data``: each value is read where the previous one ended.

    Args:
        data: The document as UTF-8 bytes (no byte order mark); empty for no values.
        max_depth: The deepest nesting allowed within one value.
        max_size: The largest document allowed, in bytes.
        max_lines: The most values allowed, or None for no limit.

    Returns:
        The values, in order.

    Raises:
        InvalidJSON: As for :func:`loads`, and for a line that is blank, holds more or less than
            one value, or is not ended by a newline, or for more than ``max_lines`` values.
        TypeError: ``data`` is not bytes-like.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    raw = bytes(data)
    if len(raw) > max_size:
        raise _reject(
            _("the document is {size} bytes; at most {limit} are allowed").format(
                size=len(raw), limit=max_size
            )
        )
    if not raw:
        return []
    if raw.startswith(_BOM):
        raise _reject(_("the document starts with a byte order mark"))
    if not raw.endswith(b"\n"):
        raise _reject(_("the last line is not ended by a newline"))
    lines = raw.count(b"\n")
    if max_lines is not None and lines > max_lines:
        raise _reject(
            _("the document has {n} lines; at most {limit} are allowed").format(
                n=lines, limit=max_lines
            )
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _reject(
            _("the document is not valid UTF-8 (at byte {pos})").format(pos=error.start)
        ) from None
    _check_depth(text, max_depth)
    long_digits = _LONG_DIGIT_RUN in raw.translate(_DIGITS_TO_ZERO)
    decoder = _CHECKED_INT_DECODER if long_digits else _DECODER
    values: list[Any] = []
    append = values.append
    decode = decoder.raw_decode
    pos = 0
    end_of_text = len(text)
    line = 1
    try:
        while pos < end_of_text:
            newline = text.find("\n", pos)
            value, end = decode(text, pos)
            if end != newline:
                raise _reject(_("line {line} does not hold exactly one value").format(line=line))
            append(value)
            pos = end + 1
            line += 1
    except json.JSONDecodeError as error:
        raise _reject(_("{problem} (line {line})").format(problem=error.msg, line=line)) from None
    except RecursionError:  # pragma: no cover - _check_depth runs first
        raise _reject(_("arrays and objects are nested too deeply")) from None
    if "\\u" in text:
        _check_strings(values)
    return values


def _validate_for_dumps(obj: Any, max_depth: int) -> None:
    """Raise :class:`ValueError` unless ``obj`` can be written canonically."""
    stack: list[tuple[Any, int]] = [(obj, 0)]
    while stack:
        item, depth = stack.pop()
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, int):
            if not INT_MIN <= item <= INT_MAX:
                raise ValueError(f"integer out of the signed 64-bit range: {item}")
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise ValueError(f"number not finite: {item}")
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("string holds a lone surrogate") from None
        elif isinstance(item, dict):
            if depth + 1 > max_depth:
                raise ValueError(f"nested more than {max_depth} levels deep")
            for key, value in item.items():
                if not isinstance(key, str):
                    raise ValueError(f"object key is not a string: {key!r}")
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(item, list | tuple):
            if depth + 1 > max_depth:
                raise ValueError(f"nested more than {max_depth} levels deep")
            stack.extend((value, depth + 1) for value in item)
        else:
            raise ValueError(f"cannot write {type(item).__name__} as JSON")


def dumps(obj: Any, *, max_depth: int = DEFAULT_MAX_DEPTH) -> bytes:
    """Write ``obj`` as canonical JSON: the form used for everything that is signed.

    Keys are sorted by code point, there is no whitespace, non-ASCII characters are written as
    UTF-8, floats use Python's shortest round-trip form.

    Args:
        obj: ``dict`` (string keys), ``list``/``tuple``, ``str``, ``int``, ``float``, ``bool`` or
            ``None``, nested at most ``max_depth`` levels.
        max_depth: The deepest nesting allowed.

    Returns:
        The UTF-8 bytes.

    Raises:
        ValueError: ``obj`` holds something that has no canonical strict JSON form (a non-string
            key, ``NaN``, an integer outside the signed 64-bit range, a lone surrogate, another
            type, or nesting deeper than ``max_depth``).
    """
    _validate_for_dumps(obj, max_depth)
    text = json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")
