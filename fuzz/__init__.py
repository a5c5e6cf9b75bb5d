"""Fuzz targets (atheris, libFuzzer): `make fuzz` runs fuzz_analyze.py."""
