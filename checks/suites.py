"""Great Expectations suites, one per batch relation, defined in code as plain data.

GX validates DataFrames pulled from DuckDB (GX's SQL data source fails on DuckDB here; see
docs/stack-facts in shared docs). Imports of GX stay inside functions: it takes seconds.

Some expectations need the batch's context (its window, when it is audited, the volume of the
loads before it) and some need derived columns (a document's fetch date, a dose's plausible
maximum); `frames()` in checks/audit.py adds those columns, `expectations()` takes the context.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crawler.models import OUTCOMES
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
DOSING_KINDS = ["amount", "maximum", "taper", "titration", "individualised", "as_needed", "form"]
NON_BLANK = r"\S"
NEAR_EMPTY_CHARS = 200     # a document with less main text than this is near-empty
MAX_NEAR_EMPTY_SHARE = 0.5  # of a host's documents (hosts with at least 3) in one batch


@dataclass(frozen=True)
class Context:
    """What a batch is checked against."""
    window_start: datetime | None = None
    audited_at: datetime | None = None        # "never in the future" means before this
    trailing_pages: tuple[int, ...] = field(default=())  # page fetches of earlier loads


def expectations(suite: str, ctx: Context = Context()) -> list[tuple[str, dict]]:
    """(GX expectation class name, kwargs) per suite."""
    if suite == "fetches":
        found = [
            ("ExpectColumnValuesToNotBeNull", {"column": "url_hash"}),
            ("ExpectCompoundColumnsToBeUnique", {"column_list": ["url_hash", "kind"]}),
            ("ExpectColumnValuesToMatchRegex", {"column": "url", "regex": URL_REGEX}),
            ("ExpectColumnValuesToBeInSet", {"column": "status", "value_set": STATUS_CODES}),
            ("ExpectColumnValuesToBeInSet", {"column": "outcome", "value_set": list(OUTCOMES)}),
        ]
        if ctx.window_start and ctx.audited_at:
            # A crawl of a window runs when (or after) the window starts, and never later than
            # the audit; a backfill legitimately fetches long after the window ends.
            found.append(("ExpectColumnValuesToBeBetween", {
                "column": "fetched_at", "min_value": ctx.window_start, "max_value": ctx.audited_at}))
        return found
    if suite == "volume":  # the batch's page fetches, against the loads before it
        if len(ctx.trailing_pages) < 2:
            return []  # no history yet to compare with
        median = sorted(ctx.trailing_pages)[len(ctx.trailing_pages) // 2]
        return [("ExpectTableRowCountToBeBetween", {"min_value": median // 2,
                                                    "max_value": median * 2 + 10})]
    if suite == "documents":
        return [
            ("ExpectColumnValuesToNotBeNull", {"column": "doc_id"}),
            ("ExpectColumnValuesToBeUnique", {"column": "doc_id"}),
            ("ExpectColumnValuesToNotBeNull", {"column": "content_hash"}),
            ("ExpectColumnValuesToMatchRegex", {"column": "url", "regex": URL_REGEX}),
            ("ExpectColumnValuesToNotBeNull", {"column": "text"}),
            ("ExpectColumnValuesToBeBetween", {"column": "text_length", "min_value": 50,
                                               "max_value": 2_000_000}),
            ("ExpectColumnValuesToBeInSet", {"column": "language", "value_set": LANGUAGES}),
            ("ExpectColumnPairValuesAToBeGreaterThanB", {
                "column_A": "fetched_date", "column_B": "published", "or_equal": True,
                "ignore_row_if": "either_value_is_missing"}),
        ]
    if suite == "hosts":  # one row per host of the batch's documents
        return [("ExpectColumnValuesToBeBetween", {
            "column": "near_empty_share", "max_value": MAX_NEAR_EMPTY_SHARE})]
    if suite == "terms":
        return [
            ("ExpectColumnValuesToNotBeNull", {"column": "normalized"}),
            ("ExpectColumnValuesToNotBeNull", {"column": "group_key"}),
            ("ExpectCompoundColumnsToBeUnique", {"column_list": ["doc_id", "normalized"]}),
            ("ExpectColumnValuesToBeInSet", {"column": "kind", "value_set": ["acronym", "coinage"]}),
            ("ExpectColumnValuesToBeBetween", {"column": "mention_count", "min_value": 1}),
        ]
    if suite == "dosing":
        return [
            ("ExpectColumnValuesToBeInSet", {"column": "kind", "value_set": DOSING_KINDS}),
            ("ExpectColumnValuesToBeInSet", {"column": "unit", "value_set": sorted(CANONICAL_UNITS)}),
            ("ExpectColumnValuesToBeBetween", {"column": "amount_low", "min_value": 0,
                                               "strict_min": True}),
            ("ExpectColumnPairValuesAToBeGreaterThanB", {
                "column_A": "amount_high", "column_B": "amount_low", "or_equal": True,
                "ignore_row_if": "either_value_is_missing"}),
            # Plausible per unit (config/checks.yaml plausible_max): "4000 g" is a parser bug.
            ("ExpectColumnPairValuesAToBeGreaterThanB", {
                "column_A": "plausible_max", "column_B": "amount_high", "or_equal": True,
                "ignore_row_if": "either_value_is_missing"}),
        ]
    if suite == "claims":
        return [
            ("ExpectColumnValuesToMatchRegex", {"column": "sentence", "regex": NON_BLANK}),
            ("ExpectColumnValuesToNotBeNull", {"column": "sentence"}),
            ("ExpectColumnValuesToNotBeNull", {"column": "substance"}),
            ("ExpectColumnValuesToNotBeNull", {"column": "effect"}),
            ("ExpectColumnValuesToNotBeNull", {"column": "condition"}),
        ]
    raise KeyError(suite)


SUITES = ("fetches", "volume", "documents", "hosts", "terms", "dosing", "claims")
