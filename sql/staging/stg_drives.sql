-- Membership drives (入会活动), placed in a scope (metrics.md: a drive belongs to its
-- community, else its subdistrict, else its district). A known community code decides
-- everything, even when the subdistrict/district text disagrees (data contract). Else
-- the texts are matched to the communities reference names, tolerant of suffixes
-- (拱辰街道 = 拱辰, 南口地区 = 南口镇, 房山区 = 房山): the district by name, then the
-- subdistrict by name within that district (or city-wide when the district is unknown);
-- a name that matches two places matches none. place_code is the most specific scope
-- found (stg_scope_ancestors): unplaced drives have none and count at city level only.
-- refresh: by month
WITH drives AS (
    SELECT
        *,
        regexp_replace(trim(district), '(区|县)$', '') AS district_key,
        regexp_replace(trim(subdistrict), '(街道办事处|地区办事处|办事处|街道|地区|镇|乡)$', '')
            AS subdistrict_key
    FROM raw.drives
    WHERE _state = 'kept'
),
districts AS (
    SELECT
        regexp_replace(trim(district), '(区|县)$', '') AS district_key,
        min(district_code) AS district_code
    FROM (SELECT DISTINCT district, district_code FROM staging.stg_communities)
    GROUP BY 1
    HAVING count(DISTINCT district_code) = 1
),
subdistricts AS (
    SELECT DISTINCT
        district_code,
        subdistrict_code,
        regexp_replace(trim(subdistrict), '(街道办事处|地区办事处|办事处|街道|地区|镇|乡)$', '')
            AS subdistrict_key
    FROM staging.stg_communities
),
subdistricts_in_district AS (
    SELECT district_code, subdistrict_key, min(subdistrict_code) AS subdistrict_code
    FROM subdistricts
    GROUP BY ALL
    HAVING count(DISTINCT subdistrict_code) = 1
),
subdistricts_in_city AS (
    SELECT
        subdistrict_key,
        min(subdistrict_code) AS subdistrict_code,
        min(district_code) AS district_code
    FROM subdistricts
    GROUP BY ALL
    HAVING count(DISTINCT subdistrict_code) = 1
),
placed AS (
    SELECT
        d.*,
        c.community_code AS known_community_code,
        CASE
            WHEN c.community_code IS NOT NULL THEN c.subdistrict_code
            WHEN dm.district_code IS NOT NULL THEN sd.subdistrict_code
            ELSE sc.subdistrict_code
        END AS placed_subdistrict_code,
        coalesce(c.district_code, dm.district_code, sc.district_code) AS placed_district_code
    FROM drives AS d
    LEFT JOIN staging.stg_communities AS c ON c.community_code = d.community_code
    LEFT JOIN districts AS dm ON dm.district_key = d.district_key
    LEFT JOIN subdistricts_in_district AS sd
        ON sd.district_code = dm.district_code AND sd.subdistrict_key = d.subdistrict_key
    LEFT JOIN subdistricts_in_city AS sc ON sc.subdistrict_key = d.subdistrict_key
)
SELECT
    p.drive_id,
    p._month AS month,
    p.held_on,
    p.district AS district_text,
    p.subdistrict AS subdistrict_text,
    p.known_community_code AS community_code,
    p.placed_subdistrict_code AS subdistrict_code,
    p.placed_district_code AS district_code,
    coalesce(p.known_community_code, p.placed_subdistrict_code, p.placed_district_code)
        AS place_code,
    p.venue,
    p.organizer,
    p.platform,
    p.worker_type,
    p.reached,
    p.enrolled
FROM placed AS p
