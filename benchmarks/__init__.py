"""Benchmarks of the V2C Cloud integration (run by scripts/bench, not by the test suite)."""
