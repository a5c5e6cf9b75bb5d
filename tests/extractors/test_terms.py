"""Terms: acronyms with in-text definitions, coinages, grouping and vocabulary support."""
from __future__ import annotations

import pytest

from extractors.sentences import split_sentences
from extractors.terms import extract_terms, merge_near_identical, near_identical, term_key


def terms_of(text: str):
    return extract_terms(text, split_sentences(text))


def by_key(text: str) -> dict:
    return {t.normalized: t for t in terms_of(text)}


# --- acronyms ----------------------------------------------------------------------------------

def test_long_form_then_acronym_gives_expansion():
    terms = by_key("After quitting, many people report Post Kratom Fatigue (PKF) for weeks. "
                   "PKF usually fades by the second month.")
    pkf = terms["pkf"]
    assert pkf.kind == "acronym"
    assert pkf.term == "PKF"
    assert pkf.expansions == ("Post Kratom Fatigue",)
    assert pkf.count == 2


def test_acronym_then_long_form_gives_expansion():
    terms = by_key("After quitting, many people report PKF (Post Kratom Fatigue) for weeks.")
    assert terms["pkf"].expansions == ("Post Kratom Fatigue",)


def test_long_form_skips_leading_words_that_do_not_spell_the_acronym():
    terms = by_key("Our team tracks the Evening Restlessness Index (ERI) for every client.")
    assert terms["eri"].expansions == ("Evening Restlessness Index",)


@pytest.mark.parametrize("text,key,expansion", [
    # letters inside words, as Schwartz & Hearst match them
    ("Blends are said to induce interleukin (IL) release.", "il", "interleukin"),
    ("Reviews of dexamethasone (DEX) and kratom differ.", "dex", "dexamethasone"),
    # as many words opening with the first letter as the acronym has of it
    ("Men filled in the International Index of Erectile Function (IIEF) form.", "iief",
     "International Index of Erectile Function"),
    # a hyphenated word counts from its part ("non-" is not part of the long form)
    ("Only non-high-density lipoprotein (HDL) was measured.", "hdl", "high-density lipoprotein"),
    # digits and hyphens are kept as written
    ("Staining showed neurokinin-1 receptor (NK1R) cells.", "nk1r", "neurokinin-1 receptor"),
    # the long form does not reach back past a bracket or semicolon
    ("Doses varied (see table); Twilight Drift Syndrome (TDS) followed.", "tds",
     "Twilight Drift Syndrome"),
])
def test_long_form_before_the_parenthesis(text, key, expansion):
    assert by_key(text)[key].expansions == (expansion,)


def test_plural_acronym_groups_with_its_singular():
    terms = by_key("Some users mix kratom with Selective Serotonin Reuptake Inhibitors (SSRIs). "
                   "An SSRI and kratom together is risky.")
    ssri = terms["ssri"]
    assert ssri.expansions == ("Selective Serotonin Reuptake Inhibitors",)
    assert set(ssri.variants) == {"SSRIs", "SSRI"} and ssri.count == 2


def test_mixed_case_short_form_counts_only_in_parentheses_after_its_long_form():
    terms = by_key("Labs report estimated glomerular filtration rate (eGFR) yearly. "
                   "Buy an iPhone (iPhone) case.")
    assert terms["egfr"].expansions == ("estimated glomerular filtration rate",)
    assert "iphone" not in terms


def test_dotted_acronym_with_two_conflicting_definitions_keeps_both():
    text = ("Forum veterans call the O.P.M.S. (Opioid Post Mood Slump) the hardest stretch. "
            "Another group says Overall Protracted Malaise State (O.P.M.S.) is the right name. "
            "Either way, the O.P.M.S. passes.")
    terms = terms_of(text)
    assert len(terms) == 1
    opms = terms[0]
    assert opms.normalized == "opms"
    assert opms.term == "O.P.M.S."
    assert opms.kind == "acronym"
    assert set(opms.expansions) == {"Opioid Post Mood Slump", "Overall Protracted Malaise State"}
    assert opms.count == 3
    assert opms.supported is False


def test_same_definition_in_different_case_is_one_expansion():
    terms = by_key("The Taper Lull Quotient (TLQ) is tracked daily. "
                   "A high taper lull quotient (TLQ) means a rough week.")
    assert terms["tlq"].expansions == ("Taper Lull Quotient",)


def test_recognised_clinical_scale_is_supported():
    terms = by_key("Nurses score patients with the Clinical Opiate Withdrawal Scale (COWS) "
                   "twice a day.")
    cows = terms["cows"]
    assert cows.expansions == ("Clinical Opiate Withdrawal Scale",)
    assert cows.supported is True


