"""Build ``datasets/review_studies.csv``: every study the CSF paper's literature review cites, under its heading.

Bose, T. K. — *Critical success factors of SME internationalization* (seed text in
``../shared/seeds/bose_critical_success_factors.txt``). Its section "Important factors of SME
internationalization" has ten headings: the five broad factors of Table 1 (Network, Alliance,
Clusters; Capacity Building; Benefits and Barriers; Future Prospects; Timing of
Internationalization) and five more (Policy; Innovations; Modes, Destinations and Operational
Decisions of Internationalization) whose studies Table 1 leaves out. This script lists every
author-year citation under each heading, in reading order, with the authors as printed, and marks
whether the heading is one of Table 1's factors.

Citations are found by two patterns — "(Authors, 2004)" and "Authors (2004)" — and a short list
of repairs for citations the extracted text breaks (a split name, a stray comma); each repair is
named in ``REPAIRS``. If the seed file is absent the committed CSV is left as it is.
Run ``python scripts/build_review_studies.py [OUT_DIR]`` (``make data`` runs it).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seeds" / "bose_critical_success_factors.txt"
START = "#### **Network, Alliance, Clusters**"
END = "## RESEARCH METHODS"
# heading as printed -> (id, heading id of Table 1 or "")
HEADINGS = {
    "Network, Alliance, Clusters": ("network_alliance_clusters", "sf_network_alliance_clusters"),
    "Capacity Building": ("capacity_building", "sf_capacity_building"),
    "Policy": ("policy", ""),
    "Innovations": ("innovations", ""),
    "Benefits and Barriers": ("benefits_and_barriers", "sf_benefits_barriers"),
    "Future Prospects": ("future_prospects", "sf_future_prospects"),
    "Timing of Internationalization": ("timing_of_internationalization", "sf_timing_of_internationalization"),
    "Modes of Internationalization": ("modes_of_internationalization", ""),
    "Destinations of Internationalization": ("destinations_of_internationalization", ""),
    "Operational Decisions of Internationalization": ("operational_decisions_of_internationalization", ""),
}
# The extracted text breaks a few citations; each repair says what the page shows.
REPAIRS = {
    # a word before the first author
    "Meanwhile, D'Angelo, Majocchi, Zucchella, and Buck": "D'Angelo, Majocchi, Zucchella, and Buck",
    # "Tü selmann" is split by the text extraction
    "Dimitratos, Plakoyiannaki, Pitsoulaki and Tü selmann": "Dimitratos, Plakoyiannaki, Pitsoulaki and Tüselmann",
    # "Flore ´n" (Florén) is split by the text extraction
    "Andersson and Flore ´n": "Andersson and Florén",
    # printed with a comma before the year's parenthesis
    "Shirokova, Verga, and Sokolova,": "Shirokova, Verga, and Sokolova",
}
COLUMNS = ["heading", "heading_id", "table1_factor_id", "position", "authors", "year"]

_NAME = r"[A-Z][A-Za-zÀ-ž'´’\-]*(?: [A-Z][A-Za-zÀ-ž'´’\-]*)?"
_SEP = r"(?:,\s*and\s+|,\s*&\s*|\s*&\s*|\s+and\s+|,\s*)"
_AUTHORS = rf"{_NAME}(?:{_SEP}{_NAME})*(?:\s+et al\.?)?"
_PAREN = re.compile(rf"\(({_AUTHORS}),\s*(\d{{4}})\)")
_NARRATIVE = re.compile(rf"({_AUTHORS})\s*\((\d{{4}})\)")


def _repair(section: str) -> str:
    for broken, fixed in REPAIRS.items():
        section = section.replace(broken + " (", fixed + " (")
    return section


def parse(text: str):
    import pandas as pd

    start, end = text.index(START), text.index(END)
    parts = re.split(r"^#{3,4} \*\*(.+?)\*\*\s*$", text[start:end], flags=re.M)
    rows = []
    for i in range(1, len(parts), 2):
        heading = parts[i].strip()
        if heading not in HEADINGS:
            raise ValueError(f"unexpected review heading {heading!r}; expected one of {list(HEADINGS)}")
        section = _repair(re.sub(r"\s+", " ", parts[i + 1]))
        found = sorted([(m.start(), m.group(1), m.group(2)) for m in _PAREN.finditer(section)]
                       + [(m.start(), m.group(1), m.group(2)) for m in _NARRATIVE.finditer(section)])
        hid, table1 = HEADINGS[heading]
        for pos, (_, authors, year) in enumerate(found, start=1):
            rows.append({"heading": heading, "heading_id": hid, "table1_factor_id": table1, "position": pos,
                         "authors": authors.strip(), "year": int(year)})
    seen = {r["heading"] for r in rows}
    missing = [h for h in HEADINGS if h not in seen]
    if missing:
        raise ValueError(f"no studies found under {missing}")
    return pd.DataFrame(rows, columns=COLUMNS)


def main(out_dir=None, seed=SEED):
    sys.path.insert(0, str(REPO))
    from sme_teach.datasets._schema import write_csv

    out = Path(out_dir) if out_dir else REPO / "datasets"
    seed = Path(seed)
    if not seed.is_file():
        print(f"seed paper not found at {seed}; keeping the committed review_studies.csv")
        return None
    return write_csv(parse(seed.read_text(encoding="utf-8")), out / "review_studies.csv")


if __name__ == "__main__":
    print(main(sys.argv[1] if len(sys.argv) > 1 else None))
