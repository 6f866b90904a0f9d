-- The file registry (published): what loaded from each landing file, what was
-- rejected and why (data-contract.md "Nothing lost": rows_read = rows_loaded +
-- rows_quarantined + rows_superseded + rows_skipped, rows_skipped being totals and
-- footer rows), for the data stewards.
SELECT
    path, source, sha256, status, rows_read, rows_loaded, rows_quarantined,
    rows_superseded, rows_skipped, message, ingested_at
FROM meta.ingest_files
ORDER BY source, path
