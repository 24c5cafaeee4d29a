"""Structure-aware mutations: change one value inside the JSON of an input, keep the rest valid.

Byte flips alone rarely turn a valid change record into another *valid-looking* one (a number
where a string was, a missing field, an unknown table, a date that does not exist), so most of
their inputs stop at the JSON parser. These mutators parse the JSON parts of a target's input,
change one value, key or element, and write it back (in canonical form where the reader demands
it), so that the checks behind the parser see hostile but well-formed data.

They take a :class:`random.Random`, so the smoke test replays the same mutations on every run;
under atheris ``custom_mutator`` seeds them from libFuzzer and mixes them with its own byte
mutations.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

from fuzztargets import FLAG_MANIFEST_LENGTH, FLAG_STANZA, SEP

from legalaid_desktop.sync.container.format import _STANZA_SIZE

Mutator = Callable[[bytes, random.Random], bytes]

WORDS = """
    t id o u x g d c v clients cases consultations attachments parties deadlines consents
    campaigns corruption_details content sha256 size file_name number owner_node node_code
    client_id case_id created_at core identity owner file record follow_up
    meta acks changes roster reference transfers att/ name encoding stored raw zlib parts author
    recipients recipient sender seq prev_hash created schema_version bundle_id stanzas to enc
    suite chunk_size schema counts max_change_seq full node hash hlc from kind version items code
    labels extra nodes enrollment keys hq_recovery_public body signature type hq hq_keys center
    center_fingerprint signing_key encryption_key enrolled revoked GNJ BAK QBA recovery:hq az ru en
""".split()
"""Keys, table, group and field names, part names and node codes the readers look for."""

_UUID7 = "019a0000-0000-7000-8000-000000000001"
_STAMP = "019a4f2c7b3e0002GNJ"
INTERESTING: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    2,
    255,
    65536,
    2**31,
    2**48,
    2**63 - 1,
    2**63,
    -(2**63),
    -(2**63) - 1,
    10**30,
    0.0,
    -0.0,
    0.5,
    1.0,
    1e308,
    5e-324,
    "",
    " ",
    "0",
    "a" * 65,
    "x" * 257,
    "y" * 70_000,
    "\x00",
    "\n",
    "\u0130",
    "ə",
    "../../etc/passwd",
    "C:\\x",
    "CON",
    "2026-02-30",
    "2026-13-01",
    "0000-01-01",
    "9999-12-31",
    "2026-01-01T00:00:00Z",
    _UUID7,
    _UUID7.upper(),
    _STAMP,
    "ffffffffffffffffGNJ",
    "000000000000000" + "0" * 64,
    "a" * 64,
    "AAAA",
    "====",
    [],
    {},
    [None],
    {"": None},
    [[[[[[[[[[]]]]]]]]]],
]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*path, index)))
    return found


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def _random_value(rng: random.Random, near: Any) -> Any:
    choice = rng.randrange(8)
    if choice == 0 and isinstance(near, str) and near:
        cut = rng.randrange(len(near))
        return near[:cut] + rng.choice(["", "0", "Z", "\u0000", "é", near[cut:]]) + near[cut + 1 :]
    if choice == 1 and isinstance(near, int) and not isinstance(near, bool):
        return near + rng.choice([-1, 1, -(2**32), 2**32, 2**63])
    if choice == 2:
        return rng.choice(WORDS)
    if choice == 3:
        return {rng.choice(WORDS): rng.choice(INTERESTING)}
    return rng.choice(INTERESTING)


def mutate_value(value: Any, rng: random.Random) -> Any:
    """Return ``value`` with one node replaced, removed, added or repeated (a deep copy)."""
    value = json.loads(json.dumps(value))
    paths = _paths(value)
    path = rng.choice(paths)
    target = _get(value, path)
    action = rng.randrange(5)
    if not path or action == 0:  # replace (the root too)
        new = _random_value(rng, target)
        if not path:
            return new
        _get(value, path[:-1])[path[-1]] = new
    elif action == 1:  # remove
        parent = _get(value, path[:-1])
        del parent[path[-1]]
    elif action == 2 and isinstance(target, dict):  # add a key
        target[rng.choice(WORDS)] = _random_value(rng, None)
    elif action == 3 and isinstance(target, list):  # repeat or add an element
        target.append(rng.choice(target) if target else _random_value(rng, None))
    else:
        _get(value, path[:-1])[path[-1]] = _random_value(rng, target)
    return value


def dumps(value: Any, rng: random.Random, canonical: bool) -> bytes:
    """JSON for ``value``: canonical (as the signers write) or, now and then, loose."""
    if canonical or rng.randrange(4):
        try:
            return json.dumps(
                value, sort_keys=True, separators=(",", ":"), ensure_ascii=False
            ).encode("utf-8")
        except (UnicodeEncodeError, ValueError):
            pass
    return json.dumps(value).encode("utf-8")


def _repeat_a_key(value: dict[str, Any], text: bytes, rng: random.Random) -> bytes:
    """``text`` (the object ``value`` written out) with one of its members written twice.

    Python's JSON cannot produce this; the strict parser must refuse it.
    """
    key = rng.choice(list(value))
    member = json.dumps({key: value[key]}, ensure_ascii=False)[1:-1].encode("utf-8")
    return b"{" + member + b"," + text[1:]


def mutate_json(data: bytes, rng: random.Random, canonical: bool = True) -> bytes | None:
    """One structural mutation of a JSON document, or None if ``data`` is not JSON."""
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return None
    changed = mutate_value(value, rng)
    text = dumps(changed, rng, canonical)
    if isinstance(changed, dict) and changed and text[:1] == b"{" and rng.randrange(16) == 0:
        try:
            return _repeat_a_key(changed, text, rng)
        except (UnicodeEncodeError, ValueError):
            return text
    return text


def mutate_lines(data: bytes, rng: random.Random) -> bytes:
    """One structural mutation of JSON Lines: a value, a repeated, dropped or swapped line."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if not lines:
        return data
    index = rng.randrange(len(lines))
    action = rng.randrange(6)
    if action == 0:
        lines.insert(rng.randrange(len(lines) + 1), lines[index])
    elif action == 1 and len(lines) > 1:
        del lines[index]
    elif action == 2 and len(lines) > 1:
        other = rng.randrange(len(lines))
        lines[index], lines[other] = lines[other], lines[index]
    else:
        changed = mutate_json(lines[index], rng)
        if changed is not None:
            lines[index] = changed
    return b"".join(line + b"\n" for line in lines)


