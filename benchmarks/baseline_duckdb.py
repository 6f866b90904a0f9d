"""The plain-DuckDB baseline: the landing files straight into ``kpi_monthly`` (city and
district rows) and ``community_coverage`` with SQL, nothing else.

It is the limit the pipeline is measured against (issue 9): no Dagster, no validation or
quarantine, no file registry, no pseudonymisation, no snapshot. Two timed phases:

1. **decode** (reported apart): every landing file becomes a UTF-8 CSV under
   ``<work>/decoded/<source>/`` — GB18030 is decoded in Python in 8 MB chunks, BOM
   stripped, XLSX read with polars/fastexcel as text cells and written from its header
   row on (the header is the first row, among the first ten, with the most cells).
2. **sql**: one DuckDB connection reads the decoded CSVs (all text, ``union_by_name``),
   maps the Chinese/English headers with ``COLUMNS('regex')``, parses the five date
   styles with a ``try_strptime`` format list (Excel serials too), matches community
   names in three steps, and computes the two tables. Coverage uses a grid prefilter
   (cells at least R wide, 3 × 3 neighbours) and the haversine formula; the nearest
   active station is found in rings (3 km, 15 km, then a cross join for what is left).

Filters that are simply the definitions (a date that parses, a known station, visits
>= 1, a category present, resolved calls with a resolved time not before receipt,
enrolled <= reached, coordinates inside mainland China's box, the first row of a
duplicated station id) are applied so that the totals are comparable; the rest of the
pipeline's rules are not. A call's latest status is taken as its most advanced one
(in progress < referred < resolved) instead of "the row of the file modified last".

    python -m benchmarks.baseline_duckdb --landing DIR --work DIR [--radius-m 1000] [--json]

writes ``<work>/baseline.duckdb`` (tables ``kpi_monthly``, ``community_coverage``) and
prints the timings.
"""

from __future__ import annotations

import argparse
import codecs
import json
import re
import shutil
import time
from pathlib import Path

import duckdb
import polars as pl

SOURCES = ("communities", "stations", "usage", "hotline", "drives")
CHUNK = 8 << 20

# canonical column → header aliases (data-contract.md); a trailing unit in brackets is
# tolerated by the regex built in _col()
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "communities": {
        "community_code": ("community_code", "社区代码", "统计用区划代码", "区划代码"),
        "community_name": ("community_name", "社区名称", "社区", "村/社区"),
        "subdistrict": ("subdistrict", "街道", r"街道\(乡镇\)", "乡镇", "所属街道"),
        "district": ("district", "区", "所属区", "区县"),
        "lat": ("lat", "纬度"),
        "lon": ("lon", "经度"),
        "outdoor_workers": (
            "outdoor_workers",
            "户外劳动者人数",
            "新就业形态劳动者人数",
            "户外劳动者数",
        ),
    },
    "stations": {
        "station_id": ("station_id", "驿站编号", "编号"),
        "community_code": ("community_code", "社区代码"),
        "community_name": ("community_name", "所属社区", "社区名称"),
        "lat": ("lat", "纬度"),
        "lon": ("lon", "经度"),
        "opened_on": ("opened_on", "启用日期", "建成日期", "投用日期"),
        "closed_on": ("closed_on", "停用日期", "关闭日期"),
        "accepted_on": ("accepted_on", "验收日期", "验收通过日期"),
        "has_shelter": ("has_shelter", "避暑取暖", "室内避暑取暖场所"),
        "has_toilet": ("has_toilet", "卫生间", "厕所"),
        "has_water": ("has_water", "饮用水", "免费饮用水", "饮水"),
        "has_charging": ("has_charging", "充电", "共享充电设备", "充电设备"),
        "has_epidemic_kit": ("has_epidemic_kit", "防疫物品"),
        "has_first_aid": ("has_first_aid", "医疗急救包", "急救包", "医药箱"),
        "has_rain_gear": ("has_rain_gear", "雨具"),
    },
    "usage": {
        "station_id": ("station_id", "驿站编号"),
        "occurred_at": ("occurred_at", "服务时间", "时间", "日期", "服务日期"),
        "service": ("service", "服务项目", "服务类型"),
        "visits": ("visits", "人次", "次数", "数量"),
        "worker_ref": ("worker_ref", "人员标识", "手机号", "会员号"),
    },
    "hotline": {
        "call_id": ("call_id", "工单编号", "编号"),
        "received_at": ("received_at", "来电时间", "受理时间"),
        "category": ("category", "诉求类别", "类别"),
        "community": ("community", "所属社区", "社区"),
        "status": ("status", "办理状态", "状态"),
        "resolved_at": ("resolved_at", "办结时间"),
    },
    "drives": {
        "drive_id": ("drive_id", "活动编号"),
        "held_on": ("held_on", "活动日期", "日期"),
        "district": ("district", "区"),
        "community_code": ("community_code", "社区代码"),
        "reached": ("reached", "覆盖人数", "参与人数"),
        "enrolled": ("enrolled", "入会人数", "新入会人数"),
    },
}

