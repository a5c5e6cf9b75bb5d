"""Sentence splitting: abbreviations, dotted acronyms, decimals, newlines and offsets."""
from __future__ import annotations

import pytest

from extractors.sentences import Sentence, split_sentences


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_dotted_acronym_mid_sentence_does_not_split():
    assert texts("The O.P.M.S. phase is hard.") == ["The O.P.M.S. phase is hard."]


def test_dotted_acronym_followed_by_capitalised_non_opener_does_not_split():
    assert texts("Most people recover from the O.P.M.S. Stage Two slump within weeks.") == [
        "Most people recover from the O.P.M.S. Stage Two slump within weeks."]


def test_dotted_acronym_at_sentence_end_splits_before_an_opener():
    assert texts("Some people take magnesium for O.P.M.S. It helps them sleep.") == [
        "Some people take magnesium for O.P.M.S.", "It helps them sleep."]


@pytest.mark.parametrize("text", [
    "Calming herbs, e.g. Kava and valerian, are popular in the evening.",
    "Herbal teas (i.e. Chamomile blends) are gentle on the stomach.",
    "Ask Dr. Smith about tapering before you start.",
    "The guide was written by J. Smith and reviewed last spring.",
    "Most users mix 3.5 g into a glass of juice.",
    "Smith et al. (2019) found a small effect in their second trial.",
])
def test_abbreviations_initials_and_decimals_do_not_split(text):
    assert texts(text) == [text]


def test_ordinary_sentences_split_on_terminal_punctuation():
    assert texts("Is it safe? Nobody really knows! Talk to a pharmacist first.") == [
        "Is it safe?", "Nobody really knows!", "Talk to a pharmacist first."]


def test_lower_case_continuation_after_period_does_not_split():
    assert texts("Store at approx. room temperature.") == ["Store at approx. room temperature."]


def test_newlines_always_split():
    assert texts("Dosage guide\nTake it with food\n\n- Avoid alcohol") == [
        "Dosage guide", "Take it with food", "- Avoid alcohol"]


def test_unit_before_a_sentence_opener_splits():
    # Regression: "mg"/"tsp" were plain abbreviations, so these pairs were never split.
    assert texts("The usual dose is 500 mg. Some users take more.") == [
        "The usual dose is 500 mg.", "Some users take more."]
    assert texts("Take 1 tsp. Kava works best on an empty stomach.") == [
        "Take 1 tsp.", "Kava works best on an empty stomach."]


def test_unit_followed_by_a_number_does_not_split():
    assert texts("Use max. 5 g in one sitting.") == ["Use max. 5 g in one sitting."]


def test_offsets_map_back_to_the_text():
    text = ("  Kratom is a tree.  It grows in Thailand, e.g. In the south.\n"
            "\n"
            "Dr. Lee says 2.5 g is common. Studies vary!\n"
            "   Users report O.P.M.S. symptoms. Many recover.  ")
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Kratom is a tree.",
        "It grows in Thailand, e.g. In the south.",
        "Dr. Lee says 2.5 g is common.",
        "Studies vary!",
        "Users report O.P.M.S. symptoms.",
        "Many recover.",
    ]
    for s in sentences:
        assert isinstance(s, Sentence)
        assert text[s.start:s.end] == s.text
    starts = [s.start for s in sentences]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(sentences, sentences[1:]))


def test_blank_text_gives_no_sentences():
    assert split_sentences("") == []
    assert split_sentences(" \n \n\t") == []
