"""Issue 10, part 3 (crawler side): a crawl killed midway, and a disk that fills up during a
WARC write."""
from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

import crawler.warc
from claimwatch import pipeline
from crawler.crawl import crawl
from crawler.fetch import FetchPolicy, Fetcher
from crawler.models import OUTCOMES, Source, Window
from crawler.state import CrawlState
from crawler.warc import WarcArchive
from tests.hostile.cases import robots
from tests.hostile.conftest import home
from tests.hostile.server import TEXT, article

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
WINDOW = Window(datetime(2026, 11, 23, tzinfo=timezone.utc), datetime(2026, 11, 30, tzinfo=timezone.utc))
PAGES = 12


def site(server, pause: float = 0.0) -> list[str]:
    """robots.txt, an index linking PAGES articles; returns the page URLs, index first."""
    robots(server)
    server.route("/index.html", article("Index", "".join(
        f'<a href="/p{i}.html">article {i}</a> ' for i in range(PAGES)) + " " + TEXT * 3))
    for i in range(PAGES):
        server.route(f"/p{i}.html", article(f"Article {i}", f"In article {i}: " + TEXT * 3),
                     pause=pause)
    return [server.url("/index.html")] + [server.url(f"/p{i}.html") for i in range(PAGES)]


def records_of(path: Path) -> list[tuple[str, int, int]]:
    """(URL, body length, declared length) of every record a sequential reader finds; the
    declared length is -1 when the record was cut inside its HTTP headers."""
    out = []
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            headers = dict((k.lower(), v) for k, v in record.http_headers.headers) \
                if record.http_headers else {}
            out.append((record.rec_headers.get_header("WARC-Target-URI"),
                        len(record.content_stream().read()), int(headers.get("content-length", -1))))
    return out


# --- SIGKILL midway ---------------------------------------------------------------------------

def test_a_killed_crawl_resumes_without_refetching_and_loads_each_page_once(
        server, tmp_path, monkeypatch):
    urls = site(server, pause=0.15)
    settings = home(tmp_path, monkeypatch, textwrap.dedent(f"""\
        sources:
          - name: site
            seeds: ['{urls[0]}']
            max_depth: 1
            delay_seconds: 0
            allow_private_hosts: ['{server.host}']
        """))
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from datetime import datetime, timezone
        from claimwatch import pipeline, settings
        from crawler.models import Window
        window = Window(datetime(2026, 11, 23, tzinfo=timezone.utc),
                        datetime(2026, 11, 30, tzinfo=timezone.utc))
        pipeline.crawl_window(settings.load(), window, run_id="killed")
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], env=dict(os.environ))
    deadline = time.monotonic() + 60
    while sum(p.startswith("/p") for p in server.paths) < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)  # no finally, no atexit: an OOM kill or a lost worker
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    state = CrawlState(settings.crawl_state_path)
    done_before = {r["url"] for r in state.records(WINDOW.key) if r["kind"] == "page"}
    state.close()
    served_before = list(server.paths)
    assert 5 <= len(done_before) < len(urls)

    crawled = pipeline.crawl_window(settings, WINDOW, run_id="resumed")
    extracted = pipeline.extract_window(settings, crawled["path"])
    loaded = pipeline.load_window(settings, crawled["path"], extracted["path"])

    again = server.paths[len(served_before):]
    assert "/robots.txt" not in again and "/index.html" not in again
    assert not {server.url(p) for p in again} & done_before  # nothing with a record is refetched
    served = Counter(p for p in server.paths if p.startswith("/p"))
    assert set(served) == {f"/p{i}.html" for i in range(PAGES)}
    assert sum(n - 1 for n in served.values()) <= 1  # at most the page in flight at the kill
    assert crawled["resumed"] >= len(done_before)

    from warehouse.db import connect
    with connect(settings.warehouse_path, read_only=True) as con:
        fetched = con.execute("SELECT url, count(*) FROM v_fetch_log WHERE kind = 'page' "
                              "GROUP BY url").fetchall()
        docs = con.execute("SELECT url, count(*) FROM documents GROUP BY url").fetchall()
        pointers = con.execute("SELECT warc_file, warc_offset FROM documents").fetchall()
    assert sorted(fetched) == sorted(docs) == sorted((u, 1) for u in urls)  # none lost or doubled
    assert loaded["audit"]["failed"] == 0
    archive = WarcArchive(settings.archive_dir)
    for pointer in pointers:
        archive.read(pointer)  # every recorded pointer reads back whole
    # The killed process's file holds whole records (each is one unbuffered write).
    for path in settings.archive_dir.rglob("*.warc.gz"):
        assert all(got == declared for _, got, declared in records_of(path)), path


# --- a full disk during a WARC write ----------------------------------------------------------

