"""Benchmarks: `make bench` runs every module's run(), printing BENCH and RATIO lines."""
