"""Import cost of the package compared with pandas, in fresh interpreters, measured alternately."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

STATEMENTS = {
    "baseline": "pass",
    "pandas": "import pandas",
    "package": "import sme_teach",
    "core": "import sme_teach.measures, sme_teach.datasets, sme_teach.frameworks",
}


def _once(statement: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], check=True)
    return time.perf_counter() - t0


def bench_import(repeats: int = 15) -> list[dict]:
    """``import sme_teach`` and its core vs ``import pandas``; goal ≤ 1.25×.

    The four statements are timed in turn, ``repeats`` rounds, so machine noise hits all alike;
    each figure is the median minus the median of a bare interpreter start.
    """
    times = {k: [] for k in STATEMENTS}
    for _ in range(repeats):
        for key, stmt in STATEMENTS.items():
            times[key].append(_once(stmt))
    med = {k: statistics.median(v) for k, v in times.items()}
    pandas_s = med["pandas"] - med["baseline"]
    rows = []
    for key in ("package", "core"):
        ours = med[key] - med["baseline"]
        ratio = ours / pandas_s
        rows.append({
            "metric": f"`{STATEMENTS[key]}` (median of {repeats} fresh processes, interpreter start subtracted)",
            "value": round(ours, 3), "unit": "s", "goal": "≤ 1.25× import pandas",
            "compared_with": f"import pandas: {pandas_s:.3f} s", "ratio": round(ratio, 2),
            "passed": ratio <= 1.25,
        })
    return rows