class FillingDisk:
    """A WARC file whose disk fills up during the n-th record: half of it is written, then
    ENOSPC, as a real write(2) does. `truncate_fails`: the disk is worse than full."""

    def __init__(self, real, fail_on: set[int], truncate_fails: bool = False):
        self.real, self.fail_on, self.truncate_fails = real, fail_on, truncate_fails
        self.records = 0

    def write(self, data):
        self.records += 1
        if self.records in self.fail_on:
            self.real.write(bytes(data[:len(data) // 2]))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self.real.write(data)

    def truncate(self, size):
        if self.truncate_fails:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return self.real.truncate(size)

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.fixture
def filling_disk(monkeypatch):
    """Patch crawler.warc's open: the first WARC file opened fills up on the records given."""
    made = []

    def install(fail_on: set[int], truncate_fails: bool = False):
        def fake_open(path, mode="r", *args, **kwargs):
            real = open(path, mode, *args, **kwargs)
            if "a" not in mode or made:
                return real
            made.append(FillingDisk(real, fail_on, truncate_fails))
            return made[-1]
        monkeypatch.setattr(crawler.warc, "open", fake_open, raising=False)
        return made
    return install


def crawl_site(server, tmp_path):
    site(server)
    source = Source(name="site", seeds=(server.url("/index.html"),), max_depth=1, delay_seconds=0,
                    allow_private_hosts=(server.host,))
    state = CrawlState(tmp_path / "state.sqlite")
    archive = WarcArchive(tmp_path / "archive")
    result = crawl([source], WINDOW, Fetcher(FetchPolicy(max_retries=0)), archive,
                   tmp_path / "run", state, run_id="disk")
    records = [json.loads(line) for line in open(result["path"], encoding="utf-8")]
    remembered = {r["url"]: state.last_good(r["url"]) for r in records}
    state.close()
    return records, remembered, archive


def test_a_full_disk_fails_the_fetch_not_the_crawl_and_leaves_no_torn_record(
        server, tmp_path, filling_disk):
    # Record 1 is robots.txt, 2 the index, 3 the first article: that one meets the full disk.
    disk = filling_disk({3})
    records, remembered, archive = crawl_site(server, tmp_path)

    failed = [r for r in records if r["outcome"] == "archive_error"]
    assert [r["url"] for r in failed] == [server.url("/p0.html")]
    assert "No space left on device" in failed[0]["error"] and failed[0]["status"] == 200
    assert failed[0]["warc_file"] is None and failed[0]["content_hash"] is None
    assert remembered[server.url("/p0.html")] is None  # no pointer kept for a conditional GET
    assert "archive_error" in OUTCOMES  # the fetches suite accepts it
    # The crawl went on: every other page archived, in the same file, after the cut.
    pages = [r for r in records if r["kind"] == "page" and r["outcome"] == "fetched"]
    assert len(pages) == PAGES  # the index and the 11 other articles
    assert len({r["warc_file"] for r in pages}) == 1 and disk[0].records == PAGES + 2
    for r in pages:
        assert archive.read((r["warc_file"], r["warc_offset"])).url == r["final_url"]
    # Read from the start, the file holds whole records only, and not the failed one.
    found = records_of(tmp_path / "archive" / pages[0]["warc_file"])
    assert [u for u, _, _ in found] == [server.url("/robots.txt")] + [r["url"] for r in pages]
    assert all(got == declared for _, got, declared in found)


def test_when_even_the_cut_fails_later_records_go_to_a_new_file(server, tmp_path, filling_disk):
    filling_disk({3}, truncate_fails=True)
    records, _, archive = crawl_site(server, tmp_path)
    failed = next(r for r in records if r["outcome"] == "archive_error")
    assert failed["warc_file"] is None
    fetched = [r for r in records if r["outcome"] == "fetched"]
    files = sorted({r["warc_file"] for r in fetched})
    assert len(files) == 2 and len(fetched) == PAGES + 1  # robots, index | 11 articles
    for r in fetched:
        archive.read((r["warc_file"], r["warc_offset"]))
    # The first file ends in the torn half-record no pointer refers to; a reader that checks
    # lengths (WarcArchive.read does) sees it for what it is.
    torn = [(u, got, declared) for u, got, declared in records_of(tmp_path / "archive" / files[0])
            if got != declared]
    assert [u for u, _, _ in torn] in ([server.url("/p0.html")], [])  # [] if cut in its head
    torn_offset = max(r["warc_offset"] for r in fetched if r["warc_file"] == files[0]) + 1
    with pytest.raises(ValueError):
        archive.read((files[0], _next_record_offset(tmp_path / "archive" / files[0], torn_offset)))


def _next_record_offset(path: Path, after: int) -> int:
    """Offset of the first gzip member starting after `after` (the torn record)."""
    data = path.read_bytes()
    return data.index(b"\x1f\x8b\x08", after)
