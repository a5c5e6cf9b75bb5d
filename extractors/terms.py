"""Terms: acronyms and coined jargon, with their in-text definitions, grouped and checked
against an offline medical vocabulary."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from extractors import lexicons, vocabulary
from extractors.models import Term
from extractors.sentences import Sentence
from extractors.vocabulary import abbreviation_key, normalize_phrase

# "O.P.M.S.", "COWS", "CBT-I", "MOUD". Dotted forms need two or more letters.
_ACRONYM = re.compile(
    r"(?<![\w.])((?:[A-Z]\.){2,}(?:[A-Z](?![\w.]))?|[A-Z][A-Z0-9]{1,7}(?:-[A-Z0-9]{1,3})?)(?![\w])")
_WORD = r"[A-Za-z][A-Za-z'’-]*"
_QUOTED = re.compile(
    r"(?:(?<=[\s(—–-])|^)(?:“([^”\n]{2,60})”|\"([^\"\n]{2,60})\"|‘([^’\n]{2,60})’|'([^'\n]{2,60})'(?!\w))")
# The coined term comes after these cues: "often known as black recall".
_CUE_BEFORE_TERM = re.compile(
    r"\b(?:(?:often |also |commonly |sometimes )?(?:known|know|referred to|refer to) as|(?:often |also |commonly )?called|"
    r"so-called|dubbed|nicknamed|what (?:[a-z]+ ){0,4}calls?|the community calls|"
    r"(?:i|we|people|users|readers|customers|they) call (?:it|this|that|them))\s+(?:the |a |an )?",
    re.IGNORECASE)
# The definition comes after these cues: "black recall, a term for the flashbacks ...".
_CUE_DEFINITION = re.compile(
    r"^[\s\"”’'),]*(?:[—–-]|,)?\s*(?:is |are |was )?(?:a|an|the|our|their)\s+"
    r"(?:term|name|word|nickname|shorthand|slang)\s+(?:for|used for|describing)\s+([^,.;:—–()]{3,120})",
    re.IGNORECASE)
# Fix (tests/extractors): dotted initials right after a byline cue are a name, not jargon.
_BYLINE_INITIALS = re.compile(r"(?:\b(?:by|author:?|reviewer:?)|\b(?:Dr|Prof)\.)\s+$", re.IGNORECASE)
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
        expansion = (_long_form_before(sentence, m.start()) or _long_form_after(sentence, m.end(), key)
                     or _apposition(sentence, m.end(), key) or _spelled_out(sentence, m.end(), key))
        found.append(_Candidate(acronym, "acronym", expansion, sentence))
    return found


def _long_form_before(sentence: str, start: int) -> str | None:
    """"Long Form (LF)": pick the run of words before "(" that best spells the acronym."""
    if start == 0 or sentence[start - 1] != "(":
        return None
    close = sentence.find(")", start)
    if close == -1:
        return None
    key = abbreviation_key(sentence[start:close]).replace("-", "")
    words = re.findall(_WORD, sentence[:start - 1])[-(len(key) + 3):]
    best, best_score = None, (0, 0)
    for i, word in enumerate(words):
        if word[0].upper() != key[0] or word.lower() in _STOPWORDS:
            continue
        span = words[i:]
        initials = [w[0].upper() for w in span if w.lower() not in _STOPWORDS]
        score = (_subsequence_len(key, initials), -abs(len(span) - len(key)))
        if score > best_score:
            best, best_score = " ".join(span), score
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


_SPELL_OUT = re.compile(
    r"^[^.;]{0,40}?\b(?:stands? for|is short for|short for|spell(?:s|ed)? (?:it )?out as|"
    r"(?:is )?an? abbreviation (?:for|of)|expand(?:s|ed)? (?:it )?(?:to|as))\s+[\"“‘']?"
    r"([A-Za-z][^\"”’.,;:()]{3,80})", re.IGNORECASE)


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
    words = list(_TEXT_WORD.finditer(text))
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
    """Levenshtein distance, stopping early once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


_TEXT_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_PLAIN_RUN = re.compile(r"[A-Za-z'’ -]+")


def _misspellings(key: str, text: str, words: list) -> list[str]:
    """Spellings of coinage `key` in the text that no quote or cue marked ("The coper hush
    lifted"): runs of the key's word count (or one fewer or more, when only the spacing differs)
    that are near-identical to it. Cheap length and first-letter tests come first: this scans
    every word of the page."""
    size, target = len(key.split()), key.replace(" ", "")
    lowers = [w.group(0).lower() for w in words]
    found = []
    for n in range(max(1, size - 1), size + 2):
        for i in range(len(words) - n + 1):
            if lowers[i][:1] != key[:1]:
                continue
            letters = sum(len(lowers[j]) for j in range(i, i + n))
            if abs(letters - len(target)) > 3:
                continue
            start, end = words[i].start(), words[i + n - 1].end()
            surface = text[start:end]
            if not _PLAIN_RUN.fullmatch(surface):
                continue  # a run across punctuation ("recall”, a") is not one spelling
            candidate = normalize_phrase(surface)
            if n != size and candidate.replace(" ", "") != target:
                continue  # another word count only as a spacing variant ("tidecalm")
            if candidate != key and near_identical(candidate, key):
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
    if kind == "acronym":
        letters = abbreviation_key(surface)
        pattern = r"(?<![\w.])" + r"\.?".join(re.escape(ch) for ch in letters) + r"\.?(?![\w])"
        return len(re.findall(pattern, text))
    words = [re.escape(w) for w in surface.split()]
    return len(re.findall(r"(?<!\w)" + r"[\s-]+".join(words) + r"(?!\w)", text, re.IGNORECASE))
