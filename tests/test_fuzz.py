"""Fuzz every public function with bad inputs (GitHub issue #10).

Contract: whatever a user passes, a public ``sme_teach`` function either works (and its output
is sane) or raises :class:`~sme_teach.SmeTeachError` with a non-empty message that names the
problem (the parameter, column or value, or says what was "expected"). Any other exception —
TypeError, KeyError, AttributeError, IndexError, ZeroDivisionError, OverflowError, pandas or
numpy errors, RecursionError — is a bug.

``FUZZ`` maps every public callable to a :class:`Spec`: valid keyword arguments plus, per
parameter, a hypothesis strategy of bad values. Each example corrupts zero, one or two
parameters of the valid call. ``EXEMPT`` lists public names that are deliberately not fuzzed,
with the reason; :func:`test_registry_covers_public_api` fails when a new public function has
neither, so nothing slips through.

Examples are derandomized and there is no example database, so CI is reproducible.
"""

from __future__ import annotations

import atexit
import copy
import inspect
import itertools
import math
import shutil
import tempfile
import traceback
from pathlib import Path
from typing import Callable, NamedTuple

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from sme_teach import SmeTeachError, cases, datasets, frameworks, grading, measures, synthetic, workshop

settings.register_profile("ci", derandomize=True, database=None, deadline=None)
FUZZ_SETTINGS = dict(
    derandomize=True, database=None, deadline=None, phases=(Phase.explicit, Phase.generate),  # no shrinking: time
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)

# ----------------------------------------------------------------------------- building blocks

NAN, INF = float("nan"), float("inf")


class _Opaque:
    """An object no function should accept."""

    def __repr__(self):
        return "<opaque>"


WRONG_TYPES = st.one_of(
    st.sampled_from([None, "", "abc", b"bytes", 1 + 2j, {"a": 1}, ["x", "y"], [[1, 2], [3]], [[[]]], (),
                     set(), _Opaque(), True, False, np.array([[1.0, 2.0]]), pd.DataFrame()]),
    st.text(max_size=6),
    st.lists(st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(-3, 3), max_size=2),
)
BAD_NUMBERS = st.one_of(
    st.sampled_from([NAN, INF, -INF, -1, -0.1, 1.5, 6, 3.5, 0, 1e308, -1e308, 10**400, "0.5", None, True,
                     [0.5, NAN], [], [[0.5]], np.float32("nan")]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-10**6, 10**6),
)
BAD_PROB = st.one_of(st.sampled_from([-0.1, 1.5, NAN, INF, -INF, 2, -1, "0.5", None, [0.2, 0.3], 10**400]),
                     st.floats().filter(lambda x: not 0 <= x <= 1))
BAD_LIKERT = st.one_of(st.sampled_from([0, 6, 3.5, -1, 7, NAN, INF, "3", None, True, [3], 10**400, 2.0000001]),
                       st.floats(), st.integers(-20, 20))
BAD_BOOL = st.sampled_from(["yes", "no", "", 0.5, None, [True], 2, NAN, _Opaque()])
BAD_INT = st.sampled_from([-1, 0, 2.5, NAN, INF, "10", None, True, [3], 10**400, _Opaque()])
BAD_ISO3 = st.one_of(st.sampled_from(["XXX", "BDG", "bgdx", "", "   ", "Bangla desh", "UK", "ZZ", 123, None,
                                      ["BGD"], {"BGD": 1}, NAN, b"BGD", _Opaque()]),
                     st.text(min_size=1, max_size=4))
BAD_SEED = st.sampled_from([-1, 1.5, NAN, "abc", None, [1, 2], {"a": 1}, _Opaque(), 2**70, -(2**70)])
BAD_GRAPH = st.one_of(WRONG_TYPES, st.sampled_from([nx.MultiGraph([(0, 1)]), nx.Graph(), nx.DiGraph()]))


def typos(names):
    """Misspellings of valid ids: a dropped letter, swapped letters, spaces for underscores, case."""
    out = []
    for n in names:
        n = str(n)
        if len(n) > 2:
            out += [n[:-1], n[1:], n[1] + n[0] + n[2:], n.upper(), n.replace("_", " ") + "x", n + "s"]
    return st.sampled_from(sorted(set(out) - set(map(str, names))) or ["typo"])


def any_bad(*extra):
    return st.one_of(WRONG_TYPES, *extra)


# --- DataFrame mutations: missing, extra, renamed, duplicated columns, NaN/inf/junk cells, empty frames

_KINDS = ("drop", "rename", "extra", "nan", "inf", "neg", "big", "str", "none", "list", "bool", "empty",
          "dupcol", "dupidx", "transpose", "objcol", "noncol")


def _mutate(df: pd.DataFrame, kind: str, ci: int, ri: int) -> pd.DataFrame:
    df = df.copy()
    if df.shape[1] == 0:
        return df
    col = df.columns[ci % df.shape[1]]
    row = ri % max(len(df), 1)
    if kind == "drop":
        return df.drop(columns=col)
    if kind == "rename":
        return df.rename(columns={col: f"{col}x"})
    if kind == "extra":
        return df.assign(unexpected_column=1.0)
    if kind == "empty":
        return df.iloc[:0]
    if kind == "dupcol":
        return pd.concat([df, df[[col]]], axis=1)
    if kind == "dupidx":
        return pd.concat([df, df.iloc[:1]])
    if kind == "transpose":
        return df.T
    if kind == "noncol":
        return df.set_axis(range(df.shape[1]), axis=1)
    if len(df) == 0:
        return df
    value = {"nan": NAN, "inf": INF, "neg": -1, "big": 1e9, "str": "abc", "none": None, "list": [1, 2],
             "bool": True, "objcol": None}[kind]
    if kind == "objcol":
        df[col] = df[col].astype(object)
        return df
    df[col] = df[col].astype(object)
    df.iat[row, df.columns.get_loc(col)] = value
    return df


def mutated(df: pd.DataFrame):
    return st.builds(_mutate, st.just(df), st.sampled_from(_KINDS), st.integers(0, 60), st.integers(0, 60))


# --- YAML files broken in one place (for load_instrument and frameworks.load_file)

_TMP = Path(tempfile.mkdtemp(prefix="sme_teach_fuzz_"))
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
_counter = itertools.count()
YAML_JUNK = [None, 5, 1.5, "x", "", [], {}, [1, 2], {"a": 1}, True, [{"id": None}], [{"id": [1]}]]


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj[:2]):
            yield from _paths(v, prefix + (i,))


def _broken_yaml(spec: dict, pick: int, junk, delete: bool) -> Path:
    spec = copy.deepcopy(spec)
    paths = [p for p in _paths(spec) if p]
    path = paths[pick % len(paths)]
    parent = spec
    for k in path[:-1]:
        parent = parent[k]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = junk
    out = _TMP / f"broken_{next(_counter)}.yaml"
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    out.write_text(yaml.dump(spec, Dumper=dumper, allow_unicode=True), encoding="utf-8")
    return out


def _special_file(kind: str) -> Path:
    out = _TMP / f"special_{next(_counter)}.yaml"
    if kind == "binary":
        out.write_bytes(b"\xff\xfe\x00\x81 not utf-8 \x00")
    elif kind == "empty":
        out.write_text("", encoding="utf-8")
    elif kind == "bad_yaml":
        out.write_text("name: [unclosed\n  - {", encoding="utf-8")
    elif kind == "list":
        out.write_text("- 1\n- 2\n", encoding="utf-8")
    elif kind == "scalar":
        out.write_text("just text\n", encoding="utf-8")
    elif kind == "directory":
        out = _TMP / f"dir_{next(_counter)}.yaml"
        out.mkdir()
    elif kind == "missing":
        out = _TMP / "does_not_exist.yaml"
    return out


