"""Widget callback compute: p95 over 200 calls of every lesson view's compute function.

The views call these functions on every slider move; the goal is an instant answer
(≤ 30 ms at the 95th percentile for the heaviest). Data caches are warmed first, as the
views do when they are built.
"""

from __future__ import annotations

import time

import numpy as np


def _cases():
    import pandas as pd

    from sme_teach.widgets import _foundations as fw
    from sme_teach.widgets import _networks as nw
    from sme_teach.widgets import _strategy as st

    kpis = pd.DataFrame({"kpi": ["EU contract", "Japan orders", "rejected consignment"],
                         "benefit": [90.0, 40.0, -30.0], "cost": [20.0, 6.0, 0.0],
                         "probability": [0.30, 0.45, 0.15]})
    firm = st.firm_options()[0][1]
    return {
        "lesson 01 compute_construct": lambda: fw.compute_construct("benefits"),
        "lesson 01 compute_literature": lambda: fw.compute_literature("sf_capacity_building"),
        "lesson 02 compute_marginal_analysis": lambda: fw.compute_marginal_analysis(kpis, {"EU contract": 0.4}, {"Japan orders": 50}),
        "lesson 03 compute_uppsala_step": lambda: fw.compute_uppsala_step("sales subsidiary"),
        "lesson 03 compute_cultural_distance": lambda: fw.compute_cultural_distance("IND"),
        "lesson 04 compute_spillover": lambda: nw.compute_spillover("KS44", 0.3),
        "lesson 05 compute_born_globals": lambda: nw.compute_born_globals(3, 0.25),
        "lesson 06 compute_readiness": lambda: nw.compute_readiness({"cap_2": 4}),
        "lesson 07 compute_alliance_fsa": lambda: st.compute_alliance_fsa(0.5, 0.6, 0.8, "mean", "capital_base_development"),
        "lesson 08 compute_entry_mode": lambda: st.compute_entry_mode(0.9, 0.8, 0.7, 0.8, 0.6),
        "lesson 08 compute_destinations": lambda: st.compute_destinations(),
        "lesson 09 compute_firm_profile": lambda: st.compute_firm_profile(firm),
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
