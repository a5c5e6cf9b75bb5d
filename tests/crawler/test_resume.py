"""A crawl killed midway resumes without refetching; a finished one is not crawled again."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from crawler.crawl import crawl
from crawler.models import Source, Window
from crawler.state import CrawlState
from crawler.warc import WarcArchive

from .conftest import page

pytestmark = pytest.mark.integration

WINDOW = Window(datetime(2026, 11, 2, tzinfo=timezone.utc), datetime(2026, 11, 9, tzinfo=timezone.utc))
ROOT = Path(__file__).resolve().parents[2]


def _site(server, pages=8, pause=0.0):
    server.route("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    server.route("/index.html", page(*[f"/p{i}.html" for i in range(pages)]))
    for i in range(pages):
        server.route(f"/p{i}.html", page(title=f"p{i}"), pause=pause)
    return Source(name="site", seeds=(server.url("/index.html"),), max_depth=1, delay_seconds=0,
                  allow_private_networks=True)


def _crawl(tmp_path, source, fetcher, fresh=False):
    state = CrawlState(tmp_path / "state.sqlite")
    try:
        return crawl([source], WINDOW, fetcher, WarcArchive(tmp_path / "archive"),
                     tmp_path / "run", state, run_id="resume-test", fresh=fresh)
    finally:
        state.close()


def test_killed_crawl_resumes_without_refetching(server, fetcher, tmp_path):
    source = _site(server, pages=8, pause=0.15)
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from datetime import datetime, timezone
        from pathlib import Path
        from crawler.crawl import crawl
        from crawler.fetch import Fetcher, FetchPolicy
        from crawler.models import Source, Window
        from crawler.state import CrawlState
        from crawler.warc import WarcArchive
        tmp = Path({str(tmp_path)!r})
        window = Window(datetime(2026, 11, 2, tzinfo=timezone.utc), datetime(2026, 11, 9, tzinfo=timezone.utc))
        source = Source(name="site", seeds=({source.seeds[0]!r},), max_depth=1, delay_seconds=0,
                        allow_private_networks=True)
        crawl([source], window, Fetcher(FetchPolicy(max_retries=0)), WarcArchive(tmp / "archive"),
              tmp / "run", CrawlState(tmp / "state.sqlite"), run_id="resume-test")
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 60
    while sum(p.startswith("/p") for p in server.paths) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)  # no cleanup, no finally: as an OOM kill or a lost worker
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not (tmp_path / "run" / "fetches.jsonl").exists()

    state = CrawlState(tmp_path / "state.sqlite")
    saved = {r["url"] for r in state.records(WINDOW.key)}
    state.close()
    before = list(server.paths)
    assert 3 <= sum(p.startswith("/p") for p in before) < 8

    result = _crawl(tmp_path, source, fetcher)

    again = server.paths[len(before):]
    assert "/robots.txt" not in again and "/index.html" not in again
    assert not {server.url(p) for p in again} & saved  # nothing with a record is fetched again
    served = [p for p in server.paths if p.startswith("/p")]
    # Each page once, except at most the one in flight when the crawl was killed.
    assert len(served) - len(set(served)) <= 1 and set(served) == {f"/p{i}.html" for i in range(8)}
    records = [json.loads(x) for x in open(result["path"], encoding="utf-8")]
    pages = [r for r in records if r["kind"] == "page"]
    assert sorted(r["url"] for r in pages) == sorted(
        [server.url("/index.html")] + [server.url(f"/p{i}.html") for i in range(8)])
    assert all(r["outcome"] == "fetched" and r["warc_file"] for r in pages)
    assert result["resumed"] >= 3


def test_a_finished_crawl_is_not_crawled_again_unless_fresh(server, fetcher, tmp_path):
    source = _site(server, pages=3)
    first = _crawl(tmp_path, source, fetcher)
    hits = len(server.hits)
    second = _crawl(tmp_path, source, fetcher)
    assert len(server.hits) == hits  # no request at all
    assert Path(second["path"]).read_text() == Path(first["path"]).read_text()
    _crawl(tmp_path, source, fetcher, fresh=True)
    assert len(server.hits) > hits


def test_an_interrupted_worker_leaves_records_a_rerun_reuses(server, fetcher, tmp_path):
    """The same as a kill, in-process: the fetcher dies after three pages."""
    source = _site(server, pages=6)

    class Dies(BaseException):
        pass

    real_get, calls = fetcher.get, []

    def dying_get(url, **kwargs):
        calls.append(url)
        if len(calls) > 5:  # robots.txt, index, then three pages
            raise Dies()
        return real_get(url, **kwargs)

    fetcher.get = dying_get
    with pytest.raises(Dies):
        _crawl(tmp_path, source, fetcher)
    fetcher.get = real_get
    before = len(server.paths)
    result = _crawl(tmp_path, source, fetcher)
    assert server.paths[before:] == ["/p3.html", "/p4.html", "/p5.html"]
    assert result["pages"] == 7 and result["pages_fetched"] == 7
