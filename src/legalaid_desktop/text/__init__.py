"""Azerbaijani-aware text: casing, cleaning, transliteration, folding, keys, names, order.

The ground floor of the house (DESIGN.md §4): the one package that knows the Azerbaijani
alphabet. Search, sorting, validation, duplicate detection and the conflict-of-interest check are
all built on it. It is pure Python, does no I/O and imports nothing else of the project, so every
layer (domain, services, search, sync, reports, the GUI) may use it. Import from the module that
holds a name; this package re-exports nothing.

Modules, from the most faithful form of a text to the coarsest:

* :mod:`~legalaid_desktop.text.chars`: the alphabet, apostrophes, scripts, invisible characters,
  and the ``str.translate`` table filled on demand that the others share.
* :mod:`~legalaid_desktop.text.casing`: :func:`az_lower`, :func:`az_upper`, :func:`az_title`,
  with the Azerbaijani ``İ ↔ i`` and ``I ↔ ı`` pairs.
* :mod:`~legalaid_desktop.text.cleaning`: :func:`clean`, for display and storage (NFC, invisible
  characters removed, whitespace collapsed, mixed-script lookalikes repaired).
* :mod:`~legalaid_desktop.text.transliteration`: :func:`to_latin`, Cyrillic (Russian spellings
  and the 1958-1991 Azerbaijani Cyrillic alphabet) to Azerbaijani Latin, lowercase.
* :mod:`~legalaid_desktop.text.folding`: :func:`fold`, the precise search form (ASCII lowercase
  words separated by single spaces).
* :mod:`~legalaid_desktop.text.phonetic`: :func:`phonetic_key`, :func:`marker_of`,
  :func:`surname_stem`, :func:`family_key`: coarse keys under which the usual spellings of one
  name coincide (Əliyev, Aliyev, Eliyev, Алиев, Әлијев ...).
* :mod:`~legalaid_desktop.text.names`: :func:`split_name` (surname, given name, father's name,
  ``oğlu``/``qızı``), :func:`name_keys`, :func:`looks_like_surname`, :func:`title_name`.
* :mod:`~legalaid_desktop.text.similarity`: :func:`similarity`, :func:`name_similarity`,
  :func:`jaro_winkler`: fuzzy scores in [0, 1].
* :mod:`~legalaid_desktop.text.collation`: :func:`sort_key`, :func:`sort_string`,
  :func:`sorted_az`: Azerbaijani alphabetical order.

Each module's docstring gives its mapping decisions. Search indexes in the field were built with
:func:`fold` and :func:`phonetic_key`: their output must never change
(``tests/unit/test_text_oracle.py`` holds them to the original per-character code).
"""
