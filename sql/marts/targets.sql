-- The targets the figures are held to (<data>/targets.toml, pipelines/targets.py): one
-- row per figure with a target, the floor a month must reach (a rate in [0, 1]). Published
-- so that the dashboard, the briefs, the month cards and outside tools show the targets
-- the attention findings (attention_monthly) were computed with.
SELECT 'standard_rate' AS metric, CAST(getvariable('target_standard_rate') AS DOUBLE) AS target
UNION ALL
SELECT 'coverage_rate', CAST(getvariable('target_coverage_rate') AS DOUBLE)
UNION ALL
SELECT 'resolution_rate_7d', CAST(getvariable('target_resolution_rate_7d') AS DOUBLE)
