"""docs/security.md names, for each guard, the test that proves it: every test it names
exists, so the document cannot silently point at a test that was renamed or removed."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
#: `tests/….py`, `tests/….py::test_name`, or `::test_name` (same file as the last one)
REFERENCE = re.compile(r"`(?:(tests/[\w/]+\.py)(?:::(\w+))?|::(\w+))`")


def test_every_test_named_in_the_threat_model_exists() -> None:
    text = (REPO / "docs" / "security.md").read_text(encoding="utf-8")
    current, named, missing = None, 0, []
    for match in REFERENCE.finditer(text):
        path, name = (match[1], match[2]) if match[1] else (current, match[3])
        current = path
        source = REPO / path
        if not source.exists():
            missing.append(path)
        elif name:
            named += 1
            if not re.search(rf"^def {name}\(", source.read_text(encoding="utf-8"), re.M):
                missing.append(f"{path}::{name}")
    assert missing == []
    assert named >= 60  # the document really does name its tests
