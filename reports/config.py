"""The report's settings: config/report.yaml, with CLAIMWATCH_REPORT_* environment variables
over it. The one place that resolves who gets the report, from whom, and in which timezone."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

CONFIG_NAME = "report.yaml"
# One address per recipient: no display names, commas or line breaks (header injection).
_ADDRESS = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+$")


class ReportConfigError(ValueError):
    """config/report.yaml or a CLAIMWATCH_REPORT_* variable is invalid."""


@dataclass(frozen=True)
class ReportConfig:
    recipients: tuple[str, ...]
    sender: str
    timezone: str = "UTC"
    rising_min_documents: int = 2
    rising_factor: float = 1.5
    send_attempts: int = 3
    backoff_seconds: float = 10.0
    data_docs_url: str | None = None  # where the GX Data Docs are served; else the local file


def config_path(home: Path) -> Path:
    return Path(os.environ.get("CLAIMWATCH_REPORT_CONFIG", home / "config" / CONFIG_NAME))


def load_report_config(home: Path) -> ReportConfig:
    """Read config/report.yaml under `home` (missing file: defaults), then the environment."""
    path = config_path(home)
    raw: dict = {}
    if path.exists():
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ReportConfigError(f"{path}: {exc}") from exc
        if not isinstance(raw, dict):
            raise ReportConfigError(f"{path}: expected a mapping")
    rising, sending = raw.get("rising") or {}, raw.get("sending") or {}
    recipients = raw.get("recipients") or ["analysts@claimwatch.invalid"]
    if "CLAIMWATCH_REPORT_TO" in os.environ:
        recipients = os.environ["CLAIMWATCH_REPORT_TO"].split(",")
    if isinstance(recipients, str):
        recipients = recipients.split(",")
    try:
        config = ReportConfig(
            recipients=tuple(dict.fromkeys(str(r).strip() for r in recipients if str(r).strip())),
            sender=os.environ.get("CLAIMWATCH_REPORT_FROM",
                                  raw.get("sender", "claimwatch@claimwatch.invalid")).strip(),
            timezone=os.environ.get("CLAIMWATCH_REPORT_TIMEZONE", raw.get("timezone", "UTC")),
            rising_min_documents=int(rising.get("min_documents", 2)),
            rising_factor=float(rising.get("factor", 1.5)),
            send_attempts=int(sending.get("attempts", 3)),
            backoff_seconds=float(sending.get("backoff_seconds", 10)),
            data_docs_url=raw.get("data_docs_url") or None,
        )
    except (TypeError, ValueError, AttributeError) as exc:
        raise ReportConfigError(f"{path}: {exc}") from exc
    return validate(config, path)


def validate(config: ReportConfig, where: Path | str = "report config") -> ReportConfig:
    if not config.recipients:
        raise ReportConfigError(f"{where}: no recipients")
    for address in (*config.recipients, config.sender):
        if not _ADDRESS.match(address):
            raise ReportConfigError(f"{where}: not a plain email address: {address!r}")
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ReportConfigError(f"{where}: unknown timezone {config.timezone!r}") from exc
    if not 1 <= config.send_attempts <= 10 or config.backoff_seconds < 0:
        raise ReportConfigError(f"{where}: sending.attempts must be 1–10, backoff_seconds ≥ 0")
    if config.data_docs_url and not config.data_docs_url.startswith(("https://", "http://")):
        raise ReportConfigError(f"{where}: data_docs_url must be an http(s) URL")
    if config.rising_min_documents < 1 or config.rising_factor <= 0:
        raise ReportConfigError(f"{where}: rising.min_documents ≥ 1 and factor > 0")
    return config
