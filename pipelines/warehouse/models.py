"""The model catalogue: ``sql/staging`` then ``sql/marts``, one model a file.

A model is a file. ``sql/<schema>/<name>.sql`` holds one SELECT, materialised as the
table (or, with the header line ``-- materialized: view``, the view) ``<schema>.<name>``;
``sql/<schema>/<name>.py`` is a Python model for the few steps SQL does badly: it
declares ``inputs(months)`` (name → SQL) and ``compute(frames, months)`` (polars frames
in, a frame out), so either engine can run it. The header comment (or docstring)
describes the model, and what it reads is read from the file: ``raw.X``, ``meta.*``,
``staging.Y``, ``marts.Z``. Adding a model is adding a file.

How a model is refreshed (a header line ``-- refresh: …``, or ``REFRESH`` in a Python
model):

- ``whole`` (the default): rebuilt entirely when anything it reads changed;
- ``by month``: the rows of month m depend only on the month-m rows of what it reads
  (and on what it reads that has no months), so a change is rebuilt month by month;
- ``by month and later months``: the rows of month m depend on months up to m (a
  backlog), so a change in month m rebuilds m and every later month.

Settings reach SQL as variables (``getvariable('coverage_radius_m')``), never literals.
"""

from __future__ import annotations

import datetime as dt
import graphlib
import importlib.util
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

from pipelines.ingest.specs import SPECS
from pipelines.settings import REPO_ROOT, Settings
from pipelines.targets import load_targets

