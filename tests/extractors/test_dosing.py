"""Dosing: explicit amounts, maximums, frequencies, and non-numeric titration advice."""
from __future__ import annotations

import pytest

from extractors.dosing import CANONICAL_UNITS, UNITS, extract_dosing, parse_number
from extractors.sentences import split_sentences

EXPLICIT = ("amount", "maximum")


def dosing_of(text: str):
    return extract_dosing(split_sentences(text))


def explicit_of(text: str):
    return [d for d in dosing_of(text) if d.kind in EXPLICIT]


@pytest.mark.parametrize(
    "sentence, low, high, unit, kind, frequency, substance",
    [
        ("Most people on the forum take two to four grams every six hours.",
         2, 4, "g", "amount", "every six hours", None),
        ("Stir 1/6 – 1/4 teaspoon of the concentrate into juice.",
         1 / 6, 0.25, "tsp", "amount", None, None),
        ("Each capsule holds 1,000 mg of powdered leaf.", 1000, 1000, "mg", "amount", None, None),
        ("A shell of this brew delivers 70-250 mg of kavalactones.",
         70, 250, "mg", "amount", None, "kava"),
        ("During a taper, take no more than 8 grams in a day.",
         8, 8, "g", "maximum", "in a day", None),
        ("Take 3 capsules twice daily with a meal.", 3, 3, "capsule", "amount", "twice daily", None),
        ("Put one dropper under your tongue.", 1, 1, "dropper", "amount", None, None),
        ("Take one dropper before bed.", 1, 1, "dropper", "amount", "before bed", None),
        ("Whisk ½ tsp into warm oat milk.", 0.5, 0.5, "tsp", "amount", None, None),
        ("Most adults take 2.5 g of kratom, up to 3 times a day.",
         2.5, 2.5, "g", "amount", "up to 3 times a day", "kratom"),
        ("Do not exceed 15 grams per day.", 15, 15, "g", "maximum", "per day", None),
        ("Use 3 g at most.", 3, 3, "g", "maximum", None, None),
        ("Take one or two tablets at bedtime.", 1, 2, "tablet", "amount", "at bedtime", None),
        ("Try 300 micrograms of melatonin.", 300, 300, "mcg", "amount", None, "melatonin"),
    ],
)
def test_explicit_doses(sentence, low, high, unit, kind, frequency, substance):
    (dose,) = explicit_of(sentence)
    assert dose.kind == kind
    assert dose.amount_low == pytest.approx(low, abs=1e-4)
    assert dose.amount_high == pytest.approx(high, abs=1e-4)
    assert dose.unit == unit
    assert dose.frequency == frequency
    assert dose.substance == substance
    assert dose.sentence == sentence
    assert dose.text in sentence
    assert dose.phrase  # canonical wording is always filled


def test_fraction_range_values_and_phrase():
    (dose,) = explicit_of("Stir 1/6 – 1/4 teaspoon of the concentrate into juice.")
    assert round(dose.amount_low, 4) == 0.1667
    assert round(dose.amount_high, 4) == 0.25
    assert dose.phrase == "0.166667–0.25 tsp"


def test_substance_from_the_sentence_when_not_after_of():
    (dose,) = explicit_of("For kava, a typical serving is 2 tablespoons of root powder.")
    assert dose.substance == "kava"
    assert dose.unit == "tbsp"
    assert dose.amount_low == dose.amount_high == 2


def test_every_unit_spelling_maps_to_a_canonical_unit():
    assert set(UNITS.values()) == CANONICAL_UNITS
    for spelling, canonical in UNITS.items():
        (dose,) = explicit_of(f"Take 2 {spelling} with water.")
        assert dose.unit == canonical, spelling


def test_a_lone_article_is_not_a_dose():
    assert explicit_of("Take a capsule with water.") == []


@pytest.mark.parametrize("sentence", [
    "Clinicians call a COWS score of 8 to 12 mild withdrawal.",
    "The pilot study enrolled 60 adults over six weeks.",
    "7 min read",
    "Use code CALM for 10% off your first order.",
    "Now only $24.99 per pouch.",
    "Rated 4.8 out of 5 stars by 212 shoppers.",
    "We have been grinding leaf since 2019.",
    "By day 3 the worst cravings had passed.",
    "The effects last 6 to 8 hours for most people.",
    "Order 3 or more bags and save.",
])
def test_not_a_dose(sentence):
    assert explicit_of(sentence) == []