def bad_yaml_paths(source: Path):
    spec = yaml.load(source.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return st.one_of(
        st.builds(_broken_yaml, st.just(spec), st.integers(0, 5000), st.sampled_from(YAML_JUNK), st.booleans()),
        st.sampled_from(["binary", "empty", "bad_yaml", "list", "scalar", "directory", "missing"]).map(_special_file),
        st.sampled_from([5, None, 1.5, ["a.yaml"], _Opaque(), "", "no/such/file.yaml", b"\xff"]),
    )


# ----------------------------------------------------------------------------- valid inputs

HOFSTEDE = datasets.load_hofstede()
COUNTRIES = datasets.load_countries()
KHULNA = datasets.load_khulna_smes()
NETWORK = datasets.load_alliance_network()
INSTRUMENT = measures.load_instrument()
ITEMS = INSTRUMENT.item_ids
ANSWERS = {i: 3 for i in ITEMS}
RESPONSES = pd.DataFrame([{i: (k + j) % 5 + 1 for j, i in enumerate(ITEMS)} for k in range(3)],
                         index=["F1", "F2", "F3"])
AFSA = frameworks.load("alliance_fsa")
ALLIANCES = frameworks.layer_nodes(AFSA, "alliance")
MOD1 = frameworks.layer_nodes(AFSA, "moderator_1")
MOD2 = frameworks.layer_nodes(AFSA, "moderator_2")
COMPETENCIES = frameworks.layer_nodes(AFSA, "competency")
KPIS = pd.DataFrame({"kpi": ["EU buyer", "trade fair", "agent"], "benefit": [500.0, 120.0, 80.0],
                     "cost": [100.0, 50.0, 20.0], "probability": [0.3, 0.5, 0.9]})
DOI_FRAME = pd.DataFrame({"fsts": [0.4, 0.9], "osts": [0.0, 0.5], "pdio": [0.2, 0.1]}, index=["a", "b"])
INNOV = pd.DataFrame({"fills_unsolicited_orders": [True, False], "explores_exporting": [True, False],
                      "years_exporting": [1.0, 0.0], "explores_distant_markets": [False, False]})
ENTRY = pd.DataFrame({"asset_specificity": [0.9, 0.1], "country_risk": [0.2, 0.9], "cultural_distance": [0.2, 0.7],
                      "firm_size": [0.9, 0.8], "international_experience": [0.7, 0.6]})
FLAGS = pd.DataFrame({"agent_export": [True, False], "sales_subsidiary": [True, False]})
MODES = pd.DataFrame({"IND": ["agent", None], "GBR": ["sales subsidiary", "production"]})
ALLIANCE_FRAME = pd.DataFrame({"information_sharing": [1.0, 0.2], "joint_marketing": [0.5, 0.0]}, index=["x", "y"])
SERIES = pd.Series({"IND": 0.4, "GBR": 2.1})
RANKING = measures.rank_destinations("BGD", ["IND", "GBR", "MYS"], {"geographic": 2, "small_market": 1, "psychic": 1},
                                     COUNTRIES, HOFSTEDE)
FRAME = pd.DataFrame({"firm": ["F01", "F02", "F03"], "stage": [1, 3, 2]})
SMALL_COUNTRIES = COUNTRIES[COUNTRIES["iso3"].isin(["BGD", "IND", "GBR", "MYS", "USA", "NPL"])].reset_index(drop=True)

PATH_GRAPH = nx.path_graph(["a", "b", "c", "d"])
STRENGTH_GRAPH = nx.Graph()
STRENGTH_GRAPH.add_edge("a", "b", w=0.5)
STRENGTH_GRAPH.add_edge("b", "c", w=1.0)


def graph_variants():
    G1 = STRENGTH_GRAPH.copy()
    G1.edges["a", "b"]["w"] = 1.5
    G2 = STRENGTH_GRAPH.copy()
    G2.edges["a", "b"]["w"] = "high"
    G3 = STRENGTH_GRAPH.copy()
    G3.edges["a", "b"]["w"] = [0.1]
    G4 = STRENGTH_GRAPH.copy()
    G4.add_edge("c", "c", w=0.5)
    G5 = nx.DiGraph([("a", "b")])
    G6 = STRENGTH_GRAPH.copy()
    G6.edges["b", "c"]["w"] = NAN
    return st.sampled_from([G1, G2, G3, G4, G5, G6, nx.Graph(), nx.MultiDiGraph([("a", "b")])])


# ----------------------------------------------------------------------------- sanity checks

def _finite_in(values, low, high):
    arr = np.asarray(values, dtype=float)
    assert np.all(np.isfinite(arr)), f"non-finite output {values!r}"
    assert np.all((arr >= low - 1e-9) & (arr <= high + 1e-9)), f"output outside [{low}, {high}]: {values!r}"


def _ok_fsts(out, kw):
    _finite_in(out, 0, 1)


def _ok_entropy(out, kw):
    arr = np.atleast_1d(np.asarray(out, dtype=float))
    assert np.all(np.isfinite(arr)) and np.all(arr >= -1e-12)


def _ok_doi(out, kw):
    _finite_in(out, 0, 1)


def _ok_stage(out, kw):
    arr = np.asarray(out if not isinstance(out, pd.DataFrame) else out.to_numpy(), dtype=float)
    _finite_in(arr, 1, 6)


def _ok_innovation(out, kw):
    if kw.get("labels") is True:
        return
    _ok_stage(out, kw)


def _ok_names(allowed):
    def check(out, kw):
        vals = [out] if isinstance(out, str) else list(np.asarray(out).ravel())
        assert set(map(str, vals)) <= set(allowed), vals
    return check


def _ok_bool(out, kw):
    assert np.asarray(out).dtype == bool


def _ok_distance(out, kw):
    arr = np.asarray(out, dtype=float)
    assert np.all(np.isfinite(arr)) and np.all(arr >= 0) and np.all(arr <= 20016)


def _ok_kogut(out, kw):
    s = out["kogut_singh"] if isinstance(out, pd.DataFrame) else out
    arr = s.to_numpy(dtype=float)
    assert np.all(np.isnan(arr) | (arr >= 0)), arr
    assert not np.isinf(arr).any()


def _ok_cage(out, kw):
    for c in measures.CAGE_DIMENSIONS + ("total",):
        _finite_in(out[c], 0, 1)


def _ok_rank(out, kw):
    assert out["rank"].min() >= 1 and len(out) >= 1
    t = out["total"].to_numpy(dtype=float)
    assert np.all(np.isnan(t) | ((t >= -1e-9) & (t <= 1 + 1e-9)))


def _ok_enb(out, kw):
    assert math.isfinite(out.total) and out.table["expected_net_benefit"].notna().all()


def _ok_sens(out, kw):
    assert out[["total_low", "total_high", "swing"]].notna().all().all() and (out["swing"] >= 0).all()


def _ok_instrument(out, kw):
    assert isinstance(out, measures.Instrument) and out.item_ids


def _ok_readiness(out, kw):
    frame = out.to_frame().T if isinstance(out, pd.Series) else out
    dims = [c for c in frame.columns if c not in ("band", "weakest")]
    _finite_in(frame[dims].to_numpy(dtype=float), 0, 100)


def _ok_band(out, kw):
    _ok_names(["low", "developing", "strong"])(out, kw)


def _ok_propagate(out, kw):
    _finite_in(np.asarray(out.fsa, dtype=float), 0, 1)
    _finite_in(np.asarray(out.competency, dtype=float), 0, 1)


def _ok_entry(out, kw):
    modes = [out.mode] if isinstance(out, measures.EntryRecommendation) else list(out["mode"])
    assert set(modes) <= set(measures.ENTRY_MODES)


def _ok_cascade(out, kw):
    _finite_in(out.to_numpy(), 0, 1)


def _ok_brokerage(out, kw):
    assert list(out.columns) == ["degree", "betweenness", "effective_size", "constraint"]


def _ok_frame(out, kw):
    assert isinstance(out, pd.DataFrame) and len(out) > 0


def _ok_graph_or_frame(out, kw):
    assert isinstance(out, (nx.Graph, pd.DataFrame))


def _ok_seed(out, kw):
    assert isinstance(out, int) and 0 <= out < 2**32


def _ok_none(out, kw):
    assert out is None


def _ok_any(out, kw):
    pass


def _ok_spillover(out, kw):
    _finite_in(out.probability.to_numpy(), 0, 1)


def _ok_best(out, kw):
    assert isinstance(out, pd.Series) and out.notna().all() and (out >= 1).all()


def _ok_wspill(out, kw):
    _finite_in(out["probability"].to_numpy(), 0, 1)


def _ok_wbg(out, kw):
    assert int(out["table"].loc["total", "firms"]) == 500


def _ok_wread(out, kw):
    _finite_in(out["scores"]["score"], 0, 100)
    _finite_in(out["overall"], 0, 100)


def _ok_afsa(out, kw):
    _finite_in(out["competency"].to_numpy(), 0, 1)


def _ok_wentry(out, kw):
    assert out["mode"] in measures.ENTRY_MODES


def _ok_profile(out, kw):
    _finite_in(out["competency"]["score"].to_numpy(), 0, 1)


def _ok_plan(out, kw):
    _finite_in(out[["before", "after"]].to_numpy(dtype=float), 0, 1)


# ----------------------------------------------------------------------------- the registry


class Spec(NamedTuple):
    func: Callable
    valid: dict
    bad: dict  # parameter -> strategy of bad values ("**" = extra keyword arguments, a dict)
    check: Callable = _ok_any
    examples: int = 40
    allowed: tuple = ()  # further exceptions that are part of the contract (AssertionError for grading)
    # for answer checks: kw -> True (the answer is right), False (wrong) or None (not clear-cut), judged
    # independently of the check; a check that accepts a wrong answer or rejects a right one fails
    verdict: Callable | None = None


# --- independent judges for the grade-cell checks (expect_frame / expect_series / expect_value)

def _is_number(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))


