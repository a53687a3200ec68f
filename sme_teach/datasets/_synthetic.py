"""Synthetic teaching data: the vocabularies, schemas and loaders of the shipped files.

The generators that wrote these files live in :mod:`sme_teach.synthetic` (seeded,
deterministic; ``scripts/make_data.py`` writes their output for :data:`DEFAULT_SEED`).
This module only reads: every loader checks the file against its schema and returns a
fresh copy, so a caller who changes a returned frame or graph changes nothing else.

All of this data is SYNTHETIC. The generative processes are documented in the data
cards (``datasets/<name>.md``) and grounded in the seed papers, but no row describes a
real firm.
"""

from __future__ import annotations

from typing import NamedTuple as _NamedTuple

from .._errors import SmeTeachError
from .._validate import check_choice
from ._registry import VARIANT_NAMES
from ._schema import Column, Schema, read_table

__all__ = [
    "DEFAULT_SEED",
    "ALLIANCES",
    "MODERATORS_1",
    "MODERATORS_2",
    "FSAS",
    "COMPETENCIES",
    "SECTORS",
    "SIZE_BANDS",
    "EXPORT_STATUSES",
    "PANEL_ENTRY_MODES",
    "PATH_TYPES",
    "KHULNA_SCHEMA",
    "PANEL_SCHEMA",
    "ENTRIES_SCHEMA",
    "TIMING_SCHEMA",
    "NETWORK_EDGES_SCHEMA",
    "NETWORK_NODES_SCHEMA",
    "khulna_readiness_schema",
    "load_khulna_smes",
    "load_khulna_readiness",
    "load_sme_panel",
    "load_alliance_network",
    "alliance_graph",
    "khulna_model_inputs",
    "ModelInputs",
    "VARIANT_NAMES",
]

#: Seed of the shipped synthetic files (the year of the Khulna study's publication, then month/day).
DEFAULT_SEED = 20131101

# Ids as in sme_teach/frameworks/data/alliance_fsa.yaml (Bose & Bristy's model), in the paper's order.
ALLIANCES = (
    "information_sharing", "resource_sharing", "joint_marketing", "common_pricing", "shared_distribution",
    "joint_lobbying", "employee_exchange", "capital_rationing", "work_specialisation", "common_branding",
)
MODERATORS_1 = (
    "trust_and_confidence", "coordination_and_control", "investment_security", "industry_potentiality",
    "alliance_timing_and_sequencing", "equal_distribution_of_benefits",
)
MODERATORS_2 = (
    "learning_organisation", "spillover_effect", "timing_of_internationalisation",
    "speed_of_internationalisation", "sequencing_of_production_and_operation", "investment_decisions",
)
FSAS = (
    "product_differentiation", "management", "marketing", "vertical_integration", "distribution",
    "horizontal_integration", "trademarks", "research_and_development", "brand_names", "knowledge",
    "raw_materials", "employees", "economies_of_scale", "experience", "capital", "organisational_harmony",
    "technology", "grapevine", "patents", "tools_and_equipment",
)
COMPETENCIES = (
    "internationalisation_knowledge", "large_scale_local_operation", "strong_local_brand_value",
    "capital_base_development", "strong_talented_human_resource", "government_and_policy_backing",
    "diversity_of_operational_coverage", "innovation_and_creativity_adoption", "information_accessibility",
    "production_and_operation_efficiency",
)
#: The seed study's sample: "50 manufacturing, retail, service and other SMEs".
SECTORS = ("manufacturing", "retail", "service", "other")
#: Size bands of the European Commission's SME definition (Recommendation 2003/361/EC, Annex Art. 2):
#: small 10–49, medium 50–249 employees. The seed paper's "less than 500 employees" (small 10–99, medium
#: 100–499, via Ahmed, 2001) is the seed's figure, not the Commission's; the course uses one definition.
SIZE_BANDS = {"small": (10, 49), "medium": (50, 249)}
EXPORT_STATUSES = ("none", "indirect", "direct")

#: Entry modes of the SME panel, from least to most committed along the Uppsala establishment
#: chain, then contractual/equity. (The entry-mode RULES of :mod:`sme_teach.measures` use another
#: vocabulary, ``measures.ENTRY_MODES``; :func:`sme_teach.measures.uppsala_stage` reads these words.)
PANEL_ENTRY_MODES = (
    "no regular export", "export via agent", "sales subsidiary", "production subsidiary",
    "licensing", "joint venture",
)
MAIN_MODES = PANEL_ENTRY_MODES + ("domestic only",)
PATH_TYPES = ("gradual", "born_global", "de_re", "domestic")
PANEL_FIRST_YEAR, PANEL_LAST_YEAR = 2010, 2024
HOME = "BGD"

