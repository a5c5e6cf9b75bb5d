"""Warehouse fixtures: the demo warehouse, built once per session without Airflow.

`demo_warehouse` runs the pipeline's stage functions (crawl, extract, load, check) for the four
demo weeks over the bundled demo web on 127.0.0.1, in a temporary CLAIMWATCH_HOME, and yields
the path of the finished data/warehouse.duckdb. It is session-scoped: any test under
tests/warehouse/ can ask for it and share the one build. Open it read-only
(`duckdb.connect(str(path), read_only=True)`) so tests cannot change what the others see.
Tests that use it start local servers: mark them `pytest.mark.integration`."""
from __future__ import annotations

import time
from datetime import datetime, time as dtime, timedelta, timezone
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory) -> Path:
    """Path of a warehouse holding the four demo weeks, crawled, extracted, loaded and checked."""
    from claimwatch import pipeline, settings
    from claimwatch.demo import DEMO_WEEKS
    from claimwatch.demo_site import DemoWeb, sources_yaml
    from crawler.models import Window

    home = tmp_path_factory.mktemp("demo_warehouse")
    started = time.monotonic()
    with pytest.MonkeyPatch.context() as mp, DemoWeb(ports={}) as web:  # free ports, 127.0.0.1 only
        sources = home / "sources.yaml"
        sources.write_text(sources_yaml(web.origins, delay_seconds=0), encoding="utf-8")
        mp.setenv("CLAIMWATCH_HOME", str(home))
        mp.setenv("CLAIMWATCH_SOURCES", str(sources))
        # northbridge's robots.txt asks for Crawl-delay: 1, which would make the crawl ~13 s of
        # sleeping against our own 127.0.0.1 server. Waiving it changes no warehouse row.
        mp.setattr("crawler.robots.RobotsCache.crawl_delay", lambda self, base: 0.0)
        conf = settings.load()
        for week in DEMO_WEEKS:
            start = datetime.combine(week, dtime(), timezone.utc)
            window = Window(start, start + timedelta(weeks=1))
            crawled = pipeline.crawl_window(conf, window, run_id="cookbook")
            extracted = pipeline.extract_window(conf, crawled["path"])
            loaded = pipeline.load_window(conf, crawled["path"], extracted["path"])
            pipeline.check_batch(conf, loaded["load_id"])
    path = conf.warehouse_path
    assert path.exists(), f"the demo build wrote no warehouse at {path}"
    print(f"\ndemo_warehouse built in {time.monotonic() - started:.1f} s at {path}")
    return path
