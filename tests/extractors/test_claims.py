"""Claims: substance → effect → condition, hedging, and citation by link or marker."""
from __future__ import annotations

import pytest

from extractors.claims import claims_from_sentence, extract_claims
from extractors.sentences import split_sentences

PAGE = "https://leafnotes.example.com/blog/evening-routine"


def claims_of(text: str, link_spans=(), page_url: str = PAGE):
    return extract_claims(split_sentences(text), link_spans, page_url)


def one_claim(text: str, link_spans=(), page_url: str = PAGE):
    claims = claims_of(text, link_spans, page_url)
    assert len(claims) == 1, claims
    return claims[0]


def span_of(text: str, anchor: str, href: str) -> tuple[int, int, str]:
    start = text.index(anchor)
    return (start, start + len(anchor), href)


@pytest.mark.parametrize("sentence, substance, effect, condition", [
    ("Kava reduces anxiety in most adults who try it.", "kava", "reduce", "anxiety"),
    ("Kratom eases opioid withdrawal for some people.", "kratom", "ease", "opioid withdrawal"),
    ("Cannabidiol calms restless legs at night.", "cbd", "calm", "restless legs"),
    ("Piper methysticum relieves stress after work.", "kava", "relieve", "stress"),
    ("Melatonin improves sleep quality in shift workers.", "melatonin", "improve", "sleep quality"),
    ("Valerian root promotes better sleep.", "valerian", "promote", "sleep"),
])
def test_substance_effect_condition(sentence, substance, effect, condition):
    claim = one_claim(sentence)
    assert (claim.substance, claim.effect, claim.condition) == (substance, effect, condition)
    assert claim.sentence == sentence


def test_condition_after_the_effect_is_preferred():
    claim = one_claim("For people under stress, ashwagandha improves focus within weeks.")
    assert claim.condition == "focus"


@pytest.mark.parametrize("sentence", [
    "Kratom may help with opioid withdrawal.",
    "Kava might ease anxiety before a big meeting.",
    "Ashwagandha appears to reduce stress in small trials.",
    "Some users report that kanna lifts low mood.",
    "Magnesium is thought to relieve muscle aches.",
])
def test_hedged_claims(sentence):
    assert one_claim(sentence).hedged is True


@pytest.mark.parametrize("sentence", [
    "Kratom cures opioid withdrawal.",
    "Kava eliminates anxiety for good.",
    "Phenibut treats insomnia fast.",
])
def test_unhedged_claims(sentence):
    assert one_claim(sentence).hedged is False


def test_studies_suggest_without_a_link_is_hedged_and_uncited():
    claim = one_claim("Studies suggest ashwagandha improves sleep quality.")
    assert claim.hedged is True
    assert claim.cited is False


def test_outbound_link_inside_the_sentence_cites_it():
    text = "Kava eases anxiety, according to a recent review. Nothing else matters."
    span = span_of(text, "a recent review", "https://pubmed.ncbi.nlm.nih.gov/00000002/")
    assert one_claim(text, [span]).cited is True


def test_same_host_link_does_not_cite():
    text = "Kava eases anxiety, as our buying guide explains."
    span = span_of(text, "our buying guide", "https://leafnotes.example.com/guides/kava")
    assert one_claim(text, [span]).cited is False


def test_relative_or_non_http_links_do_not_cite():
    text = "Kava eases anxiety, as our buying guide explains."
    for href in ("/guides/kava", "mailto:help@leafnotes.example.com", "#faq"):
        assert one_claim(text, [span_of(text, "our buying guide", href)]).cited is False


def test_a_source_sentence_cites_the_claims_of_its_paragraph_only():
    """"Read this independent review" makes no claim; it is the paragraph's source."""
    text = ("Kava eases anxiety. Read this independent review for more.\n"
            "Kratom relieves opioid withdrawal.")
    span = span_of(text, "this independent review", "https://www.cochrane.example.org/review/1")
    kava, kratom = claims_of(text, [span])
    assert (kava.sentence, kava.cited) == ("Kava eases anxiety.", True)
    assert (kratom.substance, kratom.cited) == ("kratom", False)  # another paragraph


def test_a_citation_inside_another_claim_backs_only_that_claim():
    text = ("Customers say CBD calms anxiety. "
            "In a 2019 case series, cannabidiol reduced anxiety scores in most patients [1].")
    first, second = claims_of(text)
    assert (first.cited, second.cited) == (False, True)


