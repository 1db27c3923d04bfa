"""Benchmarks and evaluations: `make bench` and the accuracy figures the tests hold floors on."""