def _same(a, b, atol, rtol):
    """Is found value ``a`` the expected ``b``? True / False / None when the pair is not clear-cut."""
    def missing(x):
        return x is None or (isinstance(x, (float, np.floating)) and math.isnan(x))

    if missing(a) or missing(b):
        return missing(a) and missing(b)
    if _is_number(a) and _is_number(b):
        try:
            return abs(float(a) - float(b)) <= atol + rtol * abs(float(b))
        except OverflowError:
            return a == b
    if isinstance(b, (bool, np.bool_)):
        return isinstance(a, (bool, np.bool_)) and bool(a) == bool(b)
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if _is_number(b) and isinstance(a, (str, bytes, list, bool, np.bool_)):
        return False
    return None


def _combine(verdicts):
    verdicts = list(verdicts)
    return False if False in verdicts else (None if None in verdicts else True)


def _labels_ok(labels, wanted):
    try:
        found = set(labels)
    except TypeError:
        return False
    return len(found) == len(list(labels)) and found == set(wanted)


def _tolerances(kw):
    return float(kw.get("atol", 1e-6)), float(kw.get("rtol", 1e-6))


def _frame_verdict(kw):
    ans, exp, key = kw["answer"], kw.get("expected"), kw.get("key")
    if not isinstance(ans, pd.DataFrame):
        return False
    if exp is None:
        return None
    cols = kw["columns"] if kw.get("columns") is not None else list(exp.columns)
    if ans.columns.has_duplicates or sorted(map(str, ans.columns)) != sorted(map(str, cols)):
        return False
    if key not in ans.columns:
        return False
    if not _labels_ok(list(ans[key]), list(exp[key])):
        return False
    a, e = ans.set_index(key), exp.set_index(key)
    if any(c not in a.columns for c in e.columns):
        return None
    atol, rtol = _tolerances(kw)
    return _combine(_same(a[c][k], e[c][k], atol, rtol) for c in e.columns for k in e.index)


def _series_verdict(kw):
    ans, exp = kw["answer"], kw.get("expected")
    if not isinstance(ans, pd.Series):
        return False
    if exp is None:
        return None
    wanted = kw["index"] if kw.get("index") is not None else list(exp.index)
    if not _labels_ok(list(ans.index), wanted):
        return False
    if kw.get("ordered") and list(ans.index) != list(wanted):
        return False
    if set(wanted) != set(exp.index):
        return None
    atol, rtol = _tolerances(kw)
    return _combine(_same(ans[k], exp[k], atol, rtol) for k in exp.index)


def _value_verdict(kw):
    ans, exp = kw["answer"], kw["expected"]
    if _is_number(exp) and not isinstance(ans, (int, float, np.integer, np.floating)):
        return False
    if isinstance(ans, (list, np.ndarray, pd.Series)) or isinstance(exp, (list, np.ndarray, pd.Series)):
        return None
    atol, rtol = _tolerances(kw)
    return _same(ans, exp, atol, rtol)


GRAPH_PARAMS = dict(
    G=BAD_GRAPH | graph_variants(),
    seeds=any_bad(st.sampled_from(["zz", ["a", "zz"], [["a"]], [], [None], 0, [{"a"}]])),
    p=BAD_PROB | st.sampled_from(["missing_attribute", "w", b"w", [0.5], _Opaque()]),
    runs=BAD_INT | st.sampled_from([0, -5]),
    seed=BAD_SEED,
)

