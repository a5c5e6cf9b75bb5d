"""analyze_html on whole fixture pages, and the JSON contract of `claimwatch analyze`."""
from __future__ import annotations

import json

import pytest

from extractors.analyze import analyze_html
from extractors.models import Analysis
from extractors.text import ExtractionError

CONTRACT_KEYS = {"url", "title", "published", "language", "text", "terms", "dosing", "claims",
                 "flags"}
TERM_KEYS = {"term", "normalized", "kind", "expansions", "supported", "count"}
DOSING_KEYS = {"text", "kind", "substance", "amount_low", "amount_high", "unit", "frequency"}
CLAIM_KEYS = {"sentence", "substance", "effect", "condition", "hedged", "cited"}
FLAG_KEYS = {"kind", "detail"}


def flags_of(analysis: Analysis, kind: str) -> list[str]:
    return [f.detail for f in analysis.flags if f.kind == kind]


# --- page metadata -----------------------------------------------------------------------------

@pytest.mark.parametrize("name, title, published, canonical", [
    ("blog", "Life After Leaf: My First Month Off Kratom", "2024-03-14",
     "https://quietharbor.example.org/blog/life-after-leaf"),
    ("shop", "Island Calm Kava Root Powder", "2023-11-02",
     "https://driftwood-botanicals.example.com/products/island-calm-kava"),
    ("clinic", "Medication for Opioid Use Disorder", "2022-06-21",
     "https://northgate-clinic.example.net/services/moud"),
])
def test_page_metadata(analyses, name, title, published, canonical):
    page = analyses[name].page
    assert page.title == title
    assert page.published == published  # from article:published_time
    assert page.language == "en"
    assert page.canonical_url == canonical


def test_spanish_page(analyses):
    analysis = analyses["spanish"]
    assert analysis.page.language == "es"
    assert analysis.terms == () and analysis.claims == ()


@pytest.mark.parametrize("name, kept, dropped", [
    ("blog", ["Forum veterans describe the O.P.M.S.", "Everyone is different"],
     ["Popular Posts", "Harbor Letter", "All rights reserved", "Zebrafish", "About Our Team"]),
    ("shop", ["Each serving delivers 70-250 mg of kavalactones", "$24.99"],
     ["Free shipping on orders", "Cart (0)", "You may also like", "Valerian Evening Tea",
      "evaluated by the FDA", "Returns"]),
    ("clinic", ["Buprenorphine reduces cravings", "References"],
     ["Find a Provider", "Patient Portal", "400 Example Avenue", "Careers"]),
])
def test_main_text_without_boilerplate(analyses, name, kept, dropped):
    text = analyses[name].page.text
    for phrase in kept:
        assert phrase in text
    for phrase in dropped:
        assert phrase not in text


def test_boilerplate_only_page_raises(page_html):
    html, url = page_html["boilerplate"]
    with pytest.raises(ExtractionError):
        analyze_html(html, url)


def test_empty_page_raises():
    with pytest.raises(ExtractionError):
        analyze_html("<html><body></body></html>", "https://leafnotes.example.com/")


# --- what the blog page yields -----------------------------------------------------------------

def test_blog_terms(blog):
    terms = {t.normalized: t for t in blog.terms}
    assert set(terms) == {"opms", "black recall", "cows", "tlq"}
    assert set(terms["opms"].expansions) == {"Opioid Post Mood Slump",
                                             "Overall Protracted Malaise State"}
    assert terms["opms"].supported is False
    assert terms["cows"].supported is True
    assert terms["tlq"].supported is False
    assert set(terms["black recall"].variants) == {"black recall", "Black Recoil"}
    assert terms["black recall"].count == 2


def test_blog_flags(blog):
    inconsistent = flags_of(blog, "inconsistent_definition")
    assert len(inconsistent) == 1
    assert inconsistent[0].startswith("O.P.M.S.:")
    assert "Opioid Post Mood Slump" in inconsistent[0]
    assert "Overall Protracted Malaise State" in inconsistent[0]
    unsupported = flags_of(blog, "unsupported_term")
    assert any(d.startswith("O.P.M.S. (acronym") for d in unsupported)
    assert any(d.startswith("TLQ (acronym") for d in unsupported)
    assert any(d.startswith("black recall (coinage") for d in unsupported)
    assert not any(d.startswith("COWS") for d in unsupported)
    assert flags_of(blog, "uncited_claim") == ["2 of 3 claims uncited"]
    assert flags_of(blog, "vague_dosing") == []  # the page gives explicit amounts too


def test_blog_dosing(blog):
    explicit = [(d.kind, d.amount_low, d.amount_high, d.unit, d.frequency)
                for d in blog.dosing if d.amount_low is not None]
    # "a COWS score of 8 to 12" is not a dose
    assert explicit == [("amount", 2.0, 4.0, "g", "every six hours"),
                        ("maximum", 8.0, 8.0, "g", "in a day")]
    phrases = {(d.kind, d.phrase) for d in blog.dosing if d.amount_low is None}
    assert phrases == {("individualised", "listen to your body"),
                       ("individualised", "everyone is different")}


