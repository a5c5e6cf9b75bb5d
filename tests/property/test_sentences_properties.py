"""extractors.sentences.split_sentences on arbitrary text: never raises, loses no non-space
character, and its offsets point back into the text in order."""
from __future__ import annotations

from hypothesis import example, given, strategies as st

from extractors.sentences import (_ABBREVIATIONS, _OPENERS, _UNIT_ABBREVIATIONS, Sentence,
                                  split_sentences)

# Text built from what the splitter decides on: end punctuation, closing quotes, abbreviations,
# dotted acronyms, openers, decimals, and every kind of whitespace and line break.
_WORDS = sorted(_ABBREVIATIONS | _UNIT_ABBREVIATIONS) + [w.capitalize() for w in _OPENERS] + [
    "O.P.M.S.", "J.", "e.g.", "Dr.", "500", "2.5", "Stage", "kratom", "X", "İ", "ǅ", "ß"]
_PUNCT = [".", "!", "?", "…", "...", "?!", '."', ".”", ".’", ".)", ".]", "(", "“", "‘", "'", '"']
_SPACE = [" ", "  ", "\n", "\n\n", "\t", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u00a0",
          "\u2028", "\u2029", "\u3000"]
PROSE = st.lists(st.one_of(st.sampled_from(_WORDS), st.sampled_from(_PUNCT),
                           st.sampled_from(_SPACE)), max_size=40).map("".join)
TEXT = st.one_of(st.text(max_size=300), PROSE)


def _non_space(text: str) -> str:
    return "".join(c for c in text if not c.isspace())


@given(TEXT)
@example("The usual dose is 500 mg. Some users take more.")
@example("Take it.\n\n  Then rest… “Really.” (Yes.)")
def test_offsets_point_back_into_the_text(text):
    sentences = split_sentences(text)
    previous_end = 0
    for s in sentences:
        assert isinstance(s, Sentence)
        assert 0 <= previous_end <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == s.text
        assert s.text == s.text.strip() and s.text  # trimmed, never empty
        assert "\n" not in s.text  # a newline always ends a sentence
        assert s.paragraph == text.count("\n", 0, s.start)
        # Only whitespace lies between sentences.
        assert not _non_space(text[previous_end:s.start])
        previous_end = s.end
    assert not _non_space(text[previous_end:])


@given(TEXT)
def test_no_non_space_character_is_lost(text):
    assert "".join(_non_space(s.text) for s in split_sentences(text)) == _non_space(text)


@given(TEXT)
def test_paragraphs_never_decrease(text):
    paragraphs = [s.paragraph for s in split_sentences(text)]
    assert paragraphs == sorted(paragraphs)


@given(TEXT)
@example("Some people take magnesium for O.P.M.S. It helps them sleep.")
def test_a_sentence_splits_into_itself(text):
    """Splitting is stable: each sentence, split again on its own, is one sentence."""
    for s in split_sentences(text):
        assert split_sentences(s.text) == [Sentence(s.text, 0, len(s.text), 0)]


@given(st.lists(st.sampled_from(["One", "Two", "Three", "Four"]), min_size=1, max_size=6),
       st.sampled_from([". ", "! ", "? ", ".\n", "\n"]))
def test_plain_sentences_split_at_every_end(words, end):
    """Capitalised sentences that are no abbreviation split where they end."""
    text = end.join(f"{w} is here" for w in words) + "."
    got = [s.text for s in split_sentences(text)]
    assert got == [f"{w} is here" + (end.strip() if i < len(words) - 1 else ".")
                   for i, w in enumerate(words)]
