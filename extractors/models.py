"""Typed records produced by the extract stage.

The field names of Term, Dosing, Claim and Flag are a public contract (`claimwatch analyze`
JSON): later versions may add fields, never rename or remove them.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Link:
    href: str
    text: str


@dataclass(frozen=True)
class Page:
    """Main text and metadata of one HTML page."""

    url: str
    title: str | None
    published: str | None  # YYYY-MM-DD
    language: str | None
    text: str
    canonical_url: str | None = None
    author: str | None = None
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Term:
    term: str                 # the most frequent spelling in this document
    normalized: str           # group key: lower case, no dots or extra spaces
    kind: str                 # acronym | coinage
    expansions: tuple[str, ...]
    supported: bool           # found in an offline medical vocabulary
    count: int
    variants: tuple[str, ...] = ()
    snippet: str = ""


@dataclass(frozen=True)
class Dosing:
    text: str
    kind: str                 # amount | maximum | titration | individualised
    substance: str | None
    amount_low: float | None
    amount_high: float | None
    unit: str | None
    frequency: str | None
    sentence: str = ""
    phrase: str | None = None  # canonical wording, so weekly counts group spellings together


@dataclass(frozen=True)
class Claim:
    sentence: str
    substance: str | None
    effect: str | None
    condition: str | None
    hedged: bool
    cited: bool


@dataclass(frozen=True)
class Flag:
    kind: str
    detail: str


@dataclass(frozen=True)
class Analysis:
    page: Page
    terms: tuple[Term, ...] = ()
    dosing: tuple[Dosing, ...] = ()
    claims: tuple[Claim, ...] = ()
    flags: tuple[Flag, ...] = field(default=())

    def to_json(self) -> dict:
        """The `claimwatch analyze` record: page fields flattened, lists of plain dicts."""
        from extractors import EXTRACTOR_VERSION

        return {
            "url": self.page.url,
            "title": self.page.title,
            "published": self.page.published,
            "language": self.page.language,
            "text": self.page.text,
            "terms": [_plain(t) for t in self.terms],
            "dosing": [_plain(d) for d in self.dosing],
            "claims": [_plain(c) for c in self.claims],
            "flags": [_plain(f) for f in self.flags],
            "extractor_version": EXTRACTOR_VERSION,
        }


def _plain(record) -> dict:
    out = asdict(record)
    return {k: list(v) if isinstance(v, tuple) else v for k, v in out.items()}
