"""``demo-data --scale national --volume N``: a year of a federation of national size at N
usage rows (the engines' benchmark, docs/scale-out.md)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pipelines.demo.scales import SCALES, national
from pipelines.settings import REPO_ROOT


def test_a_national_year_at_full_volume():
    scale = national(1_000_000_000)
    assert scale.months == 12 and scale.districts is None
    assert scale.usage_rows == 1_000_000_000
    assert scale.stations == 184_000  # the federation's count, at a national year's volume
    # large's calls per usage row: 1,050,000 / 11,000,000 = 0.0954…
    assert scale.calls == 95_454_545


def test_a_smaller_volume_scales_stations_and_calls():
    scale = national(2_000_000)
    assert scale.stations == 1_000  # 184,000 × 0.002 = 368, raised to the floor of 1,000
    assert national(20_000_000).stations == 3_680  # 184,000 × 0.02
    assert scale.calls == 190_909  # 2,000,000 × 1,050,000 / 11,000,000 = 190,909.09
    assert scale.candidate_sites == SCALES["large"].candidate_sites
    assert len(scale.window) == 12


def test_too_small_a_volume_is_refused():
    with pytest.raises(ValueError, match="at least 100,000"):
        national(99_999)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--scale", "national"], "--scale national needs --volume"),
        (["--scale", "small", "--volume", "1000000"], "--volume applies to --scale national"),
    ],
)
def test_the_command_says_what_is_missing(arguments, message, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pipelines", "demo-data", *arguments, "--out", str(tmp_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and message in done.stderr
    assert not any(tmp_path.iterdir())  # nothing written
