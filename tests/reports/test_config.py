"""config/report.yaml and the CLAIMWATCH_REPORT_* variables over it."""
import pytest

from reports.config import ReportConfigError, load_report_config

ROOT_CONFIG = """
timezone: Europe/Berlin
sender: cw@example.invalid
recipients: [a@example.invalid, b@example.invalid, a@example.invalid]
rising: {min_documents: 3, factor: 2}
sending: {attempts: 4, backoff_seconds: 1}
"""


@pytest.fixture
def home(tmp_path, monkeypatch):
    for name in ("CLAIMWATCH_REPORT_TO", "CLAIMWATCH_REPORT_FROM", "CLAIMWATCH_REPORT_TIMEZONE",
                 "CLAIMWATCH_REPORT_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "report.yaml").write_text(ROOT_CONFIG)
    return tmp_path


def test_the_file_is_read(home):
    config = load_report_config(home)
    assert config.recipients == ("a@example.invalid", "b@example.invalid")  # deduplicated
    assert (config.timezone, config.sender) == ("Europe/Berlin", "cw@example.invalid")
    assert (config.rising_min_documents, config.rising_factor) == (3, 2.0)
    assert (config.send_attempts, config.backoff_seconds) == (4, 1.0)


def test_environment_wins(home, monkeypatch):
    monkeypatch.setenv("CLAIMWATCH_REPORT_TO", " x@example.invalid, y@example.invalid ")
    monkeypatch.setenv("CLAIMWATCH_REPORT_TIMEZONE", "America/New_York")
    config = load_report_config(home)
    assert config.recipients == ("x@example.invalid", "y@example.invalid")
    assert config.timezone == "America/New_York"


def test_the_repository_config_is_valid():
    from pathlib import Path
    config = load_report_config(Path(__file__).resolve().parents[2])
    assert config.timezone == "UTC" and config.recipients


@pytest.mark.parametrize("line, message", [
    ("recipients: ['Eve <e@example.invalid>, x@example.invalid']", "plain email address"),
    ("recipients: ['a@example.invalid\\nBcc: e@example.invalid']", "plain email address"),
    ("timezone: Mars/Olympus", "unknown timezone"),
    ("sending: {attempts: 0}", "attempts"),
    ("data_docs_url: javascript:alert(1)", "http"),
])
def test_bad_values_are_named(home, line, message):
    (home / "config" / "report.yaml").write_text(ROOT_CONFIG + line + "\n")
    with pytest.raises(ReportConfigError, match=message):
        load_report_config(home)
