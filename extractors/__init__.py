"""Pure extraction: HTML and URL in, typed records out. No network, no database."""

EXTRACTOR_VERSION = "0.2.2"
