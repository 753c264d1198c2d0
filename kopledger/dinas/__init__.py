"""The Dinas view: many koperasi's closed years in one regional picture.

- :mod:`kopledger.dinas.ekspor` — one koperasi's year in the published export schema
  (``kop ekspor``); nothing personal leaves the koperasi.
- :mod:`kopledger.dinas.muat` — read and validate many exports, drop duplicates, load
  DuckDB tables, write Parquet.
- :mod:`kopledger.dinas.mesin` — the aggregation in SQL that DuckDB and Spark both run.
- :mod:`kopledger.dinas.agregat` — the job and its frozen result (``kop agregat``).
- :mod:`kopledger.dinas.laporan` — the regional report (HTML, PDF, XLSX, text, JSON).

See docs/dinas.md.
"""
