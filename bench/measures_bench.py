"""Speed of the vectorised measures against their readable reference implementations."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd


def _best_of(func, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_readiness(n: int = 100_000, reference_rows: int = 5_000) -> list[dict]:
    """Score 100k random respondents: fast vs the per-row reference loop.

    Goals: fast ≤ 0.5 s for 100k rows and ≥ 50× faster than the reference. The
    reference is timed on ``reference_rows`` rows and scaled linearly to ``n``
    (it is a plain per-row loop, so its cost is linear in the rows).
    """
    from sme_teach.measures import load_instrument, readiness_scores, readiness_scores_reference

    inst = load_instrument()
    rng = np.random.default_rng(2026)
    responses = pd.DataFrame(rng.integers(1, 6, size=(n, len(inst.item_ids))), columns=inst.item_ids)
    readiness_scores(responses.head(10))  # warm the instrument cache
    fast = _best_of(lambda: readiness_scores(responses), 3)
    sample = responses.head(reference_rows)
    ref_sample = _best_of(lambda: readiness_scores_reference(sample), 1)
    ref = ref_sample * n / reference_rows
    # same answers on the sample
    pd.testing.assert_frame_equal(readiness_scores(sample), readiness_scores_reference(sample), check_dtype=False)
    ratio = ref / fast
    return [
        {
            "metric": f"readiness_scores, {n:,} respondents × {len(inst.item_ids)} items (best of 3)",
            "value": round(fast, 4), "unit": "s", "goal": "≤ 0.5 s",
            "compared_with": "", "ratio": None, "passed": fast <= 0.5,
        },
        {
            "metric": "readiness_scores speed-up over readiness_scores_reference",
            "value": round(ratio, 1), "unit": "×", "goal": "≥ 50×",
            "compared_with": (f"reference: {ref_sample:.2f} s on {reference_rows:,} rows, scaled linearly to "
                              f"{n:,} rows = {ref:.1f} s"),
            "ratio": round(ratio, 1), "passed": ratio >= 50,
        },
    ]


def bench_cascade(n: int = 10_000, runs: int = 1000, p: float = 0.05, reference_runs: int = 100) -> list[dict]:
    """1000 independent cascades on a 10k-node Barabási-Albert graph (m=3, mean degree ≈ 6), p = 0.05.

    Goal: the vectorised version ≥ 20× faster than the pure-Python reference. The
    reference is timed on ``reference_runs`` runs and scaled linearly to ``runs``
    (runs are independent, so its cost is linear in the runs).
    """
    import networkx as nx

    from sme_teach.measures import independent_cascade, independent_cascade_reference

    G = nx.barabasi_albert_graph(n, 3, seed=1)
    seeds = [0, 1, 2, 3, 4]
    # setup cost (edge lists, CSR) is part of both timings
    fast = _best_of(lambda: independent_cascade(G, seeds, p, runs=runs, seed=1), 3)
    ref_part = _best_of(lambda: independent_cascade_reference(G, seeds, p, runs=reference_runs, seed=1), 3)
    ref_one = _best_of(lambda: independent_cascade_reference(G, seeds, p, runs=1, seed=1), 3)
    # set-up once, then the per-run cost scaled linearly from reference_runs to runs
    ref = ref_one + (ref_part - ref_one) * (runs - 1) / (reference_runs - 1)
    ratio = ref / fast
    mean_deg = 2 * G.number_of_edges() / n
    return [
        {
            "metric": (f"independent_cascade, {runs} runs, BA graph n={n:,} (mean degree {mean_deg:.1f}), "
                       f"p={p}, {len(seeds)} seeds (best of 3)"),
            "value": round(fast, 4), "unit": "s", "goal": "≥ 20× reference",
            "compared_with": (f"reference (best of 3): {ref_part:.3f} s for {reference_runs} runs, {ref_one:.3f} s for 1, "
                              f"per-run cost scaled linearly to {runs} runs = {ref:.1f} s"),
            "ratio": round(ratio, 1), "passed": ratio >= 20,
        }
    ]