FUZZ: dict[str, Spec] = {
    # ---------------------------------------------------------------- measures
    "measures.fsts": Spec(measures.fsts, dict(foreign_sales=30.0, total_sales=120.0), dict(
        foreign_sales=any_bad(BAD_NUMBERS, st.sampled_from([[1, 2, 3], [200.0], pd.Series([1.0, NAN])])),
        total_sales=any_bad(BAD_NUMBERS, st.sampled_from([[100, 100], [0.0], pd.Series([100.0, -1.0])])),
    ), _ok_fsts),
    "measures.entropy_diversification": Spec(measures.entropy_diversification, dict(shares=[0.7, 0.2, 0.1]), dict(
        shares=any_bad(BAD_NUMBERS, mutated(pd.DataFrame({"EU": [1.0, 0.5], "US": [0.0, 0.5]})),
                       st.lists(BAD_PROB, min_size=1, max_size=4), st.sampled_from([[], [[0.5, 0.5]], {"a": 1.0}])),
        normalize=BAD_BOOL,
        tol=BAD_NUMBERS,
    ), _ok_entropy),
    "measures.doi_index": Spec(measures.doi_index, dict(data=DOI_FRAME), dict(
        data=any_bad(mutated(DOI_FRAME), st.dictionaries(st.sampled_from(list(measures.DOI_COMPONENTS) + ["fsst"]),
                                                         BAD_PROB, min_size=1, max_size=3)),
        components=any_bad(typos(measures.DOI_COMPONENTS), st.sampled_from([[], ["fsts", "fsts"], ["fata"], "fsts"])),
        weights=any_bad(st.dictionaries(st.sampled_from(["fsts", "osts", "pdio", "fata", "osst"]), BAD_NUMBERS,
                                        max_size=3)),
    ), _ok_doi),
    "measures.uppsala_stage": Spec(measures.uppsala_stage, dict(activities=MODES), dict(
        activities=any_bad(typos(measures.UPPSALA_MODES), mutated(MODES), mutated(FLAGS),
                           st.lists(st.one_of(typos(measures.UPPSALA_MODES), BAD_NUMBERS), max_size=3),
                           st.dictionaries(st.sampled_from(["agent_export", "sales_subsidiary", "x"]),
                                           st.one_of(st.booleans(), BAD_BOOL), max_size=2)),
    ), _ok_stage),
    "measures.innovation_stage": Spec(measures.innovation_stage, dict(data=INNOV), dict(
        data=any_bad(mutated(INNOV), st.just(INNOV.iloc[0].to_dict()).map(lambda d: {**d, "years_exporting": -1})),
        model=any_bad(typos(measures.INNOVATION_STAGES)),
        experienced_after=BAD_NUMBERS,
        labels=BAD_BOOL,
    ), _ok_innovation),
    "measures.network_situation": Spec(measures.network_situation, dict(
        firm_internationalization=[0.1, 0.9], market_internationalization=[0.1, 0.9]), dict(
        firm_internationalization=any_bad(BAD_PROB, st.sampled_from([[0.1, 0.2, 0.3], [[0.1]]])),
        market_internationalization=any_bad(BAD_PROB),
        threshold=BAD_PROB,
    ), _ok_names(["early starter", "late starter", "lonely international", "international among others"])),
    "measures.inv_type": Spec(measures.inv_type, dict(value_chain_activities=[1, 4], countries=[9, 9]), dict(
        value_chain_activities=any_bad(BAD_NUMBERS, st.sampled_from([[1, 2, 3], [1.5, 2]])),
        countries=any_bad(BAD_NUMBERS),
        years_to_first_export=st.sampled_from([-1, "soon", [1, 2, 3], {"a": 1}, _Opaque(), [-2, 1]]),
        many_activities=BAD_NUMBERS,
        many_countries=BAD_NUMBERS,
        max_years=BAD_NUMBERS,
    ), _ok_names([*measures.INV_TYPES, measures.NOT_INV])),
    "measures.classify_born_global": Spec(measures.classify_born_global, dict(
        years_to_first_export=[1, 6, NAN], foreign_sales_share=[0.8, 0.8, 0.0]), dict(
        years_to_first_export=any_bad(BAD_NUMBERS, st.sampled_from([[1, 2], [-1, 2, 3]])),
        foreign_sales_share=any_bad(BAD_PROB),
        max_years=BAD_NUMBERS,
        min_share=BAD_PROB,
        definition=any_bad(typos(measures.BORN_GLOBAL_DEFINITIONS)),
    ), _ok_bool),
    "measures.great_circle_km": Spec(measures.great_circle_km, dict(lat1=23.8, lon1=90.4, lat2=51.5, lon2=-0.1), dict(
        lat1=any_bad(BAD_NUMBERS, st.sampled_from([91, -90.5, [0, 0, 0]])),
        lon1=any_bad(BAD_NUMBERS, st.sampled_from([181, [0, 0]])),
        lat2=any_bad(BAD_NUMBERS, st.sampled_from([[1.0, 2.0]])),
        lon2=any_bad(BAD_NUMBERS),
    ), _ok_distance),
    "measures.kogut_singh": Spec(measures.kogut_singh, dict(scores=HOFSTEDE, home="BGD", hosts=["IND", "GBR"]), dict(
        scores=any_bad(mutated(HOFSTEDE)),
        home=BAD_ISO3,
        hosts=any_bad(BAD_ISO3, st.lists(BAD_ISO3, max_size=3), st.sampled_from([5, [["IND"]], ["IND", "IND"]])),
        dimensions=any_bad(typos(measures.HOFSTEDE_DIMENSIONS), st.sampled_from([[], ["PDI", "PDI"], "LTO", [None]])),
        variances=any_bad(st.dictionaries(st.sampled_from(["PDI", "IDV", "MAS", "UAI", "XYZ"]), BAD_NUMBERS,
                                          max_size=4)),
        missing=any_bad(typos(["nan", "skip"])),
        details=BAD_BOOL,
    ), _ok_kogut),
    "measures.cage_distance": Spec(measures.cage_distance, dict(home="BGD", hosts=["IND", "GBR"], countries=COUNTRIES), dict(
        home=BAD_ISO3,
        hosts=any_bad(st.lists(BAD_ISO3, max_size=3), st.sampled_from([5, ["IND", "IND"], ["BES"]])),
        countries=any_bad(mutated(SMALL_COUNTRIES)),
        weights=any_bad(st.dictionaries(st.sampled_from(["cultural", "economic", "psychic", "cultral"]), BAD_NUMBERS,
                                        max_size=2)),
    ), _ok_cage),
    "measures.rank_destinations": Spec(measures.rank_destinations, dict(
        home="BGD", candidates=["IND", "GBR", "MYS"], weights={"geographic": 2, "small_market": 1, "psychic": 1},
        countries=COUNTRIES, hofstede=HOFSTEDE), dict(
        home=BAD_ISO3,
        candidates=any_bad(st.lists(BAD_ISO3, max_size=3), st.sampled_from([5, [], ["IND", "IND"], ["BGD"], "IND"])),
        weights=any_bad(st.dictionaries(st.sampled_from(list(measures.DESTINATION_FACTORS) + ["psychc"]),
                                        BAD_NUMBERS, max_size=3)),
        countries=any_bad(mutated(SMALL_COUNTRIES)),
        hofstede=any_bad(mutated(HOFSTEDE)),
    ), _ok_rank, examples=80),
    "measures.expected_net_benefit": Spec(measures.expected_net_benefit, dict(kpis=KPIS), dict(
        kpis=any_bad(mutated(KPIS), st.just(KPIS.assign(kpi=[["a"], ["b"], ["a"]])),
                     st.just(KPIS.assign(kpi=["a", "a", "b"]))),
    ), _ok_enb),
    "measures.sensitivity": Spec(measures.sensitivity, dict(kpis=KPIS), dict(
        kpis=any_bad(mutated(KPIS)),
        delta=BAD_PROB,
    ), _ok_sens),
    "measures.load_instrument": Spec(measures.load_instrument, dict(), dict(
        path=bad_yaml_paths(Path(measures.__file__).with_name("data") / "readiness.yaml"),
    ), _ok_instrument, examples=60),
    "measures.readiness_scores": Spec(measures.readiness_scores, dict(responses=RESPONSES), dict(
        responses=any_bad(mutated(RESPONSES), st.dictionaries(st.sampled_from(ITEMS), BAD_LIKERT, min_size=1,
                                                              max_size=2).map(lambda d: {**ANSWERS, **d}),
                          st.sampled_from([{k: v for k, v in ANSWERS.items() if k != "cur_1"},
                                           {**ANSWERS, "cur_5": 3}, {**ANSWERS, "cap 1": 3}])),
        instrument=any_bad(st.sampled_from([5, "missing.yaml", Path("/"), _Opaque()])),
    ), _ok_readiness),
    "measures.readiness_scores_reference": Spec(measures.readiness_scores_reference, dict(responses=RESPONSES), dict(
        responses=any_bad(mutated(RESPONSES), st.dictionaries(st.sampled_from(ITEMS), BAD_LIKERT, min_size=1,
                                                              max_size=2).map(lambda d: {**ANSWERS, **d})),
        instrument=any_bad(st.sampled_from([5, "missing.yaml", _Opaque()])),
    ), _ok_readiness),
    "measures.readiness_band": Spec(measures.readiness_band, dict(score=[10, 55, 70]), dict(
        score=any_bad(BAD_NUMBERS, st.sampled_from([101, -0.5, [50, 150]])),
        instrument=any_bad(st.sampled_from([5, "missing.yaml", _Opaque()])),
    ), _ok_band),
    "measures.factor_gaps": Spec(measures.factor_gaps, dict(ranking=RANKING), dict(
        ranking=any_bad(mutated(RANKING), st.sampled_from([RANKING.iloc[:1], RANKING[["total", "rank"]]]))),
        lambda out, kw: isinstance(out, pd.Series) and np.isclose(out.sum(), RANKING["total"].iloc[1] - RANKING["total"].iloc[0])),
    "measures.deciding_factor": Spec(measures.deciding_factor, dict(ranking=RANKING), dict(
        ranking=any_bad(mutated(RANKING), st.sampled_from([RANKING.iloc[:1]]))),
        lambda out, kw: out in measures.DESTINATION_FACTORS),
    "measures.propagate": Spec(measures.propagate, dict(
        alliances={"information_sharing": 1.0, "joint_marketing": 0.5}, moderators_1={"trust_and_confidence": 0.8},
        moderators_2={"learning_organisation": 1.0}), dict(
        alliances=any_bad(mutated(ALLIANCE_FRAME), st.dictionaries(
            st.one_of(st.sampled_from(ALLIANCES), typos(ALLIANCES)), BAD_PROB, min_size=1, max_size=2)),
        moderators_1=any_bad(mutated(pd.DataFrame({"trust_and_confidence": [0.5, 1.0]}, index=["x", "y"])),
                             st.dictionaries(st.one_of(st.sampled_from(MOD1), typos(MOD1)), BAD_PROB, max_size=2)),
        moderators_2=any_bad(st.dictionaries(st.one_of(st.sampled_from(MOD2), typos(MOD2)), BAD_PROB, max_size=2)),
        model=any_bad(typos(frameworks.available()), st.sampled_from(["csf", nx.DiGraph(), nx.Graph(), AFSA.to_undirected()])),
        moderation=any_bad(typos(["mean", "min", "product"])),
    ), _ok_propagate),
    "measures.recommend_entry_mode": Spec(measures.recommend_entry_mode, dict(
        asset_specificity=0.8, country_risk=0.2, cultural_distance=0.2, firm_size=0.9, international_experience=0.9),
        dict(asset_specificity=BAD_PROB, country_risk=BAD_PROB, cultural_distance=BAD_PROB, firm_size=BAD_PROB,
             international_experience=BAD_PROB, data=any_bad(mutated(ENTRY)), high=BAD_PROB),
        _ok_entry),
    "measures.independent_cascade": Spec(measures.independent_cascade, dict(
        G=STRENGTH_GRAPH, seeds=["a"], p=0.5, runs=30, seed=1), GRAPH_PARAMS, _ok_cascade),
    "measures.independent_cascade_reference": Spec(measures.independent_cascade_reference, dict(
        G=STRENGTH_GRAPH, seeds=["a"], p="w", runs=30, seed=1), GRAPH_PARAMS, _ok_cascade),
    "measures.brokerage": Spec(measures.brokerage, dict(G=nx.florentine_families_graph()), dict(
        G=BAD_GRAPH | graph_variants() | st.sampled_from([nx.Graph([(1, 1)]), nx.empty_graph(3)]),
    ), _ok_brokerage),
    # ---------------------------------------------------------------- datasets
    "datasets.data_dir": Spec(datasets.data_dir, {}, {}, lambda out, kw: Path(out).is_dir()),
    "datasets.list_datasets": Spec(datasets.list_datasets, {}, {}, _ok_frame),
    "datasets.load_countries": Spec(datasets.load_countries, dict(split_lists=True), dict(split_lists=BAD_BOOL),
                                    _ok_frame),
    "datasets.load_hofstede": Spec(datasets.load_hofstede, {}, {}, _ok_frame),
    "datasets.load_literature_table": Spec(datasets.load_literature_table, {}, {}, _ok_frame),
    "datasets.load_income": Spec(datasets.load_income, {}, {}, _ok_frame),
    "datasets.load_review_studies": Spec(datasets.load_review_studies, {}, {}, _ok_frame),
    "datasets.load_florentine": Spec(datasets.load_florentine, dict(as_frame=True), dict(as_frame=BAD_BOOL),
                                     _ok_graph_or_frame),
    "datasets.load_khulna_smes": Spec(datasets.load_khulna_smes, {}, {}, _ok_frame),
    "datasets.load_sme_panel": Spec(datasets.load_sme_panel, dict(table="entries"), dict(
        table=any_bad(typos(["firms", "entries"]))), _ok_frame),
    "datasets.load_alliance_network": Spec(datasets.load_alliance_network, dict(as_frame=False), dict(
        as_frame=BAD_BOOL), _ok_graph_or_frame),
    "datasets.generate_alliance_network": Spec(datasets.generate_alliance_network, dict(n=60, seed=3), dict(
        n=BAD_INT | st.sampled_from([2, np.int64(1), 0.0]),
        seed=BAD_SEED,
        community_size=BAD_INT | st.sampled_from([6, 7]),
        k=BAD_INT | st.sampled_from([3, 1, 2.0]),
        p_cross=BAD_PROB | st.sampled_from([_Opaque(), [0.1]]),
        as_frame=BAD_BOOL,
    ), _ok_graph_or_frame, examples=30),
    "datasets.variant": Spec(datasets.variant, dict(name="alliance_network", seed="student-01"), {
        "name": any_bad(typos(["khulna_smes", "sme_panel", "alliance_network"])),
        "seed": BAD_SEED,
        "**": st.sampled_from([{"table": "firms"}, {"as_frame": "yes"}, {"typo": 1}, {"as_frame": None},
                               {"seed2": 1}]),
    }, _ok_graph_or_frame, examples=30),
    # ---------------------------------------------------------------- frameworks
    "frameworks.available": Spec(frameworks.available, {}, {}, lambda out, kw: "alliance_fsa" in out),
    "frameworks.load": Spec(frameworks.load, dict(name="csf"), dict(
        name=any_bad(typos(frameworks.available()))), lambda out, kw: isinstance(out, nx.DiGraph)),
    "frameworks.load_file": Spec(frameworks.load_file, dict(path=Path(frameworks.__file__).with_name("data")
                                                            / "alliance_fsa.yaml"), dict(
        # uppsala.yaml: small (fast to rewrite) and has layers, nodes and two kinds of edges
        path=bad_yaml_paths(Path(frameworks.__file__).with_name("data") / "uppsala.yaml"),
    ), lambda out, kw: isinstance(out, nx.DiGraph), examples=80),
    "frameworks.layer_nodes": Spec(frameworks.layer_nodes, dict(G=AFSA, layer="fsa"), dict(
        G=BAD_GRAPH | st.sampled_from([nx.path_graph(3), nx.DiGraph(layers="x")]),
        layer=any_bad(typos(["alliance", "moderator_1", "fsa", "competency"]))), lambda out, kw: len(out) > 0),
    "frameworks.nodes_frame": Spec(frameworks.nodes_frame, dict(G=AFSA), dict(
        G=BAD_GRAPH | st.sampled_from([nx.path_graph(3), nx.DiGraph(layers="x")])), _ok_frame),
    "frameworks.stated_links": Spec(frameworks.stated_links, dict(model="alliance_fsa"), dict(
        model=any_bad(typos(frameworks.available()), st.sampled_from([nx.Graph(), 5]))),
        lambda out, kw: not any(d.get("inferred") for _, _, d in out.edges(data=True))),
    "frameworks.edges_frame": Spec(frameworks.edges_frame, dict(G=AFSA, kind="builds"), dict(
        G=BAD_GRAPH | st.sampled_from([nx.path_graph(3)]),
        kind=any_bad(typos(["builds", "moderates"]))), _ok_frame),
    # ---------------------------------------------------------------- grading (pure helpers)
    "grading.expect_frame": Spec(grading.expect_frame, dict(answer=FRAME, expected=FRAME, key="firm", what="firm"), dict(
        answer=any_bad(mutated(FRAME), st.sampled_from([
            FRAME.assign(firm=[["a"], ["b"], ["c"]]),
            pd.concat([FRAME, pd.DataFrame({"firm": ["F04"], "stage": [1]})], ignore_index=True),  # extra row
            FRAME.assign(stage=[1, 3, 3]), FRAME.iloc[::-1], FRAME[["stage", "firm"]]])),
        expected=any_bad(mutated(FRAME), st.sampled_from([SERIES, 5])),
        key=any_bad(typos(["firm"]), st.sampled_from([["firm"], 0])),
        columns=any_bad(st.sampled_from([5, ["firm"], ["firm", "firm", "stage"]])),
        rows=any_bad(st.sampled_from([5, ["F01"], [["F01"]]])),
        what=WRONG_TYPES, name=WRONG_TYPES, atol=BAD_NUMBERS, rtol=BAD_NUMBERS,
    ), _ok_none, allowed=(AssertionError,), verdict=_frame_verdict),
    "grading.expect_series": Spec(grading.expect_series, dict(answer=SERIES, expected=SERIES, what="country"), dict(
        answer=any_bad(st.sampled_from([SERIES * 2, SERIES.iloc[:1], pd.concat([SERIES, pd.Series({"USA": 1.0})]),
                                        SERIES.iloc[::-1], SERIES.replace(0.4, 0.41), pd.Series([[1], [2]], index=["IND", "GBR"]),
                                        pd.Series({"IND": NAN, "GBR": INF}), SERIES.to_frame(),
                                        pd.concat([SERIES, SERIES]), pd.Series(dtype=float)])),
        expected=any_bad(st.sampled_from([FRAME, 5, pd.concat([SERIES, SERIES]), pd.Series([[1], [2]])])),
        index=any_bad(st.sampled_from([5, ["IND"], [["IND"]]])),
        what=WRONG_TYPES, name=WRONG_TYPES, atol=BAD_NUMBERS, rtol=BAD_NUMBERS, ordered=BAD_BOOL,
    ), _ok_none, allowed=(AssertionError,), verdict=_series_verdict),
    "grading.expect_value": Spec(grading.expect_value, dict(answer=0.25, expected=0.25), dict(
        answer=any_bad(BAD_NUMBERS, st.sampled_from([np.array([0.25, 0.25]), pd.Series([0.25]), 10**400,
                                                     np.float64("nan"), "0.25", [0.25]])),
        expected=any_bad(BAD_NUMBERS, st.sampled_from([np.array([1, 2]), pd.Series([0.25]), 10**400, [0.25]])),
        name=WRONG_TYPES, atol=BAD_NUMBERS, rtol=BAD_NUMBERS,
    ), _ok_none, allowed=(AssertionError,), verdict=_value_verdict),
    "grading.student_seed": Spec(grading.student_seed, dict(student="s001"), dict(
        student=any_bad(), salt=WRONG_TYPES), _ok_seed),
    # ---------------------------------------------------------------- workshop
    "workshop.load_recommendations": Spec(workshop.load_recommendations, {}, {}, lambda out, kw: "readiness" in out),
    "workshop.compute_readiness": Spec(workshop.compute_readiness, dict(answers=ANSWERS), dict(
        answers=any_bad(st.dictionaries(st.sampled_from(ITEMS), BAD_LIKERT, min_size=1, max_size=2)
                        .map(lambda d: {**ANSWERS, **d}), st.just({**ANSWERS, "cur_9": 3})),
        firm=WRONG_TYPES, owner=WRONG_TYPES,
        instrument=any_bad(st.sampled_from([5, "missing.yaml", _Opaque()])),
    ), lambda out, kw: _finite_in(out.scores, 0, 100)),
    "workshop.compute_alliance": Spec(workshop.compute_alliance, dict(
        chosen=["information_sharing"], moderator_answers={"trust_and_confidence": 1}), dict(
        chosen=any_bad(st.lists(typos(ALLIANCES), max_size=2), st.sampled_from([5, [["joint_marketing"]]])),
        moderator_answers=any_bad(st.dictionaries(st.sampled_from(MOD1 + MOD2), BAD_LIKERT, min_size=1, max_size=2)),
        firm=WRONG_TYPES, owner=WRONG_TYPES, weakest_link=BAD_BOOL,
    ), lambda out, kw: _finite_in(out.competency, 0, 1)),
    "workshop.compute_destinations": Spec(workshop.compute_destinations, dict(
        home="BGD", candidates=["IND", "GBR"], weights={"geographic": 1, "psychic": 1}), dict(
        home=BAD_ISO3,
        candidates=any_bad(st.lists(BAD_ISO3, max_size=3), st.sampled_from([5, ["BGD"], [["IND"]]])),
        weights=any_bad(st.dictionaries(st.sampled_from(list(workshop.DESTINATION_FACTOR_LABELS) + ["psychc"]),
                                        BAD_NUMBERS, min_size=1, max_size=3)),
        firm=WRONG_TYPES, owner=WRONG_TYPES,
    ), lambda out, kw: _ok_rank(out.table, kw)),
    "workshop.compute_spillover": Spec(workshop.compute_spillover, dict(starts=["KS01"], chance=0.2, runs=30), dict(
        starts=any_bad(st.lists(typos(["KS01", "KS44"]), max_size=2), st.sampled_from([5, [["KS01"]], "KS01"])),
        chance=BAD_PROB | st.sampled_from(["strenght"]),
        firm=WRONG_TYPES, owner=WRONG_TYPES,
        runs=BAD_INT, seed=BAD_SEED,
        G=BAD_GRAPH | graph_variants(),
    ), _ok_spillover),
    "workshop.compute_best_starts": Spec(workshop.compute_best_starts, dict(chance=0.2, k=3, runs=20), dict(
        chance=BAD_PROB, k=BAD_INT, runs=BAD_INT, seed=BAD_SEED, G=BAD_GRAPH | graph_variants(),
    ), _ok_best),
    # ---------------------------------------------------------------- use cases (sme_teach.cases; the lesson views call them)
    "cases.grapevine": Spec(cases.grapevine, dict(seed_firm="KS44", p=0.3, runs=30), dict(
        seed_firm=any_bad(typos(["KS44", "KS01"])), p=BAD_PROB, runs=BAD_INT, seed=BAD_SEED,
        top=BAD_INT | st.sampled_from([-3]),
    ), _ok_wspill),
    "cases.born_globals": Spec(cases.born_globals, dict(max_years=3, min_share=0.25), dict(
        max_years=BAD_NUMBERS, min_share=BAD_PROB,
        timing=st.sampled_from([5, "x", pd.DataFrame(), KHULNA]),
    ), _ok_wbg),
    "cases.khulna_readiness": Spec(cases.khulna_readiness, dict(answers={"net_3": 5}, firm_id="KS28"), dict(
        answers=any_bad(st.dictionaries(st.one_of(st.sampled_from(ITEMS), typos(ITEMS)), BAD_LIKERT, min_size=1,
                                        max_size=2)),
        firm_id=any_bad(typos(["KS28", "KS01"])),
    ), _ok_wread),
    "cases.alliance_fsa": Spec(cases.alliance_fsa, dict(), dict(
        alliances=any_bad(BAD_PROB, st.dictionaries(st.one_of(st.sampled_from(ALLIANCES), typos(ALLIANCES)),
                                                    BAD_PROB, max_size=2)),
        cycle1=any_bad(BAD_PROB), cycle2=any_bad(BAD_PROB),
        moderation=any_bad(typos(["mean", "min", "product"])),
        explain=any_bad(typos(COMPETENCIES)),
    ), _ok_afsa),
    "cases.entry_mode": Spec(cases.entry_mode, dict(), dict(
        asset_specificity=BAD_PROB, country_risk=BAD_PROB, cultural_distance=BAD_PROB, firm_size=BAD_PROB,
        international_experience=BAD_PROB, high=BAD_PROB,
    ), _ok_wentry),
    "cases.destination_ranking": Spec(cases.destination_ranking, dict(candidates=["IND", "GBR", "MYS"]), dict(
        home=BAD_ISO3,
        candidates=any_bad(st.lists(BAD_ISO3, max_size=3), st.sampled_from([5, [], ["IND", "IND"]])),
        weights=any_bad(st.dictionaries(st.sampled_from(list(measures.DESTINATION_FACTORS) + ["psychc"]),
                                        BAD_NUMBERS, max_size=3)),
    ), _ok_rank),
    "cases.firm_profile": Spec(cases.firm_profile, dict(firm_id="KS01"), dict(
        firm_id=any_bad(typos(["KS01", "KS44"])),
        data=any_bad(mutated(KHULNA)),
        moderation=any_bad(typos(["mean", "min", "product"])),
        cohort=st.sampled_from([5, "KS01", KHULNA, _Opaque(), cases.Cohort(moderation="min")]),
    ), _ok_profile),
    "cases.alliance_plan": Spec(cases.alliance_plan, dict(
        firm_id="KS01", changes={"joint_marketing": 1.0}), dict(
        firm_id=any_bad(typos(["KS01", "KS44"])),
        changes=any_bad(st.dictionaries(st.one_of(st.sampled_from(ALLIANCES), typos(ALLIANCES)), BAD_PROB,
                                        max_size=2)),
        data=any_bad(mutated(KHULNA)),
        moderators_1=any_bad(st.dictionaries(st.one_of(st.sampled_from(MOD1), typos(MOD1)), BAD_PROB, max_size=2)),
        moderators_2=any_bad(st.dictionaries(st.one_of(st.sampled_from(MOD2), typos(MOD2)), BAD_PROB, max_size=2)),
        moderation=any_bad(typos(["mean", "min", "product"])),
    ), _ok_plan),
    "cases.construct": Spec(cases.construct, dict(node="benefits"), dict(
        node=any_bad(typos(["benefits", "barriers"])), model=any_bad(typos(frameworks.available()))),
        lambda out, kw: out["id"] == kw["node"]),
    "cases.theory_notes": Spec(cases.theory_notes, dict(theory="revised_uppsala"), dict(
        theory=any_bad(typos(["revised_uppsala", "reid_1981"]))), lambda out, kw: out["id"] == kw["theory"]),
    "cases.literature_studies": Spec(cases.literature_studies, dict(factor="sf_benefits_barriers"), dict(
        factor=any_bad(typos(["sf_benefits_barriers", "Benefits & Barriers"]))), _ok_frame),
    "cases.marginal_analysis": Spec(cases.marginal_analysis, dict(kpis=KPIS, probabilities={"EU buyer": 0.5}), dict(
        kpis=any_bad(mutated(KPIS)),
        probabilities=any_bad(st.dictionaries(st.one_of(st.just("EU buyer"), typos(["EU buyer"])), BAD_PROB,
                                              min_size=1, max_size=2)),
        benefits=any_bad(st.dictionaries(typos(["EU buyer"]), BAD_NUMBERS, min_size=1, max_size=2)),
        delta=BAD_NUMBERS,
    ), lambda out, kw: np.isfinite(out["total"])),
    "cases.uppsala_step": Spec(cases.uppsala_step, dict(activity="distributor"), dict(
        activity=any_bad(typos(["distributor", "sales_subsidiary"])),
        examples=st.sampled_from([5, "x", [1, 2], _Opaque()])), lambda out, kw: 1 <= out["step"] <= 4),
    "cases.cultural_distance": Spec(cases.cultural_distance, dict(home="BGD", hosts=["IND", "GBR"]), dict(
        home=BAD_ISO3, hosts=any_bad(st.lists(BAD_ISO3, max_size=3)),
        dimensions=any_bad(typos(measures.HOFSTEDE_DIMENSIONS), st.sampled_from([[], ["PDI", "PDI"]]))), _ok_frame),
    "cases.cage_table": Spec(cases.cage_table, dict(home="BGD", hosts=["IND", "GBR"]), dict(
        home=BAD_ISO3, hosts=any_bad(st.lists(BAD_ISO3, max_size=3), st.sampled_from([5, ["IND", "IND"]])),
        weights=any_bad(st.dictionaries(st.sampled_from(["cultural", "economic", "cultral"]), BAD_NUMBERS,
                                        max_size=2))), _ok_cage),
    "cases.firm_inputs": Spec(cases.firm_inputs, dict(firm_id="KS01"), dict(
        firm_id=any_bad(typos(["KS01", "KS44"])), data=any_bad(mutated(KHULNA))),
        lambda out, kw: sorted(out) == ["alliances", "moderators_1", "moderators_2"]),
    "cases.firm_options": Spec(cases.firm_options, {}, dict(data=any_bad(mutated(KHULNA))),
                               lambda out, kw: len(out) > 0),
    "cases.cohort_competencies": Spec(cases.cohort_competencies, {}, dict(
        data=any_bad(mutated(KHULNA)), moderation=any_bad(typos(["mean", "min", "product"]))),
        lambda out, kw: _finite_in(out.to_numpy(dtype=float), 0, 1)),
    "cases.lever_gains": Spec(cases.lever_gains, dict(
        alliances=pd.Series({"information_sharing": 0.5, "resource_sharing": 0.9}),
        moderators_1={"trust_and_confidence": 0.8}, moderators_2={"learning_organisation": 1.0}), dict(
        alliances=any_bad(st.sampled_from([{"information_sharing": 0.5}, pd.Series({"informaton_sharing": 0.5}),
                                           pd.Series({"information_sharing": 1.5})])),
        moderators_1=any_bad(st.dictionaries(st.one_of(st.sampled_from(MOD1), typos(MOD1)), BAD_PROB, max_size=2)),
        moderators_2=any_bad(st.dictionaries(st.one_of(st.sampled_from(MOD2), typos(MOD2)), BAD_PROB, max_size=2)),
        target=any_bad(typos(["mean", *COMPETENCIES])), step=BAD_PROB, links=any_bad(typos(["all", "stated"])),
        model=any_bad(typos(frameworks.available()), st.sampled_from(["csf", nx.Graph()]))),
        lambda out, kw: isinstance(out, pd.Series) and (out >= -1e-12).all(), examples=20),
    "cases.advised_firm": Spec(cases.advised_firm, dict(smes=KHULNA, seed=7), dict(
        smes=st.sampled_from([5, "x", pd.DataFrame(), KHULNA.drop(columns="firm_id")]), seed=BAD_SEED),
        lambda out, kw: out in set(KHULNA["firm_id"])),
    "cases.client_brief": Spec(cases.client_brief, dict(seed=7), dict(
        seed=BAD_SEED, countries=any_bad(mutated(COUNTRIES)), hofstede=any_bad(mutated(HOFSTEDE))),
        lambda out, kw: len(out.candidates) == 8, examples=20),
    "cases.destination_pool": Spec(cases.destination_pool, {}, dict(
        countries=any_bad(mutated(COUNTRIES)), hofstede=any_bad(mutated(HOFSTEDE)), home=BAD_ISO3),
        lambda out, kw: len(out) > 8, examples=20),
    "datasets.load_khulna_readiness": Spec(datasets.load_khulna_readiness, {}, {}, _ok_frame),
    "datasets.khulna_model_inputs": Spec(datasets.khulna_model_inputs, dict(table=KHULNA), dict(
        table=any_bad(mutated(KHULNA), st.just(KHULNA.drop(columns=[c for c in KHULNA if c.startswith("mod1_")])))),
        lambda out, kw: len(out) == 3),
    "synthetic.firm_timing_table": Spec(synthetic.firm_timing_table, {}, dict(
        panel=st.sampled_from([5, "x", pd.DataFrame()]), entries=st.sampled_from([5, "x", pd.DataFrame()])),
        _ok_frame, examples=10),
    "synthetic.khulna_readiness_responses": Spec(synthetic.khulna_readiness_responses, dict(seed=3), dict(
        seed=BAD_SEED, smes=st.sampled_from([5, "x", pd.DataFrame(), KHULNA.drop(columns="export_status")])),
        _ok_frame, examples=15),
    "synthetic.khulna_readiness_frame": Spec(synthetic.khulna_readiness_frame, dict(seed=3), dict(
        seed=BAD_SEED, smes=st.sampled_from([5, "x", pd.DataFrame()])), _ok_frame, examples=10),
    "measures.check_graph": Spec(measures.check_graph, dict(G=STRENGTH_GRAPH), dict(G=BAD_GRAPH),
                                 lambda out, kw: out is kw["G"]),
}