# the five written styles (2023-05-06, 2023/5/6, 2023.5.6, 2023年5月6日, 20230506), with or
# without a time: translate() folds the first four onto ISO (and "T" onto a space), so
# that a short strptime format list reads them all; Excel serial numbers apart
DATE_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y%m%d %H:%M:%S", "%Y%m%d"]
TRUE_WORDS = ("是", "有", "√", "✓", "✔", "y", "yes", "true", "1", "对")


# ---------------------------------------------------------------- phase 1: decode


def _csv_encoding(path: Path) -> str:
    head = path.open("rb").read(1 << 20)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def _decode_csv(src: Path, dst: Path) -> str:
    encoding = _csv_encoding(src)
    if encoding == "utf-8":
        shutil.copyfile(src, dst)
        return encoding
    decoder = codecs.getincrementaldecoder(encoding)()
    with src.open("rb") as fin, dst.open("w", encoding="utf-8", newline="") as fout:
        while chunk := fin.read(CHUNK):
            fout.write(decoder.decode(chunk))
        fout.write(decoder.decode(b"", final=True))
    return encoding


def _decode_xlsx(src: Path, dst: Path) -> str:
    frame = pl.read_excel(src, has_header=False, infer_schema_length=0)
    head = frame.head(10)
    filled = [sum(v is not None and str(v).strip() != "" for v in row) for row in head.rows()]
    header_at = filled.index(max(filled)) if filled else 0
    names = [
        str(v).strip() if v is not None else f"_col{i}" for i, v in enumerate(frame.row(header_at))
    ]
    body = frame.slice(header_at + 1)
    body.columns = _unique(names)
    body.write_csv(dst)
    return "xlsx"


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def decode(landing: Path, decoded: Path) -> dict:
    """Every landing file of the five sources → a UTF-8 CSV; returns counts and seconds."""
    started = time.perf_counter()
    shutil.rmtree(decoded, ignore_errors=True)
    files = nbytes = 0
    kinds: dict[str, int] = {}
    for source in SOURCES:
        out_dir = decoded / source
        out_dir.mkdir(parents=True, exist_ok=True)
        for src in sorted((landing / source).glob("*")):
            suffix = src.suffix.lower()
            if suffix not in (".csv", ".xlsx"):
                continue
            dst = out_dir / (src.stem + ".csv")
            kind = _decode_csv(src, dst) if suffix == ".csv" else _decode_xlsx(src, dst)
            kinds[kind] = kinds.get(kind, 0) + 1
            files += 1
            nbytes += src.stat().st_size
    return {
        "decode_s": time.perf_counter() - started,
        "files": files,
        "bytes": nbytes,
        "kinds": kinds,
    }


# ---------------------------------------------------------------- phase 2: SQL


