"""Delivery through a real SMTP server (aiosmtpd on 127.0.0.1): what arrives, once per week and
recipient, retries, and the outbox when sending fails or no server is configured."""
import time
from email import message_from_bytes, policy

import pytest

from reports.build import build_report
from reports.delivery import deliver
from reports.mail import DeliveryError, SmtpConfig
from tests.reports.conftest import WEEK, free_port


def _report(con, tmp_path, config):
    return build_report(con, WEEK, tmp_path / "reports", config)


def _deliveries(con):
    return con.execute("""SELECT recipient, status, attempts, sends FROM v_report_deliveries
                          ORDER BY recipient""").fetchall()


def _send(con, report, config, tmp_path, smtp, **kwargs):
    kwargs.setdefault("backoff_seconds", 0)
    return deliver(con, report, config.recipients, tmp_path / "outbox", smtp, **kwargs)


def test_received_message_has_the_whole_mime_structure(checked_warehouse, tmp_path, config, smtp_sink):
    sink, smtp = smtp_sink
    report = _report(checked_warehouse, tmp_path, config)
    result = _send(checked_warehouse, report, config, tmp_path, smtp)
    assert result["sent"] == ["a@example.invalid", "b@example.invalid"]
    assert sorted(m.rcpt_tos[0] for m in sink.messages) == ["a@example.invalid", "b@example.invalid"]
    for envelope in sink.messages:
        msg = message_from_bytes(envelope.content, policy=policy.default)
        assert msg["To"] == envelope.rcpt_tos[0]  # each recipient gets their own copy
        assert msg["From"] == "cw@example.invalid" and envelope.mail_from == "cw@example.invalid"
        assert msg["Subject"] == "claimwatch 2026-W48: 1 recurring unsupported term, 0 new"
        assert msg["Date"] == "Mon, 30 Nov 2026 06:00:00 +0000"
        tree = [(p.get_content_type(), p.get_content_disposition()) for p in msg.walk()]
        assert tree[:4] == [("multipart/mixed", None), ("multipart/alternative", None),
                            ("text/plain", None), ("multipart/related", None)]
        assert tree[4] == ("text/html", None)
        images = [p for p in msg.walk() if p.get_content_type() == "image/png"]
        assert len(images) >= 2 and all(p.get_content_disposition() == "inline" for p in images)
        assert all(p.get_content().startswith(b"\x89PNG") for p in images)
        html = msg.get_body(("html",)).get_content()
        assert all(f'cid:{p["Content-ID"].strip("<>")}' in html for p in images)
        csvs = [p for p in msg.walk() if p.get_content_type() == "text/csv"]
        assert [p.get_filename() for p in csvs] == ["claimwatch-2026-W48-terms.csv",
                                                    "claimwatch-2026-W48-dosing.csv"]
        assert all(p.get_content_disposition() == "attachment" for p in csvs)
        assert csvs[0].get_content().startswith("term,kind,documents")
    ids = {message_from_bytes(m.content)["Message-ID"] for m in sink.messages}
    assert len(ids) == 2  # one stable Message-ID per recipient


def test_each_week_goes_to_each_recipient_once(checked_warehouse, tmp_path, config, smtp_sink):
    sink, smtp = smtp_sink
    report = _report(checked_warehouse, tmp_path, config)
    _send(checked_warehouse, report, config, tmp_path, smtp)
    again = _send(checked_warehouse, report, config, tmp_path, smtp)
    assert again["sent"] == [] and again["already_sent"] == list(config.recipients)
    assert again["delivery"] == "smtp"
    assert len(sink.messages) == 2
    # A recipient added later gets the week, and only they do.
    more = ("a@example.invalid", "b@example.invalid", "c@example.invalid")
    added = deliver(checked_warehouse, report, more, tmp_path / "outbox", smtp, backoff_seconds=0)
    assert added["sent"] == ["c@example.invalid"] and len(sink.messages) == 3
    assert [r[1] for r in _deliveries(checked_warehouse)] == ["sent", "sent", "sent"]


def test_force_sends_again_with_a_new_message_id(checked_warehouse, tmp_path, config, smtp_sink):
    sink, smtp = smtp_sink
    report = _report(checked_warehouse, tmp_path, config)
    _send(checked_warehouse, report, config, tmp_path, smtp)
    forced = _send(checked_warehouse, report, config, tmp_path, smtp, force=True)
    assert forced["sent"] == list(config.recipients) and len(sink.messages) == 4
    first, resent = (message_from_bytes(m.content)["Message-ID"] for m in sink.messages[::2])
    assert resent != first and resent.endswith(".2@claimwatch.invalid>")
    assert [r[3] for r in _deliveries(checked_warehouse)] == [2, 2]  # sends


