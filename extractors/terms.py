"""Terms: acronyms and coined jargon, with their in-text definitions, grouped and checked
against an offline medical vocabulary."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from rapidfuzz.distance import Levenshtein

from extractors import lexicons, vocabulary
from extractors.caseless import caseless
from extractors.models import Term
from extractors.sentences import Sentence
from extractors.vocabulary import abbreviation_key, normalize_phrase

# "O.P.M.S.", "COWS", "CBT-I", "MOUD". Dotted forms need two or more letters. Patterns here
# open with a character and check what precedes it afterwards (a lookbehind), because `re`
# skips quickly through text only to a pattern's first character, not to a lookbehind.
_ACRONYM = re.compile(
    r"([A-Z](?<![\w.][A-Z])(?:\.(?:[A-Z]\.)+(?:[A-Z](?![\w.]))?|[A-Z0-9]{1,7}(?:-[A-Z0-9]{1,3})?"
    r"(?:(?<=[A-Z])s)?))(?![\w])")  # a plural "s" after a capital: "SSRIs", "AEDs"
_WORD = r"[A-Za-z][A-Za-z'’-]*"
# A quoted phrase, opening after a space, bracket or dash, or at the start. A single-quoted
# one must not run into a word ("users' 'reset'" vs "it's").
_QUOTED = re.compile(
    r"“(?:(?<=[\s(—–-]“)|(?<=^“))([^”\n]{2,60})”|"
    r"\"(?:(?<=[\s(—–-]\")|(?<=^\"))([^\"\n]{2,60})\"|"
    r"‘(?:(?<=[\s(—–-]‘)|(?<=^‘))([^’\n]{2,60})’|"
    r"'(?:(?<=[\s(—–-]')|(?<=^'))([^'\n]{2,60})'(?!\w)")
# The coined term comes after these cues: "often known as black recall".
_CUE_BEFORE_TERM = caseless(
    r"\b(?:(?:often |also |commonly |sometimes )?(?:known|know|referred to|refer to) as|(?:often |also |commonly )?called|"
    r"so-called|dubbed|nicknamed|what (?:[a-z]+ ){0,4}calls?|the community calls|"
    r"(?:i|we|people|users|readers|customers|they) call (?:it|this|that|them))\s+(?:the |a |an )?",
    hints=("know", "refer", "call", "dubbed", "nicknamed"))
# The definition comes after these cues: "black recall, a term for the flashbacks ...".
_CUE_DEFINITION = caseless(
    r"^[\s\"”’'),]*(?:[—–-]|,)?\s*(?:is |are |was )?(?:a|an|the|our|their)\s+"
    r"(?:term|name|word|nickname|shorthand|slang)\s+(?:for|used for|describing)\s+([^,.;:—–()]{3,120})")
# Fix (tests/extractors): dotted initials right after a byline cue are a name, not jargon.
_BYLINE_INITIALS = caseless(r"(?:\b(?:by|author:?|reviewer:?)|\b(?:dr|prof)\.)\s+$")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an|our|this|that|their)\s+(?=\S)", re.IGNORECASE)
_STOPWORDS = frozenset(
    "a an the and or of to in on for with by at as is are was be this that it its from our your "
    "their his her my we you they i".split())


@dataclass(frozen=True)
class _Candidate:
    surface: str
    kind: str            # acronym | coinage
    expansion: str | None
    sentence: str


def extract_terms(text: str, sentences: list[Sentence]) -> list[Term]:
    """All term groups in one document, most frequent first."""
    candidates = []
    for sentence in sentences:
        candidates += _acronyms(sentence.text)
        candidates += _coinages(sentence.text)
    lower_text = text.lower()
    kept = [c for c in candidates if _worth_keeping(c, lower_text)]
    # Fix (tests/extractors): a one-off variant spelling ("Black Recoil" beside a defined
    # "black recall") was dropped here, before grouping could attach it to the kept term.
    kept_keys = {_key(c) for c in kept if c.kind == "coinage"}
    kept += [c for c in candidates if c not in kept and c.kind == "coinage"
             and any(near_identical(_key(c), k) for k in kept_keys)]
    return _group(_fold_long_forms(kept), text)


def _fold_long_forms(candidates: list[_Candidate]) -> list[_Candidate]:
    """A quoted phrase that spells an acronym on the page ("V.R.D." … calls it "vagal reset
    disorder") is that acronym's definition, not a second term."""
    acronyms = {}
    for c in candidates:
        if c.kind == "acronym":
            acronyms.setdefault(abbreviation_key(c.surface).replace("-", ""), c.surface)
    long_forms = {normalize_phrase(c.expansion) for c in candidates if c.kind == "acronym" and c.expansion}
    out = []
    for c in candidates:
        if c.kind == "coinage" and len(c.surface.split()) >= 2:
            initials = "".join(w[0].upper() for w in c.surface.split() if w.lower() not in _STOPWORDS)
            if initials in acronyms:
                out.append(_Candidate(acronyms[initials], "acronym", c.surface, c.sentence))
                continue
            if normalize_phrase(c.surface) in long_forms:
                continue
        out.append(c)
    return out


def _acronyms(sentence: str) -> list[_Candidate]:
    found = []
    for m in _ACRONYM.finditer(sentence):
        acronym = m.group(1)
        key = abbreviation_key(acronym)
        if len(key) < 2 or key in lexicons.not_terms() or key.isdigit():
            continue
        if re.search(r"\b(?:code|coupon|promo)\W*$", sentence[:m.start()], re.IGNORECASE):
            continue  # "use code HAVEN10": a discount code, not an abbreviation
        if _BYLINE_INITIALS.search(sentence[:m.start()]) and "." in acronym and len(key) <= 3 \
                and re.match(r"\s+[A-Z][a-z]", sentence[m.end():]):
            continue  # fix: a person's initials in a byline ("By J.R. Okafor") are not a term
        expansion = (_long_form_before(sentence, m.start(), key) or _long_form_after(sentence, m.end(), key)
                     or _apposition(sentence, m.end(), key) or _spelled_out(sentence, m.end(), key))
        found.append(_Candidate(acronym, "acronym", expansion, sentence))
    for m in _MIXED_CASE_IN_PARENS.finditer(sentence):
        # "cyclic AMP (cAMP)", "estimated GFR (eGFR)": mixed-case short forms count only in
        # parentheses, right after a long form whose letters spell them.
        key = abbreviation_key(m.group(1))
        expansion = _long_form_before(sentence, m.start(1), key, letters_only=True)
        if expansion:
            found.append(_Candidate(m.group(1), "acronym", expansion, sentence))
    return found


# Lower case before a capital ("cAMP", "eGFR", "mAb"), or a capital inside ("TNF-sR" is not).
_MIXED_CASE_IN_PARENS = re.compile(
    r"\((?=[a-z]{1,3}[A-Z]|[A-Z][a-z]{1,3}[A-Z])([A-Za-z][A-Za-z0-9]{1,9})\)")


def _long_form_before(sentence: str, start: int, key: str, letters_only: bool = False) -> str | None:
    """"Long Form (LF)": the words before "(" that spell the acronym. Schwartz & Hearst's
    letter matching comes first (each letter found right to left, the first at a word start:
    "interleukin (IL)", "dexamethasone (DEX)"); when it finds nothing, the run of words whose
    initials best spell the acronym. The long form is cut from the text as written, digits
    and hyphens kept ("neurokinin-1 receptor"), and never reaches back past a bracket, colon
    or semicolon."""
    if start == 0 or sentence[start - 1] != "(":
        return None
    letters = key.replace("-", "")
    before = sentence[:start - 1].rstrip()
    before = before[max(before.rfind(c) for c in "()[];:") + 1:]
    words = list(re.finditer(r"\S+", before))
    if not words:
        return None
    # Schwartz & Hearst's window: at most min(|A| + 5, 2|A|) words.
    window = before[words[-min(len(letters) + 5, 2 * len(letters), len(words))].start():]
    found = _letter_match(letters, window) or (None if letters_only else _initials_match(letters, window))
    if not found or len(found.replace(" ", "")) <= len(letters):
        return None
    return found.strip(" ,")


def _letter_match(letters: str, text: str) -> str | None:
    """Schwartz & Hearst (2003), as the `abbreviations` package refines it: the long form starts
    at the word (words split at spaces and hyphens) from which there are as many words opening
    with the acronym's first letter as the acronym has of that letter ("International Index of
    Erectile Function (IIEF)", "non-high-density lipoprotein (HDL)"), and must contain the
    acronym's letters and digits in order, the first at a word start."""
    first = letters[0].lower()
    starts = [m.start() for m in re.finditer(r"[^\s-]+", text) if m.group(0)[0].lower() == first]
    need = letters.lower().count(first)
    if len(starts) < need:
        return None
    definition = text[starts[-need]:]
    return definition if _spells(letters, definition) else None


def _spells(letters: str, text: str) -> bool:
    """Each letter or digit of the short form, right to left, found in `text` right to left;
    the short form's first one at the start of a word."""
    s, i = len(letters) - 1, len(text) - 1
    while s >= 0:
        c = letters[s].lower()
        if not c.isalnum():
            s -= 1
            continue
        while i >= 0 and (text[i].lower() != c or (s == 0 and i > 0 and text[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return False
        i -= 1
        s -= 1
    return True


def _initials_match(letters: str, text: str) -> str | None:
    """The run of words whose initials (stopwords skipped) best spell the acronym."""
    words = list(re.finditer(_WORD, text))[-(len(letters) + 3):]
    best, best_score = None, (0, 0)
    for i, word in enumerate(words):
        w = word.group(0)
        if w[0].upper() != letters[0] or w.lower() in _STOPWORDS:
            continue
        span = [x.group(0) for x in words[i:]]
        initials = [x[0].upper() for x in span if x.lower() not in _STOPWORDS]
        score = (_subsequence_len(letters, initials), -abs(len(span) - len(letters)))
        if score > best_score:
            best, best_score = text[word.start():], score
    return best


def _long_form_after(sentence: str, end: int, key: str) -> str | None:
    """"LF (Long Form)": the parenthesis must start with the acronym's first letter."""
    m = re.match(r"\s*\(([^()]{3,120})\)", sentence[end:])
    if not m:
        return None
    inner = m.group(1).strip()
    words = re.findall(_WORD, inner)
    if len(words) < 2 or words[0][0].upper() != key[0]:
        return None
    return inner


_SPELL_OUT = caseless(
    r"^[^.;]{0,40}?\b(?:stands? for|is short for|short for|spell(?:s|ed)? (?:it )?out as|"
    r"(?:is )?an? abbreviation (?:for|of)|expand(?:s|ed)? (?:it )?(?:to|as))\s+[\"“‘']?"
    r"([A-Za-z][^\"”’.,;:()]{3,80})")


def _spelled_out(sentence: str, end: int, key: str) -> str | None:
    """"V.R.D., which they spell out as "Vagal Rebound Deficit"", "CRS stands for …"."""
    m = _SPELL_OUT.match(sentence[end:])
    if not m or m.group(1)[0].upper() != key[0]:
        return None
    return m.group(1).strip()


def _apposition(sentence: str, end: int, key: str) -> str | None:
    """"S.R.S., Social Relaxation State, …": without parentheses, only a run of words whose
    initials spell the acronym exactly counts as its definition."""
    m = re.match(r"\s*[,:—–]\s*([A-Za-z][\w'-]*(?:\s+[\w'-]+){1,7})", sentence[end:])
    if not m:
        return None
    words = m.group(1).split()
    letters = key.replace("-", "")
    for n in range(len(letters), len(words) + 1):
        span = words[:n]
        initials = "".join(w[0].upper() for w in span if w.lower() not in _STOPWORDS)
        if initials == letters:
            return " ".join(span)
    return None


def _subsequence_len(key: str, initials: list[str]) -> int:
    matched = 0
    for letter in initials:
        if matched < len(key) and letter == key[matched]:
            matched += 1
    return matched


def _coinages(sentence: str) -> list[_Candidate]:
    found = []
    for m in _QUOTED.finditer(sentence):
        phrase = next(g for g in m.groups() if g).strip(" ,.;:!?")
        phrase = _LEADING_ARTICLE.sub("", phrase)
        if _plausible_phrase(phrase) and not _ACRONYM.fullmatch(phrase):  # fix: see below
            found.append(_Candidate(phrase, "coinage", _definition_after(sentence, m.end()), sentence))
    for m in _CUE_BEFORE_TERM.finditer(sentence):
        rest = sentence[m.end():]
        if rest[:1] in "“\"‘'" or _ACRONYM.match(rest):
            continue  # quoted, or an acronym: handled by their own passes
        words = re.match(rf"({_WORD}(?:\s+{_WORD}){{0,2}})(?=\s*[,.;:)—–]|\s*$)", rest)
        # Fix (tests/extractors): an acronym after a cue ("people call it OPMS") was also taken
        # as a coinage with the same key, so its mention was counted twice. _acronyms has it.
        if words and _plausible_phrase(words.group(1)) and not _ACRONYM.fullmatch(words.group(1)):
            found.append(_Candidate(_LEADING_ARTICLE.sub("", words.group(1)), "coinage", None, sentence))
    return found


def _definition_after(sentence: str, end: int) -> str | None:
    m = _CUE_DEFINITION.match(sentence[end:])
    return m.group(1).strip() if m else None


_PARTICLES = frozenset("up down off out in on over away back".split())


def _plausible_phrase(phrase: str) -> bool:
    """Coinages are short noun phrases: not adverb-led ("mildly energising") and not phrasal
    verbs ("work your way up")."""
    words = phrase.split()
    if not 1 <= len(words) <= 4 or len(phrase) > 40:
        return False
    if len(words) > 1 and (words[0].lower().endswith("ly") or words[-1].lower() in _PARTICLES):
        return False
    if not all(re.fullmatch(_WORD, w.strip(",.")) for w in words):
        return False
    return not all(w.lower() in _STOPWORDS for w in words)


def _worth_keeping(c: _Candidate, lower_text: str) -> bool:
    """Drop scare quotes and shouted words; keep defined, repeated or unusual phrases."""
    if c.kind == "acronym":
        key = abbreviation_key(c.surface)
        dotted = "." in c.surface
        if dotted or c.expansion or vocabulary.is_known_abbreviation(key):
            return True
        return _zipf(key.lower()) < 3.0  # "WARNING", "SALE" are words, not acronyms
    if c.expansion or _CUE_BEFORE_TERM.search(c.sentence):
        return True
    if len(c.surface.split()) > 1 and all(w[:1].isupper() for w in c.surface.split()):
        return False  # “Island Dusk”: a product or brand name, not jargon
    words = c.surface.lower().split()
    if len(words) == 1:
        return _zipf(words[0]) < 1.0  # “recalibrating” is an English word in scare quotes
    return lower_text.count(c.surface.lower()) >= 2 or any(_zipf(w) < 3.0 for w in words)


@lru_cache(maxsize=50_000)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency
    return zipf_frequency(word, "en")


def _group(candidates: list[_Candidate], text: str) -> list[Term]:
    by_key: dict[str, list[_Candidate]] = defaultdict(list)
    for c in candidates:
        by_key[_key(c)].append(c)
    merged = merge_near_identical(list(by_key), kind_of={k: v[0].kind for k, v in by_key.items()})
    groups: dict[str, list[_Candidate]] = defaultdict(list)
    for key, members in by_key.items():
        groups[merged[key]].extend(members)
    words = _WordIndex(text) if any(m[0].kind == "coinage" for m in groups.values()) else None
    for key, members in groups.items():
        if members[0].kind == "coinage":
            known = {normalize_phrase(m.surface) for m in members}
            for variant in sorted(set(_misspellings(key, text, words))):
                if normalize_phrase(variant) not in known:
                    known.add(normalize_phrase(variant))
                    members.append(_Candidate(variant, "coinage", None, members[0].sentence))
    terms = [_term(key, members, text) for key, members in groups.items()]
    return sorted(terms, key=lambda t: (-t.count, t.normalized))


def _key(c: _Candidate) -> str:
    return term_key(c.surface, c.kind)


def merge_near_identical(keys: list[str], kind_of: dict[str, str] | None = None) -> dict[str, str]:
    """Map each key to its group key: coinages spelt nearly alike ("black recall" / "black recoil")
    share a group. The group key is the first key in sorted order, so the result is stable."""
    kind_of = kind_of or {}
    out: dict[str, str] = {}
    for key in sorted(keys):
        target = key
        if kind_of.get(key, "coinage") == "coinage":
            for other in sorted(set(out.values())):
                if kind_of.get(other, "coinage") == "coinage" and near_identical(key, other):
                    target = other
                    break
        out[key] = target
    return out


def near_identical(a: str, b: str) -> bool:
    """Two spellings of one coinage: equal without spaces ("tide calm" / "tidecalm"), or, for
    phrases of 8+ letters with the same first letter, at most two edits apart ("black recall" /
    "black recoil", "ember sleep" / "embre sleep")."""
    if a == b:
        return True
    ca, cb = a.replace(" ", ""), b.replace(" ", "")
    if ca == cb or ca + "s" == cb or cb + "s" == ca:  # spacing, or a plural
        return True
    if " " not in a and " " not in b:
        return False  # single words two edits apart are usually different words
    if min(len(ca), len(cb)) < 8 or ca[0] != cb[0]:
        return False
    return _edit_distance(ca, cb) <= 2


def _edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, capped at `limit` + 1 (rapidfuzz stops early past the cap)."""
    return Levenshtein.distance(a, b, score_cutoff=limit)


_TEXT_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_PLAIN_RUN = re.compile(r"[A-Za-z'’ -]+")


class _WordIndex:
    """The page's words once, lower-cased, with running letter counts; positions by first
    letter and character spans are built only when a scan needs them."""

    def __init__(self, text: str):
        self.text = text
        # The words are ASCII letters, apostrophes and hyphens: lower-casing them joined keeps
        # one word per slot, at C speed.
        self.lowers = " ".join(_TEXT_WORD.findall(text)).lower().split(" ")
        self.letters_before = list(accumulate(map(len, self.lowers), initial=0))
        self._by_initial: dict[str, list[int]] = {}
        self._spans: list[tuple[int, int]] | None = None

    def starting_with(self, letter: str) -> list[int]:
        if letter not in self._by_initial:
            self._by_initial[letter] = [i for i, w in enumerate(self.lowers) if w[:1] == letter]
        return self._by_initial[letter]

    def surface(self, i: int, n: int) -> str:
        if self._spans is None:
            self._spans = [m.span() for m in _TEXT_WORD.finditer(self.text)]
        return self.text[self._spans[i][0]:self._spans[i + n - 1][1]]


def _misspellings(key: str, text: str, words: _WordIndex) -> list[str]:
    """Spellings of coinage `key` in the text that no quote or cue marked ("The coper hush
    lifted"): runs of the key's word count (or one fewer or more, when only the spacing differs)
    that are near-identical to it. Only runs starting with the key's first letter and within
    three letters of its length are compared, on their lower-cased words; the text itself is
    read only for the rare run that matches."""
    size, target = len(key.split()), key.replace(" ", "")
    found = []
    for n in range(max(1, size - 1), size + 2):
        for i in words.starting_with(key[:1]):
            if i + n > len(words.lowers):
                break
            letters = words.letters_before[i + n] - words.letters_before[i]
            if abs(letters - len(target)) > 3:
                continue
            # Same as normalising the surface once it passes _PLAIN_RUN: its separators can
            # only be spaces, hyphens and word-initial apostrophes.
            candidate = normalize_phrase(" ".join(words.lowers[i:i + n]))
            if n != size and candidate.replace(" ", "") != target:
                continue  # another word count only as a spacing variant ("tidecalm")
            if candidate == key or not near_identical(candidate, key):
                continue
            surface = words.surface(i, n)
            if _PLAIN_RUN.fullmatch(surface):  # not a run across punctuation ("recall”, a")
                found.append(surface)
    return found


def _term(key: str, members: list[_Candidate], text: str) -> Term:
    kind = members[0].kind
    spellings = Counter(m.surface for m in members)
    # Fix (tests/extractors): _occurrences ignores case (coinages) and dots (acronyms), so
    # "black recall"/"Black Recall" or "O.P.M.S."/"OPMS" each counted every mention of both.
    # Count each form (spellings sharing a term_key) once.
    forms: dict[str, list[str]] = defaultdict(list)
    for surface in spellings:
        forms[term_key(surface, kind)].append(surface)
    count = sum(max(sum(spellings[s] for s in same), _occurrences(same[0], kind, text))
                for same in forms.values())
    for surface in list(spellings):
        spellings[surface] = max(spellings[surface], _occurrences(surface, kind, text))
    # Show the spelling the group is named after, when the page uses it.
    surface = sorted(spellings, key=lambda s: (term_key(s, kind) != key, -spellings[s], s))[0]
    expansions = _distinct(m.expansion for m in members if m.expansion)
    if kind == "acronym":
        supported = vocabulary.is_known_abbreviation(surface, expansions) or any(
            vocabulary.is_medical_phrase(e) for e in expansions)
    else:
        supported = any(vocabulary.is_medical_phrase(s) for s in spellings)
    return Term(
        term=surface, normalized=key, kind=kind, expansions=expansions, supported=supported,
        count=count, variants=tuple(sorted(spellings)),
        snippet=members[0].sentence[:300],
    )


def term_key(surface: str, kind: str) -> str:
    return abbreviation_key(surface).lower() if kind == "acronym" else normalize_phrase(surface)


def _distinct(expansions) -> tuple[str, ...]:
    """Expansions that differ by more than case or punctuation, first spelling kept."""
    seen: dict[str, str] = {}
    for e in expansions:
        seen.setdefault(normalize_phrase(e), e)
    return tuple(seen.values())


def _occurrences(surface: str, kind: str, text: str) -> int:
    pattern = _occurrence_pattern(surface, kind)
    return pattern.count(text) if kind == "coinage" else len(pattern.findall(text))


@lru_cache(maxsize=20_000)
def _occurrence_pattern(surface: str, kind: str):
    """Acronyms match with or without their dots, case kept; coinages ignore case and let
    spaces and hyphens stand for each other. Each pattern opens with a literal and checks the
    boundary behind it afterwards: `re` scans fast only for a pattern that starts with one."""
    if kind == "acronym":
        first, *rest = abbreviation_key(surface)
        head = re.escape(first) + rf"(?<![\w.]{re.escape(first)})"
        return re.compile(head + "".join(r"\.?" + re.escape(ch) for ch in rest) + r"\.?s?(?![\w])")
    first, *rest = [re.escape(w) for w in surface.lower().split()]
    head = first + rf"(?<!\w{first})"
    return caseless(head + "".join(r"[\s-]+" + w for w in rest) + r"(?!\w)")
