"""Widget callback compute: p95 over 200 calls of every lesson view's use case (sme_teach.cases).

The views call these functions on every slider move; the goal is an instant answer
(≤ 30 ms at the 95th percentile for the heaviest). The loaders' parse caches are warmed
first, as the views do when they are built; the use cases themselves cache nothing.
"""

from __future__ import annotations

import time

import numpy as np


def _cases():
    import pandas as pd

    from sme_teach import cases, synthetic

    kpis = pd.DataFrame({"kpi": ["EU contract", "Japan orders", "rejected consignment"],
                         "benefit": [90.0, 40.0, -30.0], "cost": [20.0, 6.0, 0.0],
                         "probability": [0.30, 0.45, 0.15]})
    firm = cases.firm_options()[0][1]
    cohort = cases.Cohort()  # as capstone_view does: the cohort is scored once per view
    timing = synthetic.firm_timing_table()  # as born_global_view does
    return {
        "lesson 01 construct": lambda: cases.construct("benefits"),
        "lesson 01 literature_studies": lambda: cases.literature_studies("sf_capacity_building"),
        "lesson 02 marginal_analysis": lambda: cases.marginal_analysis(kpis, {"EU contract": 0.4}, {"Japan orders": 50}),
        "lesson 03 uppsala_step": lambda: cases.uppsala_step("sales subsidiary"),
        "lesson 03 cultural_distance": lambda: cases.cultural_distance("IND"),
        "lesson 04 grapevine": lambda: cases.grapevine("KS44", 0.3),
        "lesson 05 born_globals": lambda: cases.born_globals(3, 0.25, timing=timing),
        "lesson 06 khulna_readiness": lambda: cases.khulna_readiness({"cap_2": 4}),
        "lesson 07 alliance_fsa": lambda: cases.alliance_fsa(0.5, 0.6, 0.8, "mean", "capital_base_development"),
        "lesson 08 entry_mode": lambda: cases.entry_mode(0.9, 0.8, 0.7, 0.8, 0.6),
        "lesson 08 destination_ranking": lambda: cases.destination_ranking(),
        "lesson 09 firm_profile": lambda: cases.firm_profile(firm, cohort=cohort),
    }


def bench_widget_callbacks(calls: int = 200) -> list[dict]:
    results = {}
    for name, func in _cases().items():
        func()  # warm caches
        times = np.empty(calls)
        for i in range(calls):
            t0 = time.perf_counter()
            func()
            times[i] = time.perf_counter() - t0
        results[name] = 1000 * float(np.percentile(times, 95))
    heaviest = max(results, key=results.get)
    rows = [{
        "metric": f"heaviest widget callback compute, p95 over {calls} calls ({heaviest})",
        "value": round(results[heaviest], 1), "unit": "ms", "goal": "≤ 30 ms", "compared_with": "—",
        "ratio": None, "passed": results[heaviest] <= 30,
    }]
    rows += [{"metric": f"  {name}, p95", "value": round(v, 1), "unit": "ms", "goal": "≤ 30 ms",
              "compared_with": "—", "ratio": None, "passed": v <= 30} for name, v in sorted(results.items())]
    return rows
