import re

from extractors.lexicons import condition_pattern, substance_pattern, trie_pattern


def test_trie_pattern_matches_every_word_and_prefers_the_longest():
    words = ["opioid withdrawal", "opioid use disorder", "withdrawal", "withdrawal symptoms",
             "pain", "chronic pain", "mg", "mg/kg", "µg"]
    pattern = re.compile(r"\b(" + trie_pattern(words) + r")(?!\w)", re.IGNORECASE)
    for word in words:
        assert pattern.fullmatch(word), word
    assert pattern.findall("withdrawal symptoms, chronic pain, 5 mg/kg") == [
        "withdrawal symptoms", "chronic pain", "mg/kg"]


def test_lexicon_patterns_find_aliases_and_plurals():
    assert [m.group(1) for m in substance_pattern().finditer(
        "Mitragyna speciosa (kratom) and kava kava")] == ["Mitragyna speciosa", "kratom", "kava kava"]
    assert [m.group(1).lower() for m in condition_pattern().finditer(
        "It eased my moods and restless legs")] == ["mood", "restless legs"]
