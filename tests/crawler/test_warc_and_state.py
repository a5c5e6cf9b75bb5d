"""crawler.warc (records readable by offset, also by warcio's own reader) and crawler.state."""
import gzip
import threading

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.state import CrawlState
from crawler.warc import WarcArchive

AT = "2026-11-03T10:00:00+00:00"


def test_records_round_trip_by_offset(tmp_path):
    archive = WarcArchive(tmp_path)
    writer = archive.writer("2026-11-02_2026-11-09", "blog")
    first = writer.write("https://a.example/x", 200, {"Content-Type": "text/html"}, b"<p>x</p>", AT)
    second = writer.write("https://a.example/y", 404, {"Content-Type": "text/plain"}, b"", AT)
    writer.close()
    assert first.file == second.file and first.offset == 0 < second.offset
    got = archive.read(first)
    assert (got.url, got.status, got.body) == ("https://a.example/x", 200, b"<p>x</p>")
    assert got.headers["content-type"] == "text/html"
    assert archive.read((second.file, second.offset)).status == 404


def test_decoded_bodies_do_not_claim_a_content_encoding(tmp_path):
    """The body is stored decoded; the server's Content-Encoding is kept under another name so
    WARC readers do not try to gunzip it again."""
    archive = WarcArchive(tmp_path)
    writer = archive.writer("w", "s")
    body = b"<html>" + b"a" * 5000 + b"</html>"
    ptr = writer.write("https://a.example/", 200, {"Content-Type": "text/html",
                                                   "Content-Encoding": "gzip",
                                                   "Content-Length": "42"}, body, AT)
    writer.close()
    got = archive.read(ptr)
    assert got.body == body
    assert "content-encoding" not in got.headers and got.headers["x-crawler-content-encoding"] == "gzip"
    assert got.headers["content-length"] == str(len(body))
    with open(tmp_path / ptr.file, "rb") as fh:  # a standard WARC reader agrees
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"),
                    r.content_stream().read()) for r in ArchiveIterator(fh)]
    assert records == [("response", "https://a.example/", body)]
    assert gzip.open(tmp_path / ptr.file).read(4) == b"WARC"


def test_each_writer_gets_its_own_file_and_a_torn_tail_is_harmless(tmp_path):
    archive = WarcArchive(tmp_path)
    a, b = archive.writer("w", "s"), archive.writer("w", "s")
    pa = a.write("https://a.example/1", 200, {}, b"one", AT)
    pb = b.write("https://a.example/2", 200, {}, b"two", AT)
    a.close()
    b.close()
    assert pa.file != pb.file
    with open(tmp_path / pa.file, "ab") as fh:  # a crash mid-record leaves junk at the end
        fh.write(b"\x1f\x8b\x08\x00partial")
    assert archive.read(pa).body == b"one"


@pytest.mark.parametrize("bad", ["../outside.warc.gz", "/etc/passwd"])
def test_pointers_outside_the_archive_are_refused(tmp_path, bad):
    with pytest.raises(ValueError, match="outside"):
        WarcArchive(tmp_path / "archive").read((bad, 0))


def test_state_remembers_validators_and_run_records(tmp_path):
    state = CrawlState(tmp_path / "s.sqlite")
    assert state.last_good("https://a.example/") is None
    state.remember("https://a.example/", final_url="https://a.example/", etag='"v1"',
                   last_modified=None, content_hash="h", content_type="text/html",
                   charset="utf-8", warc_file="w/f.warc.gz", warc_offset=0, fetched_at=AT)
    assert state.last_good("https://a.example/")["etag"] == '"v1"'
    state.start("run", "src")
    assert not state.finished("run", "src")
    for url in ("https://a.example/1", "https://a.example/2", "https://a.example/1"):
        state.save("run", {"source": "src", "url": url, "kind": "page", "outcome": "fetched"})
    assert [r["url"] for r in state.records("run")] == ["https://a.example/1", "https://a.example/2"]
    assert state.done("run", "src", "https://a.example/2", "page")["outcome"] == "fetched"
    assert state.done("run", "src", "https://a.example/2", "robots") is None
    state.finish("run", "src", AT)
    assert state.finished("run", "src")
    state.start("run", "src", fresh=True)
    assert not state.finished("run", "src") and state.records("run") == []
    state.close()


def test_state_is_safe_across_threads(tmp_path):
    state = CrawlState(tmp_path / "s.sqlite")

    def save(n):
        for i in range(50):
            state.save("run", {"source": f"s{n}", "url": f"https://x.example/{i}", "kind": "page"})

    threads = [threading.Thread(target=save, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records = state.records("run")
    assert len(records) == 200 and len({(r["source"], r["url"]) for r in records}) == 200
    state.close()


def test_records_are_read_in_batches_in_the_order_they_were_made(tmp_path):
    """write_fetch_log streams them (a 50,000-page run's list was a memory spike)."""
    state = CrawlState(tmp_path / "s.sqlite")
    for i in range(7):
        for run, source in (("run", "a"), ("other", "a"), ("run", "b")):
            state.save(run, {"source": source, "url": f"https://x.example/{i}", "kind": "page"})
    every = [(r["source"], r["url"]) for r in state.records("run")]
    assert len(every) == 14 and every[:2] == [("a", "https://x.example/0"), ("b", "https://x.example/0")]
    assert [(r["source"], r["url"]) for r in state.iter_records("run", batch=3)] == every
    assert [r["url"] for r in state.iter_records("run", ["b"], batch=2)] == \
        [f"https://x.example/{i}" for i in range(7)]
    state.close()


def _open_state(path, barrier) -> None:
    barrier.wait()
    CrawlState(path).close()


def test_shards_opening_a_new_state_file_together_all_succeed(tmp_path):
    """Two crawl shards under a real scheduler start at the same moment on a fresh state file;
    one used to fail at once with "database is locked" while the other switched it to WAL."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    for attempt in range(15):
        path = tmp_path / f"state-{attempt}.sqlite"
        barrier = ctx.Barrier(4)
        procs = [ctx.Process(target=_open_state, args=(path, barrier)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        assert [p.exitcode for p in procs] == [0, 0, 0, 0], f"attempt {attempt}"