def _col(columns: list[str], source: str, name: str) -> str:
    """``coalesce(*COLUMNS('^(alias|…)\\s*(unit)?$'))`` for a canonical column, or NULL
    when no file of the source has any of its headers."""
    pattern = "^(" + "|".join(ALIASES[source][name]) + r")\s*([(（\[【].*)?$"
    if not any(re.fullmatch(pattern, c.strip(), re.IGNORECASE) for c in columns):
        return f"NULL::VARCHAR AS {name}"
    return f"nullif(trim(coalesce(*COLUMNS('(?i){pattern}'))), '') AS {name}"


def _read(con: duckdb.DuckDBPyConnection, decoded: Path, source: str) -> None:
    files = sorted(str(p) for p in (decoded / source).glob("*.csv"))
    con.execute(
        f"CREATE OR REPLACE VIEW src_{source} AS SELECT * FROM read_csv({files!r}, "
        "header = true, all_varchar = true, union_by_name = true, filename = true, "
        # a row with more cells than the header (a stray comma) is dropped, as a plain
        # DuckDB job would do it (the pipeline quarantines it as extra_cells)
        "delim = ',', quote = '\"', ignore_errors = true)"
    )
    names = [r[0] for r in con.execute(f"DESCRIBE src_{source}").fetchall()]
    columns = ", ".join(_col(names, source, name) for name in ALIASES[source])
    con.execute(
        f"CREATE OR REPLACE VIEW in_{source} AS SELECT {columns}, filename FROM src_{source}"
    )


MACROS = f"""
CREATE OR REPLACE MACRO ts(s) AS coalesce(
    try_strptime(translate(s, '/.年月T日', '---- '), {DATE_FORMATS!r}),
    CASE WHEN try_cast(s AS DOUBLE) BETWEEN 1 AND 100000
        THEN TIMESTAMP '1899-12-30'
            + to_microseconds((try_cast(s AS DOUBLE) * 86400000000)::BIGINT) END);
CREATE OR REPLACE MACRO num(s) AS try_cast(replace(replace(s, ',', ''), ' ', '') AS DOUBLE);
CREATE OR REPLACE MACRO flag(s) AS coalesce(lower(s) IN {TRUE_WORDS!r}, false);
CREATE OR REPLACE MACRO short_name(s) AS regexp_replace(
    regexp_replace(s, '(居民委员会|居委会)$', ''), '(村民委员会|村委会)$', '村');
CREATE OR REPLACE MACRO bare_name(s) AS regexp_replace(short_name(s), '(社区|村)$', '');
CREATE OR REPLACE MACRO hav(lat1, lon1, lat2, lon2) AS 2 * 6371008.8 * asin(sqrt(least(1.0,
    sin(radians(lat2 - lat1) / 2) ^ 2
    + cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lon2 - lon1) / 2) ^ 2)));
"""