def test_recognised_abbreviation_from_the_lexicon_is_supported():
    terms = by_key("Many clinics now offer MOUD to walk-in patients.")
    assert terms["moud"].supported is True


def test_invented_acronym_is_unsupported():
    terms = by_key("Long-time users warn about the Kratom Echo Syndrome (KES) after a taper.")
    kes = terms["kes"]
    assert kes.expansions == ("Kratom Echo Syndrome",)
    assert kes.supported is False


def test_known_letters_with_a_different_page_definition_are_unsupported():
    # COWS is real vocabulary, but not with this made-up definition.
    terms = by_key("Our coaches use the Craving Over Weekend Score (COWS) with every member.")
    assert terms["cows"].supported is False


@pytest.mark.parametrize("text", [
    "Read our FAQ before ordering.",
    "We only ship inside the US for now.",
    "Check the FAQ page for US shipping times.",
])
def test_everyday_abbreviations_are_not_terms(text):
    assert terms_of(text) == []


def test_shouted_common_words_are_not_terms():
    assert terms_of("WARNING: keep out of reach of children. BIG SALE this week.") == []


@pytest.mark.parametrize("byline", [
    "By Jordan Whitfield",
    "Written by Dr. Samuel Okafor, MD",
    "By J.R. Okafor | Updated May 2, 2024",
    "Medically reviewed by A.J. Brennan, PharmD",
])
def test_a_persons_name_in_a_byline_is_not_a_term(byline):
    text = byline + "\nKratom may ease cravings for a while."
    assert terms_of(text) == []


# --- coinages ----------------------------------------------------------------------------------

@pytest.mark.parametrize("quoted", ["“grey fog”", '"grey fog"', "‘grey fog’", "'grey fog'"])
def test_quoted_coinage_with_definition(quoted):
    text = (f"People in early recovery talk about {quoted}, a term for the foggy thinking "
            "that lingers after the last dose.")
    terms = terms_of(text)
    assert [t.normalized for t in terms] == ["grey fog"]
    fog = terms[0]
    assert fog.kind == "coinage"
    assert fog.term == "grey fog"
    assert fog.expansions == ("the foggy thinking that lingers after the last dose",)
    assert fog.supported is False
    assert fog.count == 1


def test_repeated_quoted_coinage_without_definition_is_kept():
    terms = by_key("Some users describe the “sand brain” feeling. The “sand brain” can last days.")
    assert terms["sand brain"].count == 2


@pytest.mark.parametrize("text,key", [
    ("Long-time users describe a heavy mood known as the kratom cloud.", "kratom cloud"),
    ("There is a lingering fatigue, also known as leaf lag, in week three.", "leaf lag"),
    ("Many members go through what we call the second drop, which is normal.", "second drop"),
    ("Late evenings bring what people call the jitter hour, usually around nine.", "jitter hour"),
    ("The restless stretch is often referred to as tail end, according to members.", "tail end"),
])
def test_definitional_cues_introduce_coinages(text, key):
    terms = by_key(text)
    assert key in terms
    assert terms[key].kind == "coinage"


def test_a_term_for_cue_gives_the_definition():
    terms = by_key("Several members mention “zorbing”, a term for the urge to redose early.")
    assert terms["zorbing"].expansions == ("the urge to redose early",)


@pytest.mark.parametrize("text", [
    'Our tea is 100% "natural" and gentle.',
    "Every batch is ‘pure’ and “organic” by our own standards.",
    'The "best" way to sleep is a dark room.',
])
def test_scare_quoted_common_words_are_not_terms(text):
    assert terms_of(text) == []


def test_near_identical_spellings_group_into_one_term():
    text = ("Many of us get “black recall”, a term for sudden vivid memories of using. "
            "A few members spell it \"Black Recoil\" on the forum.")
    terms = terms_of(text)
    assert len(terms) == 1
    recall = terms[0]
    assert recall.normalized == "black recall"
    assert recall.kind == "coinage"
    assert set(recall.variants) == {"black recall", "Black Recoil"}
    assert recall.count == 2  # one mention of each spelling, summed
    assert recall.expansions == ("sudden vivid memories of using",)


def test_grouped_count_sums_unquoted_mentions_of_each_spelling():
    text = ("Many of us get “black recall”, a term for sudden vivid memories of using. "
            "A few members spell it \"Black Recoil\" on the forum. "
            "Black recoil hit me hard in week two, and black recall still shows up sometimes.")
    (recall,) = terms_of(text)
    assert set(recall.variants) == {"black recall", "Black Recoil"}
    assert recall.count == 4


