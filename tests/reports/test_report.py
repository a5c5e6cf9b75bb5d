"""The report's content, from the views of a two-week warehouse, and its byte-for-byte rebuild."""
import csv
import io
from datetime import date
from email import message_from_bytes, policy

import pytest

from reports.build import build_report
from reports.data import build_report_data
from reports.render import _safe_cell, charts, dose, dosing_csv, number, render_html, safe_url, terms_csv
from tests.reports.conftest import WEEK


def _build(con, tmp_path, config):
    return build_report(con, WEEK, tmp_path / "reports", config)


def test_report_answers_the_four_questions(checked_warehouse, tmp_path, config):
    report = _build(checked_warehouse, tmp_path, config)
    data = report.data
    assert report.html_path.name == "2026-W48.html"
    terms = {t["term"]: t for t in data.terms}
    # New and recurring jargon, with the sites using it, and which of them are new to it.
    spiral = terms["dusk spiral"]
    assert spiral["recurring"] and spiral["weeks_seen"] == 2 and not spiral["is_new"]
    assert spiral["sites"] == ["harborlights.example"] and spiral["new_sites"] == ["harborlights.example"]
    assert spiral in data.spreading_terms
    assert data.trend["dusk spiral"] == [0, 0, 0, 0, 0, 0, 1, 1]  # 8 weeks, oldest first
    assert spiral["example_url"].startswith("https://harborlights.example/")
    # Headline figures against last week.
    assert data.headline["new_documents"] == 2 and data.previous["new_documents"] == 1
    assert data.headline["pages_ok"] == 2
    # Data quality and crawl health.
    assert {q["suite"] for q in data.quality} >= {"documents", "dosing"}
    assert data.quality_totals["failed"] == 0 and data.quarantine == []
    assert {(r["kind"], r["outcome"]) for r in data.crawl_health} == {("page", "fetched")}
    html = report.html_path.read_text()
    for heading in ("This week in a minute", "Recurring unsupported terms", "Rising terms",
                    "Explicit doses by substance", "Titration and individualised advice",
                    "Claims: substance × condition", "Top domains by flagged documents",
                    "Data quality", "rows quarantined", "Crawl health", "Hosts with errors"):
        assert heading in html, heading
    assert "dusk spiral" in html and "<b>harborlights.example</b> (new)" in html  # a new site
    assert html.count('src="data:image/png;base64,') == len(charts(data)) >= 2


def test_dosing_by_substance_and_advice_with_trend(checked_warehouse):
    data = build_report_data(checked_warehouse, date(2026, 11, 16))  # the vendor blog's week
    assert {r["phrase"] for r in data.advice} == {"start low", "build up slowly",
                                                  "varies by person", "listen to your body"}
    assert data.doses_by_substance and data.forms
    substances = [s for s, _, _ in data.doses_by_substance]
    assert substances == sorted(substances, key=lambda s: (s == "unspecified", s))
    for _, amounts, maxima in data.doses_by_substance:
        assert all(r["kind"] != "maximum" for r in amounts)
        assert all(r["kind"] == "maximum" for r in maxima)
    for row in data.advice:
        assert row["kind"] in ("titration", "individualised", "as_needed")
        assert len(data.dosing_trend[(row["kind"], row["phrase"])]) == 8
        assert data.dosing_trend[(row["kind"], row["phrase"])][-1] == row["documents"]


def test_rising_terms_need_the_minimum_and_growth(checked_warehouse):
    data = build_report_data(checked_warehouse, WEEK, rising_min_documents=1, rising_factor=1.5)
    rising = {t["term"] for t in data.rising_terms}
    # Week 2 of 2: every term of this week has a trailing mean of at most 1/4 → all rise.
    assert rising == {t["term"] for t in data.terms}
    strict = build_report_data(checked_warehouse, WEEK, rising_min_documents=5)
    assert strict.rising_terms == []
    growth = {t["term"]: t["growth"] for t in data.terms}
    assert growth["dusk spiral"] == 4.0  # 1 document vs a mean of 1/4


def test_a_week_must_start_on_monday(checked_warehouse):
    with pytest.raises(ValueError, match="Monday"):
        build_report_data(checked_warehouse, date(2026, 11, 24))


def test_a_past_week_rebuilds_byte_for_byte(checked_warehouse, tmp_path, config):
    first = _build(checked_warehouse, tmp_path, config)
    html_first = first.html_path.read_bytes()
    second = _build(checked_warehouse, tmp_path, config)
    assert bytes(first.message) == bytes(second.message)
    assert second.html_path.read_bytes() == html_first
    # Later weeks in the warehouse do not change an earlier week's report.
    earlier = build_report(checked_warehouse, date(2026, 11, 16), tmp_path / "r", config)
    assert earlier.data.previous["new_documents"] == 0 and earlier.data.headline["new_documents"] == 1