SQL_DIR = REPO_ROOT / "sql"
MODEL_SCHEMAS = ("staging", "marts")
REFRESH_KINDS = ("whole", "by month", "by month and later months")
_REFERENCE = re.compile(r"\b(raw|meta|staging|marts)\.([a-z_][a-z0-9_]*)\b")
_HEADER = re.compile(r"^--\s*(materialized|refresh):\s*(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Months:
    """The months a refresh rebuilds: ``months``, and with ``later`` every month after
    the first of them too (a model refreshed "by month and later months")."""

    months: frozenset[dt.date]
    later: bool = False

    def where(self, column: str = "month") -> str:
        """The SQL condition keeping these months of ``column`` (a DATE)."""
        if not self.months:
            return "false"
        if self.later:
            return f"{column} >= DATE '{min(self.months).isoformat()}'"
        listed = ", ".join(f"DATE '{m.isoformat()}'" for m in sorted(self.months))
        return f"{column} IN ({listed})"

    def __contains__(self, month: dt.date) -> bool:
        return month >= min(self.months) if self.later else month in self.months


#: the months a whole build spans (every month a model can hold)
EVERY_MONTH = (dt.date(1, 1, 1), dt.date(9999, 12, 1))


def window(months: Months | None) -> dict[str, dt.date]:
    """The variables ``refresh_first_month`` and ``refresh_last_month``: the first and
    last month being rebuilt (every month for a whole build or, with ``later``, every
    month from the first). A "by month" model whose facts sit on the right of a LEFT
    JOIN filters them with these, as DuckDB does not push the rebuild's month filter
    through such a join (nor Spark always): without them a one-month rebuild
    aggregates every month and keeps one."""
    if months is None or not months.months:
        first, last = EVERY_MONTH
    else:
        first = min(months.months)
        last = EVERY_MONTH[1] if months.later else max(months.months)
    return {"refresh_first_month": first, "refresh_last_month": last}


def where(months: Months | None, column: str = "month") -> str:
    """:meth:`Months.where`, and ``true`` for every month (None)."""
    return "true" if months is None else months.where(column)


@dataclass(frozen=True)
class Model:
    schema: str
    name: str
    path: Path
    description: str
    #: tables read, as (schema, table)
    reads: frozenset[tuple[str, str]]
    #: "table", or "view" when the header says ``-- materialized: view``
    materialized: str = "table"
    #: one of :data:`REFRESH_KINDS`
    refresh: str = "whole"
    #: the tables it writes: its own, and more for a Python model declaring ``TABLES``
    tables: tuple[str, ...] = ()

    @property
    def table(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def is_python(self) -> bool:
        return self.path.suffix == ".py"

    @property
    def by_month(self) -> bool:
        return self.refresh != "whole"

    def months(self, owed: set[dt.date]) -> Months:
        """The months to rebuild for the months owed."""
        return Months(frozenset(owed), self.refresh == "by month and later months")

    def sql(self) -> str:
        """The model's SELECT (SQL models)."""
        return self.path.read_text(encoding="utf-8").strip().rstrip(";")

    def module(self) -> ModuleType:
        """The model's module (Python models)."""
        return _module(self.path)


@cache
def _module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"wsi_model_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _description(path: Path, text: str) -> str:
    if path.suffix == ".sql":
        lines = []
        for line in text.splitlines():
            if not line.startswith("--"):
                break
            if not _HEADER.match(line):
                lines.append(line[2:].strip())
        return " ".join(lines)
    doc = text.split('"""')
    return " ".join(doc[1].split()) if len(doc) > 2 else ""


def _tables(path: Path, text: str) -> tuple[str, ...]:
    declared = re.search(r"^TABLES\s*=\s*\(([^)]*)\)", text, re.MULTILINE)
    if path.suffix != ".py" or not declared:
        return (path.stem,)
    return tuple(re.findall(r'"([a-z_][a-z0-9_]*)"', declared.group(1)))


def _headers(path: Path, text: str) -> dict[str, str]:
    if path.suffix == ".sql":
        return dict(_HEADER.findall(text))
    found = re.search(r'^REFRESH\s*=\s*"([^"]+)"', text, re.MULTILINE)
    return {"refresh": found.group(1)} if found else {}


@cache
def load_models(sql_dir: Path = SQL_DIR) -> tuple[Model, ...]:
    """Every model under ``sql_dir``, in an order where a model comes after what it reads."""
    found: dict[str, Model] = {}
    for schema in MODEL_SCHEMAS:
        for path in sorted((sql_dir / schema).glob("*")):
            if path.suffix not in (".sql", ".py") or path.name.startswith("_"):
                continue
            text = path.read_text(encoding="utf-8")
            if path.stem in found:
                raise ValueError(f"two models named {path.stem!r}: asset keys must be unique")
            headers = _headers(path, text)
            refresh = headers.get("refresh", "whole")
            if refresh not in REFRESH_KINDS:
                raise ValueError(f"{path}: refresh {refresh!r} is none of {REFRESH_KINDS}")
            found[path.stem] = Model(
                schema,
                path.stem,
                path,
                _description(path, text),
                frozenset(_REFERENCE.findall(text)) - {(schema, path.stem)},
                headers.get("materialized", "table"),
                refresh,
                _tables(path, text),
            )
    writer = {table: name for name, m in found.items() for table in m.tables}
    graph = {
        name: {writer[t] for s, t in m.reads if s in MODEL_SCHEMAS and t in writer} - {name}
        for name, m in found.items()
    }
    return tuple(found[name] for name in graphlib.TopologicalSorter(graph).static_order())


def dependents(models: tuple[Model, ...]) -> dict[str, list[Model]]:
    """Each table (``schema.name``, raw and meta included) → the models that read it."""
    readers: dict[str, list[Model]] = {}
    for model in models:
        for schema, table in model.reads:
            readers.setdefault(f"{schema}.{table}", []).append(model)
    return readers


#: every header a personal column may be written under, normalised as in header matching
PERSONAL_HEADERS = sorted(
    {
        "".join(name.split()).casefold()
        for spec in SPECS.values()
        for column in spec.columns
        if column.personal
        for name in (column.name, *column.aliases)
    }
)


def parameters(settings: Settings) -> dict[str, object]:
    """The settings (and spec facts, the targets and attention thresholds of
    ``<data>/targets.toml``) that models read with ``getvariable``."""
    return {
        "coverage_radius_m": float(settings.coverage_radius_m),
        "personal_headers": PERSONAL_HEADERS,
        "siting_k": int(settings.siting_k),
        "siting_time_limit_s": float(settings.siting_time_limit_s),
        **load_targets(settings.targets_path).variables(),
    }