# Public names deliberately not fuzzed here, with the reason.
EXEMPT = {
    # one function, two names: the workshop's names are the use cases themselves (fuzzed under workshop.*)
    "cases.readiness_diagnosis": "the same function as workshop.compute_readiness (fuzzed)",
    "cases.alliance_builds": "the same function as workshop.compute_alliance (fuzzed)",
    "cases.destination_comparison": "the same function as workshop.compute_destinations (fuzzed)",
    "cases.spillover": "the same function as workshop.compute_spillover (fuzzed)",
    "cases.best_starts": "the same function as workshop.compute_best_starts (fuzzed)",
    "cases.load_recommendations": "the same function as workshop.load_recommendations (fuzzed)",
    "cases.country_choices": "no input; the same function as workshop.country_choices",
    "cases.firm_choices": "no input; the same function as workshop.firm_choices",
    "workshop.country_choices": "no input: (name, ISO3) pairs of the shipped countries table",
    "workshop.firm_choices": "no input: (label, id) pairs of the shipped alliance network",
    "cases.home_options": "no input: (name, ISO3) pairs of countries with Hofstede scores",
    "cases.khulna_readiness_answers": "no input: the shipped answers (datasets.load_khulna_readiness, fuzzed)",
    "cases.model_layers": "reads a framework graph's layers; G from frameworks.load (fuzzed)",
    "cases.model_labels": "reads a framework graph's labels; G from frameworks.load (fuzzed)",
    "cases.alliance_nodes": "layer id of the Alliance-FSA model; used by the alliance planner (tested in test_workshop.py)",
    "cases.Cohort": "result holder of cohort_competencies (fuzzed); used through firm_profile(cohort=)",
    "cases.ReadinessResult": "result class of readiness_diagnosis",
    "cases.AllianceResult": "result class of alliance_builds",
    "cases.DestinationResult": "result class of destination_comparison",
    "cases.SpilloverResult": "result class of spillover",
    "cases.ClientBrief": "result class of client_brief",
    "cases.WorkshopInputError": "the exception class itself (a SmeTeachError)",
    "datasets.ModelInputs": "result class of khulna_model_inputs",
    "synthetic.make_khulna_smes": "generator behind variant('khulna_smes') (fuzzed as datasets.variant)",
    "synthetic.make_sme_panel": "generator behind variant('sme_panel') (fuzzed as datasets.variant)",
    "synthetic.make_alliance_network": "generator behind variant('alliance_network') (fuzzed as datasets.variant)",
    "synthetic.generate_alliance_network": "the same function as datasets.generate_alliance_network (fuzzed)",
    "synthetic.variant": "the same function as datasets.variant (fuzzed)",
    "synthetic.write_synthetic": "writes files into a folder; run by scripts/make_data.py (test_datasets_synthetic.py)",
    # classes and result types: constructed by the functions above, not by users
    "measures.MarginalAnalysis": "result class of expected_net_benefit",
    "measures.Instrument": "result class of load_instrument",
    "measures.PropagationResult": "result class of propagate",
    "measures.EntryRecommendation": "result class of recommend_entry_mode",
    "grading.CheckResult": "result class of check",
    "grading.GradeRun": "result class of grade",
    "workshop.ReadinessResult": "result class of compute_readiness",
    "workshop.AllianceResult": "result class of compute_alliance",
    "workshop.DestinationResult": "result class of compute_destinations",
    "workshop.SpilloverResult": "result class of compute_spillover",
    "workshop.WorkshopInputError": "the exception class itself (a SmeTeachError)",
    # grading pipeline: runs nbgrader and kernels on a course folder (tests/test_grading_*.py)
    "grading.check": "runs a notebook's visible tests in the kernel; tested in test_grading_*",
    "grading.release": "nbgrader pipeline on a course folder; tested in test_grading_engine.py",
    "grading.grade": "nbgrader pipeline on a course folder; tested in test_grading_engine.py",
    "grading.feedback": "nbgrader pipeline on a course folder; tested in test_grading_engine.py",
    "grading.find_course": "filesystem lookup of a course folder; tested in test_grading_engine.py",
    "grading.item_analysis": "reads a gradebook; tested in test_grading_engine.py",
    "grading.report": "reads a gradebook; tested in test_grading_engine.py",
    "grading.student_scores": "reads a gradebook and grading log; tested in test_grading_lecturer.py",
    "grading.format_student_scores": "formats student_scores' table; doctest and test_grading_lecturer.py",
    "grading.is_autograding": "takes no input (reads the environment)",
    "grading.student_id": "reads the environment / notebook; tested in test_grading_student.py",
    "grading.student_data": "thin wrapper of datasets.variant (fuzzed) and student_seed (fuzzed)",
    # workshop apps, reports and the answers store: ipywidgets pages and file I/O (test_workshop*.py)
    "workshop.readiness_app": "ipywidgets page; its callback calls compute_readiness (fuzzed)",
    "workshop.alliance_app": "ipywidgets page; its callback calls compute_alliance (fuzzed)",
    "workshop.destination_app": "ipywidgets page; its callback calls compute_destinations (fuzzed)",
    "workshop.spillover_app": "ipywidgets page; its callback calls compute_spillover (fuzzed)",
    "workshop.ReadinessApp": "ipywidgets class behind readiness_app",
    "workshop.AllianceApp": "ipywidgets class behind alliance_app",
    "workshop.DestinationApp": "ipywidgets class behind destination_app",
    "workshop.SpilloverApp": "ipywidgets class behind spillover_app",
    "workshop.one_page_report": "renders a PDF from a compute_* result object; tested in test_workshop.py",
    "workshop.report_filename": "formats a file name from a compute_* result object; tested in test_workshop.py",
    "workshop.append_answers": "writes the answers CSV; tested in test_workshop.py",
    "workshop.read_answers": "reads the answers CSV; tested in test_workshop.py",
    "workshop.answers_csv_bytes": "reads the answers CSV; tested in test_workshop.py",
    "workshop.answers_path": "file path of the answers CSV; tested in test_workshop.py",
    "workshop.workshop_dir": "workshop folder from the environment; tested in test_workshop.py",
}


