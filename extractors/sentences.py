"""Sentence segmentation that survives dotted abbreviations ("O.P.M.S.", "e.g.", "Dr.") and decimals."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Words after which a period never ends a sentence.
_ABBREVIATIONS = {
    "dr", "mr", "mrs", "ms", "prof", "st", "vs", "etc", "approx", "no", "fig", "al", "inc", "ltd",
    "jr", "sr", "e.g", "i.e", "cf", "ca",
}
# Fix (tests/extractors): units used to sit in _ABBREVIATIONS, so "The usual dose is 500 mg. Some
# users take more." was never split. After a unit, split only when a sentence opener follows,
# as after a dotted acronym.
_UNIT_ABBREVIATIONS = {"min", "max", "mg", "tsp", "tbsp", "oz"}
# Capitalised words that usually open a sentence: after a dotted acronym ("... for O.P.M.S. Its
# compounds ...") a split is only taken when one of these follows.
_OPENERS = {
    "a", "an", "the", "this", "that", "these", "those", "it", "its", "they", "their", "there",
    "we", "our", "i", "my", "you", "your", "he", "she", "his", "her", "however", "but", "and",
    "so", "if", "when", "while", "in", "on", "for", "as", "at", "many", "some", "most", "studies",
    "research", "always", "never", "start", "take", "do", "don't", "please", "also", "still",
    "after", "before", "because", "although", "though", "what", "how", "why", "who", "users",
    "kratom", "kava", "consult", "talk", "remember", "overall", "finally", "first", "then",
}
_DOTTED_ACRONYM = re.compile(r"(?:\b[A-Za-z]\.){2,}$")
_CANDIDATE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+)")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # character offsets into the text the sentence came from
    end: int
    paragraph: int = 0  # line number in that text: sentences of one paragraph share it


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences; newlines always end a sentence (paragraphs, list items)."""
    sentences: list[Sentence] = []
    offset = 0
    for number, line in enumerate(text.split("\n")):
        for start, end in _split_line(line):
            chunk = line[start:end]
            stripped = chunk.strip()
            if stripped:
                lead = len(chunk) - len(chunk.lstrip())
                sentences.append(Sentence(stripped, offset + start + lead,
                                          offset + start + lead + len(stripped), number))
        offset += len(line) + 1
    return sentences


def _split_line(line: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _CANDIDATE_END.finditer(line):
        end = match.end()
        if _is_boundary(line, match.start(), end):
            spans.append((start, end))
            start = end
    spans.append((start, len(line)))
    return spans


def _is_boundary(line: str, punct_at: int, end: int) -> bool:
    rest = line[end:].lstrip()
    if not rest:
        return True
    if line[punct_at] != ".":
        return rest[0].isupper() or rest[0].isdigit() or rest[0] in "\"“‘'(["
    token = _word_ending_at(line, punct_at)
    bare = token.rstrip(".").lstrip("(\"“‘'").lower()
    if bare in _UNIT_ABBREVIATIONS:  # fix: see _UNIT_ABBREVIATIONS
        next_word = re.match(r"[\"“‘'(\[]*([A-Za-z']+)", rest)
        return (bool(next_word) and next_word.group(1)[0].isupper()
                and next_word.group(1).lower() in _OPENERS)
    if bare in _ABBREVIATIONS or re.fullmatch(r"[A-Z]\.", token):  # "J. Smith"
        return False
    if not (rest[0].isupper() or rest[0].isdigit() or rest[0] in "\"“‘'(["):
        return False
    if _DOTTED_ACRONYM.search(token.lstrip("(\"“‘'")):
        next_word = re.match(r"[\"“‘'(\[]*([A-Za-z']+)", rest)
        return bool(next_word) and next_word.group(1).lower() in _OPENERS
    return True


def _word_ending_at(line: str, at: int) -> str:
    """The whitespace-free run ending at `at` (inclusive). Walking back is cheaper than an
    end-anchored regex, which rescans the line from its start at every candidate period."""
    start = at
    while start > 0 and not line[start - 1].isspace():
        start -= 1
    return line[start:at + 1]
