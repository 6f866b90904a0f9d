"""The grid prefilter of stg_station_community_pairs finds exactly the pairs a KD-tree
finds (pipelines/planning/geo.py), at several radii, including pairs in neighbouring
cells and pairs a hair inside R."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from pipelines.planning.geo import pairs_within
from pipelines.settings import Settings
from pipelines.warehouse.duck import DuckEngine
from pipelines.warehouse.models import load_models, parameters

PAIRS = next(m for m in load_models() if m.name == "stg_station_community_pairs")


@pytest.mark.parametrize("radius", [300.0, 1000.0, 2500.0])
def test_grid_pairs_equal_kd_tree_pairs(radius, tmp_path):
    rng = np.random.default_rng(7)
    # 400 communities and 600 stations in a 0.2° box around Beijing, plus a station
    # 0.999 R due north of community 0 (inside) and one 1.001 R north (outside)
    c_lat, c_lon = 39.9 + rng.random(400) * 0.2, 116.3 + rng.random(400) * 0.2
    s_lat, s_lon = 39.9 + rng.random(600) * 0.2, 116.3 + rng.random(600) * 0.2
    degree = 6_371_008.8 * np.pi / 180
    s_lat = np.append(
        s_lat, [c_lat[0] + 0.999 * radius / degree, c_lat[0] + 1.001 * radius / degree]
    )
    s_lon = np.append(s_lon, [c_lon[0], c_lon[0]])
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging")
    con.execute(
        "CREATE TABLE staging.stg_communities AS SELECT 'C' || lpad(i::VARCHAR, 4, '0') AS "
        "community_code, lat, lon FROM (SELECT unnest(range(?)) AS i, unnest(?::DOUBLE[]) AS "
        "lat, unnest(?::DOUBLE[]) AS lon)",
        [len(c_lat), c_lat.tolist(), c_lon.tolist()],
    )
    con.execute(
        "CREATE TABLE staging.stg_stations AS SELECT 'S' || lpad(i::VARCHAR, 4, '0') AS "
        "station_id, lat, lon FROM (SELECT unnest(range(?)) AS i, unnest(?::DOUBLE[]) AS "
        "lat, unnest(?::DOUBLE[]) AS lon)",
        [len(s_lat), s_lat.tolist(), s_lon.tolist()],
    )
    engine = DuckEngine(con)
    engine.set_parameters(parameters(Settings(data_dir=tmp_path, coverage_radius_m=radius)))
    engine.build(PAIRS, None)
    got = con.execute(
        "SELECT community_code, station_id, distance_m FROM staging.stg_station_community_pairs "
        "ORDER BY 1, 2"
    ).fetchall()
    i, j, dist = pairs_within(c_lat, c_lon, s_lat, s_lon, radius)
    want = [(f"C{a:04d}", f"S{b:04d}") for a, b in zip(i, j, strict=True)]
    assert [(c, s) for c, s, _ in got] == want
    assert [d for _, _, d in got] == pytest.approx(dist.tolist(), abs=1e-6)
    assert ("C0000", "S0600") in want and ("C0000", "S0601") not in want