def _split_parts(data: bytes) -> tuple[int, list[tuple[bytes, bytes]]]:
    flags = data[0] if data else 0
    sections = []
    for section in data[1:].split(SEP):
        name, _nul, content = section.partition(b"\x00")
        sections.append((name, content))
    return flags, sections


def mutate_parts(data: bytes, rng: random.Random) -> bytes:
    """``import_parse``: change one record, one JSON part, the flags or the list of parts."""
    flags, sections = _split_parts(data)
    if not sections:
        return data
    action = rng.randrange(10)
    # Mostly the change records: they are what the checks behind the parser are about.
    weights = [8 if name == b"changes" else 1 for name, _content in sections]
    index = rng.choices(range(len(sections)), weights)[0]
    name, content = sections[index]
    if action == 0:
        flags ^= 1
    elif action == 1 and len(sections) > 1:
        del sections[rng.randrange(len(sections))]
    elif action == 2:
        sections.append(
            (
                rng.choice([b"roster", b"reference", b"transfers", b"att/", b"meta"]),
                rng.choice([b"[]", b"{}", b"null", content]),
            )
        )
    elif name == b"changes":
        sections[index] = (name, mutate_lines(content, rng))
    elif name.startswith(b"att/"):
        sections[index] = (name, content + bytes([rng.randrange(256)]))
    else:
        changed = mutate_json(content, rng, canonical=False)
        if changed is not None:
            sections[index] = (name, changed)
    return bytes([flags]) + SEP.join(n + b"\x00" + c for n, c in sections)


def mutate_contents(data: bytes, rng: random.Random) -> bytes:
    """``bundle_contents``: change the manifest (its parts, sizes, names) or the flags."""
    if not data:
        return data
    flags, rest = data[0], data[1:]
    if rng.randrange(8) == 0:
        return bytes([flags ^ (1 << rng.randrange(4))]) + rest
    head = b""
    if flags & FLAG_MANIFEST_LENGTH:
        head, rest = rest[:4], rest[4:]
    if flags & FLAG_STANZA:
        head, rest = head + rest[:_STANZA_SIZE], rest[_STANZA_SIZE:]
    manifest, sep, body = rest.partition(SEP)
    changed = mutate_json(manifest, rng)
    if changed is None:
        return data
    return bytes([flags]) + head + changed + sep + body


def mutate_enrollment(data: bytes, rng: random.Random) -> bytes:
    """``enrollment``: change one value inside the file (the target re-signs the body)."""
    changed = mutate_json(data, rng)
    return data if changed is None else changed


def mutate_bundle_file(data: bytes, rng: random.Random) -> bytes:
    """``bundle_file``: change one value of the plaintext header (its length kept right)."""
    prefix = 14
    if len(data) < prefix:
        return data
    length = int.from_bytes(data[10:14], "big")
    header = data[prefix : prefix + length]
    changed = mutate_json(header, rng)
    if changed is None:
        return data
    return data[:10] + len(changed).to_bytes(4, "big") + changed + data[prefix + length :]


MUTATORS: dict[str, Mutator] = {
    "bundle_file": mutate_bundle_file,
    "bundle_contents": mutate_contents,
    "import_parse": mutate_parts,
    "strictjson": lambda data, rng: mutate_json(data, rng, canonical=False) or data,
    "enrollment": mutate_enrollment,
}
"""The structural mutator of each target."""
