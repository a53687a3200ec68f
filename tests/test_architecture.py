"""The layers of ARCHITECTURE.md hold: imports point down, shared data cannot be corrupted, one name = one thing.

- ``lint-imports`` (import-linter, contract in pyproject.toml) keeps the arrows pointing down;
  a throwaway package shows that it also sees imports inside functions.
- Whatever a loader or a use case returns belongs to the caller: changing it in place changes
  no later result (the only cache is at the loader, and it hands out copies).
- No two public names of the package's layers mean different things.
"""

from __future__ import annotations

import copy
import importlib
import subprocess
import sys
import textwrap
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from conftest import REPO
from sme_teach import cases, datasets, frameworks, measures, synthetic

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path, env_path: Path | None = None):
    import os

    env = dict(os.environ)
    if env_path is not None:
        env["PYTHONPATH"] = str(env_path)
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, env=env,
                          timeout=120)


# ------------------------------------------------------------------------------ the import contract


def test_import_contract_is_kept():
    assert LINT_IMPORTS.is_file(), "lint-imports is missing: `make install-dev` installs import-linter (dev extra)"
    out = _lint(REPO)
    assert out.returncode == 0 and "KEPT" in out.stdout, (
        "an import points the wrong way between the layers of ARCHITECTURE.md:\n" + out.stdout[-3000:] + out.stderr[-2000:])


def test_import_linter_sees_imports_inside_functions(tmp_path):
    pkg = tmp_path / "toy"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "low.py").write_text(textwrap.dedent("""
        def helper():
            from . import high  # an upward import hidden in a function
            return high
    """))
    (pkg / "high.py").write_text("from . import low\n")
    (tmp_path / ".importlinter").write_text(textwrap.dedent("""
        [importlinter]
        root_package = toy

        [importlinter:contract:layers]
        name = toy layers
        type = layers
        layers =
            toy.high
            toy.low
    """))
    out = _lint(tmp_path, env_path=tmp_path)
    assert out.returncode != 0 and "BROKEN" in out.stdout, out.stdout + out.stderr
    assert "toy.low -> toy.high" in out.stdout


# ------------------------------------------------------------------------------ no shared mutable state


def _vandalise(obj):
    """Change a returned object in place as a careless caller might."""
    if isinstance(obj, pd.DataFrame):
        for col in obj.columns:
            if pd.api.types.is_bool_dtype(obj[col]):
                obj[col] = ~obj[col].astype(bool)
            elif pd.api.types.is_numeric_dtype(obj[col]):
                obj[col] = 0
            else:
                obj[col] = "vandalised"
    elif isinstance(obj, pd.Series):
        if pd.api.types.is_numeric_dtype(obj):
            obj[:] = 0
    elif isinstance(obj, nx.Graph):
        obj.remove_edges_from(list(obj.edges()))
        for _, d in obj.nodes(data=True):
            d.clear()
        obj.graph.clear()
    elif isinstance(obj, dict):
        for v in list(obj.values()):
            _vandalise(v)
        obj.clear()
    elif isinstance(obj, list):
        for v in obj:
            _vandalise(v)
        obj.clear()
    elif isinstance(obj, tuple):  # a named tuple of tables (datasets.ModelInputs)
        for v in obj:
            _vandalise(v)
    elif isinstance(obj, measures.Instrument):
        _vandalise(obj.items)
        _vandalise(obj.dimensions)


LOADERS = {
    "load_countries": datasets.load_countries,
    "load_hofstede": datasets.load_hofstede,
    "load_income": datasets.load_income,
    "load_review_studies": datasets.load_review_studies,
    "list_datasets": datasets.list_datasets,
    "khulna_model_inputs": lambda: datasets.khulna_model_inputs(datasets.load_khulna_smes()),
    "load_literature_table": datasets.load_literature_table,
    "load_florentine": datasets.load_florentine,
    "load_khulna_smes": datasets.load_khulna_smes,
    "load_khulna_readiness": datasets.load_khulna_readiness,
    "load_sme_panel": datasets.load_sme_panel,
    "load_sme_panel_entries": lambda: datasets.load_sme_panel("entries"),
    "load_alliance_network": datasets.load_alliance_network,
    "load_alliance_network_frame": lambda: datasets.load_alliance_network(as_frame=True),
    "frameworks.load": lambda: frameworks.load("alliance_fsa"),
    "load_instrument": measures.load_instrument,
    "load_recommendations": cases.load_recommendations,
    "firm_timing_table": synthetic.firm_timing_table,
    "khulna_readiness_responses": synthetic.khulna_readiness_responses,
    "variant": lambda: synthetic.variant("khulna_smes", 3),
    "stated_links": lambda: frameworks.stated_links("alliance_fsa"),
}