def public_callables():
    """(qualified name, object) of every public name the registry must cover."""
    out = []
    for prefix, mod in (("measures", measures), ("datasets", datasets), ("frameworks", frameworks),
                        ("synthetic", synthetic), ("cases", cases), ("grading", grading), ("workshop", workshop)):
        for name in mod.__all__:
            obj = getattr(mod, name)
            if callable(obj):
                out.append((f"{prefix}.{name}", obj))
    return out


def test_registry_covers_public_api():
    names = [n for n, _ in public_callables()]
    missing = [n for n in names if n not in FUZZ and n not in EXEMPT]
    assert not missing, f"public callables without a fuzz Spec (add one to FUZZ, or to EXEMPT with a reason): {missing}"
    stale = [n for n in sorted(set(FUZZ) | set(EXEMPT)) if n not in names]
    assert not stale, f"FUZZ/EXEMPT entries that are no longer public: {stale}"
    for n, obj in public_callables():
        if n in EXEMPT:
            assert EXEMPT[n].strip(), f"{n}: give a reason for the exemption"
            continue
        params = inspect.signature(obj).parameters
        spec = FUZZ[n]
        assert spec.func is obj, f"FUZZ[{n!r}] fuzzes another function"
        for p, prm in params.items():
            if prm.kind is inspect.Parameter.VAR_KEYWORD:
                p = "**"
            assert p in spec.bad, f"{n}: no bad-input strategy for parameter {p!r}"


