"""Views for lessons 7-9: the Alliance-FSA model, entry modes and destinations, the Khulna capstone.

Each view's callback calls one ``compute_*`` function of this module; those take plain
values (numbers, ids, dicts), return plain data (dict, DataFrame, str) and do their work
through :mod:`sme_teach.measures`, :mod:`sme_teach.frameworks` and
:mod:`sme_teach.datasets` — no model logic lives here.
"""

from __future__ import annotations

import html
from functools import lru_cache

from ._common import figure_html, mark

__all__ = [
    "DEFAULT_CANDIDATES",
    "EXPERIENCE_PROXY",
    "khulna_firm_inputs",
    "firm_options",
    "home_options",
    "compute_alliance_fsa",
    "compute_entry_mode",
    "compute_destinations",
    "compute_firm_profile",
    "compute_alliance_plan",
    "alliance_fsa_view",
    "entry_mode_view",
    "destination_view",
    "capstone_view",
]

#: Destinations a Khulna exporter would first look at: the buyers of shrimp and frozen fish
#: (EU, USA, Japan), jute goods (India, China, Turkey) and leather (Italy, Japan), and
#: nearby Asian markets. All have Hofstede's four original scores.
DEFAULT_CANDIDATES = ("IND", "CHN", "JPN", "USA", "GBR", "DEU", "NLD", "BEL", "ITA", "TUR", "MYS", "THA")

_OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
_FACTOR_LABELS = {
    "cultural": "Cultural (no shared language)",
    "administrative": "Administrative (other currency)",
    "geographic": "Geographic (km, no border)",
    "economic": "Economic (market-size gap)",
    "psychic": "Psychic (Kogut-Singh)",
    "small_market": "Small market",
}


# ----------------------------------------------------------------------------- cached inputs


@lru_cache(maxsize=1)
def _model():
    from .. import frameworks

    return frameworks.load("alliance_fsa")


@lru_cache(maxsize=1)
def _layers():
    from .. import frameworks

    G = _model()
    return {layer: frameworks.layer_nodes(G, layer)
            for layer in ("alliance", "moderator_1", "fsa", "moderator_2", "competency")}


def _label(node: str) -> str:
    return _model().nodes[node].get("label", node)


@lru_cache(maxsize=1)
def _khulna():
    from .. import datasets

    return datasets.load_khulna_smes()


@lru_cache(maxsize=1)
def _countries():
    from .. import datasets

    # only the columns the distance measures read (all rows: scores are normalised over the table)
    return datasets.load_countries()[["iso2", "iso3", "name", "population", "capital_lat", "capital_lon",
                                      "languages", "neighbours", "currency"]]


@lru_cache(maxsize=1)
def _hofstede():
    from .. import datasets

    return datasets.load_hofstede()[["iso3", "country", "PDI", "IDV", "MAS", "UAI", "LTO", "IVR"]]


def _data(data):
    if data is None:
        return _khulna()
    from .._validate import check_columns

    lay = _layers()
    needed = ["firm_id", "firm_name", "sector", "industry", "employees", "export_status"]
    needed += [f"alliance_{a}" for a in lay["alliance"]] + [f"mod1_{m}" for m in lay["moderator_1"]]
    needed += [f"mod2_{m}" for m in lay["moderator_2"]]
    return check_columns(data, needed, "data (a Khulna SMEs table)")


def _row(firm_id: str, data=None):
    from .._errors import SmeTeachError

    df = _data(data)
    if not isinstance(firm_id, str):
        raise SmeTeachError(f"firm_id must be a firm id such as 'KS01', got {firm_id!r}")
    hit = (df["firm_id"] == firm_id).to_numpy().nonzero()[0]
    if len(hit) == 0:
        raise SmeTeachError(
            f"unknown firm {firm_id!r}; expected a firm_id such as {', '.join(df['firm_id'].head(3))} "
            f"(see firm_options())")
    return df.iloc[hit[0]]  # by position: a table with a repeated index label still gives one row


