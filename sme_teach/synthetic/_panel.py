"""Generator of the synthetic SME internationalisation panel and its per-firm timing table."""

from __future__ import annotations

from .._errors import SmeTeachError
from ..datasets._synthetic import (
    DEFAULT_SEED,
    ENTRIES_SCHEMA,
    HOME,
    PANEL_ENTRY_MODES,
    PANEL_FIRST_YEAR,
    PANEL_LAST_YEAR,
    PANEL_SCHEMA,
    PATH_TYPES,
    SECTORS,
)
from ._common import conform, rng_for

__all__ = ["make_sme_panel", "firm_timing_table"]

_CHAIN = PANEL_ENTRY_MODES[:4]
_COMMITMENT = {
    "no regular export": 0.2, "export via agent": 0.5, "licensing": 0.6, "joint venture": 0.8,
    "sales subsidiary": 0.8, "production subsidiary": 1.0,
}

def _markets():
    """Candidate export markets: countries with Hofstede PDI/IDV/MAS/UAI and capital coordinates.

    Returns ISO3 codes, a psychic-distance score from Bangladesh (standardised
    Kogut–Singh cultural distance + standardised log great-circle distance between
    capitals + a language term) and log population. The distances are
    :func:`sme_teach.measures.kogut_singh` (variances over the countries with all four
    scores) and :func:`sme_teach.measures.great_circle_km`.
    """
    import numpy as np

    from .. import measures
    from ..datasets import load_countries, load_hofstede

    hof = load_hofstede().set_index("iso3")
    cty = load_countries().set_index("iso3")
    dims = ["PDI", "IDV", "MAS", "UAI"]
    hof = hof.dropna(subset=dims)
    codes = sorted(c for c in hof.index if c in cty.index and c != HOME and cty.loc[c, "capital_lat"] == cty.loc[c, "capital_lat"])
    ks = measures.kogut_singh(hof[dims], HOME, codes, dimensions=dims).to_numpy(dtype=float)
    lat0, lon0 = cty.loc[HOME, ["capital_lat", "capital_lon"]].to_numpy(dtype=float)
    km = measures.great_circle_km(lat0, lon0, cty.loc[codes, "capital_lat"].to_numpy(dtype=float),
                                  cty.loc[codes, "capital_lon"].to_numpy(dtype=float))
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


class _Firm:
    """One panel firm's path through the years: its markets, their entry modes and entry order.

    The draws happen in a fixed order (attributes in ``__init__``, then year by year), so the
    shipped panel is regenerated bit-identically.
    """

    def __init__(self, rng, path: str, market_data):
        self.rng, self.path = rng, path
        self.codes, self.psychic, self.logpop = market_data
        self.sector = SECTORS[rng.choice(4, p=[0.5, 0.15, 0.25, 0.10])]
        if path == "born_global":
            self.founded = int(rng.integers(2000, 2016))
        elif path == "de_re":
            self.founded = int(rng.integers(1990, 2006))
        else:
            self.founded = int(rng.integers(1990, 2016))
        self.reach = rng.lognormal(0.0, 0.25)  # firm-specific effectiveness in turning markets into sales
        self.markets: dict[str, str] = {}  # iso3 -> mode
        self.order: dict[str, tuple[int, int]] = {}  # iso3 -> (entry order, first entry year)
        self.start = self.founded + (int(rng.integers(0, 2)) if path == "born_global" else int(rng.integers(2, 8)))
        if path == "de_re":
            self.de_year = int(rng.integers(max(2011, self.start + 3), 2019))
            self.re_year = self.de_year + int(rng.integers(1, 5))
        else:
            self.de_year = self.re_year = None

    def enter(self, year, temperature, attract, first_modes, first_p):
        """Enter one new market, psychically close ones (and large ones) more likely."""
        import numpy as np

        left = np.array([c not in self.markets for c in self.codes])
        cand = self.codes[left]
        if len(cand) == 0:
            return
        score = -self.psychic[left] / temperature + attract * self.logpop[left]
        w = np.exp(score - score.max())
        c = str(_choose(self.rng, cand, w))
        self.markets[c] = first_modes[self.rng.choice(len(first_modes), p=first_p)]
        if c not in self.order:
            self.order[c] = (len(self.order) + 1, year)

    def climb_chain(self):
        """Establishment chain: each market may move one step up (or to a contractual/equity mode)."""
        rng = self.rng
        for c in sorted(self.markets):
            mode = self.markets[c]
            if mode in _CHAIN[:3]:
                step = {"no regular export": 0.25, "export via agent": 0.03, "sales subsidiary": 0.01}[mode]
                if self.path == "born_global":
                    step *= 1.5
                if rng.random() < step:
                    self.markets[c] = _CHAIN[_CHAIN.index(mode) + 1]
                elif mode == "export via agent" and rng.random() < (0.03 if self.sector == "manufacturing" else 0.01):
                    self.markets[c] = "licensing" if rng.random() < 0.5 else "joint venture"

    def add_markets(self, year, in_spell: bool):
        """New markets: many at once for born globals, known ones first on re-entry, one by one otherwise."""
        rng = self.rng
        if self.path == "born_global":
            n_new = int(rng.integers(3, 8)) if year == self.start else int(rng.random() < 0.3)
            for _ in range(n_new):
                self.enter(year, 3.0, 0.6, ("export via agent", "sales subsidiary", "licensing", "joint venture"),
                           (0.7, 0.15, 0.08, 0.07))
        elif in_spell:
            pass
        elif self.de_year is not None and year >= self.re_year:
            # re-internationalisation: faster, back to known (earlier) markets first
            if year == self.re_year or rng.random() < 0.4:
                known = [c for c in sorted(self.order, key=lambda c: self.order[c][0]) if c not in self.markets]
                if known:
                    self.markets[known[0]] = "export via agent"
                else:
                    self.enter(year, 0.5, 0.1, ("export via agent",), (1.0,))
        else:
            p_new = 1.0 if not self.markets and year == self.start else min(0.4, 0.12 + 0.03 * len(self.markets))
            if rng.random() < p_new:
                self.enter(year, 0.35, 0.1, ("no regular export", "export via agent"), (0.75, 0.25))

    def live(self, year):
        """One year abroad: withdraw (de-internationalisers), climb the chain, add markets."""
        if self.path == "domestic" or year < self.start:
            return
        if self.de_year is not None and year == self.de_year:
            # de-internationalisation: withdraw from most markets and step down
            keep = sorted(self.markets, key=lambda c: self.order[c][0])[
                : min(int(self.rng.integers(0, 2)), len(self.markets) - 1)]
            self.markets = {c: "no regular export" for c in keep}
        in_spell = self.de_year is not None and self.de_year <= year < self.re_year
        if not in_spell:
            self.climb_chain()
        self.add_markets(year, in_spell)

    def observe(self, firm_id: str, year: int):
        """The firm-year row and its firm-year-market rows."""
        import numpy as np

        markets = self.markets
        weight = sum(_COMMITMENT[m] for m in markets.values())
        fss = 0.0
        if markets:
            fss = float(np.clip(1 - np.exp(-self.reach * weight / 3.0) + self.rng.normal(0, 0.03), 0.005, 0.97))
            main = max(markets.values(), key=lambda m: (_COMMITMENT[m], -PANEL_ENTRY_MODES.index(m)))
        else:
            main = "domestic only"
        firm_row = (firm_id, year, self.founded, self.sector, self.path, fss, len(markets), main)
        entry_rows = [(firm_id, year, c, markets[c], self.order[c][0], self.order[c][1])
                      for c in sorted(markets, key=lambda c: self.order[c][0])]
        return firm_row, entry_rows


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
    rng = rng_for(seed, 2)
    codes, psychic, logpop = _markets()
    market_data = (np.array(codes), psychic, logpop)
    # the first four firms cover every path type, so even a tiny variant has all of them
    types = np.concatenate([np.arange(4), rng.choice(4, size=n_firms - 4, p=[0.45, 0.2, 0.2, 0.15])])
    firm_rows, entry_rows = [], []
    for i in range(n_firms):
        firm = _Firm(rng, PATH_TYPES[types[i]], market_data)
        for year in range(firm.founded, PANEL_LAST_YEAR + 1):
            firm.live(year)
            if year >= PANEL_FIRST_YEAR:
                row, entries = firm.observe(f"P{i + 1:04d}", year)
                firm_rows.append(row)
                entry_rows += entries
    firms = pd.DataFrame(firm_rows, columns=PANEL_SCHEMA.names)
    entries = pd.DataFrame(entry_rows, columns=ENTRIES_SCHEMA.names)
    return (
        conform(firms, PANEL_SCHEMA, "sme_panel (generated)"),
        conform(entries, ENTRIES_SCHEMA, "sme_panel_entries (generated)"),
    )


