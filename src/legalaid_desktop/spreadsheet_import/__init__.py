"""Moving a center's existing records in: clients (and their cases) from a spreadsheet.

Qt-free and store-free (issue 20, docs/import.md). The modules, in the order a file goes
through them:

* :mod:`.reading`: an XLSX, ODS or CSV file to a :class:`~.cells.Table` of cells, after
  :mod:`.guard` has bounded what a hostile file could make the reader allocate and
  :mod:`.csv_text` has found a CSV file's encoding and delimiter;
* :mod:`.headers`: the header row, multi-row and merged headers, each column's title;
* :mod:`.fields`: what a column can be imported as (a client's or a case's field), and the
  header words that guess it;
* :mod:`.mapping`: the saved mapping (JSON): columns to fields, values to reference codes,
  defaults, date order; :func:`~.mapping.guess_mapping` starts one from the header row;
* :mod:`.references` and :mod:`.values`: a cell to a reference code (labels in az/ru/en,
  abbreviations, any script), a date, a year, a phone number;
* :mod:`.preview`: every row as it would be imported, with every problem per row and cell.

Matching against the store and writing are the service's
(:mod:`legalaid_desktop.services.client_import`).
"""
