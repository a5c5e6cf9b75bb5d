"""Fixtures for the hostile-input suite: the local servers (tests/crawler/conftest.py), a
claimwatch home over the hostile web, and a record of every TCP connection the crawler opens."""
from __future__ import annotations

import functools

import pytest
import urllib3.util.connection

from tests.hostile.server import HostileServer


@pytest.fixture
def make_server():
    """HostileServer factory; every server is stopped at the end of the test."""
    servers = []

    def factory() -> HostileServer:
        servers.append(HostileServer())
        return servers[-1]

    yield factory
    for server in servers:
        server.close()


@pytest.fixture
def server(make_server) -> HostileServer:
    return make_server()


@pytest.fixture
def connections(monkeypatch) -> list[tuple[str, int]]:
    """(host, port) of every connection urllib3 opens in this process, in order."""
    opened: list[tuple[str, int]] = []
    real = urllib3.util.connection.create_connection

    def recording(address, *args, **kwargs):
        opened.append((address[0], address[1]))
        return real(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", recording)
    return opened


@pytest.fixture
def quick_retries(monkeypatch):
    """The pipeline's fetch policy with one retry and short backoffs: the suite tests that
    retries end, not how long production waits between them."""
    import crawler.fetch

    monkeypatch.setattr(crawler.fetch, "FetchPolicy", functools.partial(
        crawler.fetch.FetchPolicy, max_retries=1, backoff_seconds=0.2))


def home(tmp_path, monkeypatch, sources_yaml: str):
    """Settings for a CLAIMWATCH_HOME in tmp_path crawling `sources_yaml`."""
    from claimwatch import settings

    path = tmp_path / "sources.yaml"
    path.write_text(sources_yaml, encoding="utf-8")
    monkeypatch.setenv("CLAIMWATCH_HOME", str(tmp_path))
    monkeypatch.setenv("CLAIMWATCH_SOURCES", str(path))
    monkeypatch.delenv("CLAIMWATCH_REPORT_TO", raising=False)
    return settings.load()