# ---------------------------------------------------------------------------------------- schemas

_unit = dict(kind="float", low=0.0, high=1.0)
KHULNA_SCHEMA = Schema(
    (
        Column("firm_id", pattern=r"KS\d{2}", unique=True),
        Column("firm_name", unique=True),
        Column("sector", choices=SECTORS),
        Column("industry"),
        Column("employees", "int", low=10, high=249, unit="persons"),
        Column("size_band", choices=tuple(SIZE_BANDS)),
        Column("years_operating", "int", low=1, high=60, unit="years"),
        *(Column(f"alliance_{a}", **_unit) for a in ALLIANCES),
        *(Column(f"mod1_{m}", **_unit) for m in MODERATORS_1),
        *(Column(f"mod2_{m}", **_unit) for m in MODERATORS_2),
        *(Column(f"fsa_{f}", **_unit) for f in FSAS),
        *(Column(f"comp_{c}", **_unit) for c in COMPETENCIES),
        Column("export_status", choices=EXPORT_STATUSES),
        Column("exporter", "bool"),
    )
)
PANEL_SCHEMA = Schema(
    (
        Column("firm_id", pattern=r"P\d{4}"),
        Column("year", "int", low=1900, high=2100),
        Column("founding_year", "int", low=1900, high=2100),
        Column("sector", choices=SECTORS),
        Column("path_type", choices=PATH_TYPES),
        Column("foreign_sales_share", "float", low=0.0, high=1.0),
        Column("n_countries", "int", low=0),
        Column("entry_mode_main", choices=MAIN_MODES),
    ),
    key=("firm_id", "year"),
)
ENTRIES_SCHEMA = Schema(
    (
        Column("firm_id", pattern=r"P\d{4}"),
        Column("year", "int", low=1900, high=2100),
        Column("market_iso3", pattern=r"[A-Z]{3}"),
        Column("entry_mode", choices=PANEL_ENTRY_MODES),
        Column("entry_order", "int", low=1),
        Column("first_entry_year", "int", low=1900, high=2100),
    ),
    key=("firm_id", "year", "market_iso3"),
)
NETWORK_EDGES_SCHEMA = Schema(
    (
        Column("source", pattern=r"KS\d{2}"),
        Column("target", pattern=r"KS\d{2}"),
        Column("alliance", choices=ALLIANCES),
        Column("strength", "float", low=0.0, high=1.0),
    ),
    key=("source", "target"),
)
NETWORK_NODES_SCHEMA = Schema(
    (
        Column("firm_id", pattern=r"KS\d{2}", unique=True),
        Column("firm_name", unique=True),
        Column("sector", choices=SECTORS),
        Column("industry"),
    )
)


TIMING_SCHEMA = Schema(
    (
        Column("firm_id", pattern=r"P\d{4}", unique=True),
        Column("founding_year", "int", low=1900, high=2100),
        Column("sector", choices=SECTORS),
        Column("path_type", choices=PATH_TYPES),
        Column("last_year", "int", low=1900, high=2100),
        Column("foreign_sales_share", "float", low=0.0, high=1.0),
        Column("n_countries", "int", low=0),
        Column("max_countries", "int", low=0),
        Column("first_export_year", "float", nullable=True, low=1900, high=2100),
        Column("years_to_first_export", "float", nullable=True, low=0, high=200, unit="years"),
    )
)


def khulna_readiness_schema(item_ids, low: int = 1, high: int = 5) -> Schema:
    """Schema of a readiness response table: ``firm_id`` and one answer column per instrument item."""
    return Schema(
        (
            Column("firm_id", pattern=r"KS\d{2}", unique=True),
            *(Column(i, "int", low=low, high=high, unit="answer (Likert)") for i in item_ids),
        )
    )


def load_khulna_smes():
    """Fifty SYNTHETIC SMEs modelled on Bose and Bristy's Khulna study.

    One row per firm: sector and industry, employees and size band (small 10–49,
    medium 50–249 employees: the European Commission's definition, Recommendation
    2003/361/EC — the seed paper's "less than 500" is its own figure), years operating,
    participation strength in each of the 10 alliance forms (``alliance_<id>``),
    moderator levels (``mod1_<id>``, ``mod2_<id>``), the resulting 20 FSA
    indicators (``fsa_<id>``) and 10 internationalisation competencies
    (``comp_<id>``), all in [0, 1], and export status.

    The data is synthetic: generated by :func:`sme_teach.synthetic.make_khulna_smes` (seed
    :data:`DEFAULT_SEED`); the process is in ``datasets/khulna_smes.md``.

    Source model: Bose, T. K., & Bristy, J. F. *Working together locally -
    performing better internationally: Alliance-FSAs-SME internationalisation*.

    Examples
    --------
    >>> df = load_khulna_smes()
    >>> df.shape[0], sorted(df["sector"].unique())[:2]
    (50, ['manufacturing', 'other'])
    >>> bool(df.filter(like="alliance_").le(1).all().all())
    True
    """
    return read_table("khulna_smes.csv", KHULNA_SCHEMA)




