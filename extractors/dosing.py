"""Dosing language: explicit amounts as written ("two to four grams every six hours",
"1/6 – 1/4 teaspoon", "1,000 mg"), maximums, and non-numeric titration advice."""
from __future__ import annotations

import math
import re

from extractors import lexicons
from extractors.caseless import caseless, has_hint
from extractors.models import Dosing
from extractors.sentences import Sentence

# Canonical units (documented in README): every spelling maps to one of these.
UNITS = {
    "mg/kg": "mg/kg", "mg per kg": "mg/kg",
    "mg": "mg", "milligram": "mg", "milligrams": "mg",
    "g": "g", "gram": "g", "grams": "g", "gr": "g", "gm": "g",
    "mcg": "mcg", "µg": "mcg", "μg": "mcg", "microgram": "mcg", "micrograms": "mcg",
    "ml": "ml", "milliliter": "ml", "milliliters": "ml", "millilitre": "ml", "millilitres": "ml",
    "oz": "oz", "ounce": "oz", "ounces": "oz",
    "tsp": "tsp", "teaspoon": "tsp", "teaspoons": "tsp", "teaspoonful": "tsp",
    "tbsp": "tbsp", "tablespoon": "tbsp", "tablespoons": "tbsp",
    "capsule": "capsule", "capsules": "capsule", "caps": "capsule",
    "tablet": "tablet", "tablets": "tablet", "tabs": "tablet", "pill": "tablet", "pills": "tablet",
    "drop": "drop", "drops": "drop",
    "dropper": "dropper", "droppers": "dropper", "dropperful": "dropper", "dropperfuls": "dropper",
    "shell": "shell", "shells": "shell",
}
CANONICAL_UNITS = frozenset(UNITS.values())
_COUNT_UNITS = frozenset({"capsule", "tablet", "drop", "dropper", "shell"})
MAX_COUNT_PER_DOSE = 30  # above this, a count of capsules or drops describes a package
_PACKAGES = r"(?:bag|bags|bottle|bottles|pouch|pouches|jar|jars|tin|tins|pack|packs|packet|tub|can|box|kit|container|size|sizes|vial|tube|sachet|refill)"
_PACKAGE = caseless(rf"(?:\s+(?:[\w-]+\s+){{0,2}}{_PACKAGES}\b|\s+(?:per|in\s+(?:each|the|every|a))\s+{_PACKAGES}\b|\s+total\b)")
_PACKAGE_BEFORE = caseless(rf"\b{_PACKAGES}\s+(?:of|holds|contains)\s+$")
_NUMBER_WORDS = {
    "half": 0.5, "a half": 0.5, "half a": 0.5, "half an": 0.5, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "fifty": 50, "hundred": 100,
}
_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3, "⅛": 0.125, "⅙": 1 / 6}
_NUM = (r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:\s*/\s*\d+)?|[½¼¾⅓⅔⅛⅙]|"
        r"(?:a\s+half|half\s+an?|half|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
        r"fifteen|twenty|thirty|fifty|a|an))")
_UNIT = lexicons.trie_pattern(UNITS)
_MAX_CUE = (r"no more than|not more than|(?:never|don['’]t|do not) (?:take |use )?more than|do not exceed|don['’]t exceed|never exceed|not to exceed|"
            r"maximum(?: of)?|max(?:imum)?\.?|at most|up to|limit (?:yourself|it) to|should not exceed")
_FREQ = (r"(?:every\s+(?:\d+|one|two|three|four|five|six|eight|twelve)(?:\s*(?:-|–|to)\s*\w+)?\s+hours?|"
         r"(?:once|twice|(?:\w+|\d+)\s+times)\s+(?:a|per|each)\s+(?:day|week)|"
         r"(?:once|twice|\w+\s+times)\s+daily|daily|per\s+day|a\s+day|each\s+day|in\s+a\s+day|"
         r"in\s+24\s+hours|per\s+24\s+hours|per\s+session|per\s+serving|at\s+bedtime|"
         r"before\s+bed|at\s+night|in\s+the\s+morning|with\s+(?:food|meals)|as\s+needed|weekly)")
# "reduce by 0.5 g per day", "cut back by 1 gram every three days": a taper step.
_TAPER = caseless(r"\b(?:reduc|cut|lower|decreas|drop|taper|step)\w*\s+(?:\w+\s+){0,3}?by\s+$")
_DOSE = caseless(
    rf"(?P<max>(?:{_MAX_CUE})\s+)?(?:between\s+(?P<blow>{_NUM})\s+and\s+(?P<bhigh>{_NUM})|"
    rf"(?P<low>{_NUM})(?:\s*(?:-|–|—|to|or)\s*(?P<high>{_NUM}))?)"
    rf"\s*(?P<unit>{_UNIT})\b\.?(?:\s+of\s+(?P<what>[\w-]+))?"
    rf"(?P<freq>(?:\s*,?\s*(?:taken\s+)?(?:up\s+to\s+)?{_FREQ})?)(?P<after>\s+at\s+most)?")
