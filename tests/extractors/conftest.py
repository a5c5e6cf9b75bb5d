"""Shared fixtures for the extractor tests: fixture pages and small text helpers."""
from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"


from extractors.analyze import analyze_html

# Fixture page → the URL it is served from.
PAGES = {
    "blog": ("blog_recovery.html", "https://quietharbor.example.org/blog/life-after-leaf"),
    "shop": ("shop_kava.html", "https://driftwood-botanicals.example.com/products/island-calm-kava"),
    "clinic": ("clinic_moud.html", "https://northgate-clinic.example.net/services/moud"),
    "spanish": ("blog_es.html", "https://bienestar-sereno.example.es/blog/dormir-mejor"),
    "boilerplate": ("boilerplate_only.html", "https://driftwood-botanicals.example.com/old-page"),
}


def read_fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def page_html():
    """name → (html, url) for every fixture page."""
    return {key: (read_fixture(fname), url) for key, (fname, url) in PAGES.items()}


@pytest.fixture(scope="session")
def analyses(page_html):
    """name → Analysis for the pages that have main text (analysed once per session)."""
    return {key: analyze_html(html, url) for key, (html, url) in page_html.items()
            if key != "boilerplate"}


@pytest.fixture(scope="session")
def blog(analyses):
    return analyses["blog"]


@pytest.fixture(scope="session")
def shop(analyses):
    return analyses["shop"]


@pytest.fixture(scope="session")
def clinic(analyses):
    return analyses["clinic"]