@pytest.mark.parametrize("sentence, kind, phrase", [
    ("Always start with a low dose the first time.", "titration", "start low"),
    ("Starting off with a small amount is wise.", "titration", "start low"),
    ("Then try gradually increasing the amount each week.", "titration", "increase gradually"),
    ("Increase the dose slowly over a week.", "titration", "increase gradually"),
    ("Build up slowly until you notice a change.", "titration", "build up slowly"),
    ("Go slow with any new herb.", "titration", "go slow"),
    ("The right amount varies from person to person.", "individualised", "varies by person"),
    ("Tolerance varies greatly between users.", "individualised", "varies by person"),
    ("Above all, listen to your body.", "individualised", "listen to your body"),
    ("It takes time to find your ideal dose.", "individualised", "find your dose"),
    ("Everyone is different, so be patient.", "individualised", "everyone is different"),
])
def test_titration_and_individualised_language(sentence, kind, phrase):
    rows = dosing_of(sentence)
    assert [(d.kind, d.phrase) for d in rows] == [(kind, phrase)]
    (row,) = rows
    assert row.amount_low is None and row.amount_high is None
    assert row.unit is None and row.frequency is None
    assert row.text.lower() in sentence.lower()


def test_language_rows_carry_the_sentence_substance():
    rows = dosing_of("With kratom, start low and build up slowly.")
    assert {(d.phrase, d.substance) for d in rows} == {
        ("start low", "kratom"), ("build up slowly", "kratom")}


def test_amounts_and_language_in_one_text():
    text = ("Start with a low dose of kava.\n"
            "Most people settle on 2 to 3 tablespoons per session.\n"
            "Listen to your body.")
    rows = dosing_of(text)
    assert [(d.kind, d.phrase) for d in rows] == [
        ("titration", "start low"),
        ("amount", "2–3 tbsp per session"),
        ("individualised", "listen to your body"),
    ]


@pytest.mark.parametrize("sentence", [
    "Take 4 to 2 grams as needed.",
    "Take 250-70 mg.",
    "Take two to four grams every six hours.",
    "Take 1/4 - 1/6 teaspoon.",
    "Never exceed 10 or 5 capsules.",
])
def test_amount_low_never_exceeds_amount_high(sentence):
    # Regression: a reversed range ("4 to 2 grams") gave amount_low > amount_high.
    (dose,) = explicit_of(sentence)
    assert dose.amount_low <= dose.amount_high


def test_amount_low_le_high_on_a_mixed_page():
    text = ("Take 4 to 2 grams.\nUse 1,000 mg.\nMix 1/6 – 1/4 teaspoon.\n"
            "Take one or two capsules.\nNo more than 8 grams a day.\nUse ½ tsp.")
    rows = explicit_of(text)
    assert len(rows) == 6
    for d in rows:
        assert d.amount_low is not None and d.amount_high is not None
        assert 0 < d.amount_low <= d.amount_high


@pytest.mark.parametrize("token, value", [
    ("1,000", 1000.0), ("3.5", 3.5), ("1/4", 0.25), ("1 / 2", 0.5), ("½", 0.5), ("¼", 0.25),
    ("two", 2.0), ("Twelve", 12.0), ("a half", 0.5), ("1/0", None), ("lots", None),
])
def test_parse_number(token, value):
    assert parse_number(token) == value


def test_package_sizes_are_not_doses_but_large_maximums_are_kept():
    from extractors.dosing import extract_dosing
    from extractors.sentences import split_sentences

    found = extract_dosing(split_sentences("Each bottle holds 120 capsules. Take 2 capsules daily."))
    assert [(d.amount_low, d.unit) for d in found if d.unit] == [(2.0, "capsule")]
    found = extract_dosing(split_sentences("Never take more than 40 drops in a day."))
    assert any(d.kind == "maximum" and d.amount_low == 40 for d in found)


@pytest.mark.parametrize("text,low,high,unit,frequency", [
    ("Take between 2 and 5 grams.", 2, 5, "g", None),
    ("Use half a teaspoon three times daily.", 0.5, 0.5, "tsp", "three times daily"),
    ("Children get 10 mg/kg.", 10, 10, "mg/kg", None),
    ("Take 2 capsules at night.", 2, 2, "capsule", "at night"),
])
def test_more_dose_forms(text, low, high, unit, frequency):
    from extractors.dosing import extract_dosing
    from extractors.sentences import split_sentences

    [dose] = [d for d in extract_dosing(split_sentences(text)) if d.amount_low is not None]
    assert (dose.amount_low, dose.amount_high, dose.unit, dose.frequency) == (low, high, unit, frequency)


def test_a_dotted_country_abbreviation_can_end_a_sentence():
    from extractors.sentences import split_sentences

    assert len(split_sentences("Made in the U.S. We ship fast.")) == 2
    assert len(split_sentences("The U.S. Food and Drug Administration warned sellers.")) == 1


def test_taper_steps_are_their_own_kind():
    from extractors.dosing import extract_dosing
    from extractors.sentences import split_sentences

    found = extract_dosing(split_sentences("Reduce your dose by 0.5 g per day until you stop."))
    assert [(d.kind, d.amount_low, d.unit, d.frequency) for d in found if d.unit] == [
        ("taper", 0.5, "g", "per day")]