TABLES = """
CREATE TABLE communities AS
SELECT community_code, community_name, subdistrict, district,
    left(community_code, 9) || '000' AS subdistrict_code,
    left(community_code, 6) || '000000' AS district_code,
    num(lat) AS lat, num(lon) AS lon,
    coalesce(num(outdoor_workers), 0)::BIGINT AS outdoor_workers
FROM in_communities
WHERE community_code IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY community_code) = 1;

-- community names written three ways (data-contract.md): official, short, bare;
-- the first step that finds exactly one community decides, two or more: unmatched
CREATE TABLE name_lookup AS
WITH steps AS (
    SELECT 1 AS step, community_name AS key, community_code FROM communities
    UNION ALL SELECT 2, short_name(community_name), community_code FROM communities
    UNION ALL SELECT 3, bare_name(community_name), community_code FROM communities
)
SELECT step, key, min(community_code) AS community_code, count(*) AS n
FROM steps GROUP BY ALL;

CREATE TABLE names_written AS
WITH written AS (
    SELECT DISTINCT community_name AS name FROM in_stations WHERE community_name IS NOT NULL
    UNION SELECT DISTINCT community FROM in_hotline WHERE community IS NOT NULL
)
SELECT w.name AS written, CASE
    WHEN regexp_full_match(w.name, '\\d{12}') THEN (
        SELECT community_code FROM communities AS c WHERE c.community_code = w.name)
    WHEN s1.n = 1 THEN s1.community_code WHEN s1.n > 1 THEN NULL
    WHEN s2.n = 1 THEN s2.community_code WHEN s2.n > 1 THEN NULL
    WHEN s3.n = 1 THEN s3.community_code END AS community_code
FROM written AS w
LEFT JOIN name_lookup AS s1 ON s1.step = 1 AND s1.key = w.name
LEFT JOIN name_lookup AS s2 ON s2.step = 2 AND s2.key = short_name(w.name)
LEFT JOIN name_lookup AS s3 ON s3.step = 3 AND s3.key = bare_name(w.name);

CREATE TABLE stations AS
WITH typed AS (
    SELECT s.station_id,
        coalesce(c.community_code, n.community_code) AS community_code,
        num(s.lat) AS lat, num(s.lon) AS lon,
        ts(s.opened_on)::DATE AS opened_on,
        ts(s.closed_on)::DATE AS closed_on,
        ts(s.accepted_on)::DATE AS accepted_on,
        flag(has_shelter) AND flag(has_toilet) AND flag(has_water) AND flag(has_charging)
            AND flag(has_epidemic_kit) AND flag(has_first_aid) AND flag(has_rain_gear)
            AS meets_standard,
        s.closed_on IS NOT NULL AND ts(s.closed_on) IS NULL AS bad_closed,
        row_number() OVER () AS rn
    FROM in_stations AS s
    LEFT JOIN communities AS c ON c.community_code = s.community_code
    LEFT JOIN names_written AS n ON n.written = s.community_name
)
SELECT * EXCLUDE (rn, bad_closed)
FROM typed
WHERE station_id IS NOT NULL AND community_code IS NOT NULL AND opened_on IS NOT NULL
    AND NOT bad_closed
    AND lat BETWEEN 18 AND 54 AND lon BETWEEN 73 AND 135
QUALIFY row_number() OVER (PARTITION BY station_id ORDER BY rn) = 1;

CREATE TABLE usage AS
SELECT date_trunc('month', u.occurred_at)::DATE AS month,
    s.community_code, left(s.community_code, 6) || '000000' AS district_code,
    u.visits, u.worker_ref
FROM (
    SELECT station_id, ts(occurred_at) AS occurred_at, coalesce(num(visits), 1) AS visits,
        worker_ref
    FROM in_usage
    WHERE service IS NOT NULL
) AS u
JOIN stations AS s ON s.station_id = u.station_id
WHERE u.occurred_at IS NOT NULL AND u.visits >= 1;

CREATE TABLE hotline AS
WITH rows AS (
    SELECT call_id, ts(received_at) AS received_at, ts(resolved_at) AS resolved_at,
        community,
        CASE WHEN status IN ('已办结', 'resolved') THEN 3
            WHEN status IN ('已转办', 'referred') THEN 2
            WHEN status IN ('办理中', 'in_progress') THEN 1 END AS status_rank
    FROM in_hotline
    WHERE category IS NOT NULL
),
valid AS (
    SELECT * FROM rows
    WHERE received_at IS NOT NULL AND status_rank IS NOT NULL
        AND (status_rank < 3 OR (resolved_at IS NOT NULL AND resolved_at >= received_at))
)
SELECT call_id,
    date_trunc('month', min(received_at))::DATE AS month,
    max(status_rank) = 3 AS is_resolved,
    left(any_value(n.community_code), 6) || '000000' AS district_code
FROM valid AS v
LEFT JOIN names_written AS n ON n.written = v.community
GROUP BY call_id;

CREATE TABLE drives AS
WITH typed AS (
    SELECT drive_id, ts(held_on)::DATE AS held_on,
        regexp_replace(district, '(区|县)$', '') AS district_key, community_code,
        num(reached)::BIGINT AS reached, num(enrolled)::BIGINT AS enrolled, filename
    FROM in_drives
),
district_keys AS (
    SELECT regexp_replace(district, '(区|县)$', '') AS district_key,
        min(district_code) AS district_code
    FROM (SELECT DISTINCT district, district_code FROM communities) GROUP BY 1
)
SELECT drive_id, date_trunc('month', held_on)::DATE AS month,
    coalesce(c.district_code, k.district_code) AS district_code, reached, enrolled
FROM typed AS d
LEFT JOIN communities AS c USING (community_code)
LEFT JOIN district_keys AS k USING (district_key)
WHERE drive_id IS NOT NULL AND held_on IS NOT NULL AND d.district_key IS NOT NULL
    AND reached >= 0 AND enrolled >= 0 AND enrolled <= reached
QUALIFY row_number() OVER (PARTITION BY drive_id ORDER BY filename DESC) = 1;

CREATE TABLE months AS
WITH b AS (
    SELECT min(m) AS lo, max(m) AS hi FROM (
        SELECT month AS m FROM usage UNION ALL SELECT month FROM hotline
        UNION ALL SELECT month FROM drives)
)
SELECT m::DATE AS month, last_day(m::DATE) AS month_end, day(last_day(m::DATE)) AS days
FROM b, unnest(generate_series(lo, hi, INTERVAL 1 MONTH)) AS t(m);

CREATE TABLE station_months AS
SELECT m.month, s.station_id, s.lat, s.lon, s.community_code, s.meets_standard,
    coalesce(s.accepted_on <= m.month_end, false) AS accepted
FROM months AS m
JOIN stations AS s
    ON s.opened_on <= m.month_end AND (s.closed_on IS NULL OR s.closed_on >= m.month);
"""