def test_a_temporary_failure_is_retried(checked_warehouse, tmp_path, config, smtp_sink):
    sink, smtp = smtp_sink
    sink.fail_next = 2  # 451 twice, then accepted: within the 3 attempts
    report = _report(checked_warehouse, tmp_path, config)
    waits = []
    result = _send(checked_warehouse, report, config, tmp_path, smtp, backoff_seconds=5,
                   sleep=waits.append)
    assert result["sent"] == list(config.recipients) and waits == [5, 10]
    assert [(r[1], r[2]) for r in _deliveries(checked_warehouse)] == [("sent", 3), ("sent", 1)]
    assert len(sink.messages) == 2 and not (tmp_path / "outbox").exists()


def test_retries_are_bounded_and_the_report_waits_in_the_outbox(checked_warehouse, tmp_path,
                                                                config, smtp_sink):
    sink, smtp = smtp_sink
    sink.fail_next = 100
    report = _report(checked_warehouse, tmp_path, config)
    with pytest.raises(DeliveryError, match="2 of 2 recipients not reached"):
        _send(checked_warehouse, report, config, tmp_path, smtp)
    assert sink.data_commands == 3  # 3 attempts for a, then b is left for the next run
    eml = tmp_path / "outbox" / "2026-W48.eml"
    kept = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert kept["To"] == "a@example.invalid, b@example.invalid"
    assert [r[1:3] for r in _deliveries(checked_warehouse)] == [("failed", 3), ("failed", 0)]
    # The server recovers; the next run (Airflow's retry) sends to both, once.
    sink.fail_next = 0
    result = _send(checked_warehouse, report, config, tmp_path, smtp)
    assert result["sent"] == list(config.recipients) and len(sink.messages) == 2
    assert [r[1] for r in _deliveries(checked_warehouse)] == ["sent", "sent"]


def test_a_refused_address_does_not_stop_the_others(checked_warehouse, tmp_path, config, smtp_sink):
    sink, smtp = smtp_sink
    sink.refuse = {"a@example.invalid"}
    report = _report(checked_warehouse, tmp_path, config)
    with pytest.raises(DeliveryError, match="1 of 2"):
        _send(checked_warehouse, report, config, tmp_path, smtp)
    assert [m.rcpt_tos for m in sink.messages] == [["b@example.invalid"]]
    assert _deliveries(checked_warehouse)[0][1:3] == ("failed", 1)  # 550: not retried


def test_dead_smtp_server_keeps_the_message_in_the_outbox(checked_warehouse, tmp_path, config):
    port = free_port()  # nobody listens there
    report = _report(checked_warehouse, tmp_path, config)
    started = time.monotonic()
    with pytest.raises(DeliveryError, match=f"127.0.0.1:{port}"):
        _send(checked_warehouse, report, config, tmp_path,
              SmtpConfig(host="127.0.0.1", port=port, timeout=3))
    assert time.monotonic() - started < 10
    assert (tmp_path / "outbox" / "2026-W48.eml").exists()
    assert checked_warehouse.execute("SELECT delivery FROM report_runs").fetchall() == [("outbox",)]


def test_without_smtp_the_week_is_written_to_the_outbox_once(checked_warehouse, tmp_path, config):
    report = _report(checked_warehouse, tmp_path, config)
    result = _send(checked_warehouse, report, config, tmp_path, None)
    eml = tmp_path / "outbox" / "2026-W48.eml"
    assert result["delivery"] == "outbox" and result["eml"] == str(eml)
    assert message_from_bytes(eml.read_bytes())["To"] == "a@example.invalid, b@example.invalid"
    assert [r[1] for r in _deliveries(checked_warehouse)] == ["outbox", "outbox"]


def test_an_outbox_run_never_downgrades_a_week_sent_by_smtp(checked_warehouse, tmp_path, config, smtp_sink):
    sink, smtp = smtp_sink
    report = _report(checked_warehouse, tmp_path, config)
    _send(checked_warehouse, report, config, tmp_path, smtp)
    quiet = _send(checked_warehouse, report, config, tmp_path, None)  # no SMTP now
    assert quiet["outbox"] == [] and not (tmp_path / "outbox").exists()
    assert checked_warehouse.execute("SELECT delivery FROM report_runs").fetchall() == [("smtp",)]
    _send(checked_warehouse, report, config, tmp_path, smtp)
    assert len(sink.messages) == 2