def test_a_reference_line_cites_its_paragraph():
    text = "Valerian root improves sleep quality. (Okafor et al., 2021)"
    assert one_claim(text).cited is True


def test_link_spans_are_matched_per_sentence_in_a_longer_text():
    text = ("Kava eases anxiety in adults.\n"
            "Kratom may help with opioid withdrawal, per a survey of users.\n"
            "Melatonin promotes sleep, as our shop page says.")
    spans = [
        span_of(text, "a survey of users", "https://journals.example.org/article/77"),
        span_of(text, "our shop page", "https://leafnotes.example.com/shop/melatonin"),
    ]
    claims = claims_of(text, spans)
    assert [(c.substance, c.cited) for c in claims] == [
        ("kava", False), ("kratom", True), ("melatonin", False)]


@pytest.mark.parametrize("sentence", [
    "Kava eases anxiety [1].",
    "Kava eases anxiety in most adults [2, 3].",
    "Kava eases anxiety (Smith et al., 2019).",
    "Kava eases anxiety (Nguyen and Harper 2021).",
    "Kava eases anxiety (Okafor, 2018).",
    "Kava eases anxiety, see doi: 10.1000/example.42.",
    "Kava eases anxiety (PMID: 12345678).",
])
def test_citation_markers_cite(sentence):
    assert one_claim(sentence).cited is True


@pytest.mark.parametrize("sentence", [
    "Regular exercise helps reduce anxiety.",
    "A warm bath before bed improves sleep.",
    "Many customers say it calms anxiety within half an hour.",
])
def test_sentence_without_a_substance_is_not_a_claim(sentence):
    assert claims_of(sentence) == []


@pytest.mark.parametrize("sentence", [
    "Kratom is a tree native to Southeast Asia.",   # no effect, no condition
    "Kava helps you relax after dinner.",           # no condition
    "Melatonin and anxiety are both in the news.",  # no effect
])
def test_sentence_without_effect_or_condition_is_not_a_claim(sentence):
    assert claims_of(sentence) == []


def test_claims_from_sentence_directly():
    (sentence,) = split_sentences("Kanna may lift low mood [4].")
    [claim] = claims_from_sentence(sentence)
    assert (claim.substance, claim.effect, claim.condition) == ("kanna", "lift", "low mood")
    assert claim.hedged and claim.cited


def test_one_sentence_can_carry_several_claims():
    (sentence,) = split_sentences("Kava eases anxiety and calms stress, and kratom relieved my pain.")
    pairs = [(c.substance, c.effect, c.condition) for c in claims_from_sentence(sentence)]
    assert pairs == [("kava", "ease", "anxiety"), ("kava", "calm", "stress"),
                     ("kratom", "relieve", "pain")]


@pytest.mark.parametrize("text", [
    "Kratom is not approved to treat depression.",
    "Kava doesn't cure anxiety, whatever the label says.",
])
def test_negated_effects_are_not_claims(text):
    (sentence,) = split_sentences(text)
    assert claims_from_sentence(sentence) == []


@pytest.mark.parametrize("text,effect", [
    ("Honestly kratom knocked my restless legs right down.", "reduce"),
    ("Tianeptine melts away anxiety.", "eliminate"),
    ("Kratom extract wiped out my withdrawal symptoms.", "eliminate"),
    ("Ashwagandha lowered cortisol in the trial.", "lower"),
])
def test_inflected_and_phrasal_effects(text, effect):
    (sentence,) = split_sentences(text)
    [claim] = claims_from_sentence(sentence)
    assert claim.effect == effect


@pytest.mark.parametrize("href,cited", [
    ("https://pubmed.ncbi.nlm.nih.gov/123/", True),
    ("https://www.fda.gov/consumers/kratom", True),
    ("https://doi.org/10.1000/xyz", True),
    ("https://journals.example.org/a", True),
    ("https://shop.example.com/kava", False),     # another site, but a shop
    ("https://video.example.com/watch", False),
    ("https://driftwood.example/guide", False),   # the page's own site
])
def test_only_scholarly_or_government_links_are_citations(href, cited):
    from extractors.analyze import analyze_html

    filler = "We get many questions from readers about routines and what to try next. " * 4
    html = (f"<html><body><article><h1>Kava</h1><p>{filler}</p><p>Kava reduces anxiety, "
            f'according to <a href="{href}">this source</a>.</p></article></body></html>')
    result = analyze_html(html, "https://driftwood.example/post.html")
    [claim] = [c for c in result.claims if c.substance == "kava"]
    assert claim.cited is cited