# ----------------------------------------------------------------------------- the fuzz test


# Words of the house style (DESIGN.md convention 6): what was expected / what is wrong with what was given.
HOUSE_STYLE = ("expected", "must", "unknown", "missing", "is not", "not a ", "empty", "twice", "more than once",
               "does not exist", "needs")


def _names_problem(msg: str, corrupted) -> bool:
    low = msg.lower()
    if any(w in low for w in HOUSE_STYLE):
        return True
    for param, value in corrupted:
        tokens = [param] + [t for t in param.split("_") if len(t) >= 3]
        if param == "**":
            tokens = list(value)
        if any(t.lower() in low for t in tokens):
            return True
        r = repr(value)
        if len(r) <= 40 and r in msg:
            return True
    return False


def _short(obj, limit=300):
    r = repr(obj)
    return r if len(r) <= limit else r[:limit] + "..."


def _kwargs(spec: Spec, corrupted) -> dict:
    kw = copy.deepcopy(spec.valid)
    for param, value in corrupted:
        if param == "**":
            kw.update(value)
        else:
            kw[param] = value
    return kw


def _cases(spec: Spec):
    if not spec.bad:
        return st.just(())
    one = st.sampled_from(sorted(spec.bad)).flatmap(lambda p: spec.bad[p].map(lambda v, p=p: (p, v)))
    return st.lists(one, min_size=0, max_size=2, unique_by=lambda pv: pv[0]).map(tuple)


