"""The targets file: defaults when absent, overrides key by key, and a bad file refused
with a message naming the file, the key and the reason."""

from pathlib import Path

import pytest

from pipelines.settings import Settings
from pipelines.targets import DEFAULT_TARGETS, Attention, Targets, TargetsError, load_targets


def test_defaults_without_a_file(tmp_path: Path):
    targets = load_targets(Settings(data_dir=tmp_path).targets_path)
    assert targets == Targets()
    assert targets.targets == {
        "standard_rate": 0.80, "coverage_rate": 0.90, "resolution_rate_7d": 0.95,
    }  # fmt: skip
    variables = targets.variables()
    assert variables["target_coverage_rate"] == 0.90
    assert variables["attention_min_calls"] == 20.0
    assert len(variables) == len(DEFAULT_TARGETS) + 7


def test_a_file_overrides_what_it_names(tmp_path: Path):
    path = tmp_path / "targets.toml"
    path.write_text(
        "[targets]\ncoverage_rate = 0.85  # 85 %\n\n[attention]\nmin_calls = 50\n"
        "large_move_share = 0.3\n",
        encoding="utf-8",
    )
    targets = load_targets(path)
    assert targets.targets["coverage_rate"] == 0.85
    assert targets.targets["standard_rate"] == 0.80  # not in the file: the default
    assert targets.attention == Attention(min_calls=50, large_move_share=0.3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[targets]\ncoverage_rate = 90\n", r"\[targets\] coverage_rate = 90 is outside \[0, 1\]"),
        ("[targets]\nvisits = 0.5\n", r"\[targets\] visits is not a figure a target can be set"),
        ("[attention]\nmin_calls = 2.5\n", r"\[attention\] min_calls = 2.5 is not a whole"),
        ("[attention]\nspeed = 1\n", r"\[attention\] speed is not a threshold"),
        ("[targets]\ncoverage_rate = 'high'\n", r"coverage_rate = 'high' is not a number"),
        ("[goals]\nx = 1\n", r"unknown section\(s\) \['goals'\]"),
        ("[targets\n", r"not a valid TOML file"),
    ],
)
def test_a_bad_file_is_refused_with_the_key_and_the_reason(tmp_path: Path, text, message):
    path = tmp_path / "targets.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TargetsError, match=message) as error:
        load_targets(path)
    assert str(path) in str(error.value)
