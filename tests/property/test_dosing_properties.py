"""extractors.dosing on arbitrary text: never raises, and every explicit dose it reports is a
finite range low ≤ high in a canonical unit, quoted from its own sentence."""
from __future__ import annotations

import json
import math
from dataclasses import asdict

import pytest
from hypothesis import assume, example, given, strategies as st

from extractors.dosing import (_COUNT_UNITS, CANONICAL_UNITS, MAX_COUNT_PER_DOSE, UNITS,
                               extract_dosing, parse_number)
from extractors.sentences import split_sentences

EXPLICIT = {"amount", "maximum", "taper"}
ADVICE = {"titration", "individualised", "as_needed", "form"}

# Dose-shaped text from the parser's own vocabulary, so the regex's branches are reached far
# more often than by random characters: numbers in every written form, ranges, units, cues.
NUMBERS = st.one_of(
    st.integers(0, 5000).map(str),
    st.integers(1, 999).map(lambda n: f"{n},{n % 1000:03d}"),
    st.floats(0, 100, allow_nan=False).map(lambda x: f"{x:.2f}"),
    st.tuples(st.integers(0, 9), st.integers(0, 9)).map(lambda t: f"{t[0]}/{t[1]}"),
    st.sampled_from(["½", "¼", "¾", "⅓", "⅙", "a", "an", "half", "a half", "half a", "one",
                     "two", "four", "twelve", "fifty", "hundred", "٣", "١٠", "0", "00", "0/0",
                     "9" * 400, "9" * 400 + "/" + "9" * 400, "1e5", "1 / 4"]),
)
PIECES = st.one_of(
    NUMBERS,
    st.sampled_from(sorted(UNITS)).map(lambda u: u if len(u) < 3 else u.upper()),
    st.sampled_from(sorted(UNITS)),
    st.sampled_from([" ", "  ", " - ", "–", " to ", " or ", "between ", " and ", ", ", ". ",
                     "\n", "Take ", "Dr. ", "e.g. ", "µ", "İ", "\u00a0", "\u2028"]),
    st.sampled_from(["no more than ", "do not exceed ", "max. ", "up to ", " at most",
                     " of kratom", " of kava", " every six hours", " twice daily", " per day",
                     " per bottle", " bag", "bottle of ", "reduce by ", "taper down by ",
                     "start low", "go slow", "as needed", "listen to your body", "capsules",
                     "powder", "kratom ", "kava "]),
)
DOSE_TEXT = st.lists(PIECES, min_size=2, max_size=30).map("".join)
# One dose-like phrase by the parser's grammar, each part optional or mangled by a piece.
OPTIONAL = st.one_of(st.just(""), PIECES)
DOSE_PHRASE = st.tuples(OPTIONAL, OPTIONAL, NUMBERS, OPTIONAL, NUMBERS, OPTIONAL,
                        st.sampled_from(sorted(UNITS)), OPTIONAL, OPTIONAL).map(" ".join)
DOSE_PAGE = st.lists(DOSE_PHRASE, min_size=1, max_size=4).map(". ".join)
TEXT = st.one_of(st.text(max_size=200), DOSE_TEXT, DOSE_PAGE)


def check_record(d, sentences: set[str]) -> None:
    assert d.kind in EXPLICIT | ADVICE
    assert d.sentence in sentences
    if d.kind in EXPLICIT:
        low, high = d.amount_low, d.amount_high
        assert isinstance(low, float) and isinstance(high, float)
        assert math.isfinite(low) and math.isfinite(high)
        assert 0 < low <= high
        assert d.unit in CANONICAL_UNITS
        assert d.text and d.text in d.sentence
        assert d.phrase and d.phrase.split(" ")[1] == d.unit
        assert d.frequency is None or (d.frequency == d.frequency.lower()
                                       and "  " not in d.frequency)
        if d.unit in _COUNT_UNITS and high > MAX_COUNT_PER_DOSE:
            assert d.kind != "amount"  # "a bottle of 120 capsules" is a package, not a dose
    else:
        assert d.amount_low is None and d.amount_high is None and d.unit is None
        assert d.text and d.text.lower() in d.sentence.lower()
        assert d.phrase


