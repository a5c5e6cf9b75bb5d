"""extract_run over a small crawl run, and decode_body."""
from __future__ import annotations

import json

import pytest

from extractors import EXTRACTOR_VERSION
from extractors.batch import decode_body, extract_run

WINDOW = "2024-03-11T00:00:00+00:00"


def fetch(url: str, content_hash: str | None, kind: str = "page", outcome: str = "fetched",
          final_url: str | None = None) -> dict:
    """A fetch record; its body is archived at ("warc/<hash>", 0) when it has one."""
    return {
        "source": "quietharbor", "url": url, "final_url": final_url or url, "kind": kind,
        "fetched_at": "2024-03-15T10:00:00+00:00", "window_start": WINDOW, "status": 200,
        "content_type": "text/html", "content_hash": content_hash, "size": 1000, "etag": None,
        "last_modified": None, "outcome": outcome, "error": None, "redirects": [],
        "charset": "utf-8", "warc_file": f"warc/{content_hash}" if content_hash else None,
        "warc_offset": 0 if content_hash else None,
    }


def write_jsonl(path, records) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def read_jsonl(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def run_dir(tmp_path, page_html):
    bodies = {
        "hash-blog": page_html["blog"][0].encode("utf-8"),
        "hash-menu": page_html["boilerplate"][0].encode("utf-8"),
        "hash-robots": b"User-agent: *\nDisallow: /cart\n",
    }
    fetches = [
        fetch("https://quietharbor.example.org/robots.txt", "hash-robots", kind="robots"),
        fetch("https://quietharbor.example.org/blog/life-after-leaf", "hash-blog"),
        fetch("https://quietharbor.example.org/blog/gone", "hash-missing"),
        fetch("https://quietharbor.example.org/old-page", "hash-menu"),
        fetch("https://quietharbor.example.org/blog/private", None, outcome="http_error"),
        fetch("https://quietharbor.example.org/sitemap.xml", "hash-sitemap", kind="sitemap"),
        # the same body reached again through a redirect: analysed once
        fetch("https://quietharbor.example.org/b/lal", "hash-blog",
              final_url="https://quietharbor.example.org/blog/life-after-leaf"),
    ]
    fetches_path = tmp_path / "fetches.jsonl"
    write_jsonl(fetches_path, fetches)
    requested = []

    def read_body(pointer: tuple[str, int]) -> bytes:
        content_hash = pointer[0].removeprefix("warc/")
        requested.append(content_hash)
        if content_hash not in bodies:
            raise FileNotFoundError(f"no archived body {content_hash}")
        return bodies[content_hash]

    return fetches_path, read_body, requested, tmp_path


def test_extract_run_writes_one_record_per_page(run_dir):
    fetches_path, read_body, requested, tmp_path = run_dir
    out = tmp_path / "analyses.jsonl"
    result = extract_run(fetches_path, read_body, out)

    assert result == {"documents": 1, "errors": 2, "unchanged": 0, "path": str(out)}
    records = read_jsonl(out)
    assert [r["url"] for r in records] == [
        "https://quietharbor.example.org/blog/life-after-leaf",
        "https://quietharbor.example.org/blog/gone",
        "https://quietharbor.example.org/old-page",
    ]
    # non-page kinds and failed fetches are never read; the redirect duplicate is read once
    assert requested == ["hash-blog", "hash-missing", "hash-menu"]

    ok, missing, menu = records
    assert ok["error"] is None
    assert ok["source"] == "quietharbor"
    assert ok["content_hash"] == "hash-blog"
    assert ok["window_start"] == WINDOW
    assert ok["fetched_at"] == "2024-03-15T10:00:00+00:00"
    assert ok["extractor_version"] == EXTRACTOR_VERSION
    assert ok["analysis"]["title"] == "Life After Leaf: My First Month Off Kratom"
    assert ok["analysis"]["language"] == "en"
    assert set(ok["analysis"]) - {"extractor_version"} == {"url", "title", "published", "language", "text", "terms",
                                   "dosing", "claims", "flags"}

    assert missing["analysis"] is None
    assert missing["error"].startswith("FileNotFoundError: no archived body hash-missing")
    assert menu["analysis"] is None
    assert menu["error"].startswith("extraction: ")


def test_extract_run_leaves_no_temp_file_and_replaces_old_output(run_dir):
    fetches_path, read_body, _, tmp_path = run_dir
    out = tmp_path / "analyses.jsonl"
    out.write_text('{"stale": true}\n' * 10, encoding="utf-8")
    extract_run(fetches_path, read_body, out)
    assert len(read_jsonl(out)) == 3
    assert not any("stale" in r for r in read_jsonl(out))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["analyses.jsonl", "fetches.jsonl"]


def test_extract_run_keeps_old_output_when_writing_fails(run_dir, monkeypatch):
    """Atomic: a failure while writing never leaves a half-written analyses.jsonl."""
    fetches_path, read_body, _, tmp_path = run_dir
    out = tmp_path / "analyses.jsonl"
    out.write_text('{"previous": "run"}\n', encoding="utf-8")

    import extractors.batch as batch

    class Unserialisable:
        pass

    class FakeAnalysis:
        def to_json(self):
            return {"oops": Unserialisable()}

    monkeypatch.setattr(batch, "analyze_html", lambda html, url: FakeAnalysis())
    with pytest.raises(TypeError):
        extract_run(fetches_path, read_body, out)
    assert out.read_text(encoding="utf-8") == '{"previous": "run"}\n'


def test_unexpected_exception_in_analysis_is_recorded(run_dir, monkeypatch):
    fetches_path, read_body, _, tmp_path = run_dir
    import extractors.batch as batch

    def boom(html, url):
        raise RuntimeError("parser exploded " + "x" * 1000)

    monkeypatch.setattr(batch, "analyze_html", boom)
    out = tmp_path / "analyses.jsonl"
    result = extract_run(fetches_path, read_body, out)
    assert result["documents"] == 0 and result["errors"] == 3
    errors = [r["error"] for r in read_jsonl(out)]
    assert errors[0].startswith("RuntimeError: parser exploded")
    assert all(len(e) <= 500 for e in errors)


def test_empty_run_writes_an_empty_file(tmp_path):
    fetches_path = tmp_path / "fetches.jsonl"
    write_jsonl(fetches_path, [fetch("https://quietharbor.example.org/robots.txt", "h",
                                     kind="robots")])
    out = tmp_path / "analyses.jsonl"
    result = extract_run(fetches_path, lambda h: b"", out)
    assert result == {"documents": 0, "errors": 0, "unchanged": 0, "path": str(out)}
    assert out.read_text(encoding="utf-8") == ""


# --- decode_body -------------------------------------------------------------------------------

LATIN1_PAGE = (
    "<html><head><title>Infusión de valeriana</title></head><body>"
    "<p>La valeriana se usa desde hace siglos para dormir mejor y calmar la ansiedad. Según "
    "varios herbolarios, una infusión caliente antes de acostarse ayuda a conciliar el sueño. "
    "También aconsejan no tomar más de dos tazas al día. ¿Quién no ha probado una tisana así? "
    "El café, en cambio, empeora el insomnio.</p></body></html>"
)


def test_decode_body_detects_latin1_without_a_declared_charset():
    assert decode_body(LATIN1_PAGE.encode("latin-1")) == LATIN1_PAGE


def test_decode_body_uses_the_declared_charset():
    assert decode_body(LATIN1_PAGE.encode("latin-1"), "iso-8859-1") == LATIN1_PAGE
    assert decode_body("naïve café".encode("latin-1"), "latin-1") == "naïve café"


def test_decode_body_falls_back_when_the_declared_charset_is_unknown_or_wrong():
    assert decode_body(LATIN1_PAGE.encode("latin-1"), "no-such-charset") == LATIN1_PAGE
    assert decode_body("déjà vu".encode("utf-8"), "ascii") == "déjà vu"


def test_decode_body_utf8():
    text = "Kava – “calm” in a cup, ½ tsp."
    assert decode_body(text.encode("utf-8")) == text


def test_unchanged_pages_already_analysed_are_not_analysed_again(tmp_path, page_html):
    """A 304 or an identical body whose version the warehouse has: a sighting record only.
    One the warehouse lacks (a lost load, a new extractor version) is analysed from the archive."""
    body = page_html["blog"][0].encode("utf-8")
    known_url, new_url = "https://quietharbor.example.org/a", "https://quietharbor.example.org/b"
    fetches = [fetch(known_url, "h1", outcome="not_modified"),
               fetch(new_url, "h2", outcome="duplicate")]
    path = tmp_path / "fetches.jsonl"
    write_jsonl(path, fetches)
    read = []
    out = tmp_path / "analyses.jsonl"
    result = extract_run(path, lambda ptr: read.append(ptr) or body, out, known={(known_url, "h1")})
    assert result == {"documents": 1, "errors": 0, "unchanged": 1, "path": str(out)}
    assert read == [("warc/h2", 0)]
    first, second = read_jsonl(out)
    assert first["unchanged"] is True and first["analysis"] is None and first["url"] == known_url
    assert second["analysis"]["title"] and not second.get("unchanged")
