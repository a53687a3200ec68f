"""Benchmarks for sme_teach (`make bench`). Not tests: nothing here runs in `make test`.

Each ``bench/*_bench.py`` module exposes ``bench_*()`` functions that return a list of rows::

    {"metric", "value", "unit", "goal", "compared_with", "ratio", "passed"}

Where there is a peer, both sides are measured in the same run and the goal is a ratio, so a
noisy machine does not decide the result.
"""