def khulna_firm_inputs(firm_id: str, data=None) -> dict:
    """A Khulna firm's alliance strengths and moderator levels as dicts id → value.

    Parameters
    ----------
    firm_id : str
        ``KS01`` ... ``KS50`` (see :func:`firm_options`).
    data : pandas.DataFrame, optional
        Default ``sme_teach.datasets.load_khulna_smes()``; pass a ``variant`` to use
        another cohort.

    Returns
    -------
    dict
        ``alliances``, ``moderators_1``, ``moderators_2`` — ready for
        :func:`sme_teach.measures.propagate`.

    Examples
    --------
    >>> sorted(khulna_firm_inputs("KS02"))
    ['alliances', 'moderators_1', 'moderators_2']
    """
    row = _row(firm_id, data)
    lay = _layers()
    return {
        "alliances": {a: float(row[f"alliance_{a}"]) for a in lay["alliance"]},
        "moderators_1": {m: float(row[f"mod1_{m}"]) for m in lay["moderator_1"]},
        "moderators_2": {m: float(row[f"mod2_{m}"]) for m in lay["moderator_2"]},
    }


def firm_options(data=None) -> list:
    """``(label, firm_id)`` pairs for a Dropdown: ``"KS02 Chalna Metal Industries (light engineering)"``."""
    df = _data(data)
    return [(f"{r.firm_id} {r.firm_name} ({r.industry})", r.firm_id) for r in df.itertuples()]


def home_options() -> list:
    """``(name, iso3)`` pairs of countries with Hofstede's four original scores (possible home countries)."""
    h = _hofstede().dropna(subset=["PDI", "IDV", "MAS", "UAI"])
    c = _countries().set_index("iso3")
    codes = [i for i in h["iso3"] if i in c.index]
    return sorted(((str(c.at[i, "name"]), i) for i in codes), key=lambda p: p[0])


def _levels(value, ids) -> dict:
    """A single level for every id, or a dict id → level, as a dict."""
    from .._validate import check_number

    if isinstance(value, dict):
        return dict(value)
    return {i: check_number(value, 0, 1, "level") for i in ids}


# ----------------------------------------------------------------------------- compute (pure)


def compute_alliance_fsa(alliances=0.5, cycle1=1.0, cycle2=1.0, moderation="mean",
                         explain="internationalisation_knowledge") -> dict:
    """Propagate alliance strengths to FSAs and competencies, and explain one competency.

    Parameters
    ----------
    alliances : float or dict
        One strength for every alliance form, or a dict alliance id → strength in [0, 1]
        (forms left out count as 0).
    cycle1, cycle2 : float or dict
        One level for every cycle-1 (cycle-2) moderator, or a dict id → level in [0, 1].
    moderation : {"mean", "min", "product"}
        How moderator levels combine (see :func:`sme_teach.measures.propagate`).
    explain : str
        The competency to explain.

    Returns
    -------
    dict
        ``competency`` and ``fsa`` (Series of scores), ``m1``, ``m2`` (cycle multipliers),
        ``explanation`` (the text of ``PropagationResult.explain``), ``paths`` (DataFrame
        ``alliance, fsa, contribution, share`` of the explained competency, largest first,
        zero paths dropped) and ``labels`` (id → readable label).
    """
    from .. import measures

    from .._validate import check_choice

    lay = _layers()
    check_choice(explain, lay["competency"], "competency to explain")
    al = _levels(alliances, lay["alliance"])
    r = measures.propagate(al, _levels(cycle1, lay["moderator_1"]), _levels(cycle2, lay["moderator_2"]),
                           model=_model(), moderation=moderation)
    c = r.contributions
    paths = c.loc[(c["competency"] == explain) & (c["contribution"] > 0), ["alliance", "fsa", "contribution"]]
    paths = paths.sort_values("contribution", ascending=False, kind="stable").reset_index(drop=True)
    score = float(r.competency[explain])
    paths["share"] = paths["contribution"] / score if score > 0 else 0.0
    labels = {n: _label(n) for layer in lay.values() for n in layer}
    return {
        "competency": r.competency,
        "fsa": r.fsa,
        "m1": float(r.moderation["m1"].iloc[0]),
        "m2": float(r.moderation["m2"].iloc[0]),
        "explanation": r.explain(explain),
        "paths": paths,
        "labels": labels,
    }


