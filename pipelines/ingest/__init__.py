"""Ingestion: landing files into the warehouse's raw tables, by one engine over one
declarative spec per source.

- :mod:`.specs` — the sources, their columns, headers, types and keys (the data
  contract in code), in load order;
- :mod:`.read` — a file into batches of text cells (CSV in UTF-8/BOM/GB18030, XLSX);
- :mod:`.headers` — header rows matched to a spec's columns;
- :mod:`.values`, :mod:`.coords`, :mod:`.communities`, :mod:`.privacy` — cells into
  typed values, coordinates, community codes and pseudonyms;
- :mod:`.validate` — a batch into clean rows and quarantined rows with reasons;
- :mod:`.engine` — a file's rows replaced in one transaction, with the file registry.
"""
