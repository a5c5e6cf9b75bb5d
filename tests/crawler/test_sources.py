"""crawler.sources: config/sources.yaml → Source records; errors name file:line and field."""
import textwrap

import pytest

from crawler.models import Source
from crawler.sources import SourcesError, load_sources


def write(tmp_path, text: str):
    path = tmp_path / "sources.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


VALID = """
defaults:
  delay_seconds: 0.5
  max_depth: 2
sources:
  - name: wellness-blog
    seeds: [https://wellness.example.com/]
    sitemaps: [https://wellness.example.com/sitemap.xml]
    feeds: [https://wellness.example.com/feed/]
    allow: ['^https://wellness\\.example\\.com/(blog|guides)/']
    deny: ['/tag/', '\\?replytocom=']
    max_pages: 50
  - name: news_2
    feeds: [http://news.example.org/rss]
    delay_seconds: 3
"""


def test_valid_file_loads_with_defaults(tmp_path):
    sources = load_sources(write(tmp_path, VALID))
    assert [s.name for s in sources] == ["wellness-blog", "news_2"]
    blog, news = sources
    assert isinstance(blog, Source)
    assert blog.seeds == ("https://wellness.example.com/",)
    assert blog.sitemaps == ("https://wellness.example.com/sitemap.xml",)
    assert blog.feeds == ("https://wellness.example.com/feed/",)
    assert blog.allow == (r"^https://wellness\.example\.com/(blog|guides)/",)
    assert blog.deny == ("/tag/", r"\?replytocom=")
    assert (blog.max_pages, blog.max_depth, blog.delay_seconds) == (50, 2, 0.5)  # file defaults
    # per-source values win over file defaults; model defaults fill the rest
    assert (news.delay_seconds, news.max_depth, news.max_pages) == (3, 2, Source("x").max_pages)
    assert news.seeds == () and news.sitemaps == () and news.allow == ()
    # records are hashable/frozen with tuples, never lists
    assert all(isinstance(getattr(blog, f), tuple)
               for f in ("seeds", "sitemaps", "feeds", "allow", "deny"))


def test_model_defaults_without_defaults_block(tmp_path):
    (src,) = load_sources(write(tmp_path, """
        sources:
          - name: solo
            seeds: [https://a.example/]
        """))
    assert src == Source(name="solo", seeds=("https://a.example/",))
    assert (src.max_depth, src.max_pages, src.delay_seconds) == (1, 200, 1.0)


GOOD = "  - name: good\n    seeds: [https://good.example/]\n"

# (entry YAML for the second source, which starts on line 3; words the message must contain)
BAD = {
    "unknown field": ("  - name: bad\n    seeds: [https://a.example/]\n    colour: red\n",
                      ["unknown field", "'colour'"]),
    "wrong type int": ("  - name: bad\n    seeds: [https://a.example/]\n    max_pages: lots\n",
                       ["'max_pages'", "wrong type"]),
    "bool is not int": ("  - name: bad\n    seeds: [https://a.example/]\n    max_depth: true\n",
                        ["'max_depth'", "wrong type"]),
    "seeds not a list": ("  - name: bad\n    seeds: https://a.example/\n",
                         ["'seeds'", "wrong type"]),
    "bad url": ("  - name: bad\n    seeds: ['ftp://a.example/']\n", ["'seeds'", "ftp://a.example/"]),
    "url not a string": ("  - name: bad\n    sitemaps: [42]\n", ["'sitemaps'", "42"]),
    "bad regex": ("  - name: bad\n    seeds: [https://a.example/]\n    deny: ['(unclosed']\n",
                  ["'deny'", "bad pattern", "(unclosed"]),
    "bad allow regex": ("  - name: bad\n    seeds: [https://a.example/]\n    allow: ['*x']\n",
                        ["'allow'", "bad pattern"]),
    "duplicate name": ("  - name: good\n    feeds: [https://b.example/rss]\n",
                       ["name", "duplicate", "'good'"]),
    "no start urls": ("  - name: bad\n    max_pages: 3\n", ["seeds, sitemaps or feeds", "'bad'"]),
    "empty start urls": ("  - name: bad\n    seeds: []\n    feeds: []\n", ["seeds, sitemaps or feeds"]),
    "bad name": ("  - name: Bad Name\n    seeds: [https://a.example/]\n", ["'name'"]),
    "negative delay": ("  - name: bad\n    seeds: [https://a.example/]\n    delay_seconds: -1\n",
                       ["delay_seconds"]),
    "zero max_pages": ("  - name: bad\n    seeds: [https://a.example/]\n    max_pages: 0\n",
                       ["max_pages"]),
    "entry not a mapping": ("  - just-a-string\n", []),
    "private flag not a bool": ("  - name: bad\n    seeds: [https://a.example/]\n"
                                "    allow_private_networks: 'yes'\n",
                                ["'allow_private_networks'", "wrong type"]),
    "zero crawl frequency": ("  - name: bad\n    seeds: [https://a.example/]\n"
                             "    crawl_every_weeks: 0\n", ["'crawl_every_weeks'", "> 0"]),
    "zero max_bytes": ("  - name: bad\n    seeds: [https://a.example/]\n    max_bytes: 0\n",
                       ["'max_bytes'"]),
}


