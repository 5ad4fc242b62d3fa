"""Benchmarks of the whole crawl: ``python -m bench.run`` (``make bench``).

See BENCHMARKS.md for what is measured and the latest figures.
"""
