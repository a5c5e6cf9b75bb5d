"""The known-term sweep: a jargon term that one page defines or quotes is counted on every other
page that uses it bare. Runs inside the load's (or reprocess's) transaction, after the merge.

Rather than one regex per (document, spelling) pair, the spellings are compiled into a few large
alternations, which RE2 (DuckDB's regex engine) runs in one linear pass per document. Two scopes:
  * the batch's documents against every jargon spelling;
  * every other document against the spellings of groups that are new, i.e. whose extractor
    mentions all lie in this batch (a term first defined this week, used bare in older pages).
"""
from __future__ import annotations

import re

import duckdb
import pandas as pd

from warehouse.db import query_text

# RE2 builds a DFA within a fixed memory budget; past a few thousand case-insensitive
# alternatives it falls back to a much slower engine (measured: 1,000 coinages scan at the speed
# of 10, 6,000 ~400× slower). Chunking by pattern length keeps every alternation on the fast
# path. Case-sensitive acronym alternations stay fast at twice the size (bench/warehouse_speed).
MAX_PATTERN_CHARS = {"coinage": 12_000, "acronym": 24_000}


def spelling_pattern(normalized: str, kind: str) -> str:
    """The regex of one spelling as text may write it: acronyms case-sensitively with optional
    dots ("OPMS", "O.P.M.S."), coinages with spaces or hyphens between words."""
    if kind == "acronym":  # the last letter's dot, if any, is left to the pattern's tail
        return "[.]?".join(re.escape(c) for c in normalized.upper())
    return r"[\s-]+".join(re.escape(word) for word in normalized.split())


def _words(normalized: str) -> tuple[str, ...]:
    return tuple(re.split(r"[\s-]+", normalized.strip()))


def passes(spellings: list[str]) -> list[list[str]]:
    """Spellings split into passes so that no two in one pass can overlap in a text. One regex
    pass finds only non-overlapping matches, so in "ember river willow" an alternation of
    "ember river" and "river willow" would find the first alone; in separate passes both are
    found, as a regex per spelling would. Greedy colouring of the overlap graph: a pass per
    colour, usually one or two for real vocabularies."""
    words = {s: _words(s) for s in spellings}
    exact, inside, prefix, suffix = {}, {}, {}, {}  # word tuple → spellings
    for s, w in words.items():
        exact.setdefault(w, set()).add(s)
        for i in range(len(w)):
            for j in range(i + 1, len(w) + 1):
                inside.setdefault(w[i:j], set()).add(s)
        for k in range(1, len(w)):
            prefix.setdefault(w[:k], set()).add(s)
            suffix.setdefault(w[k:], set()).add(s)

    def conflicts(s: str) -> set[str]:
        w = words[s]
        found = set(inside.get(w, ()))  # spellings s lies inside
        for i in range(len(w)):
            for j in range(i + 1, len(w) + 1):
                found |= exact.get(w[i:j], set())  # spellings lying inside s
        for k in range(1, len(w)):
            found |= prefix.get(w[k:], set())  # s's tail starts another
            found |= suffix.get(w[:k], set())  # another's tail starts s
        found.discard(s)
        return found

    colour: dict[str, int] = {}
    for s in sorted(spellings):
        taken = {colour[c] for c in conflicts(s) if c in colour}
        colour[s] = next(c for c in range(len(spellings) + 1) if c not in taken)
    out: list[list[str]] = [[] for _ in range(max(colour.values(), default=-1) + 1)]
    for s in sorted(spellings):
        out[colour[s]].append(s)
    return out


def alternations(spellings: list[str], kind: str) -> list[str]:
    """Whole-word alternations of spellings of one kind: one per pass (see passes()), each cut
    under MAX_PATTERN_CHARS."""
    # An acronym is a whole token once dots are dropped: not after a dot ("MS" in "O.P.M.S."),
    # not before a letter or ".W" ("K.B.K" in "K.B.K.W."). RE2 has no lookaround, so the
    # boundary characters are consumed; sweep_scan.sql doubles them in the text so that
    # "OPMS KBK" still yields both. Coinages use \b, which consumes nothing.
    head, tail = (("(?:^|[^A-Za-z0-9.])((?:", r")[.]?)(?:[^A-Za-z0-9.]|$)") if kind == "acronym"
                  else (r"(?i)\b(", r")\b"))
    groups = [spellings] if kind == "acronym" else passes(spellings)
    patterns = []
    for group in groups:
        current, size = [], 0
        for part in sorted({spelling_pattern(s, kind) for s in group}):
            if current and size + len(part) > MAX_PATTERN_CHARS[kind]:
                patterns.append(head + "|".join(current) + tail)
                current, size = [], 0
            current.append(part)
            size += len(part) + 1
        if current:
            patterns.append(head + "|".join(current) + tail)
    return patterns


def sweep_known_terms(con: duckdb.DuckDBPyConnection) -> int:
    """Insert known_term mentions for the batch (batch_documents must be visible). Returns the
    number of rows inserted."""
    con.execute(query_text("sweep_spellings"))
    spellings = con.execute("SELECT normalized, kind, new FROM sweep_spellings ORDER BY 1").fetchall()
    con.execute("CREATE OR REPLACE TEMP TABLE sweep_hits (doc_id VARCHAR, surface VARCHAR, kind VARCHAR)")
    scan = query_text("sweep_scan")
    for kind in ("acronym", "coinage"):
        every = [s for s, k, _new in spellings if k == kind]
        new = [s for s, k, is_new in spellings if k == kind and is_new]
        for in_batch, scope in ((True, every), (False, new)):
            for pattern in alternations(scope, kind):
                con.execute(scan, {"pattern": pattern, "kind": kind, "in_batch": in_batch,
                                   "double": kind == "acronym"})
    inserted = con.execute(query_text("sweep_known_terms")).fetchone()[0]
    con.execute("DROP TABLE sweep_hits; DROP TABLE sweep_spellings")
    return inserted
