"""Hypothesis profiles for the property tests. "ci" (the default) is fast and deterministic:
the same examples every run, so a red CI is reproducible and a green one is not luck.
"thorough" searches wider and randomly; run it by hand after changing a parser:

    HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest tests/property -q
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# database=None: nothing is written to .hypothesis/; print_blob shows how to replay a failure.
# deadline=None: the first call into an extractor builds lexicons and compiles patterns, and a
# shared 2-core CI machine has slow moments; neither is a failure of the code under test.
settings.register_profile(
    "ci", max_examples=200, deadline=None, derandomize=True, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "thorough", max_examples=5000, deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
