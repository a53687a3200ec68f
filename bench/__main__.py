"""Run every benchmark, print one table and write bench/results.json.

Usage: ``python -m bench [-k SUBSTRING]`` (``make bench``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = ("metric", "value", "unit", "goal", "compared_with", "ratio", "passed")


def discover():
    for path in sorted(HERE.glob("*_bench.py")):
        module = importlib.import_module(f"bench.{path.stem}")
        for name in sorted(dir(module)):
            if name.startswith("bench_") and callable(getattr(module, name)):
                yield f"{path.stem}.{name}", getattr(module, name)


def machine() -> dict:
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
    }
    try:
        with open("/proc/meminfo") as fh:
            info["memory_gib"] = round(int(fh.readline().split()[1]) / 2**20, 1)
    except OSError:
        pass
    return info


def fmt(value) -> str:
    if isinstance(value, bool):
        return "pass" if value else "MISS"
    if isinstance(value, float):
        return f"{value:.3g}"
    return "" if value is None else str(value)


def render(rows: list[dict]) -> str:
    table = [COLUMNS] + [tuple(fmt(r.get(c)) for c in COLUMNS) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(COLUMNS))]
    lines = [" | ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in table]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def mutation_scores() -> dict | None:
    """The scores of the last `make mutate` (test-output/mutation/score.json; too slow to run here)."""
    path = HERE.parent / "test-output" / "mutation" / "score.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    return {"source": str(path.relative_to(HERE.parent)), "runs": data.get("runs", {}),
            "targets": {name: {k: t.get(k) for k in ("score", "raw_score", "mutants", "killed", "survived",
                                                     "equivalent", "not_checked_or_other", "seconds", "cpu_seconds")}
                        for name, t in data.get("targets", {}).items()}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("-k", default="", help="only benchmarks whose name contains this")
    args = parser.parse_args(argv)
    rows: list[dict] = []
    started = time.perf_counter()
    for name, func in discover():
        if args.k not in name:
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            produced = func()
        except Exception as exc:  # a broken benchmark is reported, not hidden
            produced = [{"metric": name, "value": None, "unit": "", "goal": "", "compared_with": "",
                         "ratio": None, "passed": False, "error": f"{type(exc).__name__}: {exc}"}]
        for row in produced:
            row.setdefault("benchmark", name)
        rows += produced
        print(f"  done in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    result = {"machine": machine(), "wall_seconds": round(time.perf_counter() - started, 1), "rows": rows}
    result["mutation"] = mutation_scores()
    (HERE / "results.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(render(rows))
    print(f"\nmachine: {result['machine']}; total {result['wall_seconds']} s; written to bench/results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