# Non-numeric dosing advice. Each pattern maps to a canonical phrase so weekly counts group well,
# and names its hints: lower-case words every match contains (see extractors/caseless.py).
_LANGUAGE = [
    ("titration", "start low", ('start',),
     r"\bstart(?:ing)?\s+(?:off\s+)?(?:with\s+)?(?:a\s+)?(?:very\s+)?"
     r"(?:low|small|lower|smaller)(?:\s+(?:doses?|amounts?|dosages?|serving))?"),
    ("titration", "increase gradually", ('gradual', 'slow'),
     r"\b(?:gradually|slowly)\s+(?:increas|rais|build|work)\w*"
     r"|\bincreas\w*\s+(?:it\s+|the\s+dose\s+)?(?:gradually|slowly)"),
    ("titration", "build up slowly", ('slow', 'gradual'),
     r"\b(?:build|work)(?:ing)?\s+(?:your\s+way\s+)?up\s+"
     r"(?:slowly|gradually)"),
    ("titration", "go slow", ('slow',),
     r"\b(?:go|take\s+it)\s+slow(?:ly)?\b|\blow\s+and\s+slow\b"),
    ("individualised", "varies by person", ('var', 'respond'),
     r"\bvar(?:y|ies)\s+(?:\w+\s+){0,2}(?:among|between|"
     r"from\s+person|by\s+(?:person|individual)|for\s+(?:each|every))\w*|\b(?:right|correct|"
     r"ideal|optimal|best)\s+(?:dose|amount|dosage)\s+varies|\bresponds?\s+differently"),
    ("individualised", "adjusted to you", ('adjust', 'go by'),
     r"\b(?:dose|amount|dosage)\s+(?:is|will\s+be|gets)\s+"
     r"adjusted|\badjust(?:s|ed|ing)?\s+(?:the|your)\s+(?:dose|amount|dosage)|\bgo\s+by\s+how\s+"
     r"you\s+feel"),
    ("titration", "taper gradually", ('gradual', 'slow', 'taper'),
     r"\b(?:taper(?:ed|ing)?|reduc(?:ed|ing)|lower(?:ed|ing)|"
     r"decreas(?:ed|ing))\s+(?:\w+\s+){0,2}(?:gradually|slowly)|\b(?:a\s+)?(?:safe|slow|gradual)\s+taper"),
    ("individualised", "listen to your body", ('listen',),
     r"\blisten(?:ing)?\s+to\s+your\s+body"),
    ("individualised", "find your dose", ('find',),
     r"\bfind\s+(?:the|your)\s+(?:right|optimal|ideal|own|"
     r"sweet)\s+(?:dose|amount|spot|dosage)"),
    ("as_needed", "as needed", ('needed', 'required'),
     r"\b(?:as|when|if) (?:needed|required)\b|\bon an as-needed basis"),
    ("individualised", "everyone is different", ('everyone',),
     r"\beveryone(?:['’]s|\s+is)\s+(?:body\s+is\s+)?"
     r"different"),
]
_LANGUAGE_RES = [(kind, phrase, caseless(p, hints=hints)) for kind, phrase, hints, p in _LANGUAGE]


def parse_number(token: str) -> float | None:
    """The value of a number as written ("1,000", "1/4", "½", "two"); None when it is not one."""
    token = token.strip().lower()
    if token in _FRACTIONS:
        return _FRACTIONS[token]
    if token in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[token])
    token = re.sub(r"\s+", " ", token)
    try:  # fix (tests/property): "a/b" raised ValueError instead of giving None
        if "/" in token:
            num, den = (float(part.strip()) for part in token.split("/", 1))
            value = num / den if den else None
        else:
            value = float(token.replace(",", ""))
    except ValueError:
        return None
    # Fix (tests/property): 309+ digits parsed as inf and inf/inf as nan, which broke
    # amount_low <= amount_high and wrote NaN, not JSON, into analyses.jsonl.
    return value if value is not None and math.isfinite(value) else None


# Product forms, as written → canonical form.
_FORMS = {"powder": "powder", "powders": "powder", "capsule": "capsule", "capsules": "capsule",
          "extract": "extract", "extracts": "extract", "tincture": "tincture",
          "tinctures": "tincture", "shot": "shot", "shots": "shot", "tea": "tea", "teas": "tea",
          "gummies": "gummy", "gummy": "gummy", "tablets": "tablet", "tablet": "tablet",
          "drink": "drink", "drinks": "drink", "resin": "resin", "oil": "oil"}
_FORM_RE = caseless(r"\b(" + lexicons.trie_pattern(_FORMS) + r")\b")


