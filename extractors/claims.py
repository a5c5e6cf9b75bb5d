"""Health claims: which substance is said to have which effect on which condition,
whether the sentence hedges, and whether anything backs it up."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from extractors import lexicons
from extractors.models import Claim
from extractors.sentences import Sentence

# Effect verbs, as written → their base form.
_EFFECTS = {
    "help": "help", "helps": "help", "helped": "help", "ease": "ease", "eases": "ease",
    "easing": "ease", "relieve": "relieve", "relieves": "relieve", "relief": "relieve",
    "alleviate": "alleviate", "alleviates": "alleviate", "reduce": "reduce", "reduces": "reduce",
    "reducing": "reduce", "improve": "improve", "improves": "improve", "improving": "improve",
    "treat": "treat", "treats": "treat", "cure": "cure", "cures": "cure", "manage": "manage",
    "manages": "manage", "managing": "manage", "mitigate": "mitigate", "mitigating": "mitigate",
    "calm": "calm", "calms": "calm", "soothe": "soothe", "soothes": "soothe", "support": "support",
    "supports": "support", "boost": "boost", "boosts": "boost", "fight": "fight", "fights": "fight",
    "prevent": "prevent", "prevents": "prevent", "restore": "restore", "restores": "restore",
    "promote": "promote", "promotes": "promote", "lift": "lift", "lifts": "lift",
    "block": "block", "blocks": "block", "eliminate": "eliminate", "eliminates": "eliminate",
    "effective": "effective", "works": "work", "worked": "work", "cause": "cause",
    "causes": "cause", "linked": "linked", "raise": "raise", "raises": "raise",
    "quiet": "calm", "quiets": "calm", "fewer": "reduce", "steadier": "stabilise",
    "stabilise": "stabilise", "stabilize": "stabilise", "take the edge off": "ease",
    "takes the edge off": "ease", "protects": "protect", "protect": "protect",
}
_EFFECT_RE = re.compile(r"\b(" + "|".join(sorted(_EFFECTS, key=len, reverse=True)) + r")\b",
                        re.IGNORECASE)
_HEDGES = re.compile(
    r"\b(may|might|could|can potentially|potentially|possibly|perhaps|suggests?|appears? to|"
    r"seems? to|promising|thought to|believed to|some (?:users|people) (?:report|say)|"
    r"anecdotal(?:ly)?|is said to|reportedly)\b", re.IGNORECASE)
# Citation markers inside a sentence: [1], (Smith et al., 2019), doi:, PMID.
_CITATION = re.compile(
    r"\[\d{1,3}(?:[,–-]\s*\d{1,3})*\]|\(\s*[A-Z][A-Za-z-]+(?: et al\.?| and [A-Z][A-Za-z-]+)?,? "
    r"(?:19|20)\d{2}[a-z]?\s*\)|\bdoi:\s*10\.|\bPMID:?\s*\d+", re.IGNORECASE)


def extract_claims(sentences: list[Sentence], link_spans=(), page_url: str = "",
                   main_substance: str | None = None) -> list[Claim]:
    """One claim per sentence that names a substance (or says "it" on a page about one
    substance), an effect, and a condition."""
    host = urlsplit(page_url).netloc.lower()
    external = [(s, e, h) for s, e, h in link_spans if _is_external(h, host)]
    claims = []
    for sentence in sentences:
        claim = claim_from_sentence(sentence, external, main_substance)
        if claim:
            claims.append(claim)
    return claims


_PRONOUN_SUBJECT = re.compile(r"^(?:and |but |so )?(?:it|this (?:herb|plant|leaf|product|powder|"
                              r"supplement|blend|root|extract)|the (?:herb|leaf|powder|plant))\b",
                              re.IGNORECASE)


def claim_from_sentence(sentence: Sentence, link_spans=(), main_substance: str | None = None) -> Claim | None:
    text = sentence.text
    effect = _EFFECT_RE.search(text)
    if not effect:
        return None
    match = lexicons.substance_pattern().search(text)
    if match:
        substance = lexicons.substances()[match.group(1).lower()]
    elif main_substance and _PRONOUN_SUBJECT.search(text):
        substance = main_substance  # "It eases cravings" on a page about one substance
    else:
        return None
    condition = lexicons.condition_pattern().search(text, effect.end()) or \
        lexicons.condition_pattern().search(text)
    if not condition:
        return None
    return Claim(
        sentence=text,
        substance=substance,
        effect=_EFFECTS[effect.group(1).lower()],
        condition=condition.group(1).lower(),
        hedged=bool(_HEDGES.search(text)),
        cited=bool(_CITATION.search(text)) or _has_link(sentence, link_spans),
    )


def _is_external(href: str, host: str) -> bool:
    """Only a link to another site is a citation: a shop linking to its own products is not."""
    parts = urlsplit(href)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and parts.netloc.lower() != host


def _has_link(sentence: Sentence, link_spans) -> bool:
    return any(start < sentence.end and end > sentence.start for start, end, _ in link_spans)


# "Studies suggest": an appeal to unnamed evidence.
VAGUE_ATTRIBUTION = re.compile(
    r"\b(?:(?:many |some |recent |new |several )?(?:studies|research|science|experts|doctors|"
    r"scientists|clinical trials) (?:suggest|show|shows|indicate|indicates|agree|have shown|has shown|"
    r"confirm|confirms|prove|proves|say|says)|it(?:'s| is) (?:well|widely|scientifically) "
    r"(?:known|proven|established))\b", re.IGNORECASE)
# Absolute safety promises, which no substance can honestly make.
ABSOLUTE_SAFETY = re.compile(
    r"\b(?:(?:completely|totally|perfectly|100%|entirely|absolutely) (?:safe|harmless|non-addictive)|"
    r"no (?:known )?side[- ]effects|zero side[- ]effects|(?:is )?(?:all[- ])?natural,? (?:so|and therefore|"
    r"which means it(?:'s| is)) (?:safe|gentler|safer|harmless)|can(?:'t|not) (?:hurt|harm) you|"
    r"non-habit[- ]forming)\b", re.IGNORECASE)


def evidence_flags(sentences: list[Sentence], claims: list[Claim]) -> list[tuple[str, str]]:
    """(kind, detail) for uncited vague attributions and absolute safety claims."""
    cited = {c.sentence for c in claims if c.cited}
    flags = []
    for sentence in sentences:
        m = VAGUE_ATTRIBUTION.search(sentence.text)
        if m and sentence.text not in cited and not _CITATION.search(sentence.text):
            flags.append(("vague_attribution", f"“{m.group(0)}”: {sentence.text[:160]}"))
        m = ABSOLUTE_SAFETY.search(sentence.text)
        if m:
            flags.append(("absolute_safety", f"“{m.group(0)}”: {sentence.text[:160]}"))
    return flags
