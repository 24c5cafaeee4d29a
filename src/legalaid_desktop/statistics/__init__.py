"""The statistics core without the store: measures, dimensions, periods, age bands, small-cell
suppression, the figure table and the CSV/XLSX writers (docs/statistics.md). The counting itself
(SQL over the store) is :mod:`legalaid_desktop.services.statistics`."""