def extract_dosing(sentences: list[Sentence], main_substance: str | None = None) -> list[Dosing]:
    """Dosing statements in text order. A sentence without a substance takes the last one named
    earlier on the page, else the page's main substance."""
    out: list[Dosing] = []
    forms: dict[str, Dosing] = {}
    last = None
    for sentence in sentences:
        named = _substance(sentence.text)
        if named:
            last = named
        substance = named or last or main_substance
        out += _explicit(sentence.text, substance)
        out += _language(sentence.text, substance)
        if named or main_substance:
            _product_forms(sentence.text, named or main_substance, forms)
    return out + list(forms.values())


def _product_forms(text: str, substance: str, seen: dict[str, Dosing]) -> None:
    """One `form` row per product form the page offers (powder, capsules, extract, ...), from
    sentences that name a substance, or from any sentence on a page about one substance."""
    for m in _FORM_RE.finditer(text):
        form = _FORMS[m.group(1).lower()]
        seen.setdefault(form, Dosing(text=m.group(1), kind="form", substance=substance,
                                     amount_low=None, amount_high=None, unit=None,
                                     frequency=None, sentence=text, phrase=form))


_UNIT_WORDS = frozenset(w for unit in UNITS for w in re.findall(r"[a-zµμ]+", unit))
# Run on lower-cased text; the lookarounds keep "g" from matching inside "going".
_UNIT_WORD = re.compile(r"(?<![a-zµμ])(?:" + lexicons.trie_pattern(_UNIT_WORDS) + r")(?![a-zµμ])")


def _explicit(text: str, substance: str | None) -> list[Dosing]:
    if not _UNIT_WORD.search(text.lower()):
        return []  # no unit word: skip the (slow) dose pattern
    found = []
    for m in _DOSE.finditer(text):
        low_text, high_text = m.group("low") or m.group("blow"), m.group("high") or m.group("bhigh")
        low, high = parse_number(low_text), parse_number(high_text or "")
        if low is None or low <= 0:
            continue
        if high is not None and high < low:  # fix: "4 to 2 grams" gave amount_low > amount_high
            low, high = (high, low) if high > 0 else (low, low)
        if low_text.lower() in {"a", "an"} and high_text is None and not m.group("max"):
            continue  # "a capsule" alone is not a dose statement worth a row
        unit = UNITS[m.group("unit").lower()]
        if unit in _COUNT_UNITS and (high or low) > MAX_COUNT_PER_DOSE and not m.group("max"):
            continue  # "a bottle of 120 capsules" is a package size, not a dose
        if _PACKAGE.match(text, m.end()) or _PACKAGE_BEFORE.search(text[max(0, m.start() - 30):m.start()]):
            continue  # "a 250 g bag", "1000 mg per bottle", "bottle of 30 ml"
        what = (m.group("what") or "").lower()
        target = lexicons.substances().get(what) or lexicons.substances().get(what.split(" ")[0])
        frequency = (m.group("freq") or "").strip(" ,") or None
        taper = _TAPER.search(text[max(0, m.start() - 60):m.start()])
        found.append(Dosing(
            text=m.group(0).strip(),
            kind="taper" if taper else "maximum" if (m.group("max") or m.group("after")) else "amount",
            substance=target or substance,
            amount_low=low,
            amount_high=high if high is not None else low,
            unit=UNITS[m.group("unit").lower()],
            frequency=_tidy(frequency),
            sentence=text,
            phrase=_describe(low, high, UNITS[m.group("unit").lower()], _tidy(frequency)),
        ))
    return found


def _tidy(frequency: str | None) -> str | None:
    return re.sub(r"\s+", " ", frequency.lower()) if frequency else None


def _describe(low: float, high: float | None, unit: str, frequency: str | None) -> str:
    amount = f"{low:g}" if high in (None, low) else f"{low:g}–{high:g}"
    return f"{amount} {unit}" + (f" {frequency}" if frequency else "")


def _language(text: str, substance: str | None) -> list[Dosing]:
    """Non-numeric advice, one row per canonical piece ("start low" and "go slow" apart, so
    weekly counts group the same advice however it is strung together)."""
    found = []
    lowered = text.lower()
    for kind, phrase, pattern in _LANGUAGE_RES:
        if not has_hint(lowered, pattern.hints):
            continue
        m = pattern.search(text)
        if m:
            found.append(Dosing(text=m.group(0), kind=kind, substance=substance, amount_low=None,
                                amount_high=None, unit=None, frequency=None, sentence=text,
                                phrase=phrase))
    return found


def main_substance(sentences: list[Sentence]) -> str | None:
    """The substance a page is about: named in at least 60% of the substance mentions."""
    from collections import Counter
    counts = Counter(name for s in sentences for _, name in lexicons.substance_mentions(s.text))
    if not counts:
        return None
    name, n = counts.most_common(1)[0]
    return name if n >= 0.6 * sum(counts.values()) else None


def _substance(text: str) -> str | None:
    mentions = lexicons.substance_mentions(text)
    return mentions[0][1] if mentions else None