def _pairs_sql(radius_m: float, communities: str) -> str:
    """Station × community pairs within ``radius_m``: a grid of cells at least that wide
    (longitude cells widened at the northernmost latitude), 3 × 3 neighbours, then the
    haversine distance decides."""
    cell_lat = radius_m * 1.01 / 111_194.9
    return f"""
    WITH g AS (
        SELECT {cell_lat} AS cl,
            {cell_lat} / cos(radians(least(89.0, greatest(
                (SELECT max(abs(lat)) FROM stations),
                (SELECT max(abs(lat)) FROM {communities}))))) AS cn
    ),
    s AS (
        SELECT station_id, lat, lon, floor(lat / cl)::BIGINT AS r, floor(lon / cn)::BIGINT AS c
        FROM stations, g
    ),
    cc AS (
        SELECT community_code, lat, lon,
            floor(lat / cl)::BIGINT + dr AS r, floor(lon / cn)::BIGINT + dc AS c
        FROM {communities}, g, unnest([-1, 0, 1]) AS a(dr), unnest([-1, 0, 1]) AS b(dc)
    )
    SELECT s.station_id, cc.community_code, hav(cc.lat, cc.lon, s.lat, s.lon) AS distance_m
    FROM cc JOIN s USING (r, c)
    WHERE hav(cc.lat, cc.lon, s.lat, s.lon) <= {radius_m}
    """


