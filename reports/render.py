"""Render the weekly report: HTML (standalone or for email), plain text, and CSVs."""
from __future__ import annotations

import base64
import csv
import io
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import jinja2

from reports.charts import claims_chart, sparkline, terms_chart, trend_chart
from reports.data import ReportData
from reports.window import iso_week_label

_COUNTED_UNITS = {"capsule", "tablet", "dropper", "drop", "shell", "scoop", "serving", "pill",
                  "gummy", "tbsp", "tsp", "cup"}


def safe_url(url) -> str:
    """Only http(s) links from crawled pages: a javascript: or data: URL becomes "#"."""
    text = str(url or "").strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return "#"
    return text if scheme in ("http", "https") else "#"


def number(value) -> str:
    """4.0 → "4", 0.1666 → "0.17", 1000.0 → "1,000"."""
    if value is None:
        return ""
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def dose(row: dict) -> str:
    """An explicit dose in words: "2–4 g", "8 capsules in 24 hours"."""
    low, high = row.get("amount_low"), row.get("amount_high")
    amount = number(low) if high is None or low == high else f"{number(low)}–{number(high)}"
    unit = row.get("unit") or ""
    if unit in _COUNTED_UNITS and (high or low or 0) != 1:
        unit += "es" if unit.endswith("sh") else "s"
    return " ".join(p for p in (amount, unit, row.get("frequency") or "") if p)


def delta(now: int, before: int) -> str:
    diff = (now or 0) - (before or 0)
    return f"▲ {diff}" if diff > 0 else f"▼ {-diff}" if diff < 0 else "= 0"


def week_label(value) -> str:
    return iso_week_label(value) if isinstance(value, date) else str(value or "")


def _environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        # Page text is hostile: every value is escaped unless a template marks it safe.
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True) if autoescape else False,
        keep_trailing_newline=True)
    env.filters.update(safe_url=safe_url, number=number, dose=dose, week=week_label)
    env.globals.update(sparkline=sparkline, delta=delta)
    return env


_ENV = _environment(autoescape=True)
_TEXT_ENV = _environment(autoescape=False)


def charts(data: ReportData) -> dict[str, bytes]:
    out = {"terms": terms_chart(data), "trend": trend_chart(data), "claims": claims_chart(data)}
    return {k: v for k, v in out.items() if v}


def _context(data: ReportData, timezone: str) -> dict:
    return {"d": data, "timezone": timezone, "week_end": data.week_start + timedelta(weeks=1)}


def render_html(data: ReportData, images: dict[str, str], timezone: str = "UTC") -> str:
    """images: chart name → src (a data: URI for the file, a cid: URI for email)."""
    return _ENV.get_template("weekly.html.j2").render(images=images, **_context(data, timezone))


def render_text(data: ReportData, timezone: str = "UTC") -> str:
    return _TEXT_ENV.get_template("weekly.txt.j2").render(**_context(data, timezone))


def data_uris(pngs: dict[str, bytes]) -> dict[str, str]:
    return {k: "data:image/png;base64," + base64.b64encode(v).decode() for k, v in pngs.items()}


def _csv(rows: list[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buf.getvalue()


def _cell(value) -> str | int | float:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value  # numbers stay numbers: -1 is not a formula
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    return _safe_cell("" if value is None else str(value))


def _safe_cell(value: str) -> str:
    """Neutralise spreadsheet formulas ("=cmd|…") that page authors could plant in terms
    (OWASP CSV injection): a leading =, +, -, @, tab or carriage return, also after spaces."""
    return "'" + value if value.lstrip(" ")[:1] in ("=", "+", "-", "@", "\t", "\r", "\n") else value


def terms_csv(data: ReportData) -> str:
    return _csv(data.terms, ["term", "kind", "documents", "domains", "mentions", "weeks_seen",
                             "first_seen_week", "is_new", "trailing_mean", "growth", "sites",
                             "new_sites", "variants", "expansions", "example_snippet",
                             "example_url"])


def dosing_csv(data: ReportData) -> str:
    return _csv(data.dosing, ["kind", "phrase", "mentions", "documents", "domains",
                              "documents_last_week", "substances", "example_text", "example_url"])
