"""`claimwatch report --week … [--send] [--force]` and the scheduled path (pipeline.report_for)
build the same week identically; sending is once per week and recipient unless forced."""
import json
from datetime import datetime, timezone
from email import message_from_bytes

import pytest

from claimwatch import pipeline, settings
from claimwatch.cli import main


@pytest.fixture
def home(checked_warehouse_path, monkeypatch):
    """CLAIMWATCH_HOME with the checked two-week warehouse in data/, two recipients."""
    root = checked_warehouse_path.parents[1]
    monkeypatch.setenv("CLAIMWATCH_HOME", str(root))
    monkeypatch.setenv("CLAIMWATCH_REPORT_CONFIG", str(root / "report.yaml"))
    (root / "report.yaml").write_text(
        "recipients: [a@example.invalid, b@example.invalid]\nsender: cw@example.invalid\n"
        "sending: {attempts: 2, backoff_seconds: 0}\n")
    for name in ("CLAIMWATCH_REPORT_TO", "CLAIMWATCH_REPORT_TIMEZONE", "AIRFLOW_CONN_SMTP_DEFAULT"):
        monkeypatch.delenv(name, raising=False)
    return root


def _run(capsys, *argv) -> tuple[int, dict | str]:
    code = main(["report", *argv])
    out, err = capsys.readouterr()
    return code, json.loads(out) if code == 0 else err


def test_a_backfill_rebuilds_the_scheduled_report_byte_for_byte(home, capsys):
    scheduled = pipeline.report_for(settings.load(), datetime(2026, 11, 30, 6, tzinfo=timezone.utc))
    html = home / "data" / "reports" / "2026-W48.html"
    assert scheduled["week"] == "2026-W48" and scheduled["outbox"] == ["a@example.invalid",
                                                                         "b@example.invalid"]
    first = html.read_bytes()
    eml = (home / "data" / "outbox" / "2026-W48.eml").read_bytes()
    code, result = _run(capsys, "--week", "2026-W48")
    assert code == 0 and result["html"] == str(html) and "sent" not in result  # no --send
    assert html.read_bytes() == first
    code, result = _run(capsys, "--week", "2026-W48", "--send")
    assert code == 0 and result["outbox"] == ["a@example.invalid", "b@example.invalid"]
    assert (home / "data" / "outbox" / "2026-W48.eml").read_bytes() == eml


def test_send_goes_once_per_recipient_and_force_sends_again(home, capsys, monkeypatch, smtp_sink):
    sink, smtp = smtp_sink
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps({
        "conn_type": "smtp", "host": smtp.host, "port": smtp.port,
        "extra": {"disable_ssl": True, "disable_tls": True}}))
    code, result = _run(capsys, "--week", "2026-W48", "--send")
    assert code == 0 and result["sent"] == ["a@example.invalid", "b@example.invalid"]
    code, result = _run(capsys, "--week", "2026-W48", "--send")
    assert code == 0 and result["sent"] == [] and len(sink.messages) == 2
    code, result = _run(capsys, "--week", "2026-W48", "--send", "--force")
    assert code == 0 and len(result["sent"]) == 2 and len(sink.messages) == 4
    # An earlier week is its own report, sent once too.
    code, result = _run(capsys, "--week", "2026-W47", "--send")
    assert code == 0 and len(sink.messages) == 6
    assert {message_from_bytes(m.content)["Subject"].split(":")[0] for m in sink.messages} == {
        "claimwatch 2026-W48", "claimwatch 2026-W47"}


def test_the_week_comes_from_the_interval_in_the_report_timezone(home):
    # Sunday 23:30 UTC is Monday 12:30 in Auckland: there, the week of 23 Nov has ended.
    end = datetime(2026, 11, 29, 23, 30, tzinfo=timezone.utc)
    assert pipeline.report_for(settings.load(), end)["week"] == "2026-W47"
    (home / "report.yaml").write_text("timezone: Pacific/Auckland\n")
    result = pipeline.report_for(settings.load(), end)
    assert result["week"] == "2026-W48"
    assert "(Pacific/Auckland)" in (home / "data" / "reports" / "2026-W48.html").read_text()


def test_errors_are_named(home, capsys):
    code, err = _run(capsys, "--week", "2026-W50")
    assert code == 1 and "has not finished" in err
    code, err = _run(capsys, "--week", "2026-W48", "--force")
    assert code == 2 and "--force only applies with --send" in err
    with pytest.raises(SystemExit):
        main(["report", "--week", "2026-11-23"])
    assert "not an ISO week" in capsys.readouterr().err
