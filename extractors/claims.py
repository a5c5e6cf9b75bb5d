"""Health claims: which substance is said to have which effect on which condition,
whether the sentence hedges, and whether anything backs it up."""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from extractors import lexicons
from extractors.caseless import caseless
from extractors.models import Claim
from extractors.sentences import Sentence

# Effect verbs by base form; inflections (-s, -es, -ed, -d, -ing) are generated below.
_EFFECT_VERBS = (
    "help ease relieve alleviate reduce improve treat cure manage mitigate calm soothe support "
    "boost fight prevent restore promote lift block eliminate cause raise quiet settle stabilise "
    "stabilize protect lower cut kill stop melt combat tame banish beat fix heal resolve lessen "
    "dampen blunt counter shorten shrink clear dissolve erase target address").split()
_EFFECT_PHRASES = {
    r"t(?:ake|akes|aking|ook|aken) the edge off": "ease", r"got (?:me|them|him|her|us) through": "help",
    r"melt(?:s|ed|ing)? away": "eliminate", r"wipe(?:s|d)? out": "eliminate",
    r"wiped out": "eliminate", r"knock(?:s|ed)? (?:\w+ ){0,4}down": "reduce",
    r"work(?:s|ed)? (?:wonders )?for": "help", r"(?:is |are )?effective (?:for|against|in)": "treat",
    r"(?:is |are )?(?:good|great) for": "help", r"relief (?:from|for)": "relieve",
    r"fewer": "reduce", r"less": "reduce", r"steadier": "stabilise", r"linked to": "linked",
    r"touched": "help", r"settled": "settle",
}


def _inflections(verb: str) -> set[str]:
    stem = verb[:-1] if verb.endswith("e") else verb
    forms = {verb, verb + "s", verb + "es", stem + "ed", stem + "ing", verb + "d"}
    if verb in ("cut", "beat", "quit"):
        forms |= {verb, verb + "s", verb + "ting"}
    if verb.endswith("y"):
        forms |= {verb[:-1] + "ies", verb[:-1] + "ied"}
    return forms


_EFFECT_FORMS = {form: verb for verb in _EFFECT_VERBS for form in _inflections(verb)}
_PHRASE_RE = caseless(r"\b(?:" + "|".join(f"(?:{p})" for p in _EFFECT_PHRASES) + r")\b", hints=(
    "edge", "through", "melt", "wipe", "knock", "work", "effective", "good", "great", "relief",
    "fewer", "less", "steadier", "linked", "touched", "settled"))
_PHRASE_RES = [(caseless(p), base) for p, base in _EFFECT_PHRASES.items()]
_WORDS = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class _Effect:
    start: int
    end: int
    base: str


def _effects(text: str) -> list[_Effect]:
    """Effect verbs and phrases in text order; a phrase ("melts away") wins over its verb.
    Words are looked up in a dict: a regex alternation of hundreds of verb forms is slow."""
    hits = [_Effect(m.start(), m.end(), next(b for p, b in _PHRASE_RES if p.fullmatch(m.group(0))))
            for m in _PHRASE_RE.finditer(text)]
    for m in _WORDS.finditer(text):
        base = _EFFECT_FORMS.get(m.group(0).lower())
        if base and not any(h.start <= m.start() < h.end for h in hits):
            hits.append(_Effect(m.start(), m.end(), base))
    return sorted(hits, key=lambda h: h.start)


# A negation between the substance and the effect undoes the claim: "is not approved to treat".
_NEGATION = caseless(r"\b(?:not|no|never|n't|cannot|nor|without|isn't|doesn't|don't|won't|"
                       r"didn't|fails? to|failed to)\b")


_HEDGES = caseless(
    r"\b(may|might|could|can potentially|potentially|possibly|perhaps|suggests?|appears? to|"
    r"seems? to|promising|thought to|believed to|some (?:users|people) (?:report|say)|"
    r"anecdotal(?:ly)?|is said to|reportedly)\b")
