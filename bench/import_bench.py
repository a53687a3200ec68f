"""Import cost of the package compared with pandas, in fresh interpreters."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def _fresh_import_seconds(statement: str, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_import(repeats: int = 7) -> list[dict]:
    """``import sme_teach`` and its core vs ``import pandas``; goal ≤ 1.25×.

    Both sides include interpreter start-up, measured alternately in the same run.
    """
    baseline = _fresh_import_seconds("pass", repeats)
    pandas_s = _fresh_import_seconds("import pandas", repeats) - baseline
    rows = []
    for stmt in ("import sme_teach", "import sme_teach.measures, sme_teach.datasets, sme_teach.frameworks"):
        ours = _fresh_import_seconds(stmt, repeats) - baseline
        ratio = ours / pandas_s
        rows.append({
            "metric": f"`{stmt}` (median of {repeats} fresh processes)",
            "value": round(ours, 3), "unit": "s", "goal": "≤ 1.25× import pandas",
            "compared_with": f"import pandas: {pandas_s:.3f} s", "ratio": round(ratio, 2),
            "passed": ratio <= 1.25,
        })
    return rows