def test_case_variants_are_not_counted_twice():
    # Regression: each spelling of one form counted every mention of all of them.
    text = ("Users get “black recall”, a term for sudden vivid memories. "
            "Another user wrote “Black Recall” in capitals.")
    (recall,) = terms_of(text)
    assert recall.count == 2


def test_dotted_and_undotted_acronym_mentions_are_not_counted_twice():
    text = ("The O.P.M.S. (Opioid Post Mood Slump) is real. Most people call it OPMS. "
            "Later the O.P.M.S. lifts.")
    (opms,) = terms_of(text)
    assert set(opms.variants) == {"O.P.M.S.", "OPMS"}
    assert opms.count == 3


@pytest.mark.parametrize("text", [
    "Members call it “TLQ” these days. TLQ shows up in every thread.",
    "By week two, users call it TLQ. TLQ shows up in every thread.",
])
def test_acronym_after_a_cue_or_in_quotes_is_one_acronym_not_also_a_coinage(text):
    # Regression: the mention was also taken as a coinage with the same key and counted twice.
    (tlq,) = terms_of(text)
    assert tlq.kind == "acronym"
    assert tlq.count == 2


def test_terms_sorted_most_frequent_first():
    text = ("The Taper Lull Quotient (TLQ) matters. TLQ is tracked. TLQ rises in week two. "
            "Users also mention Kratom Echo Syndrome (KES).")
    assert [t.normalized for t in terms_of(text)] == ["tlq", "kes"]


# --- merge_near_identical / near_identical -----------------------------------------------------

def test_near_identical():
    assert near_identical("black recall", "black recoil")
    assert near_identical("grey fog", "grey fog")
    assert near_identical("grey fog", "grey fogs")
    assert not near_identical("black recall", "white recall")  # different first word
    assert not near_identical("grey fog day", "grey fog")      # different word count
    assert not near_identical("zorbing", "zorbin")             # single words never merge
    assert not near_identical("black recall", "black coffee")


def test_merge_near_identical_maps_to_first_sorted_key():
    merged = merge_near_identical(["black recoil", "white recall", "black recall", "kratom flu"])
    assert merged == {
        "black recall": "black recall",
        "black recoil": "black recall",
        "white recall": "white recall",
        "kratom flu": "kratom flu",
    }


def test_merge_near_identical_is_stable_under_input_order():
    keys = ["black recoil", "black recall", "leaf lag", "leaf lags"]
    assert merge_near_identical(keys) == merge_near_identical(list(reversed(keys)))


def test_merge_near_identical_leaves_acronyms_alone():
    kinds = {"opms": "acronym", "opm": "acronym"}
    assert merge_near_identical(["opms", "opm"], kind_of=kinds) == {"opms": "opms", "opm": "opm"}
    kinds = {"black recall": "coinage", "black recoil": "acronym"}
    assert merge_near_identical(list(kinds), kind_of=kinds) == {
        "black recall": "black recall", "black recoil": "black recoil"}


def test_term_key():
    assert term_key("O.P.M.S.", "acronym") == "opms"
    assert term_key("Black  Recoil", "coinage") == "black recoil"
    assert term_key("post-taper blues", "coinage") == "post taper blues"


def _terms_of(text):
    from extractors.sentences import split_sentences
    from extractors.terms import extract_terms
    return {t.normalized: t for t in extract_terms(text, split_sentences(text))}


def test_a_leading_article_is_not_part_of_the_coinage():
    terms = _terms_of('Sellers call it "the hollow phase". The hollow phase passes, they say.')
    assert "hollow phase" in terms and "the hollow phase" not in terms


def test_a_quoted_phrase_spelling_an_acronym_is_its_definition():
    terms = _terms_of('My vendor says I have V.R.D., which they spell out as "Vagal Rebound '
                      'Deficit". Another page calls it "vagal reset disorder" instead.')
    assert set(terms) == {"vrd"}
    assert [e.lower() for e in terms["vrd"].expansions] == ["vagal rebound deficit", "vagal reset disorder"]


def test_a_longer_run_is_not_a_misspelling_of_a_shorter_coinage():
    terms = _terms_of('Users call it ‘copper hush’. The copper hush is short. Copper hush it is.')
    assert terms["copper hush"].variants == ("copper hush",)  # not "The copper hush is"
