-- Rejected rows (published): file, sheet (NULL for a text file), row number (as a person
-- sees it in Excel), column, reason code and the row's values, so that an export can be
-- fixed and dropped again. Rows the value checks refused carry their cells as written
-- (meta.quarantine); repeated ids (raw.duplicates) and unknown references
-- (stg_station_rejects, stg_usage_rejects) carry the row's values by column name.
-- Nothing personal is published, not even pseudonyms: the cells of personal columns
-- (worker_ref, caller_phone) are removed from raw_values under any header they may be
-- written as (variable personal_headers, from the source specs), compared as headers
-- are matched: spaces removed, case folded, a trailing unit in brackets ignored.
SELECT
    path,
    source,
    sheet,
    row_number,
    column_name,
    reason,
    CASE WHEN json_valid(raw_values) THEN to_json(map_from_entries(list_filter(
        map_entries(CAST(raw_values::JSON AS MAP(VARCHAR, VARCHAR))),
        lambda e: NOT list_contains(
            getvariable('personal_headers'),
            lower(regexp_replace(
                regexp_replace(e.key, '[\(（\[【][^\(（\[【]*[\)）\]】]\s*$', ''),
                '[\s　]', '', 'g'))
        )
    )))::VARCHAR END AS raw_values
FROM (
    SELECT path, source, row_number, column_name, reason, raw_values, sheet
    FROM meta.quarantine
    UNION ALL
    SELECT path, source, row_number, column_name, reason, raw_values, sheet
    FROM raw.duplicates
    UNION ALL
    SELECT path, source, row_number, column_name, reason, raw_values, sheet
    FROM staging.stg_station_rejects
    UNION ALL
    SELECT path, source, row_number, column_name, reason, raw_values, sheet
    FROM staging.stg_usage_rejects
) AS q
ORDER BY path, sheet NULLS FIRST, row_number, column_name
