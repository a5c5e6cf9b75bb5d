"""Report fixtures: a checked two-week warehouse, a report config, an in-process SMTP server."""
from __future__ import annotations

import logging
import shutil
import socket
from datetime import date
from pathlib import Path

import pytest

from reports.config import ReportConfig

WEEK = date(2026, 11, 23)  # 2026-W48, the fixture's second week


def _two_week_batches(root: Path):
    """As tests/conftest.py's two_week_warehouse: week 1, the vendor blog coins jargon; week
    2, a forum repeats it and a clinic page cites."""
    from tests.conftest import page_html, write_batch

    yield write_batch(root / "w1", [
        ("https://fernleaf.example/blog/quiet-evenings.html", page_html("vendor_blog.html"))],
        "2026-11-16T00:00:00+00:00", "2026-11-22T09:00:00+00:00")
    yield write_batch(root / "w2", [
        ("https://harborlights.example/t/evenings.html", page_html("forum_thread.html")),
        ("https://eastbrook.example/sleep.html", page_html("clinic_page.html"))],
        "2026-11-23T00:00:00+00:00", "2026-11-27T09:00:00+00:00")


@pytest.fixture(scope="session")
def _checked_warehouse_file(tmp_path_factory) -> Path:
    """The two-week warehouse of tests/conftest.py, loaded and checked once per session."""
    from checks.validate import check_load
    from warehouse.db import connect, migrate
    from warehouse.load import load_batch

    root = tmp_path_factory.mktemp("checked")
    with connect(root / "warehouse.duckdb") as con:
        migrate(con)
        for batch in _two_week_batches(root):
            load_batch(con, *batch)
        for (load_id,) in con.execute("SELECT load_id FROM loads ORDER BY 1").fetchall():
            check_load(con, load_id)
    return root / "warehouse.duckdb"


@pytest.fixture
def checked_warehouse_path(_checked_warehouse_file, tmp_path) -> Path:
    """A private copy of the checked warehouse file: tests may write to it."""
    path = tmp_path / "data" / "warehouse.duckdb"
    path.parent.mkdir(parents=True)
    shutil.copyfile(_checked_warehouse_file, path)
    return path


@pytest.fixture
def checked_warehouse(checked_warehouse_path):
    """Both weeks loaded and checked (the report waits for checks), connected."""
    from warehouse.db import connect

    con = connect(checked_warehouse_path)
    yield con
    con.close()


@pytest.fixture
def config():
    return ReportConfig(recipients=("a@example.invalid", "b@example.invalid"),
                        sender="cw@example.invalid", send_attempts=3, backoff_seconds=0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """aiosmtpd handler: keeps every accepted envelope; answers 451 (try later) to the first
    `fail_next` DATA commands, and 550 to recipients in `refuse`."""

    def __init__(self):
        self.messages, self.fail_next, self.refuse, self.data_commands = [], 0, set(), 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_commands += 1
        if self.fail_next:
            self.fail_next -= 1
            return "451 4.3.0 try again later"
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_sink():
    """A real SMTP server on 127.0.0.1 (aiosmtpd, in this process) and its SmtpConfig."""
    from aiosmtpd.controller import Controller

    from reports.mail import SmtpConfig

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield sink, SmtpConfig(host="127.0.0.1", port=controller.port, timeout=5)
    finally:
        controller.stop()