# Citation markers inside a sentence: [1], (Smith et al., 2019), doi:, PMID.
_CITATION = re.compile(
    r"\[\d{1,3}(?:[,–-]\s*\d{1,3})*\]|\(\s*[A-Z][A-Za-z-]+(?: et al\.?| and [A-Z][A-Za-z-]+)?,? "
    r"(?:19|20)\d{2}[a-z]?\s*\)|\bdoi:\s*10\.|\bPMID:?\s*\d+", re.IGNORECASE)


def extract_claims(sentences: list[Sentence], link_spans=(), page_url: str = "",
                   main_substance: str | None = None) -> list[Claim]:
    """Claims in text order: one per (substance, condition) a sentence links by an effect verb.
    A sentence whose subject is "it" takes the page's main substance, when it has one."""
    external = _external_links(link_spans, page_url)
    claims = [c for s in sentences for c in claims_from_sentence(s, external, main_substance)]
    sourced = source_paragraphs(sentences, claims, link_spans, page_url)
    paragraph_of = {s.text: s.paragraph for s in sentences}
    return [dataclasses.replace(c, cited=True) if paragraph_of[c.sentence] in sourced else c
            for c in claims]


def source_paragraphs(sentences: list[Sentence], claims: list[Claim], link_spans=(),
                      page_url: str = "") -> set[int]:
    """Paragraphs with a source sentence: one that cites (a reference marker, or a link to a
    scholarly or government source) and makes no claim of its own, such as "(Okafor et al.,
    2021)" or "The review is here." It backs the paragraph's claims. A citation inside
    another claim's sentence backs only that claim (measured on the evaluation set: counting
    any citation in the paragraph marked 14 uncited claims as cited)."""
    external = _external_links(link_spans, page_url)
    claimed = {c.sentence for c in claims}
    return {s.paragraph for s in sentences if s.text not in claimed
            and (_CITATION.search(s.text) or _has_link(s, external))}


def _external_links(link_spans, page_url: str) -> list:
    host = urlsplit(page_url).netloc.lower()
    return [(s, e, h) for s, e, h in link_spans if _is_external(h, host)]


_PRONOUN_SUBJECT = caseless(r"^(?:and |but |so |honestly,? )?(?:it|this (?:herb|plant|leaf|"
                              r"product|powder|supplement|blend|root|extract|tea|strain)|"
                              r"the (?:herb|leaf|powder|plant|extract|tea))\b")


# Conditions chained to a claimed one: "anxiety, stress and low mood".
_COORDINATION = caseless(r"^\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*/\s*)"
                           r"(?:[\w-]+\s+){0,2}$")
_EFFECT_REACH = 5  # words between an effect verb and the condition it acts on
# "lowers the risk of overdose in people with opioid use disorder": a population, not a target.
_POPULATION = caseless(r"\b(?:in|for|among|of) (?:people|patients|adults|users|those|anyone|"
                         r"someone|individuals|men|women|children) (?:with|who)\b")


def claims_from_sentence(sentence: Sentence, link_spans=(),
                         main_substance: str | None = None) -> list[Claim]:
    """Each effect verb claims the first condition within a few words after it, plus the
    conditions coordinated with that one; the claim belongs to the nearest substance before
    the verb (or the main substance, for "it")."""
    text = sentence.text
    conditions = list(lexicons.condition_pattern().finditer(text))
    if not conditions:
        return []
    substances = list(lexicons.substance_mentions(text))
    if not substances and main_substance and _PRONOUN_SUBJECT.search(text):
        substances = [(0, main_substance)]
    if not substances:
        return []
    effects = _effects(text)
    hedged = bool(_HEDGES.search(text))
    cited = bool(_CITATION.search(text)) or _has_link(sentence, link_spans)
    claims, seen = [], set()
    for effect in effects:
        owner = next((s for s in reversed(substances) if s[0] < effect.start), substances[0])
        if _NEGATION.search(text[min(owner[0], effect.start):effect.start]):
            continue
        for cond in _conditions_of(effect, conditions, text):
            key = (owner[1], cond.group(1).lower())
            if key not in seen:
                seen.add(key)
                claims.append(Claim(sentence=text, substance=owner[1],
                                    effect=effect.base, condition=key[1],
                                    hedged=hedged, cited=cited))
    return claims


