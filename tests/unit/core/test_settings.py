"""Settings: every data path follows WSI_DATA_DIR; bad values are refused with their name."""

from pathlib import Path

import pytest

from pipelines.settings import get_settings


def test_every_data_path_derives_from_the_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    settings = get_settings()
    for path in (
        settings.landing_dir,
        settings.warehouse_path,
        settings.snapshot_path,
        settings.snapshot_history_dir,
        settings.reports_dir,
        settings.secret_path,
        settings.users_path,
    ):
        assert Path(path).is_relative_to(tmp_path)


def test_reference_data_is_found_without_the_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    settings = get_settings()
    assert settings.divisions_csv.is_file()
    assert settings.districts_geojson.is_file()


def test_defaults_and_overrides(monkeypatch):
    monkeypatch.delenv("WSI_COVERAGE_RADIUS_M", raising=False)
    assert get_settings().coverage_radius_m == 1000.0
    monkeypatch.setenv("WSI_COVERAGE_RADIUS_M", "1500")
    monkeypatch.setenv("WSI_CRS_CANDIDATE_SITES", "GCJ02")
    settings = get_settings()
    assert settings.coverage_radius_m == 1500.0
    assert settings.crs_for("candidate_sites") == "gcj02"
    assert settings.crs_for("stations") == "wgs84"


def test_an_unknown_crs_is_refused_with_its_variable(monkeypatch):
    monkeypatch.setenv("WSI_CRS_STATIONS", "mercator")
    with pytest.raises(ValueError, match="WSI_CRS_STATIONS"):
        get_settings()
