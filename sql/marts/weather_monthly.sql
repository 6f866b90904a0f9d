-- Weather per district and month (published), the explanatory variables of the demand
-- forecast (docs/forecast.md) and what a page shows beside it. Thresholds are the
-- meteorological service's: a hot day (高温日) has a maximum of 35 ℃ or more, a very hot
-- day 37 ℃ or more (the "37℃+" relief threshold); a cold day a maximum below 0 ℃ (an
-- ice day); a rainy day 10 mm or more (moderate rain, 中雨, or heavier); a warning day any
-- warning signal. days_observed < days_in_month: some days are missing (or, for a month
-- still to come, only the days a forecast export gave).
-- refresh: by month
SELECT
    month,
    district_code,
    min(district_name) AS district_name,
    day(last_day(month)) AS days_in_month,
    count(*) AS days_observed,
    avg(temp_max) AS temp_max_mean,
    avg(temp_min) AS temp_min_mean,
    max(temp_max) AS temp_max_highest,
    min(temp_min) AS temp_min_lowest,
    sum(precipitation_mm) AS precipitation_mm,
    sum(CASE WHEN temp_max >= 35 THEN 1 ELSE 0 END)::BIGINT AS hot_days,
    sum(CASE WHEN temp_max >= 37 THEN 1 ELSE 0 END)::BIGINT AS very_hot_days,
    sum(CASE WHEN temp_max < 0 THEN 1 ELSE 0 END)::BIGINT AS cold_days,
    sum(CASE WHEN precipitation_mm >= 10 THEN 1 ELSE 0 END)::BIGINT AS rainy_days,
    sum(CASE WHEN warning <> 'none' THEN 1 ELSE 0 END)::BIGINT AS warning_days
FROM staging.stg_weather
GROUP BY month, district_code
ORDER BY month, district_code