def _conditions_of(effect: _Effect, conditions: list[re.Match], text: str) -> list[re.Match]:
    after = [c for c in conditions if c.start() > effect.start]
    gap = text[effect.end:after[0].start()] if after else ""
    if not after or len(gap.split()) > _EFFECT_REACH or _POPULATION.search(gap):
        return []
    chain = [after[0]]
    for nxt in after[1:]:
        between = text[chain[-1].end():nxt.start()]
        if not _COORDINATION.match(between) or _effects(between):
            break  # another verb starts its own claim
        chain.append(nxt)
    return chain


def _is_external(href: str, host: str) -> bool:
    """A citation is a link to a scholarly or government source on another site: a shop
    linking to its own products, or a blog to a video, is not."""
    try:
        parts = urlsplit(href)
    except ValueError:  # fix (fuzz/): a malformed href ("http://[oops") failed the whole page
        return False
    other = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not other or parts.netloc.lower() == host:
        return False
    suffixes, labels = lexicons.citation_hosts()
    parts_of_host = re.split(r"[.-]", other)  # "frontiers-pharmacology.example" → frontiers, …
    return other.endswith(suffixes) or any(label in labels for label in parts_of_host)


def _has_link(sentence: Sentence, link_spans) -> bool:
    return any(start < sentence.end and end > sentence.start for start, end, _ in link_spans)


# "Studies suggest": an appeal to unnamed evidence.
VAGUE_ATTRIBUTION = caseless(
    r"\b(?:(?:many |some |recent |new |several )?(?:studies|research|science|experts|doctors|"
    r"scientists|clinical trials) (?:suggest|show|shows|indicate|indicates|agree|have shown|has shown|"
    r"confirm|confirms|prove|proves|say|says)|it(?:'s| is) (?:well|widely|scientifically) "
    r"(?:known|proven|established))\b",
    hints=("studies", "research", "science", "experts", "doctors", "scientists", "trials",
           "known", "proven", "established"))
# Absolute safety promises, which no substance can honestly make.
ABSOLUTE_SAFETY = caseless(
    r"\b(?:(?:completely|totally|perfectly|100%|entirely|absolutely) (?:safe|harmless|non-addictive)|"
    r"no (?:known )?side[- ]effects|zero side[- ]effects|(?:is )?(?:all[- ])?natural,? (?:so|and therefore|"
    r"which means it(?:'s| is)) (?:safe|gentler|safer|harmless)|can(?:'t|not) (?:hurt|harm) you|"
    r"non-habit[- ]forming)\b",
    hints=("safe", "harm", "addictive", "side", "natural", "hurt", "habit"))


# Effects that are harms, not treatment: "kratom can cause nausea" claims no cure.
_ADVERSE_EFFECTS = frozenset({"cause", "raise", "linked"})


def evidence_flags(sentences: list[Sentence], claims: list[Claim],
                   sourced: set[int] = frozenset()) -> list[tuple[str, str]]:
    """(kind, detail) for uncited vague attributions, absolute safety claims, and disease
    claims about substances with no approval to treat disease. `sourced`: paragraphs with a
    source sentence (source_paragraphs), whose appeals to evidence are not vague."""
    cited = {c.sentence for c in claims if c.cited}
    statuses, diseases = lexicons.regulatory_status()
    flags = list(dict.fromkeys(  # one flag per distinct claim, in text order
        ("disease_claim", f"{c.substance} → {c.effect} → {c.condition} ({statuses[c.substance]})")
        for c in claims if c.substance in statuses and c.condition in diseases
        and c.effect not in _ADVERSE_EFFECTS))
    for sentence in sentences:
        m = VAGUE_ATTRIBUTION.search(sentence.text)
        if (m and sentence.text not in cited and sentence.paragraph not in sourced
                and not _CITATION.search(sentence.text)):
            flags.append(("vague_attribution", f"“{m.group(0)}”: {sentence.text[:160]}"))
        m = ABSOLUTE_SAFETY.search(sentence.text)
        if m:
            flags.append(("absolute_safety", f"“{m.group(0)}”: {sentence.text[:160]}"))
    return flags
