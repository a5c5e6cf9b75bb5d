import socket
import time

import pytest
from aiosmtpd.controller import Controller

from reports.build import deliver
from reports.data import build_report_data
from reports.mail import DeliveryError, SmtpConfig, build_message
from reports.render import charts
from tests.reports.test_report import WEEK, _build


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_sink():
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, SmtpConfig(host="127.0.0.1", port=port, use_ssl=False, starttls=False, timeout=5)
    finally:
        controller.stop()


def test_sends_once_per_week_through_smtp(two_week_warehouse, tmp_path, smtp_sink):
    sink, config = smtp_sink
    data, message, html = _build(two_week_warehouse, tmp_path)
    first = deliver(two_week_warehouse, data, message, html, tmp_path / "outbox", config)
    second = deliver(two_week_warehouse, data, message, html, tmp_path / "outbox", config)
    assert first["delivery"] == second["delivery"] == "smtp"
    assert len(sink.messages) == 1  # the re-run did not send again
    assert sink.messages[0].rcpt_tos == ["a@example.invalid"]
    assert b"2026-W48" in sink.messages[0].content


def test_dead_smtp_server_keeps_the_message_in_the_outbox(two_week_warehouse, tmp_path):
    port = free_port()  # nobody listens there
    data, message, html = _build(two_week_warehouse, tmp_path)
    started = time.monotonic()
    with pytest.raises(DeliveryError, match=f"127.0.0.1:{port}"):
        deliver(two_week_warehouse, data, message, html, tmp_path / "outbox",
                SmtpConfig(host="127.0.0.1", port=port, use_ssl=False, timeout=3))
    assert time.monotonic() - started < 10
    assert (tmp_path / "outbox" / "2026-W48.eml").exists()
    assert two_week_warehouse.execute("SELECT count(*) FROM report_runs").fetchone()[0] == 0


def test_subject_counts_recurring_and_new_terms(two_week_warehouse):
    data = build_report_data(two_week_warehouse, WEEK)
    msg = build_message(data, charts(data), "cw@example.invalid", ("a@example.invalid",))
    assert msg["Subject"].startswith("claimwatch 2026-W48:")
    assert msg["Message-ID"] == "<claimwatch-2026-W48@claimwatch.invalid>"


def test_an_outbox_run_never_downgrades_a_week_sent_by_smtp(two_week_warehouse, tmp_path, smtp_sink):
    sink, config = smtp_sink
    data, message, html = _build(two_week_warehouse, tmp_path)
    deliver(two_week_warehouse, data, message, html, tmp_path / "outbox", config)
    deliver(two_week_warehouse, data, message, html, tmp_path / "outbox", None)  # no SMTP now
    assert two_week_warehouse.execute("SELECT delivery FROM report_runs").fetchall() == [("smtp",)]
    deliver(two_week_warehouse, data, message, html, tmp_path / "outbox", config)
    assert len(sink.messages) == 1
