"""Great Expectations suites, one per batch table, defined in code.

GX validates DataFrames pulled from DuckDB (GX's SQL data source fails on DuckDB here; see
docs/stack-facts in shared docs). Imports of GX stay inside functions: it takes seconds."""
from __future__ import annotations

from extractors.dosing import CANONICAL_UNITS

URL_REGEX = r"^https?://[^\s/$.?#][^\s]*$"
STATUS_CODES = [200, 203, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 405, 408,
                410, 429, 500, 502, 503, 504]
# ISO 639-1 codes py3langid can emit (a superset is harmless).
LANGUAGES = sorted(set(
    "af am an ar as az be bg bn br bs ca cs cy da de dz el en eo es et eu fa fi fo fr ga gl gu "
    "he hi hr ht hu hy id is it ja jv ka kk km kn ko ku ky la lb lo lt lv mg mk ml mn mr ms mt nb "
    "ne nl nn no oc or pa pl ps pt qu ro ru rw se si sk sl sq sr sv sw ta te th tl tr ug uk ur vi "
    "vo wa xh zh zu".split()))


def expectations(suite: str) -> list[tuple[str, dict]]:
    """(GX expectation class name, kwargs) per suite. Plain data, so tests can read it."""
    if suite == "documents":
        return [
            ("ExpectColumnValuesToNotBeNull", {"column": "doc_id"}),
            ("ExpectColumnValuesToBeUnique", {"column": "doc_id"}),
            ("ExpectColumnValuesToMatchRegex", {"column": "url", "regex": URL_REGEX}),
            ("ExpectColumnValuesToNotBeNull", {"column": "text"}),
            ("ExpectColumnValuesToBeBetween", {"column": "text_length", "min_value": 50,
                                               "max_value": 2_000_000}),
            ("ExpectColumnValuesToBeInSet", {"column": "language", "value_set": LANGUAGES}),
        ]
    if suite == "terms":
        return [
            ("ExpectColumnValuesToNotBeNull", {"column": "normalized"}),
            ("ExpectColumnValuesToNotBeNull", {"column": "group_key"}),
            ("ExpectColumnValuesToBeInSet", {"column": "kind", "value_set": ["acronym", "coinage"]}),
            ("ExpectColumnValuesToBeBetween", {"column": "mention_count", "min_value": 1}),
        ]
    if suite == "dosing":
        return [
            ("ExpectColumnValuesToBeInSet", {"column": "kind", "value_set": [
                "amount", "maximum", "taper", "titration", "individualised", "as_needed", "form"]}),
            ("ExpectColumnValuesToBeInSet", {"column": "unit", "value_set": sorted(CANONICAL_UNITS)}),
            ("ExpectColumnValuesToBeBetween", {"column": "amount_low", "min_value": 0,
                                               "strict_min": True}),
            ("ExpectColumnPairValuesAToBeGreaterThanB", {
                "column_A": "amount_high", "column_B": "amount_low", "or_equal": True,
                "ignore_row_if": "either_value_is_missing"}),
        ]
    if suite == "claims":
        return [
            ("ExpectColumnValuesToNotBeNull", {"column": "sentence"}),
            ("ExpectColumnValuesToNotBeNull", {"column": "substance"}),
            ("ExpectColumnValuesToNotBeNull", {"column": "effect"}),
        ]
    if suite == "fetches":
        return [
            ("ExpectColumnValuesToNotBeNull", {"column": "url_hash"}),
            ("ExpectColumnValuesToMatchRegex", {"column": "url", "regex": URL_REGEX}),
            ("ExpectColumnValuesToBeInSet", {"column": "status", "value_set": STATUS_CODES}),
        ]
    raise KeyError(suite)


SUITES = ("fetches", "documents", "terms", "dosing", "claims")