def test_email_structure(checked_warehouse, tmp_path, config):
    message = _build(checked_warehouse, tmp_path, config).message
    parsed = message_from_bytes(bytes(message), policy=policy.default)
    assert parsed.get_content_type() == "multipart/mixed"
    alternative, *attachments = parsed.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, related = alternative.get_payload()
    assert plain.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html, *images = related.get_payload()
    assert html.get_content_type() == "text/html"
    assert len(images) >= 2 and {i.get_content_type() for i in images} == {"image/png"}
    body = html.get_content()
    for image in images:
        assert f'src="cid:{image["Content-ID"].strip("<>")}"' in body
        assert image.get_content_disposition() == "inline"
    assert "<style" not in body  # inlined styles only: mail clients drop <style>
    assert [a.get_filename() for a in attachments] == ["claimwatch-2026-W48-terms.csv",
                                                       "claimwatch-2026-W48-dosing.csv"]
    assert all(a.get_content_type() == "text/csv" for a in attachments)
    assert "dusk spiral" in plain.get_content()


def test_csv_attachments_are_guarded_and_parse_back(checked_warehouse):
    data = build_report_data(checked_warehouse, WEEK)
    data.terms[0]["term"] = '=HYPERLINK("http://evil.example","click")'
    data.terms[0]["variants"] = ["@SUM(A1:A2)", " -2+3", "plain"]
    rows = list(csv.DictReader(io.StringIO(terms_csv(data))))
    assert rows[0]["term"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert rows[0]["variants"] == "'@SUM(A1:A2);  -2+3; plain"
    assert rows[0]["documents"] == str(data.terms[0]["documents"])  # numbers stay numbers
    assert list(csv.DictReader(io.StringIO(dosing_csv(data))))[0]["kind"]
    assert _safe_cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert _safe_cell("  +1") == "'  +1" and _safe_cell("leaf fog") == "leaf fog"


def test_hostile_text_is_escaped_and_links_are_http_only(checked_warehouse):
    data = build_report_data(checked_warehouse, WEEK)
    data.terms[0]["term"] = "<script>alert(1)</script>"
    data.terms[0]["example_url"] = "javascript:alert(1)"
    html = render_html(data, {})
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
    assert safe_url("https://a.example/x") == "https://a.example/x"
    assert safe_url(" JavaScript:alert(1)") == "#" and safe_url("data:text/html,x") == "#"


def test_numbers_and_doses_read_naturally():
    assert number(4.0) == "4" and number(1 / 6) == "0.17" and number(1000.0) == "1,000"
    assert dose({"amount_low": 2.0, "amount_high": 4.0, "unit": "g", "frequency": ""}) == "2–4 g"
    assert dose({"amount_low": 8.0, "amount_high": 8.0, "unit": "capsule",
                 "frequency": "in 24 hours"}) == "8 capsules in 24 hours"
    assert dose({"amount_low": 1.0, "amount_high": 1.0, "unit": "capsule", "frequency": ""}) == "1 capsule"


def test_a_busy_week_stays_under_gmail_s_clipping_size(checked_warehouse):
    """Gmail clips an email whose HTML exceeds 102 KB. Lists are capped (the CSVs hold
    everything), so a week with thousands of terms, doses and error hosts still fits."""
    from reports.mail import build_message

    data = build_report_data(checked_warehouse, WEEK)
    term, dose_row, advice = data.terms[0], data.explicit_doses[0], data.dosing[0]
    long_host = "a-rather-long-health-forum-subdomain.example-wellness-network.com"
    data.terms = [{**term, "term": f"term number {i}", "group_key": f"g{i}", "documents": 9000 - i,
                   "is_new": i % 3 == 0, "recurring": i % 2 == 0, "trailing_mean": 1,
                   "growth": 5.0, "sites": [f"{i}.{long_host}" for _ in range(25)],
                   "new_sites": [f"{i}.{long_host}"], "domains": 5000,
                   "example_snippet": "x " * 200, "variants": ["a", "b"] * 10}
                  for i in range(3000)]
    data.explicit_doses = [{**dose_row, "substance": f"substance {i // 20}", "amount_low": i}
                           for i in range(2000)]
    data.dosing = [{**advice, "kind": "titration", "phrase": f"phrase {i}",
                    "example_text": "y " * 100} for i in range(2000)]
    data.claims_matrix = data.claims_matrix * 500
    data.crawl_errors = [{"host": f"{i}.{long_host}", "errors": 3, "requests": 9,
                          "outcomes": ["timeout"], "example_url": f"https://{long_host}/{'z' * 80}",
                          "example_reason": "read timed out " * 5} for i in range(25)]
    message = build_message(data, charts(data), "cw@example.invalid", ("a@example.invalid",))
    html = message.get_body(("html",)).get_content()
    print(f"busy week: {len(html.encode()):,} bytes of HTML")
    assert len(html.encode()) < 102_000, f"{len(html.encode()):,} bytes of HTML"
    assert "and 1485 more recurring terms, all in the terms CSV" in html
