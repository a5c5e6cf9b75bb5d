"""Term keys and grouping on arbitrary spellings. A key is a fixed point (the warehouse stores
keys beside spellings in one lookup, and re-keys variants), near_identical is a symmetric,
reflexive relation, and grouping is stable whatever order spellings arrive in."""
from __future__ import annotations

import pytest
from hypothesis import example, given, strategies as st

from extractors.sentences import split_sentences
from extractors.terms import extract_terms, merge_near_identical, near_identical, term_key
from extractors.vocabulary import abbreviation_key, normalize_phrase
from warehouse.load import assign_group

KINDS = st.sampled_from(["acronym", "coinage"])
# Spellings from the characters the keys treat specially: dots, quotes, apostrophes, hyphens,
# underscores, every kind of space, capitals before a plural "s", and the British spellings
# normalize_phrase rewrites (split by punctuation, so a rewrite can be uncovered).
_PIECES = st.sampled_from([
    "a", "e", "h", "m", "o", "u", "s", "S", "O", "P", "M", "haem", "hae", "tumo", "ur", "our",
    "oedem", "behavio", "anaem", "paediatric", "randomis", ".", "'", "’", "‘", "“", "”", '"',
    "-", "–", "_", "/", " ", "  ", "\t", "\u00a0", "\u3000", "İ", "ß", "ﬁ", "Σ", "ς", "ǅ",
])
SPELLING = st.one_of(st.text(max_size=30), st.lists(_PIECES, max_size=12).map("".join))
# Lower-case phrases like real coinage keys: near-identical pairs are common among these.
PHRASE = st.lists(st.sampled_from(["black", "blak", "recall", "recoil", "recal", "tide", "calm",
                                   "tidecalm", "ember", "embre", "sleep", "s", "leaf", "fog"]),
                  min_size=1, max_size=3).map(" ".join)
KEYS = st.one_of(PHRASE, st.text(alphabet="abcdefgh ", max_size=12))


@given(SPELLING)
@example("OOEDEM")  # found here: "ooedem" → "oedem", and again → "edem"
@example("hae.m")  # the dot went after the British rewrite, so "haem" stayed
@example("a_'b")  # "_" became a space after the edge-apostrophe pass
@example("angiooedema")  # → "angioedema", and again → "angiedema"
def test_normalize_phrase_is_idempotent(text):
    once = normalize_phrase(text)
    assert normalize_phrase(once) == once
    assert once == once.strip() and "  " not in once


@pytest.mark.parametrize("british, american", [
    ("angiooedema", "angioedema"), ("oedema", "edema"), ("lymphoedema", "lymphedema"),
    ("haemorrhage", "hemorrhage"), ("behaviour", "behavior"), ("paediatric", "pediatric")])
def test_british_and_us_spellings_share_a_key(british, american):
    """The US "angioedema" was rewritten to "angiedema" (found checking the idempotence fix
    against the whole vocabulary), so it no longer matched the British "angiooedema"."""
    assert normalize_phrase(british) == normalize_phrase(american) == american


@given(SPELLING)
def test_abbreviation_key_is_idempotent(text):
    once = abbreviation_key(text)
    assert abbreviation_key(once) == once
    assert "." not in once and not any(c.isspace() for c in once)


@given(SPELLING, KINDS)
@example("OOEDEM", "coinage")
@example("SSRIs", "acronym")
def test_term_key_is_idempotent(text, kind):
    """A key is its own key: the warehouse keeps keys and re-keyed variants in one lookup."""
    once = term_key(text, kind)
    assert term_key(once, kind) == once


@given(SPELLING, KINDS)
def test_term_key_ignores_dots(text, kind):
    """"O.P.M.S." / "OPMS", "e.g. black recall" / "eg black recall": one key either way."""
    assert term_key(text.replace(".", ""), kind) == term_key(text, kind)


@given(st.text(alphabet="abcxyzABCXYZ .'-", max_size=20))
def test_coinage_key_ignores_case(text):
    """"Black Recall" and "black recall" group together (acronyms keep case: "SSRIs")."""
    assert term_key(text.upper(), "coinage") == term_key(text.lower(), "coinage") == \
        term_key(text, "coinage")


@given(KEYS, KEYS)
@example("black recall", "black recoil")
@example("tide calm", "tidecalm")
def test_near_identical_is_reflexive_and_symmetric(a, b):
    assert near_identical(a, a)
    assert near_identical(a, b) == near_identical(b, a)


@given(st.lists(KEYS, max_size=12), st.randoms(use_true_random=False))
def test_merge_is_stable_and_maps_to_fixed_points(keys, rnd):
    kinds = {k: ("acronym" if len(k) % 5 == 0 else "coinage") for k in keys}
    merged = merge_near_identical(keys, kinds)
    shuffled = list(keys)
    rnd.shuffle(shuffled)
    assert merge_near_identical(shuffled, kinds) == merged  # order of arrival does not matter
    assert set(merged) == set(keys)
    for key, group in merged.items():
        assert merged[group] == group  # a group key names its own group
        assert group <= key
        if group != key:
            assert kinds[key] == kinds[group] == "coinage"
            assert near_identical(key, group)


@given(st.lists(st.tuples(KEYS, KINDS), max_size=12))
def test_assign_group_matches_merge_on_a_fresh_warehouse(spellings):
    """Loading spellings in sorted order into an empty warehouse groups them as one page's
    grouping would, and every assignment is remembered."""
    kinds_of = {}
    for key, kind in spellings:
        kinds_of.setdefault(key, kind)
    groups, kinds = {}, {}
    assigned = {key: assign_group(key, kinds_of[key], groups, kinds) for key in sorted(kinds_of)}
    assert assigned == merge_near_identical(list(kinds_of), kinds_of)
    for key, group in assigned.items():
        assert groups[key] == group and groups[group] == group
        assert assign_group(key, kinds_of[key], groups, kinds) == group  # known: same group


TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from([
        "O.P.M.S.", "OPMS", "SSRIs", "(", ")", "Post Acute Withdrawal Syndrome", "(PAWS)",
        "“black recall”", "\"Black Recoil\"", "‘leaf fog’", "what users call", "known as",
        "a term for", "the ", " ", ". ", ", ", "\n", "By J.R. Okafor", "code HAVEN10", "cAMP",
        "cyclic AMP (cAMP)", "stands for", "tide calm", "tidecalm", "İ", "ß"]),
        max_size=30).map("".join))


@given(TEXT)
def test_extract_terms_never_raises_and_names_its_groups(text):
    terms = extract_terms(text, split_sentences(text))
    keys = [t.normalized for t in terms]
    assert len(keys) == len(set(keys))  # one row per group
    for t in terms:
        assert t.kind in ("acronym", "coinage")
        assert t.count >= 1
        assert t.term in t.variants
        assert term_key(t.normalized, t.kind) == t.normalized
        assert t.snippet in text
