"""The incremental refresh: from what changed in the lake to the months of each model.

1. **The lake's changes** (:func:`queue_lake_changes`): the current records against the
   ones the warehouse last queued (``meta.built_files``). A source of events (usage,
   hotline, drives, weather) changes the months its added, replaced or withdrawn files
   hold — for a keyed source also the months of every row that shares a key with them,
   as the winning row may move; a registry (communities, stations, candidate sites)
   changes everything that reads it. The models reading a changed source owe those
   months (``meta.pending``), in one transaction with the records' new state.
2. **The models** (:func:`refresh_models`), in dependency order: a model that owes
   months is rebuilt — whole, or only those months when it is refreshed by month — its
   new rows fingerprinted per month, and the months whose fingerprint moved are owed by
   the models that read it, in the same transaction as the rows. A month that did not
   really change stops there. A model whose SQL or settings changed owes everything.

A refresh killed at any point resumes from ``meta.pending`` and ends in the state a full
refresh over the same files gives, because every step is idempotent and the debts are
written with the work that creates them.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field

import duckdb

from pipelines.ingest.specs import SPECS
from pipelines.lake import FileRecord, Lake
from pipelines.settings import Settings
from pipelines.warehouse import state
from pipelines.warehouse.models import Model, dependents, load_models, parameters, window

log = logging.getLogger(__name__)

#: a source's change: the months it touches, or ALL (a registry, or every month)
Change = set[dt.date | None]


@dataclass
class RefreshReport:
    """What one refresh did."""

    changes: dict[str, Change] = field(default_factory=dict)
    #: model → "whole" or the months rebuilt
    rebuilt: dict[str, str] = field(default_factory=dict)
    #: table → the months whose rows changed (None: the whole table)
    changed: dict[str, Change] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _month(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _shared_key_months(
    con: duckdb.DuckDBPyConnection, source: str, parts: list[str], current: list[str]
) -> set[dt.date]:
    """Months of the current rows of ``source`` whose key appears in ``parts`` (the
    versions of the changed files, old and new)."""
    spec = SPECS[source]
    if not parts or not current or spec.key is None:
        return set()
    key = ", ".join(spec.key_columns)

    def scan(paths: list[str]) -> str:
        listed = ", ".join("'" + p.replace("'", "''") + "'" for p in paths)
        return f"read_parquet([{listed}], union_by_name = true)"

    rows = con.execute(
        f"""SELECT DISTINCT _month FROM {scan(current)}
            WHERE ({key}) IN (SELECT ({key}) FROM {scan(parts)}) AND _month IS NOT NULL"""
    ).fetchall()
    return {m for (m,) in rows}


def lake_changes(
    con: duckdb.DuckDBPyConnection, lake: Lake, records: list[FileRecord]
) -> dict[str, Change]:
    """Source → the months the lake's changes since the last queue touch."""
    before = state.built_files(con)
    now = {r.path: r for r in records}
    changes: dict[str, Change] = {}
    touched: dict[str, list[FileRecord]] = {}
    for path in before.keys() | now.keys():
        old, new = before.get(path), now.get(path)
        same = ("sha256", "raw_file", "file_mtime")  # a later time may make it win a key
        if old and new and all(getattr(old, a) == getattr(new, a) for a in same):
            continue
        source = (new or old).source
        versions = [r for r in (old, new) if r is not None]
        touched.setdefault(source, []).extend(versions)
    for source, versions in touched.items():
        spec = SPECS.get(source)
        if spec is None or spec.month_column is None:
            changes[source] = {state.ALL}
            continue
        months: Change = {_month(m) for r in versions for m in r.months}
        parts = [str(p) for r in versions if r.raw_file and (p := lake.raw_path(r)).exists()]
        current = [str(lake.raw_path(r)) for r in records if r.source == source and r.raw_file]
        months |= _shared_key_months(con, source, parts, current)
        changes[source] = months
    return changes


