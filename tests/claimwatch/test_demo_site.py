import urllib.error
import urllib.request

import pytest
import yaml

from claimwatch.demo_site import SITE_ROOT, DemoWeb, sources_yaml
from crawler.sources import load_sources

pytestmark = pytest.mark.integration


def fetch(url):
    with urllib.request.urlopen(url, timeout=5) as resp:
        return resp.status, resp.headers["Content-Type"], resp.read().decode()


def test_sites_serve_with_their_own_origin_and_hide_manifests(tmp_path):
    with DemoWeb(ports={}) as web:
        origin = web.origins["leafwise"]
        status, ctype, body = fetch(origin + "/sitemap.xml")
        assert status == 200 and ctype.startswith("application/xml")
        assert "{{base}}" not in body and f"{origin}/posts/" in body
        assert fetch(origin + "/")[2] == fetch(origin + "/index.html")[2]
        for path in ("/_manifest.yaml", "/../kavahaven/index.html", "/nope.html"):
            with pytest.raises(urllib.error.HTTPError) as err:
                fetch(origin + path)
            assert err.value.code == 404
        config = tmp_path / "sources.yaml"
        config.write_text(sources_yaml(web.origins, delay_seconds=0))
        names = [s.name for s in load_sources(config)]
        assert names == sorted(p.name for p in SITE_ROOT.iterdir() if p.is_dir())


def test_demo_web_has_enough_dated_pages_across_four_weeks_and_templates():
    pages = []
    for manifest in SITE_ROOT.glob("*/_manifest.yaml"):
        pages += [p for p in yaml.safe_load(manifest.read_text()) if p.get("week")]
    assert len(pages) >= 20
    assert {p["week"] for p in pages} == {1, 2, 3, 4}
    assert {p["template"] for p in pages} >= {"blog", "shop", "forum", "clinic"}
    for site in SITE_ROOT.iterdir():
        assert (site / "robots.txt").exists() and (site / "sitemap.xml").exists()
    assert list(SITE_ROOT.glob("*/feed.xml"))


def test_demo_sources_file_matches_the_demo_ports():
    from claimwatch.demo_site import DEMO_PORTS
    from pathlib import Path
    shipped = load_sources(Path(__file__).resolve().parents[2] / "config" / "sources.yaml")
    assert {s.name: s.seeds[0] for s in shipped} == {
        name: f"http://127.0.0.1:{port}/index.html" for name, port in DEMO_PORTS.items()}
