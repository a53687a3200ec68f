"""Synthetic teaching data: generators (seeded, deterministic) and their loaders.

Every generator takes a ``seed`` (int or string) and draws from
``numpy.random.default_rng``; nothing is seeded globally. The shipped files in
``datasets/`` are the generators' output for :data:`DEFAULT_SEED`, written by
``scripts/make_data.py``; :func:`variant` gives the same data for another seed.

All of this data is SYNTHETIC. The generative processes are documented in the
data cards (``datasets/<name>.md``) and grounded in the seed papers, but no row
describes a real firm.
"""

from __future__ import annotations

import io

from .._errors import SmeTeachError
from .._validate import check_bool, check_choice, check_number
from ._schema import Column, Schema, check_frame, read_table, stable_seed, write_csv

__all__ = [
    "DEFAULT_SEED",
    "ALLIANCES",
    "MODERATORS_1",
    "MODERATORS_2",
    "FSAS",
    "COMPETENCIES",
    "SECTORS",
    "ENTRY_MODES",
    "PATH_TYPES",
    "KHULNA_SCHEMA",
    "PANEL_SCHEMA",
    "ENTRIES_SCHEMA",
    "NETWORK_EDGES_SCHEMA",
    "NETWORK_NODES_SCHEMA",
    "make_khulna_smes",
    "make_sme_panel",
    "make_alliance_network",
    "generate_alliance_network",
    "load_khulna_smes",
    "load_sme_panel",
    "load_alliance_network",
    "variant",
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
#: Size bands from the seed paper (after Ahmed, 2001): small 10–99, medium 100–499 employees.
SIZE_BANDS = {"small": (10, 99), "medium": (100, 499)}
EXPORT_STATUSES = ("none", "indirect", "direct")

#: Entry modes, from least to most committed along the Uppsala establishment chain, then contractual/equity.
ENTRY_MODES = (
    "no regular export", "export via agent", "sales subsidiary", "production subsidiary",
    "licensing", "joint venture",
)
_CHAIN = ENTRY_MODES[:4]
_COMMITMENT = {
    "no regular export": 0.2, "export via agent": 0.5, "licensing": 0.6, "joint venture": 0.8,
    "sales subsidiary": 0.8, "production subsidiary": 1.0,
}
MAIN_MODES = ENTRY_MODES + ("domestic only",)
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
        Column("employees", "int", low=10, high=499, unit="persons"),
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
        Column("entry_mode", choices=ENTRY_MODES),
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


def _rng(seed, stream: int):
    import numpy as np

    return np.random.default_rng(np.random.SeedSequence([stable_seed(seed), stream]))


def _conform(frame, schema: Schema, fname: str):
    """Round-trip through the CSV writer and the schema checker, so a variant equals a loaded file."""
    import pandas as pd

    buf = io.StringIO()
    frame.to_csv(buf, index=False, float_format="%.4f", lineterminator="\n")
    buf.seek(0)
    raw = pd.read_csv(buf, dtype=str, keep_default_na=False, na_values=[])
    return check_frame(raw, schema, fname)


# ------------------------------------------------------------------------------ Khulna SMEs

# (sector, industry, weight within sector, name templates)
_INDUSTRIES = (
    ("manufacturing", "shrimp and frozen-fish processing", 0.30, ("{p} Sea Foods Ltd.", "{p} Frozen Foods", "{p} Fish Processing Industries")),
    ("manufacturing", "jute goods", 0.22, ("{p} Jute Products", "{p} Jute Crafts", "{p} Jute Spinners")),
    ("manufacturing", "leather goods", 0.14, ("{p} Leather Crafts", "{p} Leather & Footwear", "{p} Tannery Works")),
    ("manufacturing", "light engineering", 0.20, ("{p} Engineering Works", "{p} Metal Industries", "{p} Light Engineering")),
    ("manufacturing", "handicrafts", 0.14, ("{p} Handicrafts", "{p} Golpata Crafts", "{p} Nakshi Kantha House")),
    ("retail", "fish and seafood trading", 0.30, ("{p} Fish Traders", "{p} Matsya Bhandar", "{p} Seafood Agency")),
    ("retail", "jute and handicraft retail", 0.25, ("{p} Crafts Corner", "{p} Jute Bazar", "{p} Karupalli")),
    ("retail", "hardware and machinery parts", 0.25, ("{p} Hardware Store", "{p} Machinery Mart", "{p} Engineering Stores")),
    ("retail", "garments retail", 0.20, ("{p} Garments House", "{p} Fashion Point", "{p} Bastra Bitan")),
    ("service", "clearing and forwarding (Mongla port)", 0.30, ("{p} C&F Agency", "{p} Shipping Lines", "{p} Port Services")),
    ("service", "transport and logistics", 0.25, ("{p} Transport Agency", "{p} Logistics", "{p} Cargo Services")),
    ("service", "printing and ICT services", 0.20, ("{p} Printing Press", "{p} IT Solutions", "{p} Computer Centre")),
    ("service", "tourism (Sundarbans tours, hotels)", 0.25, ("{p} Tours & Travels", "{p} Eco Resort", "{p} Guest House")),
    ("other", "shrimp hatchery and aquaculture", 0.45, ("{p} Hatchery", "{p} Aqua Farms", "{p} Shrimp Culture")),
    ("other", "agro-processing", 0.35, ("{p} Agro Industries", "{p} Coconut Products", "{p} Rice Mills")),
    ("other", "salt and dried fish", 0.20, ("{p} Salt Industries", "{p} Shutki Processing", "{p} Dry Fish Enterprise")),
)
_PLACES = (
    "Rupsha", "Bhairab", "Khalishpur", "Daulatpur", "Sonadanga", "Boyra", "Khan Jahan", "Phultala",
    "Dighalia", "Batiaghata", "Dumuria", "Mongla", "Sundarban", "Shiromoni", "Labanchora", "Gollamari",
    "Nirala", "Tutpara", "Rayer Mahal", "Atra", "Paikgachha", "Chalna", "Koyra", "Terokhada", "Bagerhat",
    "Rahman", "Hossain", "Mollah", "Sheikh", "Sarder", "Biswas", "Mondal", "Gazi", "Howlader", "Talukder",
    "Kazi", "Chowdhury", "Khan", "Joardar", "Munshi", "Bepari", "Akij", "Padma", "Kapotaksha", "Shibsa",
)
_SECTOR_SHARES = (0.44, 0.24, 0.20, 0.12)
# Mean participation by alliance form: the seed says owners "understand about this concept although
# never practiced" (common pricing) and are "bit reserved as far as joint financing" (capital rationing).
_ALLIANCE_MEAN = dict(zip(ALLIANCES, (0.65, 0.55, 0.45, 0.18, 0.45, 0.50, 0.30, 0.20, 0.45, 0.30)))
_SECTOR_ALLIANCE_BONUS = {
    "manufacturing": {"resource_sharing": 0.10, "work_specialisation": 0.12, "shared_distribution": 0.08},
    "retail": {"joint_marketing": 0.10, "common_pricing": 0.08, "common_branding": 0.05},
    "service": {"information_sharing": 0.08, "joint_lobbying": 0.10},
    "other": {"resource_sharing": 0.05, "joint_lobbying": 0.05},
}
_EXPORT_INDUSTRY = {
    "shrimp and frozen-fish processing": 1.6, "jute goods": 1.0, "leather goods": 0.9, "handicrafts": 0.6,
    "light engineering": -0.2, "shrimp hatchery and aquaculture": 0.2, "agro-processing": 0.0,
    "salt and dried fish": 0.1, "fish and seafood trading": -0.3, "jute and handicraft retail": -0.6,
    "clearing and forwarding (Mongla port)": -0.8, "tourism (Sundarbans tours, hotels)": -1.2,
    "hardware and machinery parts": -1.5, "garments retail": -1.0, "transport and logistics": -1.0,
    "printing and ICT services": -0.7,
}
assert set(_EXPORT_INDUSTRY) == {x[1] for x in _INDUSTRIES}


def _beta_mean(rng, mean, concentration, size=None):
    import numpy as np

    mean = np.clip(mean, 0.02, 0.98)
    return rng.beta(mean * concentration, (1 - mean) * concentration, size=size)


def _khulna_firms(seed, n: int = 50):
    """Stage 1 of the Khulna generator: firms, alliance participation and moderators (no propagation)."""
    import numpy as np
    import pandas as pd

    rng = _rng(seed, 1)
    sectors = rng.choice(len(SECTORS), size=n, p=_SECTOR_SHARES)
    rows = []
    used: set[str] = set()
    for i, s in enumerate(sectors):
        sector = SECTORS[s]
        options = [x for x in _INDUSTRIES if x[0] == sector]
        w = np.array([x[2] for x in options])
        _, industry, _, templates = options[rng.choice(len(options), p=w / w.sum())]
        for _ in range(100):
            name = templates[rng.integers(len(templates))].format(p=_PLACES[rng.integers(len(_PLACES))])
            if name not in used:
                break
        used.add(name)
        log_mean = {"manufacturing": np.log(60), "retail": np.log(22), "service": np.log(30), "other": np.log(35)}[sector]
        employees = int(np.clip(np.round(np.exp(rng.normal(log_mean, 0.75))), 10, 499))
        years = int(np.clip(np.round(rng.gamma(3.0, 4.0)), 1, 45))
        rows.append(
            {
                "firm_id": f"KS{i + 1:02d}",
                "firm_name": name,
                "sector": sector,
                "industry": industry,
                "employees": employees,
                "size_band": "small" if employees <= 99 else "medium",
                "years_operating": years,
            }
        )
    firms = pd.DataFrame(rows)
    # a latent "alliance propensity" per firm drives how much it takes part in every form
    propensity = rng.beta(2.0, 2.5, size=n)
    for a in ALLIANCES:
        bonus = firms["sector"].map(lambda s: _SECTOR_ALLIANCE_BONUS[s].get(a, 0.0)).to_numpy()
        mean = _ALLIANCE_MEAN[a] * (0.5 + 1.0 * propensity) + bonus
        takes_part = rng.random(n) < np.clip(0.35 + 0.9 * mean, 0, 0.97)
        firms[f"alliance_{a}"] = np.where(takes_part, _beta_mean(rng, mean, 8.0, n), 0.0)
    experience = np.clip(firms["years_operating"].to_numpy() / 25.0, 0, 1)
    m1_mean = {
        "trust_and_confidence": 0.30 + 0.40 * propensity,
        "coordination_and_control": 0.30 + 0.30 * propensity,
        "investment_security": 0.20 + 0.25 * propensity,  # owners "reserved" about joint financing
        "industry_potentiality": firms["industry"].map(_EXPORT_INDUSTRY).to_numpy() * 0.12 + 0.5,
        "alliance_timing_and_sequencing": 0.30 + 0.30 * propensity,
        "equal_distribution_of_benefits": 0.35 + 0.25 * propensity,
    }
    for m in MODERATORS_1:
        firms[f"mod1_{m}"] = _beta_mean(rng, m1_mean[m], 10.0, n)
    for m in MODERATORS_2:
        firms[f"mod2_{m}"] = _beta_mean(rng, 0.30 + 0.25 * experience + 0.15 * propensity, 10.0, n)
    return firms, rng


def make_khulna_smes(seed=DEFAULT_SEED, n: int = 50, noise: float = 0.02):
    """Generate the synthetic Khulna SME table (see ``datasets/khulna_smes.md``).

    Parameters
    ----------
    seed : int or str
        Seed for :func:`numpy.random.default_rng` (strings are hashed with SHA-256).
    n : int, default 50
        Number of firms (the seed study observed 50).
    noise : float, default 0.02
        Standard deviation of the normal noise added to every propagated FSA and
        competency score before clipping to [0, 1].

    Notes
    -----
    FSA and competency indicators are :func:`sme_teach.measures.propagate` of the
    alliance strengths and moderator levels (the course's operationalisation of
    Bose and Bristy's model) plus clipped noise.
    """
    import numpy as np

    from ..measures import propagate

    if not isinstance(n, (int, np.integer)) or not 2 <= n <= 99:
        raise SmeTeachError(f"n must be an integer between 2 and 99 firms, got {n!r}")
    firms, rng = _khulna_firms(seed, int(n))
    idx = firms["firm_id"]
    A = firms[[f"alliance_{a}" for a in ALLIANCES]].set_axis(list(ALLIANCES), axis=1).set_axis(idx)
    M1 = firms[[f"mod1_{m}" for m in MODERATORS_1]].set_axis(list(MODERATORS_1), axis=1).set_axis(idx)
    M2 = firms[[f"mod2_{m}" for m in MODERATORS_2]].set_axis(list(MODERATORS_2), axis=1).set_axis(idx)
    result = propagate(A, M1, M2)
    fsa = result.fsa.reindex(columns=list(FSAS)).to_numpy(dtype=float)
    comp = result.competency.reindex(columns=list(COMPETENCIES)).to_numpy(dtype=float)
    fsa = np.clip(np.nan_to_num(fsa) + rng.normal(0, noise, fsa.shape), 0, 1)
    comp = np.clip(np.nan_to_num(comp) + rng.normal(0, noise, comp.shape), 0, 1)
    for j, f in enumerate(FSAS):
        firms[f"fsa_{f}"] = fsa[:, j]
    for j, c in enumerate(COMPETENCIES):
        firms[f"comp_{c}"] = comp[:, j]
    level = comp.mean(axis=1)
    z = (level - level.mean()) / (level.std() or 1.0)
    logit = -0.9 + 1.2 * z + firms["industry"].map(_EXPORT_INDUSTRY).to_numpy()
    p_export = 1 / (1 + np.exp(-logit))
    exporter = rng.random(len(firms)) < p_export
    direct = rng.random(len(firms)) < 1 / (1 + np.exp(-(z + 0.01 * firms["employees"].to_numpy() - 1.0)))
    firms["export_status"] = np.where(exporter, np.where(direct, "direct", "indirect"), "none")
    firms["exporter"] = exporter
    return _conform(firms[KHULNA_SCHEMA.names], KHULNA_SCHEMA, "khulna_smes (generated)")


def load_khulna_smes():
    """Fifty SYNTHETIC SMEs modelled on Bose and Bristy's Khulna study.

    One row per firm: sector and industry, employees and size band (small 10–99,
    medium 100–499 employees, the bands the seed paper cites), years operating,
    participation strength in each of the 10 alliance forms (``alliance_<id>``),
    moderator levels (``mod1_<id>``, ``mod2_<id>``), the resulting 20 FSA
    indicators (``fsa_<id>``) and 10 internationalisation competencies
    (``comp_<id>``), all in [0, 1], and export status.

    The data is synthetic: generated by :func:`make_khulna_smes` (seed
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


# ------------------------------------------------------------------------------ SME panel


def _markets():
    """Candidate export markets: countries with Hofstede PDI/IDV/MAS/UAI and capital coordinates.

    Returns ISO3 codes, a psychic-distance score from Bangladesh (standardised
    Kogut–Singh cultural distance + standardised log great-circle distance between
    capitals + a language term) and log population.
    """
    import numpy as np

    from ._real import load_countries, load_hofstede

    hof = load_hofstede().set_index("iso3")
    cty = load_countries().set_index("iso3")
    dims = ["PDI", "IDV", "MAS", "UAI"]
    hof = hof.dropna(subset=dims)
    codes = sorted(c for c in hof.index if c in cty.index and c != HOME and cty.loc[c, "capital_lat"] == cty.loc[c, "capital_lat"])
    H = hof.loc[codes, dims].to_numpy(dtype=float)
    h0 = hof.loc[HOME, dims].to_numpy(dtype=float)
    var = hof[dims].astype(float).var(ddof=1).to_numpy()
    ks = (((H - h0) ** 2) / var).mean(axis=1)
    lat0, lon0 = np.radians(cty.loc[HOME, ["capital_lat", "capital_lon"]].to_numpy(dtype=float))
    lat = np.radians(cty.loc[codes, "capital_lat"].to_numpy(dtype=float))
    lon = np.radians(cty.loc[codes, "capital_lon"].to_numpy(dtype=float))
    h = np.sin((lat - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2
    km = 2 * 6371.0088 * np.arcsin(np.sqrt(h))
    home_lang = set(str(cty.loc[HOME, "languages"]).split(";"))
    lang = np.array([0.0 if home_lang & set(str(cty.loc[c, "languages"]).split(";")) else 1.0 for c in codes])

    def z(x):
        return (x - x.mean()) / x.std()

    pd_score = z(ks) + z(np.log(km)) + 0.5 * lang
    pop = np.log(cty.loc[codes, "population"].to_numpy(dtype=float))
    return codes, pd_score, pop


def _choose(rng, available, weights):
    import numpy as np

    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    return available[rng.choice(len(available), p=w)]


def make_sme_panel(seed=DEFAULT_SEED, n_firms: int = 500):
    """Generate the synthetic SME internationalisation panel (see ``datasets/sme_panel.md``).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The firm-year table and the firm-year-market entries table.
    """
    import numpy as np
    import pandas as pd

    if not isinstance(n_firms, (int, np.integer)) or not 4 <= n_firms <= 9999:
        raise SmeTeachError(f"n_firms must be an integer between 4 and 9999, got {n_firms!r}")
    rng = _rng(seed, 2)
    codes, psychic, logpop = _markets()
    codes = np.array(codes)
    # the first four firms cover every path type, so even a tiny variant has all of them
    types = np.concatenate([np.arange(4), rng.choice(4, size=n_firms - 4, p=[0.45, 0.2, 0.2, 0.15])])
    firm_rows, entry_rows = [], []
    for i in range(n_firms):
        path = PATH_TYPES[types[i]]
        firm_id = f"P{i + 1:04d}"
        sector = SECTORS[rng.choice(4, p=[0.5, 0.15, 0.25, 0.10])]
        if path == "born_global":
            founded = int(rng.integers(2000, 2016))
        elif path == "de_re":
            founded = int(rng.integers(1990, 2006))
        else:
            founded = int(rng.integers(1990, 2016))
        reach = rng.lognormal(0.0, 0.25)  # firm-specific effectiveness in turning markets into sales
        markets: dict[str, str] = {}  # iso3 -> mode
        order: dict[str, tuple[int, int]] = {}  # iso3 -> (entry order, first entry year)
        start = founded + (int(rng.integers(0, 2)) if path == "born_global" else int(rng.integers(2, 8)))
        if path == "de_re":
            de_year = int(rng.integers(max(2011, start + 3), 2019))
            re_year = de_year + int(rng.integers(1, 5))
        else:
            de_year = re_year = None

        def enter(year, temperature, attract, first_modes, first_p):
            left = np.array([c not in markets for c in codes])
            cand = codes[left]
            if len(cand) == 0:
                return
            score = -psychic[left] / temperature + attract * logpop[left]
            w = np.exp(score - score.max())
            c = str(_choose(rng, cand, w))
            markets[c] = first_modes[rng.choice(len(first_modes), p=first_p)]
            if c not in order:
                order[c] = (len(order) + 1, year)

        for year in range(founded, PANEL_LAST_YEAR + 1):
            if path != "domestic" and year >= start:
                # -- de-internationalisation: withdraw from most markets and step down
                if de_year is not None and year == de_year:
                    keep = sorted(markets, key=lambda c: order[c][0])[: min(int(rng.integers(0, 2)), len(markets) - 1)]
                    markets = {c: "no regular export" for c in keep}
                in_spell = de_year is not None and de_year <= year < re_year
                # -- establishment chain: each market may move one step up
                if not in_spell:
                    for c in sorted(markets):
                        mode = markets[c]
                        if mode in _CHAIN[:3]:
                            step = {"no regular export": 0.25, "export via agent": 0.03, "sales subsidiary": 0.01}[mode]
                            if path == "born_global":
                                step *= 1.5
                            if rng.random() < step:
                                markets[c] = _CHAIN[_CHAIN.index(mode) + 1]
                            elif mode == "export via agent" and rng.random() < (0.03 if sector == "manufacturing" else 0.01):
                                markets[c] = "licensing" if rng.random() < 0.5 else "joint venture"
                # -- new markets
                if path == "born_global":
                    n_new = int(rng.integers(3, 8)) if year == start else int(rng.random() < 0.3)
                    for _ in range(n_new):
                        enter(year, 3.0, 0.6, ("export via agent", "sales subsidiary", "licensing", "joint venture"), (0.7, 0.15, 0.08, 0.07))
                elif in_spell:
                    pass
                elif de_year is not None and year >= re_year:
                    # re-internationalisation: faster, back to known (earlier) markets first
                    if year == re_year or rng.random() < 0.4:
                        known = [c for c in sorted(order, key=lambda c: order[c][0]) if c not in markets]
                        if known:
                            markets[known[0]] = "export via agent"
                        else:
                            enter(year, 0.5, 0.1, ("export via agent",), (1.0,))
                else:
                    p_new = 1.0 if not markets and year == start else min(0.4, 0.12 + 0.03 * len(markets))
                    if rng.random() < p_new:
                        enter(year, 0.35, 0.1, ("no regular export", "export via agent"), (0.75, 0.25))
            if year < PANEL_FIRST_YEAR:
                continue
            weight = sum(_COMMITMENT[m] for m in markets.values())
            fss = 0.0
            if markets:
                fss = float(np.clip(1 - np.exp(-reach * weight / 3.0) + rng.normal(0, 0.03), 0.005, 0.97))
            if markets:
                main = max(markets.values(), key=lambda m: (_COMMITMENT[m], -ENTRY_MODES.index(m)))
            else:
                main = "domestic only"
            firm_rows.append((firm_id, year, founded, sector, path, fss, len(markets), main))
            for c in sorted(markets, key=lambda c: order[c][0]):
                entry_rows.append((firm_id, year, c, markets[c], order[c][0], order[c][1]))
    firms = pd.DataFrame(firm_rows, columns=PANEL_SCHEMA.names)
    entries = pd.DataFrame(entry_rows, columns=ENTRIES_SCHEMA.names)
    return (
        _conform(firms, PANEL_SCHEMA, "sme_panel (generated)"),
        _conform(entries, ENTRIES_SCHEMA, "sme_panel_entries (generated)"),
    )


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


def make_alliance_network(seed=DEFAULT_SEED, density: float = 0.11):
    """Generate the synthetic Khulna alliance network: (nodes, edges) DataFrames.

    The nodes are the firms of :func:`make_khulna_smes` for the same seed. For
    each pair of firms and each alliance form ``f`` the affinity is
    ``sqrt(a_i,f · a_j,f) × c_ij`` with ``c_ij`` = 1 for the same industry, 0.6 for
    the same sector, 0.3 otherwise; a tie forms with probability
    ``1 - prod_f (1 - k · affinity_f)``, and the tie's type is drawn in proportion
    to the affinities. ``k`` is tuned so that about ``density`` of all pairs tie.
    """
    import numpy as np
    import pandas as pd

    firms, _ = _khulna_firms(seed)
    rng = _rng(seed, 3)
    n = len(firms)
    A = firms[[f"alliance_{a}" for a in ALLIANCES]].to_numpy()
    ind = firms["industry"].to_numpy()
    sec = firms["sector"].to_numpy()
    iu, ju = np.triu_indices(n, 1)
    closeness = np.where(ind[iu] == ind[ju], 1.0, np.where(sec[iu] == sec[ju], 0.6, 0.3))
    aff = np.sqrt(A[iu] * A[ju]) * closeness[:, None]  # pairs × forms
    total = aff.sum(axis=1)
    k = density * len(iu) / max(total.sum(), 1e-9)
    p = 1 - np.prod(1 - np.clip(k * aff, 0, 0.95), axis=1)
    tie = rng.random(len(iu)) < p
    rows = []
    for e in np.flatnonzero(tie):
        w = aff[e] / aff[e].sum()
        f = int(rng.choice(len(ALLIANCES), p=w))
        strength = float(np.clip(_beta_mean(rng, 0.25 + 0.7 * np.sqrt(A[iu[e], f] * A[ju[e], f]), 12.0), 0.01, 1))
        rows.append((firms["firm_id"].iloc[iu[e]], firms["firm_id"].iloc[ju[e]], ALLIANCES[f], strength))
    edges = pd.DataFrame(rows, columns=NETWORK_EDGES_SCHEMA.names)
    nodes = firms[NETWORK_NODES_SCHEMA.names]
    return (
        _conform(nodes, NETWORK_NODES_SCHEMA, "alliance_network_nodes (generated)"),
        _conform(edges, NETWORK_EDGES_SCHEMA, "alliance_network (generated)"),
    )


def _graph(nodes, edges, name):
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
    return _graph(nodes, edges, "alliance_network")


# Alliance forms typical inside a sector community, and across communities (weights, in ALLIANCES order).
_NET_SECTOR_FORMS = {
    "manufacturing": (3, 4, 1, 0.5, 2, 1, 1, 0.5, 4, 1),
    "retail": (3, 1, 4, 2, 2, 1, 0.5, 0.5, 0.5, 3),
    "service": (4, 2, 2, 0.5, 1, 3, 1, 0.5, 1, 1),
    "other": (3, 3, 1, 0.5, 2, 2, 1, 1, 1, 0.5),
}
_NET_CROSS_FORMS = (5, 1, 1, 0.2, 1, 3, 0.5, 0.3, 1, 0.5)


def generate_alliance_network(n: int = 1000, seed=DEFAULT_SEED, *, community_size: int = 40, k: int = 6,
                              p_cross: float = 0.08, as_frame: bool = False):
    """Generate a large clustered SYNTHETIC alliance network quickly (10,000 firms in well under a second).

    Firms are split into sector communities of about ``community_size`` firms
    (think of a market, an industrial estate or an association). Inside each
    community the firms sit on a ring and tie to their ``k`` nearest neighbours
    (a Watts–Strogatz lattice: high clustering); each tie is then rewired with
    probability ``p_cross`` to a random firm anywhere (the "weak ties" across
    clusters that make the world small). Ties inside a community take alliance
    forms typical for its sector; cross ties are mostly information sharing and
    joint lobbying.

    Parameters
    ----------
    n : int
        Number of firms (nodes 0..n-1), at least 3.
    seed : int or str
        Seed for :func:`numpy.random.default_rng` (strings hashed with SHA-256).
    community_size : int, default 40
        Mean community size.
    k : int, default 6
        Ties per firm in the ring lattice (even; the mean degree is about ``k``).
    p_cross : float, default 0.08
        Probability that a tie is rewired across communities.
    as_frame : bool, default False
        Return the edge list (source, target, alliance, strength) instead of a graph.

    Returns
    -------
    networkx.Graph or pandas.DataFrame
        Nodes carry ``sector`` and ``community``; edges ``alliance``, ``strength``.

    References
    ----------
    Watts, D. J., & Strogatz, S. H. (1998). Collective dynamics of 'small-world'
    networks. *Nature*, 393, 440–442.

    Examples
    --------
    >>> G = generate_alliance_network(200, seed=1)
    >>> G.number_of_nodes(), 400 < G.number_of_edges() < 650
    (200, True)
    >>> import networkx as nx
    >>> nx.average_clustering(G) > 0.3
    True
    >>> generate_alliance_network(200, seed=1, as_frame=True).equals(generate_alliance_network(200, seed=1, as_frame=True))
    True
    """
    import numpy as np
    import pandas as pd

    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 3 <= n <= 10_000_000:
        raise SmeTeachError(f"n must be an integer of at least 3 and at most 10,000,000 firms, got {n!r}")
    if not isinstance(k, (int, np.integer)) or k < 2 or k % 2:
        raise SmeTeachError(f"k must be an even integer of at least 2, got {k!r}")
    if not isinstance(community_size, (int, np.integer)) or community_size < k + 1:
        raise SmeTeachError(f"community_size must be an integer larger than k={k}, got {community_size!r}")
    check_number(p_cross, 0, 1, "p_cross")
    check_bool(as_frame, "as_frame")
    rng = _rng(seed, 4)
    n = int(n)
    n_comm = 1 if community_size > n else max(1, int(round(n / community_size)))
    # community sizes: multinomial around the mean, at least k+1 each
    community = np.sort(rng.integers(0, n_comm, size=n))
    sizes = np.bincount(community, minlength=n_comm)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    comm_sector = rng.choice(len(SECTORS), size=n_comm, p=_SECTOR_SHARES)
    pos = np.arange(n) - starts[community]
    size = sizes[community]
    src, dst = [], []
    for off in range(1, k // 2 + 1):
        ok = size > off
        src.append(np.arange(n)[ok])
        dst.append((starts[community] + (pos + off) % np.maximum(size, 1))[ok])
    u = np.concatenate(src)
    v = np.concatenate(dst)
    cross = rng.random(len(u)) < p_cross
    v = np.where(cross, rng.integers(0, n, size=len(u)), v)
    keep = u != v
    u, v, cross = u[keep], v[keep], cross[keep]
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    _, first = np.unique(lo.astype(np.int64) * n + hi, return_index=True)
    first.sort()
    lo, hi, cross = lo[first], hi[first], cross[first]
    m = len(lo)
    # alliance form per tie, by the sector of the source community (or the cross-tie profile)
    probs = np.array([_NET_SECTOR_FORMS[s] for s in SECTORS] + [_NET_CROSS_FORMS], dtype=float)
    probs /= probs.sum(axis=1, keepdims=True)
    group = np.where(cross, len(SECTORS), comm_sector[community[lo]])
    cum = probs.cumsum(axis=1)
    draw = rng.random(m)
    form = (draw[:, None] > cum[group]).sum(axis=1).clip(0, len(ALLIANCES) - 1)
    strength = np.round(rng.beta(np.where(cross, 2.0, 3.0), np.where(cross, 4.0, 3.0)), 4)
    alliances = np.array(ALLIANCES, dtype=object)[form]
    if as_frame:
        return pd.DataFrame({"source": lo, "target": hi, "alliance": alliances, "strength": strength})
    import networkx as nx

    G = nx.Graph(name="generated_alliance_network", synthetic=True, seed=str(seed))
    sectors = np.array(SECTORS, dtype=object)[comm_sector[community]]
    G.add_nodes_from(zip(range(n), ({"sector": s, "community": int(c)} for s, c in zip(sectors, community))))
    G.add_edges_from(
        zip(lo.tolist(), hi.tolist(), ({"alliance": a, "strength": s} for a, s in zip(alliances, strength.tolist())))
    )
    return G


# ------------------------------------------------------------------------------- variants

VARIANT_NAMES = ("khulna_smes", "sme_panel", "alliance_network")


def variant(name: str, seed, **kwargs):
    """The synthetic data set ``name`` drawn with another ``seed`` (e.g. one per student).

    Same generator and same shape as the loader; deterministic per seed; a
    different seed gives different data. ``variant(name, DEFAULT_SEED)`` equals the
    shipped file.

    Parameters
    ----------
    name : {"khulna_smes", "sme_panel", "alliance_network"}
    seed : int or str
        Strings (e.g. a student id) are hashed with SHA-256, so the same id gives
        the same variant on every machine.
    **kwargs
        Passed to the loader's shape options: ``table`` for ``"sme_panel"``,
        ``as_frame`` for ``"alliance_network"``.

    Examples
    --------
    >>> a = variant("khulna_smes", "student-01")
    >>> a.equals(variant("khulna_smes", "student-01")), a.equals(variant("khulna_smes", "student-02"))
    (True, False)
    >>> variant("khulna_smes", DEFAULT_SEED).equals(load_khulna_smes())
    True
    >>> variant("sme", 1)
    Traceback (most recent call last):
    ...
    sme_teach._errors.SmeTeachError: unknown synthetic data set 'sme'; expected one of: khulna_smes, sme_panel, alliance_network
    """
    check_choice(name, VARIANT_NAMES, "synthetic data set")
    stable_seed(seed)  # validate early, with a clear message
    allowed = {"khulna_smes": set(), "sme_panel": {"table"}, "alliance_network": {"as_frame"}}[name]
    extra = sorted(set(kwargs) - allowed)
    if extra:
        raise SmeTeachError(
            f"variant({name!r}) got unexpected options {extra}; allowed: {sorted(allowed) or 'none'}"
        )
    if name == "khulna_smes":
        return make_khulna_smes(seed)
    if name == "sme_panel":
        table = kwargs.get("table", "firms")
        check_choice(table, ["firms", "entries"], "panel table")
        firms, entries = make_sme_panel(seed)
        return firms if table == "firms" else entries
    as_frame = kwargs.get("as_frame", False)
    if not isinstance(as_frame, bool):
        raise SmeTeachError(f"as_frame must be True or False, got {as_frame!r}")
    nodes, edges = make_alliance_network(seed)
    return edges if as_frame else _graph(nodes, edges, "alliance_network")


def write_synthetic(out_dir, seed=DEFAULT_SEED):
    """Write every synthetic file into ``out_dir`` (used by ``scripts/make_data.py``)."""
    from pathlib import Path

    out = Path(out_dir)
    written = [write_csv(make_khulna_smes(seed), out / "khulna_smes.csv")]
    firms, entries = make_sme_panel(seed)
    written += [write_csv(firms, out / "sme_panel.csv"), write_csv(entries, out / "sme_panel_entries.csv")]
    nodes, edges = make_alliance_network(seed)
    written += [write_csv(nodes, out / "alliance_network_nodes.csv"), write_csv(edges, out / "alliance_network.csv")]
    return written