def _same(a, b):
    if isinstance(a, pd.DataFrame | pd.Series):
        return a.equals(b)
    if isinstance(a, nx.Graph):
        return nx.utils.graphs_equal(a, b)
    if isinstance(a, measures.Instrument):
        return a.items.equals(b.items) and a.dimensions.equals(b.dimensions) and a.bands == b.bands
    if isinstance(a, tuple) and hasattr(a, "_fields"):
        return type(a) is type(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(_same(a[k], b[k]) for k in a)
    return a == b


@pytest.mark.parametrize("name", list(LOADERS))
def test_changing_what_a_loader_returns_changes_nothing_later(name):
    load = LOADERS[name]
    before = copy.deepcopy(load())  # a copy: if load() handed out one shared object, it changes `before` too
    _vandalise(load())
    assert _same(load(), before), f"{name}: a caller's in-place change reached the next caller"


def test_firm_profile_survives_a_caller_editing_the_data():
    """The issue's example: editing the loaded Khulna table once turned KS02's score from 0.1785 to 0.0."""
    def score():
        return round(float(cases.firm_profile("KS02")["competency"].loc["internationalisation_knowledge", "score"]), 4)

    assert score() == 0.1785
    smes = datasets.load_khulna_smes()
    smes.loc[:, smes.columns.str.startswith("alliance_")] = 0.0
    _vandalise(cases.firm_profile("KS02"))
    _vandalise(cases.firm_inputs("KS02"))
    _vandalise(cases.cohort_competencies())
    assert score() == 0.1785


CASES = {
    "construct": lambda: cases.construct("benefits"),
    "literature_studies": lambda: cases.literature_studies(),
    "marginal_analysis": lambda: cases.marginal_analysis(pd.DataFrame(
        {"kpi": ["a", "b"], "benefit": [100.0, 50.0], "cost": [10.0, 5.0], "probability": [0.5, 0.2]})),
    "cultural_distance": lambda: cases.cultural_distance("BGD", ["IND", "GBR"]),
    "grapevine": lambda: cases.grapevine("KS44", 0.3, runs=20),
    "born_globals": lambda: cases.born_globals(3, 0.25),
    "khulna_readiness": lambda: cases.khulna_readiness({"net_3": 5}),
    "khulna_readiness_answers": cases.khulna_readiness_answers,
    "alliance_fsa": lambda: cases.alliance_fsa(0.5),
    "alliance_plan": lambda: cases.alliance_plan("KS02", {"joint_marketing": 1.0}),
    "destination_ranking": lambda: cases.destination_ranking("BGD", ["IND", "GBR", "JPN"]),
    "home_options": cases.home_options,
    "firm_options": cases.firm_options,
    "readiness_diagnosis": lambda: cases.readiness_diagnosis(
        {i: 3 for i in measures.load_instrument().item_ids}).scores,
    "alliance_builds": lambda: cases.alliance_builds(["joint_marketing"], {}).competency,
    "destination_comparison": lambda: cases.destination_comparison("BGD", ["IND", "GBR"], {"geographic": 1}).table,
    "spillover": lambda: cases.spillover(["KS01"], 0.3, runs=20).probability,
    "client_brief": lambda: cases.client_brief(7).weights,
    "theory_notes": lambda: cases.theory_notes(),
    "uppsala_step": lambda: cases.uppsala_step(cases.UPPSALA_ACTIVITIES[0]),
    "model_layers": lambda: cases.model_layers(),
    "model_labels": lambda: cases.model_labels(),
    "entry_mode": lambda: cases.entry_mode(),
    "alliance_nodes": lambda: cases.alliance_nodes("alliance"),
    "country_choices": cases.country_choices,
    "cage_table": lambda: cases.cage_table("BGD", ["IND", "GBR"]),
    "destination_pool": lambda: cases.destination_pool(),
    "firm_choices": cases.firm_choices,
    "firm_inputs": lambda: cases.firm_inputs("KS02"),
    "firm_profile": lambda: cases.firm_profile("KS02"),
    "cohort_competencies": lambda: cases.cohort_competencies(),
    "best_starts": lambda: cases.best_starts(runs=20),
    "lever_gains": lambda: cases.lever_gains(pd.Series({"joint_marketing": 0.5})),
}
# public use cases whose result cannot be changed in place (checked below, so a new one is not missed)
IMMUTABLE_RESULTS = {"advised_firm": str}


def test_every_data_set_loader_is_vandalised():
    listed = {path.rsplit(".", 1)[-1] for path in datasets.list_datasets()["loader"]}
    assert listed <= set(LOADERS), f"add these loaders of list_datasets() to LOADERS: {sorted(listed - set(LOADERS))}"


def test_every_public_use_case_is_vandalised():
    public = {n for n in cases.__all__ if callable(getattr(cases, n)) and not isinstance(getattr(cases, n), type)}
    covered = set(CASES) | set(IMMUTABLE_RESULTS) | {n for n in LOADERS if hasattr(cases, n)}
    assert public <= covered, f"add these public use cases of sme_teach.cases to CASES: {sorted(public - covered)}"
    smes = datasets.load_khulna_smes()
    assert isinstance(cases.advised_firm(smes, 3), IMMUTABLE_RESULTS["advised_firm"])


@pytest.mark.parametrize("name", list(CASES))
def test_changing_what_a_use_case_returns_changes_nothing_later(name):
    run = CASES[name]
    before = copy.deepcopy(run())  # a copy: a use case returning a shared object would change `before` too
    _vandalise(run())
    after = run()
    if isinstance(before, dict):
        assert set(before) == set(after), f"{name}: a caller's in-place change reached the next call (keys)"
        for k in before:
            assert _same(before[k], after[k]) if not isinstance(before[k], float) else (
                np.isnan(before[k]) and np.isnan(after[k]) or before[k] == after[k]), f"{name}[{k!r}] changed"
    else:
        assert _same(before, after), f"{name}: a caller's in-place change reached the next call"


def test_use_case_results_are_frozen():
    r = cases.spillover(["KS01"], 0.3, runs=10)
    with pytest.raises(AttributeError):
        r.expected = 0.0  # frozen dataclass


# ------------------------------------------------------------------------------ one name, one meaning

LAYERS = ("frameworks", "measures", "datasets", "synthetic", "cases", "plots", "widgets", "workshop", "grading")


def test_no_two_public_names_mean_different_things():
    seen: dict[str, tuple[str, object]] = {}
    clashes, unresolved = [], []
    for layer in (*LAYERS, "room"):
        mod = importlib.import_module(f"sme_teach.{layer}")
        for name in getattr(mod, "__all__", []):
            try:
                obj = getattr(mod, name)
            except AttributeError:
                unresolved.append(f"sme_teach.{layer}.{name}")
                continue
            if isinstance(obj, type(sys)):  # a submodule
                continue
            if name in seen and seen[name][1] is not obj:
                clashes.append(f"{name}: sme_teach.{seen[name][0]} and sme_teach.{layer}")
            seen.setdefault(name, (layer, obj))
    assert not unresolved, "names in __all__ that the package cannot give: " + ", ".join(unresolved)
    assert not clashes, "public names with different meanings in two layers: " + "; ".join(clashes)


def test_the_widgets_keep_no_model_logic():
    """Views render use cases: no compute_* functions and no caches live in widgets or workshop."""
    for pkg in ("widgets", "workshop"):
        for path in (REPO / "sme_teach" / pkg).glob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert "lru_cache" not in text, f"{path.name} caches data; load it through sme_teach.datasets"
            assert "def compute_" not in text, f"{path.name} computes; put the use case in sme_teach.cases"


def test_every_layer_loads_through_the_package():
    """``import sme_teach`` then ``sme_teach.<layer>`` works for every layer (it raised AttributeError for workshop)."""
    code = ("import sme_teach\n"
            f"for name in {LAYERS!r}:\n"
            "    assert getattr(sme_teach, name).__name__ == 'sme_teach.' + name, name\n"
            "    assert name in dir(sme_teach), name\n"
            "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stdout + out.stderr
