"""HTML → Analysis: the whole extract stage for one page, as one pure function."""
from __future__ import annotations

from extractors.claims import evidence_flags, extract_claims, source_paragraphs
from extractors.dosing import extract_dosing, main_substance
from extractors.models import Analysis, Flag, Page
from extractors.sentences import split_sentences
from extractors.terms import extract_terms
from extractors.text import extract_page


def analyze_html(html: str, url: str) -> Analysis:
    """Extract text, terms, dosing and claims from one page. Raises ExtractionError when the
    page has no main text."""
    page, link_spans = extract_page(html, url)
    return analyze_page(page, link_spans, url)


def analyze_page(page: Page, link_spans, url: str) -> Analysis:
    """Terms, dosing, claims and flags from an extracted page: everything after trafilatura."""
    if page.language not in ENGLISH_RULES_APPLY:
        # The lexicons and patterns are English: on other pages they would mislead.
        return Analysis(page=page, flags=(Flag("non_english", f"language {page.language}: "
                                                "English extraction rules not applied"),))
    sentences = split_sentences(page.text)
    subject = main_substance(sentences)
    terms = extract_terms(page.text, sentences)
    dosing = extract_dosing(sentences, subject)
    claims = extract_claims(sentences, link_spans, url, subject)
    flags = _flags(terms, dosing, claims)
    sourced = source_paragraphs(sentences, claims, link_spans, url)
    flags += [Flag(kind, detail) for kind, detail in evidence_flags(sentences, claims, sourced)]
    return Analysis(page=page, terms=tuple(terms), dosing=tuple(dosing), claims=tuple(claims),
                    flags=tuple(flags))


# None: too little text to tell; such pages get the English rules, as most of the web is English.
ENGLISH_RULES_APPLY = ("en", None)


def _flags(terms, dosing, claims) -> list[Flag]:
    """Document-level signals; the tunable rules over them live in checks/."""
    flags = []
    for term in terms:
        if not term.supported:
            flags.append(Flag("unsupported_term", f"{term.term} ({term.kind}, {term.count}×)"))
        if len(term.expansions) > 1:
            flags.append(Flag("inconsistent_definition",
                              f"{term.term}: " + " | ".join(term.expansions)))
    vague = [d for d in dosing if d.kind in ("titration", "individualised")]
    if vague and not any(d.amount_low is not None for d in dosing):
        flags.append(Flag("vague_dosing", "; ".join(sorted({d.phrase or d.text for d in vague}))))
    uncited = [c for c in claims if not c.cited]
    if uncited:
        flags.append(Flag("uncited_claim", f"{len(uncited)} of {len(claims)} claims uncited"))
    return flags
