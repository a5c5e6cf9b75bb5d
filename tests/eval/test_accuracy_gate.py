"""CI's accuracy gate: every category stays at or above the floors pinned in baseline.json."""
import json

import pytest

from tests.eval.score import BASELINE, CATEGORIES, EVAL_DIR, evaluate


@pytest.fixture(scope="module")
def totals():
    return evaluate()


def test_the_annotated_set_is_large_and_varied():
    import yaml
    pages = [yaml.safe_load(p.read_text()) for p in EVAL_DIR.glob("*.yaml")]
    assert len(pages) >= 40
    assert {p["template"] for p in pages} >= {"blog", "shop", "forum", "clinic", "news"}
    assert sum(1 for p in pages if not p.get("unsupported_terms")) >= 8  # clean clinical pages


@pytest.mark.parametrize("category", CATEGORIES)
def test_category_meets_its_floor(totals, category):
    floors = json.loads(BASELINE.read_text())["floors"][category]
    tally = totals[category]
    assert tally.tp + tally.fn > 0, f"{category}: the set has nothing to score"
    assert tally.precision >= floors["precision"], (category, tally.misses[:10])
    assert tally.recall >= floors["recall"], (category, tally.misses[:10])
