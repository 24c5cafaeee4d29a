"""Strict JSON: every leniency of Python's json module is refused, quickly and cleanly."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legalaid_desktop.domain.errors import BundleRejected, InvalidJSON
from legalaid_desktop.sync import strictjson
from legalaid_desktop.sync.strictjson import INT_MAX, INT_MIN, dumps, loads
from step_count import count_steps


def rejected(data: bytes, **kwargs: Any) -> str:
    """Assert that ``data`` is refused with InvalidJSON; return the message."""
    with pytest.raises(InvalidJSON) as info:
        loads(data, **kwargs)
    assert isinstance(info.value, BundleRejected)
    assert str(info.value)
    return str(info.value)


# --- accepted ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "value"),
    [
        (b"{}", {}),
        (b"[]", []),
        (b'{"a":[1,2.5,"x",true,false,null]}', {"a": [1, 2.5, "x", True, False, None]}),
        (b" \t\r\n[1] \n", [1]),
        ('"Gəncə — Гянджа"'.encode(), "Gəncə — Гянджа"),
        (b'"\\ud83d\\ude00"', "\U0001f600"),  # a valid surrogate pair escape
        (b'"\\u0259"', "ə"),
        (str(INT_MAX).encode(), INT_MAX),
        (str(INT_MIN).encode(), INT_MIN),
        (
            b'["1234567890123456789012345678901234567890"]',
            ["1234567890123456789012345678901234567890"],
        ),
        (b"1e-400", 0.0),
        (b"-0.5e10", -5e9),
    ],
)
def test_accepts_valid_json(data: bytes, value: Any) -> None:
    assert loads(data) == value


def test_accepts_bytearray_and_memoryview() -> None:
    assert loads(bytearray(b"[1]")) == [1]
    assert loads(memoryview(b"[1]")) == [1]


def test_refuses_str_input() -> None:
    with pytest.raises(TypeError):
        loads("[1]")  # type: ignore[arg-type]


# --- refused ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b'{"op":"upsert","op":"tombstone"}',
        b'{"a":{"b":1,"b":1}}',
        b'[{"x":1},{"y":2,"y":3}]',
    ],
)
def test_duplicate_keys(data: bytes) -> None:
    assert "twice" in rejected(data)


@pytest.mark.parametrize("data", [b"NaN", b"[NaN]", b"Infinity", b"-Infinity", b'{"a":Infinity}'])
def test_nan_and_infinity(data: bytes) -> None:
    assert "not allowed" in rejected(data)


@pytest.mark.parametrize("data", [b"1e400", b"-1e400", b"[1.5e999]", b"1" + b"0" * 400 + b".0"])
def test_float_out_of_range(data: bytes) -> None:
    rejected(data)


def test_long_number_literal_refused() -> None:
    rejected(b"0." + b"1" * 100)


@pytest.mark.parametrize(
    "data",
    [
        b"1" * 5000,
        b"-" + b"9" * 5000,
        b'{"n":' + b"7" * 5000 + b"}",
        b"1" * 20,
        str(INT_MAX + 1).encode(),
        str(INT_MIN - 1).encode(),
        b"99999999999999999999",
    ],
)
def test_integers_out_of_range(data: bytes) -> None:
    assert "integer" in rejected(data)


@pytest.mark.parametrize("template", [b"%s", b"-%s", b'{"n":%s}', b"[1,%s]"])
def test_refusing_a_long_integer_takes_as_many_steps_as_a_short_one(template: bytes) -> None:
    """No step grows with the number of digits: they are counted before ``int()`` runs."""
    short = count_steps(lambda: loads(template % (b"7" * 25)))
    long = count_steps(lambda: loads(template % (b"7" * 50_000)))
    assert isinstance(short.raised, InvalidJSON) and isinstance(long.raised, InvalidJSON)
    assert long.lines == short.lines


@pytest.mark.parametrize(
    "nest", [lambda n: b"[" * n + b"]" * n, lambda n: b"[" * n, lambda n: b'{"a":' * n]
)
def test_100000_nested_brackets_rejected_before_recursion(nest: Callable[[int], bytes]) -> None:
    assert "nested" in rejected(nest(100_000))
    # As many Python steps as for 100 levels: no recursion, no loop over the brackets.
    small, huge = count_steps(lambda: loads(nest(100))), count_steps(lambda: loads(nest(100_000)))
    assert isinstance(huge.raised, InvalidJSON)
    assert huge.lines == small.lines


def test_depth_limit_is_exact() -> None:
    assert loads(b"[" * 32 + b"]" * 32) is not None
    rejected(b"[" * 33 + b"]" * 33)
    assert loads(b"[" * 3 + b"]" * 3, max_depth=3) == [[[]]]
    rejected(b'{"a":{"b":{"c":[]}}}', max_depth=3)


def test_brackets_inside_strings_do_not_count() -> None:
    data = b'["' + b"[{" * 100 + b'\\"[[[", "]]]]"]'
    assert loads(data)[1] == "]]]]"


@pytest.mark.parametrize(
    "make",
    [
        lambda n: b"[" * 40 + b'"' + b'\\"' * n,
        lambda n: b"[" * 40 + b'"' + b'\\"' * n + b"\\",
        lambda n: b"[]" * 40 + b'"a",' * n,
    ],
)
def test_unterminated_string_with_many_escapes_is_linear(make: Callable[[int], bytes]) -> None:
    rejected(make(300_000))
    small, huge = count_steps(lambda: loads(make(300))), count_steps(lambda: loads(make(300_000)))
    assert isinstance(huge.raised, InvalidJSON)
    assert huge.lines == small.lines  # the strings are removed in C passes, not a Python loop


@pytest.mark.parametrize(
    "data",
    [b'"\\ud800"', b'"\\udfff"', b'["ok","\\ud83d"]', b'{"\\udc00":1}', b'"\\ude00\\ud83d"'],
)
def test_lone_surrogate_escapes(data: bytes) -> None:
    assert "surrogate" in rejected(data)


@pytest.mark.parametrize(
    "data",
    [
        b'"\xff"',
        b'"\xc3"',  # truncated sequence
        b'"\xc0\xaf"',  # overlong "/"
        b'"\xed\xa0\x80"',  # an encoded surrogate
        "Gəncə".encode("utf-16"),
        '"Gəncə"'.encode().replace(b"\xc9\x99", b"\xe7"),  # a Latin-1 byte inside
    ],
)
def test_invalid_utf8(data: bytes) -> None:
    rejected(data)


def test_byte_order_mark() -> None:
    assert "byte order mark" in rejected(b"\xef\xbb\xbf{}")


@pytest.mark.parametrize("data", [b"{} x", b"[1]]", b"1 2", b'{"a":1}{"b":2}', b"[1]\x00"])
def test_trailing_data(data: bytes) -> None:
    rejected(data)


@pytest.mark.parametrize("data", [b"", b" ", b"[1,]", b"{'a':1}", b'{"a":1,}', b'"a\nb"', b"01"])
def test_not_json(data: bytes) -> None:
    rejected(data)


def test_max_size() -> None:
    assert loads(b"[1]", max_size=3) == [1]
    assert "bytes" in rejected(b"[1] ", max_size=3)


def test_every_error_is_a_bundle_rejection() -> None:
    assert issubclass(InvalidJSON, BundleRejected)


# --- canonical form ----------------------------------------------------------------------------


def test_dumps_is_canonical() -> None:
    value: dict[str, Any] = {"b": [1, 2.5, "ə"], "a": None, "A": True, "é": {}}
    assert dumps(value) == '{"A":true,"a":null,"b":[1,2.5,"ə"],"é":{}}'.encode()
    assert loads(dumps(value), canonical=True) == value


@pytest.mark.parametrize(
    "data",
    [b'{"b":1,"a":2}', b'{"a": 1}', b'"\\u0259"', b"[1.0e2]", b"-0", b" []", b'"\\/"'],
)
def test_canonical_mode_refuses_other_spellings(data: bytes) -> None:
    loads(data)  # valid JSON ...
    assert "canonical" in rejected(data, canonical=True)  # ... but not canonical


@pytest.mark.parametrize(
    "value",
    [
        math.nan,
        math.inf,
        INT_MAX + 1,
        {1: "a"},
        "\ud800",
        {"\udc00": 1},
        {1, 2},
        b"bytes",
        [[[[]]]],
    ],
)
def test_dumps_refuses_what_has_no_canonical_form(value: Any) -> None:
    with pytest.raises(ValueError):
        dumps(value, max_depth=3)


def test_dumps_accepts_tuples_as_arrays() -> None:
    assert dumps({"a": (1, 2)}) == b'{"a":[1,2]}'


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=INT_MIN, max_value=INT_MAX)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=100, deadline=None)
@given(_json_values)
def test_roundtrip_property(value: Any) -> None:
    data = dumps(value)
    assert loads(data, canonical=True) == value
    assert dumps(loads(data)) == data


def test_module_defaults() -> None:
    assert strictjson.DEFAULT_MAX_DEPTH == 32
    assert strictjson.DEFAULT_MAX_SIZE >= 1024 * 1024
