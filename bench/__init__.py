"""Benchmarks with their targets (run by hand; never timed assertions in tests)."""