def load_khulna_readiness():
    """SYNTHETIC answers of the 50 Khulna SMEs to the readiness instrument (1-5 per item).

    Rows are firms (``firm_id`` column, the firms of :func:`load_khulna_smes`), columns the
    item ids of :func:`sme_teach.measures.load_instrument`. Written by
    :func:`sme_teach.synthetic.khulna_readiness_responses` (see ``datasets/khulna_readiness.md``);
    no owner answered these questions.

    Examples
    --------
    >>> r = load_khulna_readiness()
    >>> r.shape, r.columns[:3].tolist()
    ((50, 27), ['firm_id', 'cur_1', 'cur_2'])
    """
    return read_table("khulna_readiness.csv", _readiness_schema())


def _readiness_schema():
    """The readiness schema for the item ids in the shipped file's header (checked against the instrument by tests)."""
    from ._schema import data_dir

    path = data_dir() / "khulna_readiness.csv"
    if not path.is_file():
        raise SmeTeachError(
            f"data file {str(path)!r} does not exist; run `make data` to regenerate the shipped files"
        )
    with open(path, encoding="utf-8") as fh:
        header = fh.readline().strip().split(",")
    if not header or header[0] != "firm_id":
        raise SmeTeachError(f"khulna_readiness.csv: first column must be 'firm_id', got {header[:1]}")
    return khulna_readiness_schema(tuple(header[1:]))


# ------------------------------------------------------------------------------ SME panel


def load_sme_panel(table: str = "firms"):
    """A SYNTHETIC panel of 500 Bangladeshi SMEs over 2010–2024 (10–15 years each).

    Parameters
    ----------
    table : {"firms", "entries"}
        ``"firms"``: one row per firm and year — firm_id, year, founding_year,
        sector, path_type, foreign_sales_share, n_countries, entry_mode_main.
        ``"entries"``: one row per firm, year and foreign market served — firm_id,
        year, market_iso3, entry_mode, entry_order (1 = the firm's first foreign
        market), first_entry_year.

    Notes
    -----
    ``path_type`` is the generator's truth (gradual/Uppsala, born_global, de_re =
    de- and re-internationalisation, domestic), kept for teaching: students can
    try to recover it from the observable columns. Gradual firms enter
    psychically close markets first (Johanson & Vahlne, 1977) and climb the
    establishment chain; born globals enter several distant markets within two
    years of founding (Knight & Cavusgil, 2004); de_re firms withdraw and return
    (Welch & Welch, 2009). See ``datasets/sme_panel.md``.

    Examples
    --------
    >>> panel = load_sme_panel()
    >>> panel["firm_id"].nunique()
    500
    >>> sorted(panel["path_type"].unique())
    ['born_global', 'de_re', 'domestic', 'gradual']
    >>> load_sme_panel("entries").columns[:4].tolist()
    ['firm_id', 'year', 'market_iso3', 'entry_mode']
    """
    check_choice(table, ["firms", "entries"], "panel table")
    if table == "firms":
        return read_table("sme_panel.csv", PANEL_SCHEMA)
    return read_table("sme_panel_entries.csv", ENTRIES_SCHEMA)



# -------------------------------------------------------------------------- alliance network


def alliance_graph(nodes, edges, name: str = "alliance_network"):
    """The alliance network as a :class:`networkx.Graph` from its node and edge tables (a new graph each call)."""
    import networkx as nx

    G = nx.Graph(name=name, synthetic=True)
    G.add_nodes_from(
        (r.firm_id, {"firm_name": r.firm_name, "sector": r.sector, "industry": r.industry})
        for r in nodes.itertuples(index=False)
    )
    G.add_edges_from(
        (r.source, r.target, {"alliance": r.alliance, "strength": float(r.strength)})
        for r in edges.itertuples(index=False)
    )
    return G


