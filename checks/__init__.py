"""Data-quality checks (Great Expectations) and claim rules."""
