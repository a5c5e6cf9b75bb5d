"""Build one week's report: the HTML file and the email message (no sending here)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import duckdb

from reports.config import ReportConfig
from reports.data import ReportData, build_report_data
from reports.mail import build_message
from reports.render import charts, data_uris, render_html


@dataclass(frozen=True)
class BuiltReport:
    data: ReportData
    message: EmailMessage  # addressed to every recipient; delivery copies it per recipient
    html_path: Path


def build_report(con: duckdb.DuckDBPyConnection, week_start: date, reports_dir: Path,
                 config: ReportConfig, quality_docs: Path | str | None = None) -> BuiltReport:
    """Write data/reports/<YYYY>-W<ww>.html and build the email. Reads views only, never the
    clock: the same warehouse state gives the same bytes."""
    data = build_report_data(con, week_start, config.rising_min_documents, config.rising_factor)
    if isinstance(quality_docs, Path):
        data.quality_docs = quality_docs.resolve().as_uri() if quality_docs.exists() else None
    elif quality_docs:
        data.quality_docs = quality_docs  # a URL where the Data Docs site is served
    pngs = charts(data)
    reports_dir.mkdir(parents=True, exist_ok=True)
    html_path = reports_dir / f"{data.label}.html"
    tmp = html_path.with_suffix(".html.tmp")
    tmp.write_text(render_html(data, data_uris(pngs), config.timezone), encoding="utf-8")
    os.replace(tmp, html_path)
    message = build_message(data, pngs, config.sender, config.recipients, config.timezone)
    return BuiltReport(data, message, html_path)
