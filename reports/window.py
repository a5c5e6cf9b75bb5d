"""Which week a report covers, from the Airflow data interval (never from the clock)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def report_week(interval_end: datetime, tz: str = "UTC") -> date:
    """The Monday starting the last full week (Monday 00:00 to Monday 00:00 in `tz`) that ends
    at or before `interval_end`. A run at Monday 06:00 reports the week that ended at 00:00."""
    if interval_end.tzinfo is None:  # astimezone() would silently take the machine's zone
        raise ValueError("interval_end needs a timezone (Airflow's data interval has one)")
    local = interval_end.astimezone(ZoneInfo(tz))
    monday = local.date() - timedelta(days=local.weekday())
    return monday - timedelta(days=7)


def iso_week_label(week_start: date) -> str:
    """"2026-W47": the ISO year and week of the Monday."""
    year, week, _ = week_start.isocalendar()
    return f"{year}-W{week:02d}"
