"""Validate one loaded batch with Great Expectations and record the results in the warehouse."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from checks.suites import SUITES, expectations
from warehouse.db import query_text

CONFIG = Path(__file__).resolve().parents[1] / "config" / "checks.yaml"
log = logging.getLogger(__name__)


class CriticalCheckFailed(RuntimeError):
    """A critical expectation failed: the batch must not be trusted."""


@dataclass(frozen=True)
class Result:
    suite: str
    expectation: str
    column: str
    severity: str
    success: bool
    unexpected_count: int | None
    detail: str


@lru_cache(maxsize=1)
def _severities() -> tuple[str, dict]:
    data = yaml.safe_load(CONFIG.read_text(encoding="utf-8")) or {}
    return data.get("default_severity", "critical"), data.get("severity", {}) or {}


def severity_of(suite: str, expectation: str, column: str) -> str:
    default, table = _severities()
    return table.get(f"{suite}.{expectation}.{column}", default)


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


@lru_cache(maxsize=1)
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    return ctx


def validate_frame(suite: str, frame: pd.DataFrame) -> list[Result]:
    """Run one suite over one DataFrame; an empty frame passes vacuously."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    ctx = _context()
    name = f"{suite}-{id(frame)}"
    source = ctx.data_sources.add_or_update_pandas(name)
    batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
    gx_suite = gx.ExpectationSuite(name=name)
    for class_name, kwargs in expectations(suite):
        gx_suite.add_expectation(getattr(gxe, class_name)(**kwargs))
    gx_suite = ctx.suites.add_or_update(gx_suite)
    definition = ctx.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=name, data=batch, suite=gx_suite))
    outcome = definition.run(batch_parameters={"dataframe": frame})
    results = []
    for r in outcome.results:
        config = r.expectation_config
        column = config.kwargs.get("column") or f"{config.kwargs.get('column_A')}>{config.kwargs.get('column_B')}"
        expectation = config.type
        details = r.result or {}
        results.append(Result(
            suite=suite, expectation=expectation, column=column,
            severity=severity_of(suite, expectation, column), success=bool(r.success),
            unexpected_count=details.get("unexpected_count"),
            detail=str(details.get("partial_unexpected_list", ""))[:500] if not r.success else ""))
    ctx.validation_definitions.delete(name)
    ctx.suites.delete(name)
    ctx.data_sources.delete(name)
    return results


def check_load(con: duckdb.DuckDBPyConnection, load_id: str) -> dict:
    """Validate every table of one load, store the results, and raise on a critical failure."""
    all_results = []
    con.execute("BEGIN TRANSACTION")
    try:
        for suite in SUITES:
            frame = con.execute(query_text(f"select_batch_{suite}"), [load_id]).df()
            results = validate_frame(suite, frame)
            all_results += results
            run_id = f"{load_id}:{suite}"
            failed = sum(not r.success for r in results)
            con.execute("DELETE FROM check_results WHERE check_run_id = ?", [run_id])
            con.execute("INSERT OR REPLACE INTO check_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [run_id, load_id, suite, len(frame), failed == 0, len(results), failed])
            con.executemany(
                "INSERT OR REPLACE INTO check_results VALUES (?, ?, ?, ?, ?, ?, ?)",
                [[run_id, r.expectation, r.column, r.severity, r.success, r.unexpected_count,
                  r.detail] for r in results])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    critical = [r for r in all_results if not r.success and r.severity == "critical"]
    warnings = [r for r in all_results if not r.success and r.severity != "critical"]
    for r in warnings:
        log.warning("check warning: %s %s on %s: %s", r.suite, r.expectation, r.column, r.detail)
    if critical:
        raise CriticalCheckFailed("; ".join(
            f"{r.suite}.{r.expectation}({r.column}): {r.unexpected_count} unexpected {r.detail}"
            for r in critical))
    return {"evaluated": len(all_results), "failed": len(critical) + len(warnings),
            "warnings": len(warnings)}
