"""Benchmarks, each run as `python -m bench.<name>` and printing a table."""
