"""The one place that resolves claimwatch's settings: environment variables over built-in defaults.

Every path is derived from CLAIMWATCH_HOME (default: the current directory), so a checkout runs
with no configuration at all. Secrets (SMTP) never live here: they come from Airflow Connections.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _flag(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    home: Path
    sources_path: Path
    report_to: tuple[str, ...]
    report_from: str
    warehouse_override: Path | None = None  # claimwatch crawl --db

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def warehouse_path(self) -> Path:
        return self.warehouse_override or self.data_dir / "warehouse.duckdb"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def snapshot_path(self) -> Path:
        """The analysts' read-only copy, republished after each checked load."""
        return self.warehouse_path.with_name(self.warehouse_path.stem + "-snapshot.duckdb")

    @property
    def quality_dir(self) -> Path:
        """The Great Expectations Data Docs site (index.html)."""
        return self.data_dir / "quality"

    @property
    def crawl_state_path(self) -> Path:
        return self.data_dir / "crawl_state.sqlite"

    @property
    def runs_dir(self) -> Path:
        return self.data_dir / "runs"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"


def load() -> Settings:
    """Read settings from the environment (CLAIMWATCH_*)."""
    home = Path(os.environ.get("CLAIMWATCH_HOME", os.getcwd())).resolve()
    sources = Path(os.environ.get("CLAIMWATCH_SOURCES", home / "config" / "sources.yaml"))
    recipients = os.environ.get("CLAIMWATCH_REPORT_TO", "analysts@claimwatch.invalid")
    return Settings(
        home=home,
        sources_path=sources if sources.is_absolute() else home / sources,
        # Off in production: the crawler refuses loopback and private addresses (SSRF guard).
        report_to=tuple(r.strip() for r in recipients.split(",") if r.strip()),
        report_from=os.environ.get("CLAIMWATCH_REPORT_FROM", "claimwatch@claimwatch.invalid"),
    )