def compute_entry_mode(asset_specificity=0.3, country_risk=0.4, cultural_distance=0.6, firm_size=0.2,
                       international_experience=0.2, high=0.5) -> dict:
    """Recommend an entry mode with its reasons (wraps :func:`sme_teach.measures.recommend_entry_mode`).

    Returns
    -------
    dict
        ``mode``, ``family`` (Root's export / contractual / investment), ``reasons`` (list of
        str), ``capacity`` = mean(size, experience) and ``uncertainty`` = mean(risk, distance)
        as the rules use them.
    """
    from .. import measures

    rec = measures.recommend_entry_mode(asset_specificity, country_risk, cultural_distance, firm_size,
                                        international_experience, high=high)
    return {
        "mode": rec.mode,
        "family": rec.family,
        "reasons": list(rec.reasons),
        "capacity": (float(firm_size) + float(international_experience)) / 2,
        "uncertainty": (float(country_risk) + float(cultural_distance)) / 2,
    }


def compute_destinations(home="BGD", candidates=None, weights=None):
    """Rank candidate destinations from a home country (wraps :func:`sme_teach.measures.rank_destinations`).

    Parameters
    ----------
    home : str
        ISO3 code of the home country (default Bangladesh).
    candidates : list of str, optional
        ISO3 codes; default :data:`DEFAULT_CANDIDATES` without the home country (and with
        Bangladesh added when home is elsewhere).
    weights : dict, optional
        Factor → weight among ``measures.DESTINATION_FACTORS``; default 1 each.

    Returns
    -------
    pandas.DataFrame
        The ranking table: ``name``, ``score_<f>``, ``contribution_<f>``, ``total``, ``rank``.
    """
    from .. import measures

    if candidates is None:
        candidates = [c for c in DEFAULT_CANDIDATES if c != home]
        if home != "BGD":
            candidates.append("BGD")
    from .._errors import SmeTeachError
    from .._validate import check_mapping

    if weights is None:
        weights = {f: 1.0 for f in measures.DESTINATION_FACTORS}
    weights = check_mapping(weights, "weights", "a dict factor -> weight")
    if isinstance(candidates, str):
        candidates = [candidates]
    if not hasattr(candidates, "__iter__") or isinstance(candidates, (bytes, dict)):
        raise SmeTeachError(f"candidates must be a list of ISO3 codes, got {candidates!r}")
    psychic = weights.get("psychic", 0)
    hof = _hofstede() if psychic is not None and not isinstance(psychic, (str, bytes)) else None
    return measures.rank_destinations(home, list(candidates), weights, countries=_countries(), hofstede=hof)


@lru_cache(maxsize=4)
def _cohort(data_id: int, moderation: str):
    """Model competency scores of every firm in a cohort (cached per data object)."""
    from .. import measures

    df = _cohort_data[data_id]
    lay = _layers()
    A = df[[f"alliance_{a}" for a in lay["alliance"]]].set_axis(lay["alliance"], axis=1)
    M1 = df[[f"mod1_{m}" for m in lay["moderator_1"]]].set_axis(lay["moderator_1"], axis=1)
    M2 = df[[f"mod2_{m}" for m in lay["moderator_2"]]].set_axis(lay["moderator_2"], axis=1)
    r = measures.propagate(A.set_axis(df["firm_id"]), M1.set_axis(df["firm_id"]), M2.set_axis(df["firm_id"]),
                           model=_model(), moderation=moderation)
    return r.competency


_cohort_data: dict = {}


def _cohort_scores(data, moderation):
    df = _data(data)
    _cohort_data[id(df)] = df
    return _cohort(id(df), moderation)


#: Course proxy for international experience from export status (the data has no years abroad).
EXPERIENCE_PROXY = {"none": 0.0, "indirect": 0.3, "direct": 0.6}


