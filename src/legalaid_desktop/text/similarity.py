"""Fuzzy scores in [0, 1]: :func:`jaro_winkler` on strings, :func:`similarity` and
:func:`name_similarity` on the phonetic keys of names."""

from __future__ import annotations

from legalaid_desktop.text.names import name_keys
from legalaid_desktop.text.phonetic import phonetic_key


def jaro_winkler(a: str, b: str, prefix_scale: float = 0.1) -> float:
    """Jaro-Winkler similarity of two strings.

    Args:
        a: First string.
        b: Second string.
        prefix_scale: Weight of the common prefix (up to four characters); at most 0.25.

    Returns:
        1.0 for equal strings, 0.0 when nothing matches (or one string is empty); symmetric.
    """
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    if a > b:  # the greedy matching below is order-sensitive; fix an order for symmetry
        a, b = b, a
    len_a, len_b = len(a), len(b)
    window = max(max(len_a, len_b) // 2 - 1, 0)
    matched_a = [False] * len_a
    matched_b = [False] * len_b
    matches = 0
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(len_b, i + window + 1)):
            if not matched_b[j] and b[j] == ch:
                matched_a[i] = matched_b[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    half_transpositions = 0
    j = 0
    for i in range(len_a):
        if matched_a[i]:
            while not matched_b[j]:
                j += 1
            if a[i] != b[j]:
                half_transpositions += 1
            j += 1
    jaro = (matches / len_a + matches / len_b + (matches - half_transpositions / 2) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return min(1.0, jaro + prefix * prefix_scale * (1.0 - jaro))


def _joined_key(text: str) -> str:
    return " ".join(name_keys(text)) or phonetic_key(text)


def similarity(a: str, b: str) -> float:
    """Fuzzy similarity of two names on their phonetic keys.

    Spelling variants score 1.0 (``Mammedov``/``Məmmədov``); typos score high
    (``Məmmədv``/``Məmmədov`` about 0.97). Multi-token names are compared as their keys
    joined in order; use :func:`name_similarity` when the order of the parts may differ.

    Args:
        a: First name or word.
        b: Second name or word.

    Returns:
        A score in [0, 1]; 1.0 when ``a == b``; symmetric; 0.0 if either has no letters or
        digits (and they are not equal).
    """
    if a == b:
        return 1.0
    key_a, key_b = _joined_key(a), _joined_key(b)
    if not key_a or not key_b:
        return 0.0
    return jaro_winkler(key_a, key_b)


def name_similarity(a: str, b: str) -> float:
    """Order-independent similarity of two full names.

    Every key of the name with fewer keys is matched with its best partner among the other
    name's keys (:func:`jaro_winkler`) and the scores are averaged. So ``"Rəşad Əliyev"`` and
    ``"Алиев Рашад Исмаилович"`` score 1.0: the shorter name is contained in the longer one.

    Args:
        a: First full name.
        b: Second full name.

    Returns:
        A score in [0, 1]; 1.0 when ``a == b``; symmetric.
    """
    if a == b:
        return 1.0
    keys_a, keys_b = name_keys(a), name_keys(b)
    if not keys_a or not keys_b:
        return 0.0
    if (len(keys_a), keys_a) > (len(keys_b), keys_b):
        keys_a, keys_b = keys_b, keys_a
    total = sum(max(jaro_winkler(x, y) for y in keys_b) for x in keys_a)
    return min(1.0, total / len(keys_a))
