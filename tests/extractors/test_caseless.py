"""The fast case-insensitive patterns must find exactly what their re.IGNORECASE twins find."""
import re
from pathlib import Path

import pytest

from extractors import claims, dosing, lexicons, terms
from extractors.caseless import CaselessPattern, caseless
from extractors.sentences import split_sentences
from extractors.text import extract_page

EVAL = Path(__file__).resolve().parents[1] / "fixtures" / "eval"
TRICKY = [
    "STUDIES SUGGEST it is COMPLETELY SAFE", "Start Low, Go Slow.", "KRATOM eases ANXIETY.",
    "İstanbul users say kratom is completely safe",  # "İ" lowers to two characters
    "Take 2–4 Grams of Kratom Powder every SIX hours", "It’s all-natural, so it’s gentler.",
    "", "a", "Known As “black recall”", "the community calls it the drift",
]


def _patterns():
    found = {}
    for module in (claims, dosing, terms):
        for name, value in vars(module).items():
            if isinstance(value, CaselessPattern):
                found[f"{module.__name__}.{name}"] = value
    for i, (_, phrase, pattern) in enumerate(dosing._LANGUAGE_RES):
        found[f"dosing language {phrase}"] = pattern
    for i, (pattern, base) in enumerate(claims._PHRASE_RES):
        found[f"claims phrase {i} ({base})"] = pattern
    found["lexicons.substance_pattern"] = lexicons.substance_pattern()
    found["lexicons.condition_pattern"] = lexicons.condition_pattern()
    return found


@pytest.fixture(scope="module")
def sentences():
    out = list(TRICKY)
    for path in sorted(EVAL.glob("*.html")):
        page, _ = extract_page(path.read_text(encoding="utf-8"), "https://eval.example/")
        out += [s.text for s in split_sentences(page.text)]
    return out


def _spans(matches):
    return [(m.span(), m.group(0), m.groups()) for m in matches]


@pytest.mark.parametrize("name", sorted(_patterns()))
def test_same_matches_as_ignorecase(name, sentences):
    fast = _patterns()[name]
    slow = re.compile(fast.pattern, re.IGNORECASE)
    for text in sentences:
        assert _spans(fast.finditer(text)) == _spans(slow.finditer(text)), (name, text)
        m_fast, m_slow = fast.search(text), slow.search(text)
        assert (m_fast and m_fast.span()) == (m_slow and m_slow.span()), (name, text)


def test_pattern_count_is_the_corpus_worth_testing(sentences):
    assert len(sentences) > 1000  # the eval pages were read, not just the tricky strings
    assert len(_patterns()) >= 25


def test_groups_come_from_the_original_text():
    pattern = caseless(r"studies (sugg(?P<rest>\w+))")
    m = pattern.search("Recent STUDIES Suggest otherwise")
    assert m.group(0) == "STUDIES Suggest"
    assert m.group(1) == "Suggest" and m["rest"] == "est" and m.groupdict() == {"rest": "est"}
    assert m.groups() == ("Suggest", "est") and m.span() == (7, 22)
    assert m.group(0, 1) == ("STUDIES Suggest", "Suggest")


def test_text_whose_lower_case_changes_length_falls_back():
    text = "İİ Kratom"  # each "İ" lowers to "i̇", two characters
    m = caseless(r"kratom").search(text)
    assert m.group(0) == "Kratom" and m.start() == 3


def test_hints_rule_text_out_without_hiding_matches():
    pattern = caseless(r"\bno side effects\b", hints=("side",))
    assert pattern.search("No Side Effects at all").group(0) == "No Side Effects"
    assert pattern.search("no harm") is None
    assert list(pattern.finditer("nothing here")) == []
    assert pattern.count("no side effects; NO SIDE EFFECTS") == 2
    assert pattern.count("quiet") == 0


@pytest.mark.parametrize("surface,kind,text,expected", [
    ("O.P.M.S.", "acronym", "O.P.M.S. or OPMS, not XOPMS, .OPMS or O.P.M.SX; OPMS.", 3),
    ("black recall", "coinage", "Black Recall, black-recall and black  recall; blackrecall.", 3),
    ("black recall", "coinage", "unblack recall is not it; black recalls neither", 0),
])
def test_occurrences(surface, kind, text, expected):
    assert terms._occurrences(surface, kind, text) == expected
