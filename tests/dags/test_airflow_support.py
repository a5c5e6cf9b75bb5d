import json
from datetime import datetime, timezone

from claimwatch.airflow_support import smtp_from_connection, window_from_context


def test_no_smtp_connection_means_outbox(monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_SMTP_DEFAULT", raising=False)
    assert smtp_from_connection("smtp_default") is None


def test_smtp_connection_json_form_with_plain_sink_flags(monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps({
        "conn_type": "smtp", "host": "mailpit", "port": 1025, "login": "cw", "password": "pw",
        "extra": {"disable_ssl": True, "disable_tls": True}}))
    config = smtp_from_connection("smtp_default")
    assert (config.host, config.port, config.login, config.password) == ("mailpit", 1025, "cw", "pw")
    assert config.use_ssl is False and config.starttls is False


def test_string_false_in_extras_is_not_truthy(monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps({
        "conn_type": "smtp", "host": "smtp.example.org", "port": 587,
        "extra": {"disable_ssl": "true", "disable_tls": "false"}}))
    config = smtp_from_connection("smtp_default")
    assert config.use_ssl is False and config.starttls is True


def test_window_comes_from_the_data_interval():
    start, end = datetime(2026, 11, 16, tzinfo=timezone.utc), datetime(2026, 11, 23, tzinfo=timezone.utc)
    window = window_from_context({"data_interval_start": start, "data_interval_end": end})
    assert window.key == "2026-11-16_2026-11-23"
    assert window.contains(start) and not window.contains(end)