def compute_firm_profile(firm_id: str, data=None, moderation="mean") -> dict:
    """Profile and diagnosis of one Khulna firm: who it is, its alliances, its competencies.

    Competency scores come from :func:`sme_teach.measures.propagate` on the firm's own
    alliance strengths and moderator levels; ``percentile`` compares each score with the
    same model's scores for the other firms of the cohort (the model's scores are small in
    absolute terms, so peers are the sensible yardstick).

    Returns
    -------
    dict
        ``profile`` (dict of firm_id, firm_name, sector, industry, employees, size_band,
        years_operating, export_status), ``alliances`` (Series id → strength),
        ``competency`` (DataFrame indexed by competency id: ``label``, ``score``,
        ``cohort_median``, ``percentile``), ``weakest`` and ``strongest`` (three competency
        ids each, by percentile), ``m1``/``m2`` (the firm's cycle multipliers) and
        ``entry_inputs`` (course proxies: ``firm_size`` = employees / 250 capped at 1,
        ``international_experience`` from :data:`EXPERIENCE_PROXY`).
    """
    import pandas as pd

    row = _row(firm_id, data)
    inputs = khulna_firm_inputs(firm_id, data)
    res = compute_alliance_fsa(inputs["alliances"], inputs["moderators_1"], inputs["moderators_2"],
                               moderation=moderation)
    cohort = _cohort_scores(data, moderation)
    score = res["competency"]
    pct = (cohort.le(score, axis=1).sum() / len(cohort) * 100).astype(float)
    comp = pd.DataFrame({
        "label": [_label(k) for k in score.index],
        "score": score.to_numpy(),
        "cohort_median": cohort.median().to_numpy(),
        "percentile": pct.to_numpy(),
    }, index=score.index)
    order = comp.sort_values(["percentile", "score"], kind="stable").index
    profile = {k: (row[k].item() if hasattr(row[k], "item") else row[k]) for k in
               ("firm_id", "firm_name", "sector", "industry", "employees", "size_band", "years_operating",
                "export_status")}
    return {
        "profile": profile,
        "alliances": pd.Series(inputs["alliances"], name="strength"),
        "competency": comp,
        "weakest": list(order[:3]),
        "strongest": list(order[::-1][:3]),
        "m1": res["m1"],
        "m2": res["m2"],
        "entry_inputs": {
            "firm_size": min(float(row["employees"]) / 250.0, 1.0),
            "international_experience": EXPERIENCE_PROXY[str(row["export_status"])],
        },
    }


def compute_alliance_plan(firm_id: str, changes: dict, data=None, moderators_1=None, moderators_2=None,
                          moderation="mean"):
    """What-if: change some alliance strengths (and optionally moderators) of a firm; competencies before/after.

    Parameters
    ----------
    firm_id : str
        A Khulna firm.
    changes : dict
        Alliance id → new strength in [0, 1].
    moderators_1, moderators_2 : dict, optional
        Moderator id → new level; others keep the firm's level.

    Returns
    -------
    pandas.DataFrame
        Indexed by competency id: ``label``, ``before``, ``after``, ``gain``; a last row
        ``mean`` averages the ten.
    """
    import pandas as pd

    from .. import measures

    inputs = khulna_firm_inputs(firm_id, data)
    before = measures.propagate(inputs["alliances"], inputs["moderators_1"], inputs["moderators_2"],
                                model=_model(), moderation=moderation).competency
    from .._validate import check_mapping

    changes = check_mapping(changes, "changes", "a dict alliance id -> strength")
    m1 = {**inputs["moderators_1"], **check_mapping({} if moderators_1 is None else moderators_1, "moderators_1", "a dict moderator id -> level")}
    m2 = {**inputs["moderators_2"], **check_mapping({} if moderators_2 is None else moderators_2, "moderators_2", "a dict moderator id -> level")}
    after = measures.propagate({**inputs["alliances"], **changes}, m1, m2, model=_model(),
                               moderation=moderation).competency
    out = pd.DataFrame({"label": [_label(k) for k in before.index], "before": before.to_numpy(),
                        "after": after.to_numpy()}, index=before.index)
    out["gain"] = out["after"] - out["before"]
    out.loc["mean"] = ["Mean of the ten", out["before"].mean(), out["after"].mean(), out["gain"].mean()]
    return out


# ----------------------------------------------------------------------------- drawing helpers