def _coverage_sql(radius_m: float) -> str:
    return f"""
CREATE TABLE pairs_r AS {_pairs_sql(radius_m, "communities")};

CREATE TABLE within_r AS
SELECT sm.month, p.community_code, count(*) AS stations_within_r,
    bool_or(sm.meets_standard) AS standard_covered
FROM pairs_r AS p JOIN station_months AS sm USING (station_id)
GROUP BY ALL;

-- nearest active station, in rings: 3 km, 15 km, then a cross join for what is left
CREATE TABLE pairs_3k AS {_pairs_sql(3000.0, "communities")};
CREATE TABLE nearest AS
SELECT sm.month, p.community_code, min(p.distance_m) AS nearest_station_m,
    arg_min(p.station_id, p.distance_m) AS nearest_station_id
FROM pairs_3k AS p JOIN station_months AS sm USING (station_id)
GROUP BY ALL;

CREATE TABLE todo AS
SELECT m.month, c.community_code
FROM (SELECT DISTINCT month FROM station_months) AS m CROSS JOIN communities AS c
ANTI JOIN nearest AS n USING (month, community_code);
CREATE TABLE todo_communities AS
SELECT * FROM communities WHERE community_code IN (SELECT community_code FROM todo);
CREATE TABLE pairs_15k AS {_pairs_sql(15000.0, "todo_communities")};
INSERT INTO nearest
SELECT sm.month, p.community_code, min(p.distance_m), arg_min(p.station_id, p.distance_m)
FROM pairs_15k AS p
JOIN station_months AS sm USING (station_id)
SEMI JOIN todo AS t ON t.month = sm.month AND t.community_code = p.community_code
GROUP BY ALL;

INSERT INTO nearest
SELECT t.month, t.community_code,
    min(hav(c.lat, c.lon, sm.lat, sm.lon)),
    arg_min(sm.station_id, hav(c.lat, c.lon, sm.lat, sm.lon))
FROM todo AS t
JOIN communities AS c USING (community_code)
JOIN station_months AS sm USING (month)
ANTI JOIN nearest AS n ON n.month = t.month AND n.community_code = t.community_code
GROUP BY ALL;

CREATE TABLE community_coverage AS
SELECT m.month, c.community_code, c.community_name, c.subdistrict, c.district,
    c.district_code, c.outdoor_workers,
    n.nearest_station_m, n.nearest_station_id,
    coalesce(w.stations_within_r, 0) AS stations_within_r,
    coalesce(w.stations_within_r, 0) > 0 AS covered,
    coalesce(w.standard_covered, false) AS standard_covered,
    CASE WHEN coalesce(w.stations_within_r, 0) > 0 THEN 0 ELSE c.outdoor_workers END
        AS uncovered_workers
FROM months AS m
CROSS JOIN communities AS c
LEFT JOIN nearest AS n USING (month, community_code)
LEFT JOIN within_r AS w USING (month, community_code);
"""


KPI = """
CREATE TABLE kpi_monthly AS
WITH scopes AS (
    SELECT 'city' AS scope_level, '110000000000' AS scope_code
    UNION ALL SELECT DISTINCT 'district', district_code FROM communities
),
spine AS (
    -- g = GROUPING(district): 1 for the city row, 0 for a district's (a call of no
    -- known community has a NULL district and counts in the city row only)
    SELECT m.month, s.scope_level, s.scope_code,
        CASE WHEN s.scope_level = 'district' THEN s.scope_code END AS d,
        CASE WHEN s.scope_level = 'city' THEN 1 ELSE 0 END AS g
    FROM months AS m CROSS JOIN scopes AS s
),
st AS (
    SELECT month, left(community_code, 6) || '000000' AS d, GROUPING(d) AS g,
        count(*) AS active_stations,
        count_if(meets_standard) AS standard_stations, count_if(accepted) AS accepted_stations
    FROM station_months GROUP BY GROUPING SETS ((month), (month, d))
),
u AS (
    SELECT month, district_code AS d, GROUPING(district_code) AS g,
        sum(visits)::BIGINT AS visits,
        count(DISTINCT worker_ref) AS unique_workers
    FROM usage GROUP BY GROUPING SETS ((month), (month, district_code))
),
h AS (
    SELECT month, district_code AS d, GROUPING(district_code) AS g,
        count(*) AS calls, count_if(is_resolved) AS resolved
    FROM hotline GROUP BY GROUPING SETS ((month), (month, district_code))
),
dr AS (
    SELECT month, district_code AS d, GROUPING(district_code) AS g,
        count(*) AS drives, sum(reached) AS reached,
        sum(enrolled) AS enrolled
    FROM drives GROUP BY GROUPING SETS ((month), (month, district_code))
),
cov AS (
    SELECT month, district_code AS d, GROUPING(district_code) AS g,
        sum(outdoor_workers) AS outdoor_workers,
        sum(outdoor_workers) FILTER (WHERE covered) AS covered_workers,
        sum(outdoor_workers) FILTER (WHERE standard_covered) AS standard_covered_workers
    FROM community_coverage GROUP BY GROUPING SETS ((month), (month, district_code))
)
SELECT s.month, s.scope_level, s.scope_code,
    coalesce(st.active_stations, 0) AS active_stations,
    coalesce(st.standard_stations, 0) AS standard_stations,
    coalesce(st.accepted_stations, 0) AS accepted_stations,
    coalesce(u.visits, 0) AS visits, coalesce(u.unique_workers, 0) AS unique_workers,
    coalesce(h.calls, 0) AS calls, coalesce(h.resolved, 0) AS resolved,
    coalesce(dr.drives, 0) AS drives, coalesce(dr.reached, 0) AS reached,
    coalesce(dr.enrolled, 0) AS enrolled,
    coalesce(cov.outdoor_workers, 0) AS outdoor_workers,
    coalesce(cov.covered_workers, 0) AS covered_workers,
    cov.covered_workers / nullif(cov.outdoor_workers, 0) AS coverage_rate,
    cov.standard_covered_workers / nullif(cov.outdoor_workers, 0) AS standard_coverage_rate
FROM spine AS s
LEFT JOIN st
    ON st.month = s.month AND st.g = s.g AND st.d IS NOT DISTINCT FROM s.d
LEFT JOIN u
    ON u.month = s.month AND u.g = s.g AND u.d IS NOT DISTINCT FROM s.d
LEFT JOIN h
    ON h.month = s.month AND h.g = s.g AND h.d IS NOT DISTINCT FROM s.d
LEFT JOIN dr
    ON dr.month = s.month AND dr.g = s.g AND dr.d IS NOT DISTINCT FROM s.d
LEFT JOIN cov
    ON cov.month = s.month AND cov.g = s.g AND cov.d IS NOT DISTINCT FROM s.d
ORDER BY s.month, s.scope_code;
"""