def queue_lake_changes(
    con: duckdb.DuckDBPyConnection, lake: Lake, records: list[FileRecord]
) -> dict[str, Change]:
    """Owe the models that read the lake what its changes touch (one transaction)."""
    changes = lake_changes(con, lake, records)
    readers = dependents(load_models())
    con.begin()
    try:
        for source, months in changes.items():
            for table in (f"raw.{source}",):
                state.add_pending(con, (m.name for m in readers.get(table, [])), months)
        if changes:
            everything = {state.ALL}
            for table in ("raw.duplicates", "meta.files", "meta.quarantine"):
                state.add_pending(con, (m.name for m in readers.get(table, [])), everything)
        state.record_built_files(con, records)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return changes


def _changed(before: dict[dt.date | None, str], after: dict[dt.date | None, str], months) -> Change:
    """The months (None: the table) whose fingerprint moved among those rebuilt."""
    if None in before or None in after:  # a table without months
        return {state.ALL} if before.get(None) != after.get(None) else set()
    rebuilt = set(after) | {m for m in before if months is None or m in months}
    return {m for m in rebuilt if before.get(m) != after.get(m)}


def owed(con: duckdb.DuckDBPyConnection, model: Model, settings: Settings) -> Change:
    """The months ``model`` owes: those pending, or all of them when it was never built
    or its SQL or settings changed since."""
    months = set(state.pending(con).get(model.name, set()))
    source = model.path.read_text(encoding="utf-8")
    if state.versions(con).get(model.name) != state.version(source, parameters(settings)):
        months.add(state.ALL)
    return months


def refresh_model(
    engine, con: duckdb.DuckDBPyConnection, model: Model, settings: Settings
) -> tuple[str, Change] | None:
    """Rebuild what ``model`` owes (None when it owes nothing); returns what was rebuilt
    and the months whose rows changed."""
    due = owed(con, model, settings)
    if not due:
        return None
    months = None if state.ALL in due or not model.by_month else model.months(due)
    params = parameters(settings)
    readers = dependents(load_models())
    with engine.transaction():
        engine.set_parameters({**params, **window(months)})
        tables = engine.build(model, months)
        if model.materialized == "view":  # no rows of its own: what it owes, it passes on
            changed = set(due)
        else:
            changed = set()
            for table in tables:
                name = table.split(".", 1)[1]
                before = state.fingerprints(con, name)
                after = engine.fingerprints(table, months)
                changed |= _changed(before, after, months)
                state.record_fingerprints(con, name, after, months)
        source = model.path.read_text(encoding="utf-8")
        state.record_version(con, model.name, state.version(source, params))
        state.clear_pending(con, model.name)
        for table in tables:
            state.add_pending(con, (m.name for m in readers.get(table, [])), changed)
    if months is None:
        return "whole", changed
    return ", ".join(m.isoformat()[:7] for m in sorted(months.months)), changed


def refresh_models(
    engine, con: duckdb.DuckDBPyConnection, settings: Settings, only: set[str] | None = None
) -> RefreshReport:
    """Rebuild every model that owes months (of ``only`` and what they read, when given)."""
    report = RefreshReport()
    models = load_models()
    if only is not None:
        only = _upstream(models, only)
    for model in models:
        if only is not None and model.name not in only:
            continue
        started = time.perf_counter()
        done = refresh_model(engine, con, model, settings)
        if done is None:
            continue
        report.rebuilt[model.name], changed = done
        if changed:
            report.changed[model.table] = changed
        report.seconds[model.name] = round(time.perf_counter() - started, 3)
        log.info("%s: rebuilt %s in %.2f s", model.name, done[0], report.seconds[model.name])
    return report


def _upstream(models: tuple[Model, ...], names: set[str]) -> set[str]:
    by_name = {m.name: m for m in models}
    wanted, stack = set(), list(names)
    while stack:
        name = stack.pop()
        if name in wanted or name not in by_name:
            continue
        wanted.add(name)
        stack.extend(t for s, t in by_name[name].reads if s in ("staging", "marts"))
    return wanted