def firm_timing_table(panel=None, entries=None):
    """One row per panel firm: founding, last observed year, reach abroad and time to first export.

    Parameters
    ----------
    panel, entries : pandas.DataFrame, optional
        The firm-year and firm-year-market tables of the SME panel; default
        :func:`sme_teach.datasets.load_sme_panel` (``"firms"`` and ``"entries"``). Pass a
        student's variant (``variant("sme_panel", seed)`` and ``table="entries"``) to get
        that student's table.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``firm_id``: ``founding_year``, ``sector``, ``path_type`` (the
        generator's truth), ``last_year`` (last observed year), ``foreign_sales_share`` and
        ``n_countries`` in that year, ``max_countries`` (most markets served in any observed
        year), ``first_export_year`` (earliest ``first_entry_year`` of any market; NaN =
        never exported) and ``years_to_first_export``. A new table on every call; its
        columns follow ``datasets._synthetic.TIMING_SCHEMA`` (tested).

    Examples
    --------
    >>> t = firm_timing_table()
    >>> len(t), bool(t.loc[t["path_type"] == "domestic", "first_export_year"].isna().all())
    (500, True)
    """
    import numpy as np

    from ..datasets import load_sme_panel

    from .._validate import check_columns

    panel = load_sme_panel("firms") if panel is None else check_columns(
        panel, ["firm_id", "year", "founding_year", "sector", "path_type", "foreign_sales_share", "n_countries"],
        "panel (the SME panel's firm-year table)")
    entries = load_sme_panel("entries") if entries is None else check_columns(
        entries, ["firm_id", "first_entry_year"], "entries (the SME panel's entries table)")
    firms = panel.sort_values(["firm_id", "year"]).groupby("firm_id", sort=True)
    out = firms[["founding_year", "sector", "path_type"]].first()
    last = firms[["year", "foreign_sales_share", "n_countries"]].last()
    out["last_year"] = last["year"]
    out["foreign_sales_share"] = last["foreign_sales_share"]
    out["n_countries"] = last["n_countries"]
    out["max_countries"] = firms["n_countries"].max()
    first = entries.groupby("firm_id")["first_entry_year"].min()
    out["first_export_year"] = first.reindex(out.index).to_numpy(dtype=float, na_value=np.nan)
    out["years_to_first_export"] = out["first_export_year"] - out["founding_year"].to_numpy(dtype=float)
    return out