def compute(decoded: Path, database: Path, radius_m: float = 1000.0) -> dict:
    """Run the SQL phase into ``database`` (replaced); returns the seconds of each step."""
    database.unlink(missing_ok=True)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    con = duckdb.connect(str(database))
    try:
        con.execute(MACROS)
        for source in SOURCES:
            _read(con, decoded, source)
        for label, sql in (
            ("staging", TABLES),
            ("coverage", _coverage_sql(radius_m)),
            ("kpi", KPI),
        ):
            step = time.perf_counter()
            for statement in filter(str.strip, sql.split(";\n")):
                began = time.perf_counter()
                con.execute(statement)
                name = re.search(r"(?:TABLE|INTO)\s+(\w+)", statement)
                key = f"step_{name.group(1) if name else 'other'}_s"
                timings[key] = timings.get(key, 0.0) + time.perf_counter() - began
            timings[f"sql_{label}_s"] = time.perf_counter() - step
        drop = ("pairs_3k", "pairs_15k", "todo", "todo_communities", "usage")
        con.execute("; ".join(f"DROP TABLE IF EXISTS {t}" for t in drop))
        timings["rows_kpi"] = con.execute("SELECT count(*) FROM kpi_monthly").fetchone()[0]
        timings["rows_coverage"] = con.execute(
            "SELECT count(*) FROM community_coverage"
        ).fetchone()[0]
    finally:
        con.close()
    timings["sql_s"] = time.perf_counter() - started
    return timings


def run(landing: Path, work: Path, radius_m: float = 1000.0) -> dict:
    """Decode, then compute; ``<work>/baseline.duckdb`` holds the result."""
    work.mkdir(parents=True, exist_ok=True)
    result = decode(landing, work / "decoded")
    result.update(compute(work / "decoded", work / "baseline.duckdb", radius_m))
    result["total_s"] = result["decode_s"] + result["sql_s"]
    result["database"] = str(work / "baseline.duckdb")
    shutil.rmtree(work / "decoded", ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--radius-m", type=float, default=1000.0)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = run(args.landing, args.work, args.radius_m)
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:<18} {round(value, 3) if isinstance(value, float) else value}")


if __name__ == "__main__":
    main()
