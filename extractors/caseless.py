"""Case-insensitive regular expressions that run at case-sensitive speed.

Python's `re` skips quickly over text that cannot start a match only when case matters: with
re.IGNORECASE every position is tried. Lower-casing the text once and matching a case-sensitive
pattern is 2–6× faster on our patterns (bench/extract_speed.py). Matches still report the
original text, so callers see "Studies suggest", not "studies suggest".

A pattern may also name `hints`: lower-case substrings of which every match contains one. Text
without any of them is ruled out by C-speed substring tests before the regex runs; most
sentences of a page mention no "known as", "studies" or "start".

Rules for patterns compiled here: write every letter in lower case, never rely on a case-only
class such as [A-Z], and list hints that every alternative contains
(tests/extractors/test_caseless.py checks each pattern against its re.IGNORECASE twin, without
hints, on the evaluation pages).
"""
from __future__ import annotations

import re
from functools import lru_cache


class CaselessPattern:
    """Drop-in for the parts of re.Pattern the extractors use: search, match, fullmatch,
    finditer."""

    def __init__(self, pattern: str, flags: int = 0, hints: tuple[str, ...] = ()):
        self.pattern = pattern
        self.hints = hints
        self.fast = re.compile(pattern, flags)
        # Kept for the rare text whose lower-case form changes length ("İ" → "i̇"): offsets
        # into the lowered text would then point at the wrong characters.
        self.slow = re.compile(pattern, flags | re.IGNORECASE)

    def _subject(self, text: str):
        lowered = text.lower()
        if self.hints and not has_hint(lowered, self.hints):
            return _NEVER, None
        if len(lowered) == len(text):
            return self.fast, lowered
        return self.slow, None

    def search(self, text: str, pos: int = 0, endpos: int | None = None):
        pattern, lowered = self._subject(text)
        return _wrap(pattern.search(lowered or text, pos, len(text) if endpos is None else endpos),
                     text, lowered)

    def match(self, text: str, pos: int = 0, endpos: int | None = None):
        pattern, lowered = self._subject(text)
        return _wrap(pattern.match(lowered or text, pos, len(text) if endpos is None else endpos),
                     text, lowered)

    def fullmatch(self, text: str):
        pattern, lowered = self._subject(text)
        return _wrap(pattern.fullmatch(lowered or text), text, lowered)

    def count(self, text: str) -> int:
        """Non-overlapping matches in `text`, which is lowered once however often it is
        counted in (a page's text, scanned once per term)."""
        lowered = _lowered(text)
        if self.hints and not has_hint(lowered, self.hints):
            return 0
        if len(lowered) == len(text):
            return len(self.fast.findall(lowered))
        return len(self.slow.findall(text))

    def finditer(self, text: str, pos: int = 0):
        pattern, lowered = self._subject(text)
        for m in pattern.finditer(lowered or text, pos):
            yield _wrap(m, text, lowered)


def has_hint(lowered: str, hints: tuple[str, ...]) -> bool:
    """Whether any hint occurs in `lowered` (a plain loop: faster than any() over a generator)."""
    for hint in hints:
        if hint in lowered:
            return True
    return False


_NEVER = re.compile(r"(?!)")  # matches nothing: the text has none of the pattern's hints


@lru_cache(maxsize=4)
def _lowered(text: str) -> str:
    return text.lower()


def _wrap(m, text: str, lowered: str | None):
    if m is None or lowered is None:
        return m
    return CaselessMatch(m, text)


class CaselessMatch:
    """A match on lowered text that reads its groups from the original text."""
    __slots__ = ("_m", "string")

    def __init__(self, m: re.Match, string: str):
        self._m, self.string = m, string

    def _text(self, group):
        start, end = self._m.span(group)
        return None if start < 0 else self.string[start:end]

    def group(self, *groups):
        if len(groups) <= 1:
            return self._text(groups[0] if groups else 0)
        return tuple(self._text(g) for g in groups)

    def __getitem__(self, group):
        return self._text(group)

    def groups(self, default=None):
        return tuple(default if (t := self._text(i)) is None else t
                     for i in range(1, self._m.re.groups + 1))

    def groupdict(self, default=None):
        return {name: default if (t := self._text(name)) is None else t
                for name in self._m.re.groupindex}

    def start(self, group=0):
        return self._m.start(group)

    def end(self, group=0):
        return self._m.end(group)

    def span(self, group=0):
        return self._m.span(group)

    @property
    def lastindex(self):
        return self._m.lastindex

    @property
    def re(self):
        return self._m.re


def caseless(pattern: str, flags: int = 0, hints: tuple[str, ...] = ()) -> CaselessPattern:
    return CaselessPattern(pattern, flags, hints)