@pytest.mark.parametrize("qualname", sorted(FUZZ))
def test_fuzz(qualname):
    spec = FUZZ[qualname]

    @settings(max_examples=spec.examples if spec.bad else 1, **FUZZ_SETTINGS)
    @given(corrupted=_cases(spec))
    def run(corrupted):
        kw = _kwargs(spec, corrupted)
        try:
            out = spec.func(**copy.deepcopy(kw))
        except SmeTeachError as exc:
            msg = str(exc)
            assert corrupted, f"{qualname} rejected its valid call: {msg}"
            assert msg.strip(), f"{qualname}: empty error message for {_short(corrupted)}"
            # WorkshopInputError speaks to an SME owner in plain words (DESIGN.md, workshop language)
            assert isinstance(exc, workshop.WorkshopInputError) or _names_problem(msg, corrupted), (
                f"{qualname}: message {msg!r} names neither the parameter nor the value, nor says what was "
                f"expected; bad input {_short(corrupted)}")
            return
        except spec.allowed as exc:
            assert str(exc).strip(), f"{qualname}: empty {type(exc).__name__} for {_short(corrupted)}"
            if spec.verdict is not None:
                assert spec.verdict(kw) is not True, (
                    f"{qualname} rejected a right answer ({exc}); input {_short(corrupted)}")
            return
        except Exception as exc:  # noqa: BLE001 — anything else is the bug we are looking for
            tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-4:])
            pytest.fail(f"{qualname} raised {type(exc).__name__}: {exc}\nbad input: {_short(corrupted)}\n{tb}")
        spec.check(out, kw)
        if spec.verdict is not None:
            assert spec.verdict(kw) is not False, f"{qualname} accepted a wrong answer: {_short(corrupted)}"

    run()
