from datetime import date
from email import message_from_bytes, policy

from checks.validate import check_load
from reports.build import build_report, deliver
from reports.data import build_report_data
from reports.render import _safe_cell, render_html

WEEK = date(2026, 11, 23)


def _build(con, tmp_path):
    for (load_id,) in con.execute("SELECT load_id FROM loads").fetchall():
        check_load(con, load_id)
    return build_report(con, WEEK, tmp_path / "reports", "cw@example.invalid", ("a@example.invalid",))


def test_report_lists_recurring_jargon_dosing_and_quality(two_week_warehouse, tmp_path):
    data, message, html_path = _build(two_week_warehouse, tmp_path)
    assert html_path.name == "2026-W48.html"
    terms = {t["term"]: t for t in data.terms}
    assert "dusk spiral" in terms and terms["dusk spiral"]["recurring"]
    assert terms["dusk spiral"]["weeks_seen"] == 2 and not terms["dusk spiral"]["is_new"]
    assert data.trend["dusk spiral"][-2:] == [1, 1]
    assert data.headline["new_documents"] == 2 and data.previous["new_documents"] == 1
    assert {q["suite"] for q in data.quality} >= {"documents", "dosing"}
    html = html_path.read_text()
    assert "dusk spiral" in html and "data:image/png;base64," in html
    assert "Data quality" in html and "Crawl health" in html


def test_email_has_text_html_inline_charts_and_csv(two_week_warehouse, tmp_path):
    _, message, _ = _build(two_week_warehouse, tmp_path)
    parsed = message_from_bytes(bytes(message), policy=policy.default)
    types = [p.get_content_type() for p in parsed.walk()]
    assert types.count("text/plain") == 1 and types.count("text/html") == 1
    assert types.count("image/png") >= 1 and types.count("text/csv") == 2
    html = parsed.get_body(("html",)).get_content()
    cids = [p["Content-ID"].strip("<>") for p in parsed.walk() if p.get_content_type() == "image/png"]
    assert all(f"cid:{cid}" in html for cid in cids)
    assert "dusk spiral" in parsed.get_body(("plain",)).get_content()


def test_a_past_week_rebuilds_byte_for_byte(two_week_warehouse, tmp_path):
    _, first, html_path = _build(two_week_warehouse, tmp_path)
    html_first = html_path.read_bytes()
    _, second, _ = _build(two_week_warehouse, tmp_path)
    assert bytes(first) == bytes(second)
    assert html_path.read_bytes() == html_first


def test_outbox_delivery_is_recorded(two_week_warehouse, tmp_path):
    data, message, html_path = _build(two_week_warehouse, tmp_path)
    result = deliver(two_week_warehouse, data, message, html_path, tmp_path / "outbox", None)
    assert result["delivery"] == "outbox"
    assert (tmp_path / "outbox" / "2026-W48.eml").read_bytes() == bytes(message)
    row = two_week_warehouse.execute("SELECT delivery FROM report_runs").fetchall()
    assert row == [("outbox",)]


def test_hostile_page_text_is_escaped_and_csv_formulas_neutralised(two_week_warehouse):
    data = build_report_data(two_week_warehouse, WEEK)
    data.terms[0]["term"] = "<script>alert(1)</script>"
    html = render_html(data, {})
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert _safe_cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert _safe_cell("leaf fog") == "leaf fog"
