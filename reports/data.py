"""Everything the weekly report shows, read from warehouse views for one week."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb

from reports.window import iso_week_label
from warehouse.db import query_text

RISING_MIN_DOCUMENTS = 2   # a term must be in this many documents to count as rising
RISING_FACTOR = 1.5        # … and above 1.5× its trailing 4-week mean


@dataclass
class ReportData:
    week_start: date
    label: str
    headline: dict
    previous: dict
    terms: list[dict] = field(default_factory=list)
    trend: dict[str, list[int]] = field(default_factory=dict)  # group_key → 8 weekly counts
    dosing: list[dict] = field(default_factory=list)
    explicit_doses: list[dict] = field(default_factory=list)
    claims_matrix: list[dict] = field(default_factory=list)
    top_domains: list[dict] = field(default_factory=list)
    quality: list[dict] = field(default_factory=list)
    crawl_health: list[dict] = field(default_factory=list)
    quality_docs: str | None = None  # the GX Data Docs index (a file: URL), when one was built

    @property
    def recurring_terms(self) -> list[dict]:
        return [t for t in self.terms if t["recurring"]]

    @property
    def rising_terms(self) -> list[dict]:
        return [t for t in self.terms if t["documents"] >= RISING_MIN_DOCUMENTS
                and t["documents"] > RISING_FACTOR * t["trailing_mean"]]

    @property
    def trend_weeks(self) -> list[date]:
        return [self.week_start - timedelta(weeks=7 - i) for i in range(8)]


def _rows(con: duckdb.DuckDBPyConnection, name: str, week: date) -> list[dict]:
    cursor = con.execute(query_text(name), [week])
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def build_report_data(con: duckdb.DuckDBPyConnection, week_start: date) -> ReportData:
    data = ReportData(
        week_start=week_start, label=iso_week_label(week_start),
        headline=_rows(con, "report_headline", week_start)[0],
        previous=_rows(con, "report_headline", week_start - timedelta(weeks=1))[0],
        terms=_rows(con, "report_terms", week_start),
        dosing=_rows(con, "report_dosing", week_start),
        explicit_doses=_rows(con, "report_explicit_doses", week_start),
        claims_matrix=_rows(con, "report_claims_matrix", week_start),
        top_domains=_rows(con, "report_top_domains", week_start),
        quality=_rows(con, "report_quality", week_start),
        crawl_health=_rows(con, "report_crawl_health", week_start),
    )
    weeks = data.trend_weeks
    for row in _rows(con, "report_term_trend", week_start):
        series = data.trend.setdefault(row["group_key"], [0] * len(weeks))
        series[weeks.index(row["week_start"])] = row["documents"]
    return data
