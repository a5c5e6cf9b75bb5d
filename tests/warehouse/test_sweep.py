"""The known-term sweep (warehouse/sweep.py): which bare uses of known jargon it counts."""
import re

import pytest

from warehouse.sweep import alternations, passes, sweep_known_terms


def _matches(pattern: str, text: str, double: bool) -> list[str]:
    """What sweep_scan.sql extracts, in Python's re (the patterns use only RE2-safe syntax)."""
    if double:
        text = re.sub(r"([^A-Za-z0-9.])", r"\1\1", text)
    return [m.group(1) for m in re.finditer(pattern, text)]


def test_overlapping_coinages_go_to_separate_passes():
    groups = passes(["ember river", "river willow", "willow mellow", "black recall", "recall"])
    where = {s: i for i, group in enumerate(groups) for s in group}
    assert where["ember river"] != where["river willow"] != where["willow mellow"]
    assert where["black recall"] != where["recall"]  # one inside the other
    assert len(groups) == 2


def test_every_overlapping_coinage_is_found():
    text = "People swear by Ember River Willow Mellow, or ember-river for short."
    found = [s for p in alternations(["ember river", "river willow", "willow mellow"], "coinage")
             for s in _matches(p, text, double=False)]
    assert sorted(found) == ["Ember River", "River Willow", "Willow Mellow", "ember-river"]


@pytest.mark.parametrize("text, expected", [
    ("We use OPMS XYZ daily", ["OPMS", "XYZ"]),        # one space apart: both found
    ("the O.P.M.S. protocol", ["O.P.M.S."]),            # dotted, final dot kept for the snippet
    ("as in K.B.K.W. and XOPMS", []),                   # only whole tokens count
    ("inside O.P.M.S. there is no MS, only here: MS.", ["O.P.M.S.", "MS", "MS."]),
])
def test_acronyms_match_whole_tokens_with_optional_dots(text, expected):
    [pattern] = alternations(["opms", "xyz", "kbk", "ms"], "acronym")
    assert _matches(pattern, text, double=True) == expected


def _doc(con, doc_id, text, week):
    con.execute("""INSERT INTO documents (doc_id, url_hash, url, host, source, content_hash,
                   extractor_version, text, text_length, first_seen_window, load_id)
                   VALUES (?, ?, ?, 'a.example', 's', ?, 'v', ?, ?, ?, 'l')""",
                [doc_id, doc_id, f"https://a.example/{doc_id}", doc_id, text, len(text), week])
    con.execute("INSERT INTO document_sightings VALUES (?, ?, ?, 'l')", [doc_id, week, week])


def _term(con, doc_id, key, kind, surface):
    con.execute("INSERT INTO term_groups VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [key, surface, kind])
    con.execute("INSERT INTO term_variants VALUES (?, ?) ON CONFLICT DO NOTHING", [key, key])
    con.execute("""INSERT INTO term_mentions (doc_id, normalized, group_key, term, kind, expansions,
                   variants, supported, mention_count, snippet, origin)
                   VALUES (?, ?, ?, ?, ?, [], [], false, 1, '', 'extractor')""",
                [doc_id, key, key, surface, kind])


def _known(con):
    return sorted(con.execute("""SELECT doc_id, group_key, mention_count, snippet FROM term_mentions
                                 WHERE origin = 'known_term'""").fetchall())


def test_a_new_term_is_found_in_older_pages_and_the_batch(warehouse):
    con = warehouse
    _doc(con, "old", "Back in spring a forum mentioned O.P.M.S. twice. Yes, OPMS again.", "2026-10-05")
    _doc(con, "new", "O.P.M.S. (opioid protocol) is defined here. Black Recall follows.", "2026-11-16")
    _doc(con, "peer", "Another page: black-recall, the rebound.", "2026-11-16")
    _term(con, "new", "opms", "acronym", "O.P.M.S.")
    _term(con, "new", "black recall", "coinage", "Black Recall")
    con.execute("CREATE TEMP TABLE batch_documents AS SELECT 'new' AS doc_id UNION ALL SELECT 'peer'")
    assert sweep_known_terms(con) == 2
    assert _known(con) == [
        ("old", "opms", 2, "Back in spring a forum mentioned O.P.M.S. twice"),
        ("peer", "black recall", 1, "Another page: black-recall, the rebound")]
    # Idempotent: a second sweep of the same batch adds nothing.
    assert sweep_known_terms(con) == 0


def test_older_pages_are_not_rescanned_for_terms_already_known(warehouse):
    con = warehouse
    _doc(con, "first", "Users of OPMS describe it.", "2026-10-05")
    _term(con, "first", "opms", "acronym", "OPMS")
    _doc(con, "untouched", "An old page that says OPMS once.", "2026-10-05")
    _doc(con, "batch", "This week OPMS shows up again.", "2026-11-16")
    con.execute("CREATE TEMP TABLE batch_documents AS SELECT 'batch' AS doc_id")
    sweep_known_terms(con)
    # "opms" was jargon before this batch, so only the batch's page is swept for it.
    assert [r[0] for r in _known(con)] == ["batch"]
