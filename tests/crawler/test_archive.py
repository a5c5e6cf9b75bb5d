"""crawler.archive: bodies stored once by content hash, written atomically."""
import gzip
import hashlib
import os
import threading

from crawler.archive import Archive


def sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def test_put_get_roundtrip_and_layout(tmp_path):
    archive, body = Archive(tmp_path), b"<p>hello</p>"
    path = archive.put(sha(body), body)
    assert path == tmp_path / sha(body)[:2] / f"{sha(body)}.gz" and path.exists()
    assert gzip.decompress(path.read_bytes()) == body
    assert archive.get(sha(body)) == body
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left


def test_put_is_idempotent(tmp_path):
    archive, body = Archive(tmp_path), b"same"
    first = archive.put(sha(body), body)
    mtime = first.stat().st_mtime_ns
    assert archive.put(sha(body), body) == first and first.stat().st_mtime_ns == mtime


def test_concurrent_puts_of_one_body(tmp_path):
    """Sources crawl in parallel threads and identical bodies (robots.txt of a shared host,
    boilerplate pages) are archived at the same moment."""
    body = os.urandom(1_000_000)
    for trial in range(3):
        archive, errors = Archive(tmp_path / str(trial)), []
        barrier = threading.Barrier(8)

        def put():
            barrier.wait()
            try:
                archive.put(sha(body), body)
            except Exception as exc:  # noqa: BLE001 - any error fails the test below
                errors.append(repr(exc))

        threads = [threading.Thread(target=put) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert archive.get(sha(body)) == body
        assert len(list(archive.path_for(sha(body)).parent.iterdir())) == 1