@given(TEXT, st.sampled_from([None, "kratom", "kava"]))
@example("Take 4 to 2 grams.", None)  # the old low > high bug
@example("Take " + "9" * 400 + " mg.", None)  # found here: parsed as inf
@example("Take " + "9" * 400 + "/" + "9" * 400 + " mg.", None)  # found here: inf/inf = nan
def test_extract_dosing_never_raises_and_keeps_its_invariants(text, main):
    sentences = split_sentences(text)
    found = extract_dosing(sentences, main)
    texts = {s.text for s in sentences}
    for d in found:
        check_record(d, texts)
    json.dumps([asdict(d) for d in found], allow_nan=False)  # analyses.jsonl must stay JSON
    assert extract_dosing(sentences, main) == found  # pure: same input, same rows


@given(st.one_of(st.text(max_size=30), NUMBERS))
@example("a/b")  # found here: raised ValueError
@example("nan")
@example("inf/inf")
def test_parse_number_is_total_and_finite(token):
    value = parse_number(token)
    assert value is None or (isinstance(value, float) and math.isfinite(value))


MASS_UNITS = sorted(u for u, canon in UNITS.items() if canon not in _COUNT_UNITS)


@given(st.integers(1, 20_000), st.integers(1, 20_000), st.sampled_from(MASS_UNITS),
       st.sampled_from(["-", "–", " to ", " or "]), st.booleans(), st.booleans())
def test_written_range_round_trips(a, b, unit, dash, thousands, between):
    """"Take A to B unit daily." (either order, any unit spelling) reads back as
    min(A, B)–max(A, B) in the canonical unit."""
    def written(n: int) -> str:
        return f"{n:,}" if thousands else str(n)
    amount = (f"between {written(a)} and {written(b)}" if between
              else f"{written(a)}{dash}{written(b)}")
    text = f"Take {amount} {unit} daily."
    (dose,) = [d for d in extract_dosing(split_sentences(text)) if d.kind in EXPLICIT]
    assert (dose.amount_low, dose.amount_high) == (min(a, b), max(a, b))
    assert dose.unit == UNITS[unit]
    assert dose.kind == "amount" and dose.frequency == "daily"


@given(st.integers(1, 5000), st.sampled_from(MASS_UNITS),
       st.sampled_from(["no more than", "do not exceed", "never exceed", "at most", "up to"]))
def test_maximum_cue_makes_a_maximum(n, unit, cue):
    text = f"You should take {cue} {n} {unit} per day."
    (dose,) = [d for d in extract_dosing(split_sentences(text)) if d.kind in EXPLICIT]
    assert dose.kind == "maximum"
    assert dose.amount_low == dose.amount_high == n


@pytest.mark.parametrize("unit", sorted(_COUNT_UNITS))
def test_count_unit_packages_are_never_doses(unit):
    plural = next(u for u, canon in UNITS.items() if canon == unit and u.endswith("s"))
    found = extract_dosing(split_sentences(f"Each jar holds {MAX_COUNT_PER_DOSE + 1} {plural}."))
    assert not [d for d in found if d.kind in EXPLICIT]


@given(st.integers(1, MAX_COUNT_PER_DOSE), st.sampled_from(sorted(_COUNT_UNITS)))
def test_small_counts_are_doses(n, unit):
    plural = next(u for u, canon in UNITS.items() if canon == unit and u.endswith("s"))
    assume(n > 1)
    (dose,) = [d for d in extract_dosing(split_sentences(f"Take {n} {plural} at night."))
               if d.kind in EXPLICIT]
    assert dose.amount_low == n and dose.unit == unit
