"""Build ``datasets/literature_table.csv`` from Table 1 of the CSF seed paper.

Bose, T. K. — *Critical success factors of SME internationalization* (seed text in
``../shared/seeds/bose_critical_success_factors.txt``). Table 1, "Summary of Critical
Success Factors of SME Internationalization from Recent Literatures", is printed
two studies per line (tab-separated: factor, author/s, variables | factor,
author/s, variables) and names each broad factor only on its first line. This
script unpacks it into one row per study, in reading order (line by line, left
study before right study), and keeps the authors' spelling as printed.

If the seed file is absent the committed CSV is left as it is.
Run ``python scripts/build_literature_table.py [OUT_DIR]`` (``make data`` runs it).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seeds" / "bose_critical_success_factors.txt"
TITLE = "Table 1: Summary of Critical Success Factors of SME Internationalization"

FACTOR_IDS = {
    "Network, Alliance, Clusters": "sf_network_alliance_clusters",
    "Capacity Building": "sf_capacity_building",
    "Benefits & Barriers": "sf_benefits_barriers",
    "Future Prospects": "sf_future_prospects",
    "Timing of Internationalization": "sf_timing_of_internationalization",
}
COLUMNS = ["success_factor", "success_factor_id", "authors", "year", "variables_covered", "table_line", "table_column"]


def factor_id(label: str) -> str:
    """The id for a broad factor label (known labels map exactly; others follow the pattern)."""
    if label in FACTOR_IDS:
        return FACTOR_IDS[label]
    return "sf_" + re.sub(r"[^a-z0-9]+", "_", label.lower().replace("&", " ")).strip("_")


def parse(text: str):
    import pandas as pd

    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(TITLE))
    body = [line for line in lines[start + 1 :] if line.strip()]
    if not body[0].startswith("Broad Success Factors"):
        raise ValueError(f"unexpected Table 1 header: {body[0]!r}")
    rows = []
    current = {"left": None, "right": None}
    for n, line in enumerate(body[1:], start=1):
        cells = (line.split("\t") + [""] * 6)[:6]
        for side, (factor, author, variables) in (("left", cells[0:3]), ("right", cells[3:6])):
            factor, author, variables = factor.strip(), author.strip(), variables.strip()
            if factor:
                current[side] = factor
            if not author:
                continue
            m = re.fullmatch(r"(.+?),\s*(\d{4})", author)
            if not m:
                raise ValueError(f"Table 1 line {n}: cannot split author and year in {author!r}")
            rows.append(
                {
                    "success_factor": current[side],
                    "success_factor_id": factor_id(current[side]),
                    "authors": m.group(1).strip(),
                    "year": int(m.group(2)),
                    "variables_covered": variables,
                    "table_line": n,
                    "table_column": side,
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def main(out_dir=None, seed=SEED):
    sys.path.insert(0, str(REPO))
    from sme_teach.datasets._schema import write_csv

    out = Path(out_dir) if out_dir else REPO / "datasets"
    seed = Path(seed)
    if not seed.is_file():
        print(f"seed paper not found at {seed}; keeping the committed literature_table.csv")
        return None
    return write_csv(parse(seed.read_text(encoding="utf-8")), out / "literature_table.csv")


if __name__ == "__main__":
    print(main(sys.argv[1] if len(sys.argv) > 1 else None))
