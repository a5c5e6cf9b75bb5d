"""The crawl stage: the only package that speaks HTTP."""
