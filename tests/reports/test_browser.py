"""The report in headless Chromium: it fits a desktop and a phone (screenshots are kept in
data/report-screenshots/ as CI artifacts), and hostile page text stays inert text."""
from pathlib import Path

import pytest

from reports.build import build_report
from tests.reports.chromium import CHROMIUM, Chromium
from tests.reports.conftest import WEEK

SCREENSHOTS = Path(__file__).resolve().parents[2] / "data" / "report-screenshots"
VIEWPORTS = {"desktop": (1280, 900, False), "phone": (390, 844, True)}  # iPhone 12–15 in CSS px
TITLE = "claimwatch weekly report 2026-W48"

SCRIPT = "<script>window.__pwned='script';document.title='pwned'</script>"
IMG = "<img src=x onerror=\"window.__pwned='img';document.title='pwned'\">"
LONG_HOST = "a-very-long-subdomain-name-that-never-breaks." * 3 + "example"


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with Chromium(timeout=30) as browser:
        yield browser


def _check_fits(probe: dict, width: int) -> None:
    assert probe["inner"] == width
    assert probe["scroll"] <= width, f"page is {probe['scroll']}px wide in a {width}px viewport"
    assert probe["wide"] == [], f"elements past the right edge: {probe['wide']}"
    assert probe["images"] >= 2 and probe["brokenImages"] == 0


def test_report_fits_desktop_and_phone(checked_warehouse, tmp_path, config, chromium):
    report = build_report(checked_warehouse, WEEK, tmp_path / "reports", config)
    for name, (width, height, mobile) in VIEWPORTS.items():
        shot = SCREENSHOTS / f"{report.data.label}-{name}.png"
        probe = chromium.inspect(report.html_path.as_uri(), width, height, mobile, screenshot=shot)
        _check_fits(probe, width)
        assert probe["title"] == TITLE
        assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 20_000


def _make_hostile(con) -> None:
    """Page authors control terms, snippets, URLs, hosts, dosing text, claims and error
    strings: plant script, event-handler and formula payloads (and an unbreakable host name,
    and mathtext for the charts) in every one the report shows."""
    con.execute("UPDATE term_groups SET display_term = ? WHERE group_key = 'dusk spiral'",
                [SCRIPT + " $\\frac{1}{$"])  # unbalanced mathtext
    con.execute("UPDATE term_mentions SET snippet = ? || snippet, variants = [?, 'dusk spiral']",
                [IMG, "<svg onload=\"window.__pwned='svg'\">"])
    con.execute("UPDATE documents SET url = 'javascript:window.__pwned=1', host = ? "
                "WHERE url LIKE 'https://harborlights%'", [LONG_HOST])
    con.execute("UPDATE dosing_mentions SET text = ? || text, substance = coalesce(substance, ?)",
                ["\"><script>window.__pwned='dose'</script>", IMG])
    con.execute("UPDATE claims SET condition = ? || coalesce(condition, '')",
                ["<b onmouseover=\"window.__pwned='claim'\">x</b>"])
    con.execute(f"""INSERT INTO fetches SELECT * REPLACE (
            md5('hostile') AS url_hash, 'https://{LONG_HOST}/' || repeat('x', 120) AS url,
            '{LONG_HOST}' AS host, 'timeout' AS outcome, ? AS error)
        FROM fetches WHERE window_start >= TIMESTAMP '2026-11-23' AND kind = 'page' LIMIT 1""",
                    [SCRIPT])
    load_id = con.execute("SELECT max(load_id) FROM loads WHERE window_start >= TIMESTAMP '2026-11-23'").fetchone()[0]
    con.execute("INSERT INTO quarantine VALUES (?, 'documents', '{}', 'documents', ?, 'text_length', "
                "'warning', ?, '{}')", [load_id, SCRIPT, IMG])


def test_hostile_page_text_renders_as_text_and_never_runs(checked_warehouse, tmp_path, config,
                                                          chromium):
    _make_hostile(checked_warehouse)
    report = build_report(checked_warehouse, WEEK, tmp_path / "reports", config)
    html = report.html_path.read_text()
    assert "<script" not in html and "<svg" not in html and "onerror=" not in html.replace("onerror=&#34;", "")
    assert 'href="javascript:' not in html
    assert report.data.crawl_errors and report.data.quarantine  # the payloads are on show
    for name, (width, height, mobile) in VIEWPORTS.items():
        probe = chromium.inspect(report.html_path.as_uri(), width, height, mobile,
                                 screenshot=tmp_path / f"hostile-{name}.png")
        # Nothing ran: no page script exists, no element carries an on* handler, the title
        # is ours; and the payloads are there, as visible text.
        assert probe["pwned"] is None and probe["title"] == TITLE
        assert probe["scripts"] == 0 and probe["handlers"] == 0
        assert SCRIPT in probe["text"] and "onerror=" in probe["text"]
        _check_fits(probe, width)  # the unbreakable host name wraps
