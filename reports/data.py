"""Everything the weekly report shows, read from warehouse views for one week."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb

from reports.window import iso_week_label
from warehouse.db import query_text

RISING_MIN_DOCUMENTS = 2   # a term must be in this many documents to count as rising
RISING_FACTOR = 1.5        # … and above 1.5× its trailing 4-week mean
TREND_WEEKS = 8
EXPLICIT_KINDS = ("amount", "maximum", "taper")
ADVICE_KINDS = ("titration", "individualised", "as_needed")
SHOWN_TOP = 15  # recurring terms shown as cards (and the top of the bar chart)
SHOWN_NEW = 10  # new and rising terms listed


@dataclass
class ReportData:
    week_start: date
    label: str
    headline: dict
    previous: dict
    terms: list[dict] = field(default_factory=list)
    trend: dict[str, list[int]] = field(default_factory=dict)  # group_key → 8 weekly counts
    term_sites: dict[str, list[dict]] = field(default_factory=dict)  # group_key → sites
    dosing: list[dict] = field(default_factory=list)
    dosing_trend: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    explicit_doses: list[dict] = field(default_factory=list)
    claims_matrix: list[dict] = field(default_factory=list)
    top_domains: list[dict] = field(default_factory=list)
    quality: list[dict] = field(default_factory=list)
    quarantine: list[dict] = field(default_factory=list)
    crawl_health: list[dict] = field(default_factory=list)
    crawl_errors: list[dict] = field(default_factory=list)
    quality_docs: str | None = None  # the GX Data Docs index (a file: URL), when one was built
    rising_min_documents: int = RISING_MIN_DOCUMENTS
    rising_factor: float = RISING_FACTOR

    @property
    def recurring_terms(self) -> list[dict]:
        return [t for t in self.terms if t["recurring"]]

    @property
    def new_terms(self) -> list[dict]:
        return [t for t in self.terms if t["is_new"]]

    @property
    def rising_terms(self) -> list[dict]:
        """Terms whose documents reach the minimum and exceed factor × the trailing 4-week
        mean, fastest growth first (a term with no history grows from zero: listed first)."""
        rising = [t for t in self.terms if t["documents"] >= self.rising_min_documents
                  and t["documents"] > self.rising_factor * t["trailing_mean"]]
        return sorted(rising, key=lambda t: (-(t["growth"] or float("inf")), -t["documents"],
                                             t["term"]))

    @property
    def spreading_terms(self) -> list[dict]:
        """Terms that reached a site this week that had never used them before."""
        return [t for t in self.terms if t["new_sites"] and not t["is_new"]]

    @property
    def shown_groups(self) -> list[str]:
        """The term groups the report shows (cards, lists, charts), in report order; the CSV
        lists every term, with sites for these."""
        shown = (self.terms[:SHOWN_TOP] + self.recurring_terms[:SHOWN_TOP] + self.new_terms[:SHOWN_NEW]
                 + self.rising_terms[:SHOWN_NEW])
        return list(dict.fromkeys(t["group_key"] for t in shown))

    @property
    def trend_weeks(self) -> list[date]:
        return [self.week_start - timedelta(weeks=TREND_WEEKS - 1 - i) for i in range(TREND_WEEKS)]

    @property
    def advice(self) -> list[dict]:
        """Titration, individualised and as-needed phrases, most documents first."""
        rows = [r for r in self.dosing if r["kind"] in ADVICE_KINDS]
        return sorted(rows, key=lambda r: (-r["documents"], -r["mentions"], r["kind"], r["phrase"]))

    @property
    def forms(self) -> list[dict]:
        return [r for r in self.dosing if r["kind"] == "form"]

    @property
    def doses_by_substance(self) -> list[tuple[str, list[dict], list[dict]]]:
        """(substance, amounts and tapers, maximum-dose statements), substances in order."""
        out: dict[str, tuple[list, list]] = {}
        for row in self.explicit_doses:
            amounts, maxima = out.setdefault(row["substance"], ([], []))
            (maxima if row["kind"] == "maximum" else amounts).append(row)
        return [(s, a, m) for s, (a, m) in out.items()]

    @property
    def quality_totals(self) -> dict:
        failed = sum(q["failed_critical"] + q["failed_warning"] for q in self.quality)
        return {"passed": sum(q["passed"] for q in self.quality), "failed": failed,
                "critical": sum(q["failed_critical"] for q in self.quality),
                "quarantined": sum(q["rows_quarantined"] for q in self.quarantine)}


def _rows(con: duckdb.DuckDBPyConnection, name: str, week: date, *params) -> list[dict]:
    cursor = con.execute(query_text(name), [week, *params])
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def build_report_data(con: duckdb.DuckDBPyConnection, week_start: date,
                      rising_min_documents: int = RISING_MIN_DOCUMENTS,
                      rising_factor: float = RISING_FACTOR) -> ReportData:
    if week_start.weekday() != 0:
        raise ValueError(f"a report week starts on a Monday, not {week_start:%A %Y-%m-%d}")
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
        quarantine=_rows(con, "report_quarantine", week_start),
        crawl_health=_rows(con, "report_crawl_health", week_start),
        crawl_errors=_rows(con, "report_crawl_errors", week_start),
        rising_min_documents=rising_min_documents, rising_factor=rising_factor,
    )
    for term in data.terms:
        mean = term["trailing_mean"]
        term["growth"] = round(term["documents"] / mean, 2) if mean else None
        term["sites"], term["new_sites"] = [], []
    # Trends and sites only for the terms the report shows: that bounds the history read.
    shown = data.shown_groups
    weeks = data.trend_weeks
    for row in _rows(con, "report_term_trend", week_start, shown):
        series = data.trend.setdefault(row["group_key"], [0] * len(weeks))
        series[weeks.index(row["week_start"])] = row["documents"]
    for row in _rows(con, "report_dosing_trend", week_start):
        series = data.dosing_trend.setdefault((row["kind"], row["phrase"]), [0] * len(weeks))
        series[weeks.index(row["week_start"])] = row["documents"]
    for row in _rows(con, "report_term_sites", week_start, shown):
        data.term_sites.setdefault(row["group_key"], []).append(row)
    for term in data.terms:
        sites = data.term_sites.get(term["group_key"], [])
        term["sites"] = [s["host"] for s in sites]
        term["new_sites"] = [s["host"] for s in sites if s["new_site"]]
    return data
