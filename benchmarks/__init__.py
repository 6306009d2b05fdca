"""Benchmarks: `python benchmarks/run.py` (see benchmarks/RESULTS.md)."""
