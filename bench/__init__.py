"""Performance benchmarks (DESIGN.md §8): ``make bench`` runs ``bench/run.py``."""