def _figure(width, height):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def _table_html(df, caption: str, fmt: str = "{:.3f}") -> str:
    """A small accessible HTML table (with caption and header row)."""
    head = "".join(f"<th scope='col'>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for idx, r in df.iterrows():
        cells = "".join(
            f"<td style='text-align:right'>{fmt.format(v)}</td>" if isinstance(v, float)
            else f"<td>{html.escape(str(v))}</td>" for v in r)
        rows.append(f"<tr><th scope='row' style='text-align:left'>{html.escape(str(idx))}</th>{cells}</tr>")
    return (f"<table style='border-collapse:collapse;font-size:90%'><caption style='text-align:left'>"
            f"{html.escape(caption)}</caption><thead><tr><th></th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _competency_chart(scores, labels, title, reference=None, reference_label=None):
    fig = _figure(7.5, 4.2)
    ax = fig.add_subplot()
    names = [labels[k] for k in scores.index][::-1]
    vals = scores.to_numpy()[::-1]
    ax.barh(names, vals, color=_OKABE_ITO[0], label="score")
    for y, v in enumerate(vals):
        ax.text(v + 0.01, y, f"{v:.2f}", va="center", fontsize=8)
    if reference is not None:
        ax.scatter(reference.to_numpy()[::-1], range(len(vals)), marker="D", color=_OKABE_ITO[1], zorder=3,
                   label=reference_label)
        ax.legend(loc="lower right", fontsize=8)
    ax.set_xlim(0, max(1.0, float(vals.max()) + 0.1) if reference is None else
                max(0.05, float(max(vals.max(), reference.max())) * 1.25))
    ax.set_xlabel("score (0 = absent, 1 = fully developed)")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    hi, lo = scores.idxmax(), scores.idxmin()
    alt = (f"Horizontal bar chart: {title}. Ten internationalisation competencies scored from 0 to 1. "
           f"Highest: {labels[hi]} {scores[hi]:.2f}; lowest: {labels[lo]} {scores[lo]:.2f}. "
           + "; ".join(f"{labels[k]} {v:.2f}" for k, v in scores.items()) + ".")
    return figure_html(fig, alt)


def _paths_html(res, competency, top=8) -> str:
    lab = res["labels"]
    p = res["paths"].head(top)
    t = p.assign(alliance=[lab[a] for a in p["alliance"]], fsa=[lab[f] for f in p["fsa"]],
                 share=[f"{s:.0%}" for s in p["share"]])
    t = t.rename(columns={"alliance": "alliance", "fsa": "through FSA"}).set_index("alliance")
    table = _table_html(t, f"Largest paths into {lab[competency]} (contribution = m1 × m2 × strength ÷ "
                           "in-degrees)") if len(t) else "<p>No path carries any flow.</p>"
    return f"<pre style='white-space:pre-wrap'>{html.escape(res['explanation'])}</pre>{table}"


# ----------------------------------------------------------------------------- views


def alliance_fsa_view(firm_id=None, alliances=0.5, cycle1=0.6, cycle2=0.6, data=None):
    """Explore the Alliance-FSA model: moderator levels and alliance strengths → competencies.

    Controls: overall cycle-1 moderator level (the marked control), cycle-2 level, one
    alliance's strength (pick it in a Dropdown), the moderation rule and the competency
    to explain. Result: a bar chart of the ten competency scores, with the explanation and
    the largest alliance → FSA paths below it.

    Parameters
    ----------
    firm_id : str, optional
        Start from a Khulna firm's alliance strengths (its moderators are replaced by the
        overall levels of the sliders).
    alliances : float or dict
        Starting strengths when no firm is given.
    """
    import ipywidgets as W

    lay = _layers()
    strengths = (khulna_firm_inputs(firm_id, data)["alliances"] if firm_id is not None
                 else _levels(alliances, lay["alliance"]))
    style = {"description_width": "150px"}
    layout = W.Layout(width="460px")
    c1 = mark(W.FloatSlider(value=cycle1, min=0, max=1, step=0.05, description="Cycle-1 moderators",
                            style=style, layout=layout, continuous_update=False), "control")
    c2 = W.FloatSlider(value=cycle2, min=0, max=1, step=0.05, description="Cycle-2 moderators", style=style,
                       layout=layout, continuous_update=False)
    pick = W.Dropdown(options=[(_label(a), a) for a in lay["alliance"]], description="Alliance form",
                      style=style, layout=layout)
    strength = W.FloatSlider(value=strengths[pick.value], min=0, max=1, step=0.05, description="Its strength",
                             style=style, layout=layout, continuous_update=False)
    rule = W.Dropdown(options=[("mean (strengths compensate)", "mean"), ("min (weakest limits)", "min"),
                               ("product (strictest)", "product")], description="Moderation rule",
                      style=style, layout=layout)
    explain = W.Dropdown(options=[(_label(k), k) for k in lay["competency"]], description="Explain",
                         style=style, layout=layout)
    result = mark(W.HTML(), "result")
    detail = W.HTML()
    busy = {"syncing": False}

    def redraw(*_):
        if busy["syncing"]:
            return
        strengths[pick.value] = strength.value
        res = compute_alliance_fsa(dict(strengths), c1.value, c2.value, rule.value, explain.value)
        title = f"Competencies (m1 = {res['m1']:.2f}, m2 = {res['m2']:.2f}, rule: {rule.value})"
        result.value = _competency_chart(res["competency"], res["labels"], title)
        detail.value = _paths_html(res, explain.value)

    def on_pick(_):
        busy["syncing"] = True
        strength.value = strengths[pick.value]
        busy["syncing"] = False

    pick.observe(on_pick, names="value")
    for w in (c1, c2, strength, rule, explain):
        w.observe(redraw, names="value")
    redraw()
    controls = W.VBox([c1, c2, W.HBox([pick]), strength, rule, explain])
    return W.VBox([controls, result, detail])


def entry_mode_view(**start):
    """Five sliders (asset specificity, country risk, cultural distance, firm size, experience) → mode + reasons."""
    import ipywidgets as W

    defaults = {"asset_specificity": 0.3, "country_risk": 0.4, "cultural_distance": 0.6, "firm_size": 0.2,
                "international_experience": 0.2, **start}
    style = {"description_width": "170px"}
    sliders = {k: W.FloatSlider(value=v, min=0, max=1, step=0.05, description=k.replace("_", " ").capitalize(),
                                style=style, layout=W.Layout(width="460px"), continuous_update=False)
               for k, v in defaults.items()}
    mark(sliders["asset_specificity"], "control")
    result = mark(W.HTML(), "result")

    def redraw(*_):
        r = compute_entry_mode(**{k: s.value for k, s in sliders.items()})
        items = "".join(f"<li>{html.escape(x)}</li>" for x in r["reasons"])
        result.value = (f"<p><b>Recommended mode: {html.escape(r['mode'])}</b> ({html.escape(r['family'])} "
                        f"family) — capacity {r['capacity']:.2f}, uncertainty {r['uncertainty']:.2f}</p>"
                        f"<ul>{items}</ul>")

    for s in sliders.values():
        s.observe(redraw, names="value")
    redraw()
    return W.VBox([*sliders.values(), result])


def _destination_html(table, home_name: str) -> str:
    facts = [c[len("contribution_"):] for c in table.columns if c.startswith("contribution_")]
    t = table.iloc[::-1]
    fig = _figure(7.5, 0.35 * len(t) + 1.4)
    ax = fig.add_subplot()
    left = None
    import numpy as np

    left = np.zeros(len(t))
    for i, f in enumerate(facts):
        vals = t[f"contribution_{f}"].fillna(0).to_numpy()
        ax.barh(t["name"], vals, left=left, color=_OKABE_ITO[i % len(_OKABE_ITO)], label=_FACTOR_LABELS.get(f, f),
                edgecolor="white", linewidth=0.5)
        left = left + vals
    for y, (v, r) in enumerate(zip(t["total"], t["rank"])):
        ax.text((0 if np.isnan(v) else v) + 0.01, y, "no score" if np.isnan(v) else f"#{r}  {v:.2f}",
                va="center", fontsize=8)
    ax.set_xlim(0, 1.15)
    ax.set_xlabel("weighted distance (lower = more attractive)")
    ax.set_title(f"Destinations from {home_name}: contributions to the total", fontsize=10)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    order = ", ".join(f"{r}. {n} ({v:.2f})" for n, v, r in zip(table["name"], table["total"], table["rank"]))
    alt = (f"Stacked horizontal bar chart ranking {len(table)} destinations from {home_name} by weighted "
           f"distance, lower is better; each bar is split into the factors {', '.join(facts)}. Ranking: {order}.")
    shown = table[["name", *[f"contribution_{f}" for f in facts], "total", "rank"]].rename(
        columns={f"contribution_{f}": f for f in facts})
    shown = shown.assign(rank=shown["rank"].astype(str))
    return figure_html(fig, alt) + _table_html(shown, "Contribution of each factor (weight share × score)")


def destination_view(home="BGD", candidates=None):
    """Destination screen: factor weights (cultural first, the marked control) and home country → ranking."""
    import ipywidgets as W

    from .. import measures

    style = {"description_width": "200px"}
    layout = W.Layout(width="480px")
    weights = {f: W.FloatSlider(value=1.0, min=0, max=3, step=0.25, description=f"{_FACTOR_LABELS[f]} weight",
                                style=style, layout=layout, continuous_update=False)
               for f in measures.DESTINATION_FACTORS}
    mark(weights["cultural"], "control")
    home_dd = W.Dropdown(options=home_options(), value=home, description="Home country", style=style, layout=layout)
    result = mark(W.HTML(), "result")
    names = dict((i, n) for n, i in home_options())

    def redraw(*_):
        w = {f: s.value for f, s in weights.items()}
        if sum(w.values()) <= 0:
            result.value = "<p><b>Give at least one factor a weight above 0.</b></p>"
            return
        cands = candidates if home_dd.value == home else None
        table = compute_destinations(home_dd.value, cands, w)
        result.value = _destination_html(table, names.get(home_dd.value, home_dd.value))

    for s in [*weights.values(), home_dd]:
        s.observe(redraw, names="value")
    redraw()
    return W.VBox([*weights.values(), home_dd, result])


def _profile_html(p) -> str:
    prof = p["profile"]
    rows = "".join(f"<tr><th scope='row' style='text-align:left'>{html.escape(k.replace('_', ' '))}</th>"
                   f"<td>{html.escape(str(v))}</td></tr>" for k, v in prof.items())
    lab = dict(zip(p["competency"].index, p["competency"]["label"]))
    al = p["alliances"].sort_values(ascending=False)
    al_txt = ", ".join(f"{_label(a)} {v:.2f}" for a, v in al.items() if v > 0) or "none"
    chart = _competency_chart(p["competency"]["score"], lab,
                              f"{prof['firm_id']} {prof['firm_name']}: competencies vs cohort median",
                              reference=p["competency"]["cohort_median"], reference_label="cohort median")
    weak = ", ".join(f"{lab[k]} ({p['competency'].at[k, 'percentile']:.0f}th pct)" for k in p["weakest"])
    strong = ", ".join(f"{lab[k]} ({p['competency'].at[k, 'percentile']:.0f}th pct)" for k in p["strongest"])
    return (f"<table style='font-size:90%'><caption style='text-align:left'>Firm profile</caption>{rows}</table>"
            f"<p><b>Alliances practised</b> (strength 0-1): {html.escape(al_txt)}</p>"
            f"<p><b>Cycle multipliers</b>: m1 = {p['m1']:.2f}, m2 = {p['m2']:.2f}</p>{chart}"
            f"<p><b>Weakest vs peers</b>: {html.escape(weak)}<br><b>Strongest vs peers</b>: {html.escape(strong)}</p>")


def capstone_view(firm_id=None, data=None):
    """Pick a Khulna firm (Dropdown, the marked control) → profile, alliances and competency diagnosis."""
    import ipywidgets as W

    opts = firm_options(data)
    dd = mark(W.Dropdown(options=opts, value=firm_id or opts[0][1], description="Firm",
                         layout=W.Layout(width="520px")), "control")
    result = mark(W.HTML(), "result")

    def redraw(*_):
        result.value = _profile_html(compute_firm_profile(dd.value, data))

    dd.observe(redraw, names="value")
    redraw()
    return W.VBox([dd, result])