def load_alliance_network(as_frame: bool = False):
    """A SYNTHETIC alliance network among the 50 Khulna SMEs of :func:`load_khulna_smes`.

    Parameters
    ----------
    as_frame : bool, default False
        Return the edge list (source, target, alliance, strength) as a DataFrame
        instead of a :class:`networkx.Graph`.

    Returns
    -------
    networkx.Graph or pandas.DataFrame
        Nodes are firm ids with ``firm_name``, ``sector`` and ``industry``; each
        edge carries ``alliance`` (one of the 10 alliance forms of Bose & Bristy)
        and ``strength`` in [0, 1].

    Examples
    --------
    >>> G = load_alliance_network()
    >>> G.number_of_nodes()
    50
    >>> {form for _, _, form in G.edges(data="alliance")} <= set(ALLIANCES)
    True
    >>> load_alliance_network(as_frame=True).columns.tolist()
    ['source', 'target', 'alliance', 'strength']
    """
    if not isinstance(as_frame, bool):
        raise SmeTeachError(f"as_frame must be True or False, got {as_frame!r}")
    edges = read_table("alliance_network.csv", NETWORK_EDGES_SCHEMA)
    if as_frame:
        return edges
    nodes = read_table("alliance_network_nodes.csv", NETWORK_NODES_SCHEMA)
    unknown = sorted((set(edges["source"]) | set(edges["target"])) - set(nodes["firm_id"]))
    if unknown:
        raise SmeTeachError(
            f"alliance_network.csv names firms {unknown[:5]} that are not in alliance_network_nodes.csv; "
            f"regenerate both with `make data`"
        )
    return alliance_graph(nodes, edges, "alliance_network")


# Alliance forms typical inside a sector community, and across communities (weights, in ALLIANCES order).

# ------------------------------------------------------------------ the model's inputs per firm

_PREFIXES = (("alliances", "alliance_"), ("moderators_1", "mod1_"), ("moderators_2", "mod2_"))


def khulna_model_inputs(table):
    """Split a Khulna SMEs table (or one firm's row) into the Alliance-FSA model's three inputs.

    The one place that knows the table's column layout: ``alliance_<id>`` columns are the
    alliance strengths, ``mod1_<id>`` the cycle-1 and ``mod2_<id>`` the cycle-2 moderator
    levels. The result is ready for :func:`sme_teach.measures.propagate`
    (``measures.propagate(*khulna_model_inputs(smes))``).

    Parameters
    ----------
    table : pandas.DataFrame or pandas.Series
        :func:`load_khulna_smes` (or a ``variant``, or a lecturer's own table with the same
        columns); a DataFrame with a ``firm_id`` column is indexed by it. A Series is one
        firm's row.

    Returns
    -------
    ModelInputs
        A named tuple ``(alliances, moderators_1, moderators_2)`` of float DataFrames
        (firms × ids) or, for a row, float Series (ids), columns/index without the prefix,
        in the table's order.

    Raises
    ------
    SmeTeachError
        If the table has no column of one of the three groups.

    Examples
    --------
    >>> smes = load_khulna_smes()
    >>> a, m1, m2 = khulna_model_inputs(smes)
    >>> a.shape, m1.shape, m2.shape, a.index[0]
    ((50, 10), (50, 6), (50, 6), 'KS01')
    >>> khulna_model_inputs(smes.iloc[1]).alliances.index[0]
    'information_sharing'
    """
    import pandas as pd

    if isinstance(table, pd.DataFrame):
        if "firm_id" in table.columns:
            table = table.set_index("firm_id")
        columns = list(table.columns)
    elif isinstance(table, pd.Series):
        columns = list(table.index)
    else:
        raise SmeTeachError(
            f"expected a Khulna SMEs DataFrame (datasets.load_khulna_smes()) or one firm's row, "
            f"got {type(table).__name__}"
        )
    parts = []
    for what, prefix in _PREFIXES:
        cols = [c for c in columns if isinstance(c, str) and c.startswith(prefix)]
        if not cols:
            raise SmeTeachError(
                f"the table has no '{prefix}<id>' columns ({what}); expected the columns of "
                f"datasets.load_khulna_smes(), got {columns[:6]}{' …' if len(columns) > 6 else ''}"
            )
        ids = [c.removeprefix(prefix) for c in cols]
        try:
            part = table[cols].astype(float)
        except (TypeError, ValueError):
            raise SmeTeachError(
                f"the '{prefix}<id>' columns ({what}) must hold numbers between 0 and 1; "
                f"check the table against datasets.load_khulna_smes()"
            ) from None
        parts.append(part.set_axis(ids, axis=1) if isinstance(part, pd.DataFrame) else part.set_axis(ids))
    return ModelInputs(*parts)


class ModelInputs(_NamedTuple):
    """The Alliance-FSA model's inputs for one firm (Series) or many (DataFrames)."""

    alliances: object
    moderators_1: object
    moderators_2: object