def test_blog_claims(blog):
    claims = [(c.substance, c.effect, c.condition, c.hedged, c.cited) for c in blog.claims]
    assert claims == [
        ("kratom", "help", "opioid withdrawal", True, True),      # outbound link to a study
        ("magnesium", "ease", "muscle aches", True, False),       # "studies suggest", no link
        ("kava", "calm", "anxiety", False, False),                # link to its own shop
    ]


# --- shop and clinic pages ---------------------------------------------------------------------

def test_shop_dosing_ignores_prices_ratings_and_discounts(shop):
    explicit = [(d.amount_low, d.amount_high, d.unit, d.substance)
                for d in shop.dosing if d.amount_low is not None]
    assert explicit == [
        (70.0, 250.0, "mg", "kava"),
        # The page is about kava: doses in sentences that name no substance belong to it.
        (pytest.approx(1 / 6), 0.25, "tsp", "kava"),
        (0.5, 0.5, "tsp", "kava"),
        (3.0, 3.0, "capsule", "kava"),
    ]
    phrases = {d.phrase for d in shop.dosing if d.kind in ("titration", "individualised")}
    assert phrases == {"start low", "build up slowly", "varies by person"}


def test_shop_claims_are_uncited_even_with_own_links(shop):
    assert [(c.substance, c.effect, c.condition, c.cited) for c in shop.claims] == [
        ("kava", "relieve", "stress", False),
        ("kava", "promote", "sleep", False),  # "relieves stress … and promotes deeper sleep"
        ("kava", "support", "sleep", False),
    ]
    assert flags_of(shop, "uncited_claim") == ["3 of 3 claims uncited"]
    assert flags_of(shop, "unsupported_term") == []


def test_clinic_page_is_supported_and_cited(clinic):
    terms = {t.normalized: t for t in clinic.terms}
    assert set(terms) == {"cows", "moud"}
    assert all(t.supported for t in clinic.terms)
    assert [(c.substance, c.condition, c.cited) for c in clinic.claims] == [
        ("buprenorphine", "cravings", True),
        ("naltrexone", "cravings", True),
    ]
    kinds = {f.kind for f in clinic.flags}
    assert "unsupported_term" not in kinds
    assert "inconsistent_definition" not in kinds
    assert "uncited_claim" not in kinds
    # "the dose is adjusted at every follow-up visit" is individualised dosing too.
    assert flags_of(clinic, "vague_dosing") == ["adjusted to you; find your dose"]


# --- the JSON contract -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["blog", "shop", "clinic", "spanish"])
def test_to_json_contract(analyses, name):
    analysis = analyses[name]
    record = analysis.to_json()
    assert CONTRACT_KEYS <= set(record)  # the contract: fields may be added, never removed
    assert record["extractor_version"]
    assert record["url"] == analysis.page.url
    assert record["text"] == analysis.page.text
    assert json.loads(json.dumps(record)) == record  # plain JSON types only
    for item in record["terms"]:
        assert TERM_KEYS <= set(item)
        assert isinstance(item["expansions"], list)
        assert isinstance(item["supported"], bool) and isinstance(item["count"], int)
        assert item["kind"] in {"acronym", "coinage"}
    for item in record["dosing"]:
        assert DOSING_KEYS <= set(item)
        assert item["kind"] in {"amount", "maximum", "titration", "individualised", "as_needed",
                                "form"}
        if item["amount_low"] is not None:
            assert item["amount_low"] <= item["amount_high"]
    for item in record["claims"]:
        assert CLAIM_KEYS <= set(item)
        assert isinstance(item["hedged"], bool) and isinstance(item["cited"], bool)
    for item in record["flags"]:
        assert FLAG_KEYS <= set(item)


def test_to_json_blog_values(blog):
    record = blog.to_json()
    assert record["title"] == "Life After Leaf: My First Month Off Kratom"
    assert record["published"] == "2024-03-14"
    assert record["language"] == "en"
    assert record["terms"] and record["dosing"] and record["claims"] and record["flags"]
    opms = next(t for t in record["terms"] if t["normalized"] == "opms")
    assert sorted(opms["expansions"]) == ["Opioid Post Mood Slump",
                                          "Overall Protracted Malaise State"]
    assert {"kind": "inconsistent_definition",
            "detail": "O.P.M.S.: Opioid Post Mood Slump | Overall Protracted Malaise State"} \
        in record["flags"]


def test_analysis_is_deterministic(page_html, blog):
    html, url = page_html["blog"]
    assert analyze_html(html, url).to_json() == blog.to_json()
