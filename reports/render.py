"""Render the weekly report: HTML (standalone or for email), plain text, and CSVs."""
from __future__ import annotations

import base64
import csv
import io
from datetime import timedelta
from pathlib import Path

import jinja2

from reports.charts import sparkline, terms_chart, trend_chart
from reports.data import ReportData

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"], default=True),  # page text is hostile
    keep_trailing_newline=True,
)
_TEXT_ENV = jinja2.Environment(loader=_ENV.loader, autoescape=False, keep_trailing_newline=True)


def charts(data: ReportData) -> dict[str, bytes]:
    out = {"terms": terms_chart(data), "trend": trend_chart(data)}
    return {k: v for k, v in out.items() if v}


def render_html(data: ReportData, images: dict[str, str], timezone: str = "UTC") -> str:
    """images: chart name → src (a data: URI for the file, a cid: URI for email)."""
    return _ENV.get_template("weekly.html.j2").render(
        d=data, images=images, sparkline=sparkline, timezone=timezone,
        week_end=data.week_start + timedelta(weeks=1))


def render_text(data: ReportData, timezone: str = "UTC") -> str:
    return _TEXT_ENV.get_template("weekly.txt.j2").render(
        d=data, sparkline=sparkline, timezone=timezone,
        week_end=data.week_start + timedelta(weeks=1))


def data_uris(pngs: dict[str, bytes]) -> dict[str, str]:
    return {k: "data:image/png;base64," + base64.b64encode(v).decode() for k, v in pngs.items()}


def _csv(rows: list[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_safe_cell(_cell(row.get(c))) for c in columns])
    return buf.getvalue()


def _cell(value) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _safe_cell(value: str) -> str:
    """Neutralise spreadsheet formulas ("=cmd|…") that page authors could plant in terms."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def terms_csv(data: ReportData) -> str:
    return _csv(data.terms, ["term", "kind", "documents", "domains", "mentions", "weeks_seen",
                             "first_seen_week", "is_new", "variants", "expansions", "example_url"])


def dosing_csv(data: ReportData) -> str:
    return _csv(data.dosing, ["kind", "phrase", "mentions", "documents", "domains",
                              "documents_last_week", "substances", "example_text", "example_url"])
