"""Each lesson executed headless with a real kernel, minus kernel start (goal ≤ 5 s each, ≤ 60 s in all)."""

from __future__ import annotations

import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _execute(path: Path) -> tuple[float, float]:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    t0 = time.perf_counter()
    with client.setup_kernel():
        started = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        done = time.perf_counter()
    return started - t0, done - started


def bench_lessons() -> list[dict]:
    rows, total = [], 0.0
    for path in sorted((REPO / "lessons").glob("[0-9][0-9]_*.ipynb")):
        kernel_start, work = _execute(path)
        total += work
        rows.append({"metric": f"  lesson {path.stem}, executed minus kernel start ({kernel_start:.1f} s)",
                     "value": round(work, 2), "unit": "s", "goal": "≤ 5 s", "compared_with": "—",
                     "ratio": None, "passed": work <= 5})
    rows.insert(0, {"metric": f"whole course, {len(rows)} lessons executed minus kernel starts",
                    "value": round(total, 1), "unit": "s", "goal": "≤ 60 s", "compared_with": "—",
                    "ratio": None, "passed": total <= 60})
    return rows
