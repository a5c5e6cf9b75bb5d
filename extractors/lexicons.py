"""Analyst-editable word lists in config/lexicons/, loaded once per process."""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import yaml

from extractors.caseless import caseless


def lexicon_dir() -> Path:
    """config/lexicons of the checkout (CLAIMWATCH_HOME overrides)."""
    home = os.environ.get("CLAIMWATCH_HOME")
    if home and (Path(home) / "config" / "lexicons").is_dir():
        return Path(home) / "config" / "lexicons"
    return Path(__file__).resolve().parents[1] / "config" / "lexicons"


def _load(name: str):
    with open(lexicon_dir() / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def trie_pattern(words) -> str:
    """An alternation of `words` with shared prefixes factored out ("opioid (?:use disorder|
    withdrawal)"): Python's re tries each branch at every position, so a flat alternation of
    dozens of phrases is several times slower. Longer words still win (greedy optional tails)."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word.lower():
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


@lru_cache(maxsize=1)
def substances() -> dict[str, str]:
    """Every spelling (lower case) → canonical substance name."""
    out = {}
    for canonical, spec in _load("substances.yaml").items():
        out[canonical.lower()] = canonical
        for alias in (spec or {}).get("aliases", []):
            out[str(alias).lower()] = canonical
    return out


@lru_cache(maxsize=1)
def substance_pattern() -> re.Pattern:
    return caseless(r"(?<![\w-])(" + trie_pattern(substances()) + r")(?![\w-])")


@lru_cache(maxsize=4096)
def substance_mentions(text: str) -> tuple[tuple[int, str], ...]:
    """(offset, canonical name) of each substance named in `text`. Cached because the
    main-substance vote, dosing and claims all read the same sentences."""
    names = substances()
    return tuple((m.start(), names[m.group(1).lower()]) for m in substance_pattern().finditer(text))


@lru_cache(maxsize=1)
def conditions() -> tuple[str, ...]:
    return tuple(c.lower() for c in _load("conditions.yaml").get("conditions", []))


@lru_cache(maxsize=1)
def condition_pattern() -> re.Pattern:
    # A trailing "s" is allowed: "moods", "aches", "flashbacks".
    return caseless(r"\b(" + trie_pattern(conditions()) + r")s?\b")


@lru_cache(maxsize=1)
def known_abbreviations() -> dict[str, str]:
    return {str(k).upper(): str(v) for k, v in _load("known_abbreviations.yaml").items()}


@lru_cache(maxsize=1)
def not_terms() -> frozenset[str]:
    return frozenset(str(a).upper() for a in _load("not_terms.yaml").get("abbreviations", []))


@lru_cache(maxsize=1)
def citation_hosts() -> tuple[tuple[str, ...], frozenset[str]]:
    data = _load("citation_hosts.yaml")
    return tuple(data.get("suffixes", [])), frozenset(data.get("labels", []))


@lru_cache(maxsize=1)
def regulatory_status() -> tuple[dict[str, str], frozenset[str]]:
    """Substance → status for substances not approved to treat disease, and disease names."""
    data = _load("regulatory_status.yaml")
    return dict(data.get("substances", {})), frozenset(d.lower() for d in data.get("diseases", []))
