"""The report DAG: scheduled in the report's timezone; a re-run or backfill of a week rebuilds
the same HTML as `claimwatch report --week` and does not send the week again."""
import json
from datetime import datetime, timezone

import pytest

from tests.dags.test_dagbag import DAGS
from tests.reports.conftest import _checked_warehouse_file, checked_warehouse_path, smtp_sink  # noqa: F401 (fixtures)


def _report_dag():
    from airflow.dag_processing.dagbag import DagBag
    return DagBag(dag_folder=str(DAGS / "claimwatch_report.py")).dags["claimwatch_report"]


def test_schedule_follows_the_report_timezone(monkeypatch, tmp_path):
    monkeypatch.delenv("CLAIMWATCH_REPORT_TIMEZONE", raising=False)
    config = tmp_path / "report.yaml"
    config.write_text("timezone: Europe/Berlin\n")
    monkeypatch.setenv("CLAIMWATCH_REPORT_CONFIG", str(config))
    timetable = _report_dag().timetable
    assert str(timetable.timezone) == "Europe/Berlin" and timetable.interval.days == 7
    monkeypatch.setenv("CLAIMWATCH_REPORT_TIMEZONE", "America/New_York")
    assert str(_report_dag().timetable.timezone) == "America/New_York"


@pytest.mark.integration
def test_rerunning_a_week_rebuilds_it_identically_and_sends_once(
        airflow_db, checked_warehouse_path, smtp_sink, monkeypatch):
    from airflow.utils.state import DagRunState

    from claimwatch.cli import main

    sink, smtp = smtp_sink
    home = checked_warehouse_path.parents[1]
    monkeypatch.setenv("CLAIMWATCH_HOME", str(home))
    monkeypatch.setenv("CLAIMWATCH_REPORT_CONFIG", str(home / "missing.yaml"))  # defaults
    monkeypatch.delenv("CLAIMWATCH_REPORT_TO", raising=False)
    monkeypatch.delenv("CLAIMWATCH_REPORT_TIMEZONE", raising=False)
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps({
        "conn_type": "smtp", "host": smtp.host, "port": smtp.port,
        "extra": {"disable_ssl": True, "disable_tls": True}}))
    dag = _report_dag()
    html = home / "data" / "reports" / "2026-W48.html"
    # The Monday run after the week, then the same logical date again (a re-run or backfill).
    runs = []
    for _ in range(2):
        assert dag.test(logical_date=datetime(2026, 11, 30, 6, tzinfo=timezone.utc)).state == DagRunState.SUCCESS
        runs.append(html.read_bytes())
    assert runs[0] == runs[1]
    assert [m.rcpt_tos for m in sink.messages] == [["analysts@claimwatch.invalid"]]
    html.unlink()  # the CLI's backfill writes it afresh, byte for byte
    assert main(["report", "--week", "2026-W48"]) == 0
    assert html.read_bytes() == runs[0]