@pytest.mark.parametrize("case", list(BAD))
def test_errors_name_file_line_and_field(tmp_path, case):
    entry, words = BAD[case]
    path = write(tmp_path, "sources:\n" + GOOD + entry)
    with pytest.raises(SourcesError) as info:
        load_sources(path)
    message = str(info.value)
    assert f"{path}:4:" in message, message  # the bad entry starts on line 4
    for word in words:
        assert word in message, message


def test_error_line_counts_blank_lines_and_comments(tmp_path):
    path = write(tmp_path, """
        # comment
        defaults:
          max_pages: 5

        sources:
          - name: one
            seeds: [https://a.example/]
          # another comment

          - name: two
            seeds: [https://a.example/]
            max_depht: 2
        """)
    with pytest.raises(SourcesError, match=r"sources\.yaml:10: unknown field 'max_depht'"):
        load_sources(path)


def test_bad_field_in_defaults_is_reported(tmp_path):
    path = write(tmp_path, "defaults:\n  max_pages: many\nsources:\n" + GOOD)
    with pytest.raises(SourcesError, match=r"sources\.yaml:4: field 'max_pages' has the wrong"):
        load_sources(path)


@pytest.mark.parametrize("text", [
    "sources: {name: x}\n", "nothing: here\n", "", "- a\n- b\n", "defaults: [1, 2]\nsources:\n" + GOOD,
])
def test_bad_top_level_shape(tmp_path, text):
    with pytest.raises(SourcesError, match="sources.yaml"):
        load_sources(write(tmp_path, text))


def test_invalid_yaml(tmp_path):
    with pytest.raises(SourcesError, match="not valid YAML"):
        load_sources(write(tmp_path, "sources:\n  - name: [unclosed\n"))


def test_frequency_and_politeness_overrides(tmp_path):
    from datetime import datetime, timedelta, timezone

    path = write(tmp_path, """
        sources:
          - name: fortnightly
            seeds: [https://a.example/]
            crawl_every_weeks: 2
            max_bytes: 2000000
            timeout_seconds: 15
            allow_private_networks: true
        """)
    (src,) = load_sources(path)
    assert (src.crawl_every_weeks, src.max_bytes, src.timeout_seconds) == (2, 2_000_000, 15)
    assert src.allow_private_networks is True
    monday = datetime(2026, 11, 2, tzinfo=timezone.utc)
    due = [src.due(monday + timedelta(weeks=n)) for n in range(4)]
    assert due.count(True) == 2 and due[0] != due[1] and due[0] == due[2]


def test_overrides_reach_the_fetch_policy():
    from crawler.crawl import _fetcher_for
    from crawler.fetch import Fetcher

    base = Fetcher()
    assert _fetcher_for(Source(name="plain", seeds=("https://a.example/",)), base) is base
    tuned = _fetcher_for(Source(name="t", seeds=("https://a.example/",), max_bytes=1000,
                                timeout_seconds=5, allow_private_networks=True), base)
    assert (tuned.policy.max_bytes, tuned.policy.read_timeout, tuned.policy.total_timeout) == (1000, 5, 5)
    assert tuned.policy.allow_private_networks and not base.policy.allow_private_networks
