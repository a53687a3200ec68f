"""Load and validate framework files (YAML) into networkx graphs."""

from __future__ import annotations

import copy
import functools
from pathlib import Path

from .._errors import SmeTeachError
from .._validate import check_choice, check_path, read_yaml

DATA_DIR = Path(__file__).with_name("data")

_MODEL_KEYS = {"name", "title", "citation", "description", "acyclic", "layers", "nodes", "edges"}
_REQUIRED_MODEL_KEYS = ("name", "title", "citation", "layers", "nodes")
_LAYER_KEYS = {"id", "label", "count", "description", "moderates"}
_NODE_KEYS = {"id", "layer", "label", "definition", "source", "quote", "note", "order", "necessary",
              "necessary_quote", "caveat", "owner_caveat"}
_REQUIRED_NODE_KEYS = ("id", "layer", "label", "definition")
_EDGE_KEYS = {"source", "target", "rationale", "inferred", "note", "kind", "evidence"}
_REQUIRED_EDGE_KEYS = ("source", "target", "rationale")


def available() -> list[str]:
    """Names of the models shipped with the package, sorted.

    >>> available()[:2]
    ['alliance_fsa', 'csf']
    """
    return sorted(p.stem for p in DATA_DIR.glob("*.yaml"))


def load(name: str):
    """Load a shipped model by name and return it as a validated ``networkx.DiGraph``.

    Parameters
    ----------
    name : str
        One of :func:`available`.

    Returns
    -------
    networkx.DiGraph
        A fresh graph (safe to modify). ``G.graph`` holds ``name``, ``title``,
        ``citation``, ``description``, ``layers`` (ordered list of dicts) and ``file``.

    Raises
    ------
    SmeTeachError
        For an unknown name, or a data file that breaks the schema (the message
        names the file, the entry and the problem).

    Examples
    --------
    >>> G = load("alliance_fsa")
    >>> [layer["id"] for layer in G.graph["layers"]]
    ['alliance', 'moderator_1', 'fsa', 'moderator_2', 'competency']
    >>> load("alliance")
    Traceback (most recent call last):
    ...
    sme_teach._errors.SmeTeachError: unknown framework 'alliance' (did you mean 'alliance_fsa'?); expected one of: ...
    """
    check_choice(name, available(), "framework")
    return load_file(DATA_DIR / f"{name}.yaml")


def load_file(path) -> "networkx.DiGraph":  # noqa: F821
    """Load a framework from any YAML file (for lecturers who adapt a model).

    The file is read and validated every call's first time per path and
    modification time; the graph returned is always a fresh copy.
    """
    path = check_path(path, "framework file")
    spec = _parse(str(path), path.stat().st_mtime_ns)
    # The parsed spec is cached; copy it so that editing a graph (e.g. a layer's
    # ``moderates`` mapping) never leaks into later loads.
    return _build(copy.deepcopy(spec), path)


@functools.lru_cache(maxsize=32)
def _parse(path: str, mtime_ns: int) -> dict:
    fname = Path(path).name
    spec = read_yaml(path, fname)
    _validate(spec, fname)
    return spec


def _check_framework(G, what: str = "G"):
    """Raise unless ``G`` is a framework graph made by :func:`load` (a DiGraph with ``layers``)."""
    import networkx as nx

    if not isinstance(G, nx.DiGraph):
        raise SmeTeachError(f"{what} must be a framework graph from frameworks.load(), got {type(G).__name__}")
    layers = G.graph.get("layers")
    if not isinstance(layers, list) or not all(isinstance(la, dict) and "id" in la for la in layers):
        raise SmeTeachError(
            f"{what} is not a framework graph: expected G.graph['layers'] (a list of layers) as set by "
            f"frameworks.load(); got {layers!r}"
        )
    return G


def _fail(fname: str, where: str, problem: str):
    raise SmeTeachError(f"{fname}: {where}: {problem}")


def _check_keys(entry, allowed, required, fname, where):
    if not isinstance(entry, dict):
        _fail(fname, where, f"expected a mapping with keys {sorted(required)}, got {type(entry).__name__}")
    unknown = sorted(set(entry) - allowed)
    if unknown:
        _fail(fname, where, f"unknown keys {unknown}; allowed keys are {sorted(allowed)}")
    for key in required:
        value = entry.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            _fail(fname, where, f"missing or empty {key!r}")


def _validate(spec, fname: str) -> None:
    _check_keys(spec, _MODEL_KEYS, _REQUIRED_MODEL_KEYS, fname, "top level")
    layers = spec["layers"]
    if not isinstance(layers, list) or not layers:
        _fail(fname, "layers", "expected a non-empty list of layers")
    layer_ids: list[str] = []
    for i, layer in enumerate(layers):
        where = f"layer {i + 1}" + (f" ({layer.get('id')!r})" if isinstance(layer, dict) else "")
        _check_keys(layer, _LAYER_KEYS, ("id", "label"), fname, where)
        if not isinstance(layer["id"], str):
            _fail(fname, where, f"'id' must be text, got {layer['id']!r}")
        if layer["id"] in layer_ids:
            _fail(fname, where, "duplicate layer id")
        layer_ids.append(layer["id"])

    nodes = spec["nodes"]
    if not isinstance(nodes, list) or not nodes:
        _fail(fname, "nodes", "expected a non-empty list of nodes")
    node_layer: dict[str, str] = {}
    for i, node in enumerate(nodes):
        where = f"node {i + 1}" + (f" ({node.get('id')!r})" if isinstance(node, dict) else "")
        _check_keys(node, _NODE_KEYS, _REQUIRED_NODE_KEYS, fname, where)
        if not isinstance(node["id"], str):
            _fail(fname, where, f"'id' must be text, got {node['id']!r}")
        if "order" in node and (isinstance(node["order"], bool) or not isinstance(node["order"], (int, float))):
            _fail(fname, where, f"'order' must be a number, got {node['order']!r}")
        if not isinstance(node["layer"], str):
            _fail(fname, where, f"'layer' must be a layer id (text), got {node['layer']!r}")
        if node["id"] in node_layer:
            _fail(fname, where, "duplicate node id")
        if node["layer"] not in layer_ids:
            _fail(fname, where, f"unknown layer {node['layer']!r}; expected one of: {', '.join(layer_ids)}")
        if "necessary" in node and not isinstance(node["necessary"], bool):
            _fail(fname, where, f"'necessary' must be true or false, got {node['necessary']!r}")
        if node.get("necessary") and not (isinstance(node.get("necessary_quote"), str) and node["necessary_quote"].strip()):
            _fail(fname, where, "a necessary condition needs 'necessary_quote': the sentence of the source saying so")
        if not (node.get("source") or spec.get("citation")):
            _fail(fname, where, "missing 'source' (and the model has no citation to fall back on)")
        node_layer[node["id"]] = node["layer"]

    for i, layer in enumerate(layers):
        where = f"layer {i + 1} ({layer['id']!r})"
        n = sum(1 for v in node_layer.values() if v == layer["id"])
        if "count" in layer and n != layer["count"]:
            _fail(fname, where, f"expected {layer['count']} nodes, found {n}")
        mod = layer.get("moderates")
        if mod is not None:
            if not isinstance(mod, dict) or set(mod) != {"from", "to"}:
                _fail(fname, where, "'moderates' must be a mapping with keys 'from' and 'to' (layer ids)")
            for key in ("from", "to"):
                if not isinstance(mod[key], str) or mod[key] not in layer_ids:
                    _fail(fname, where, f"moderates.{key}: unknown layer {mod[key]!r}; expected one of: {', '.join(layer_ids)}")

    seen = set()
    if not isinstance(spec.get("edges") or [], list):
        _fail(fname, "edges", f"expected a list of edges, got {type(spec['edges']).__name__}")
    for i, edge in enumerate(spec.get("edges") or []):
        where = f"edge {i + 1}" + (
            f" ({edge.get('source')!r} -> {edge.get('target')!r})" if isinstance(edge, dict) else ""
        )
        _check_keys(edge, _EDGE_KEYS, _REQUIRED_EDGE_KEYS, fname, where)
        for end in ("source", "target"):
            if not isinstance(edge[end], str) or edge[end] not in node_layer:
                check = ", ".join(sorted(node_layer))
                _fail(fname, where, f"unknown {end} node {edge[end]!r}; expected one of: {check}")
        if (edge["source"], edge["target"]) in seen:
            _fail(fname, where, "duplicate edge")
        seen.add((edge["source"], edge["target"]))
        if "inferred" in edge and not isinstance(edge["inferred"], bool):
            _fail(fname, where, f"'inferred' must be true or false, got {edge['inferred']!r}")
        if "evidence" in edge:
            ev = edge["evidence"]
            if not isinstance(ev, str) or not ev.strip():
                _fail(fname, where, f"'evidence' must be text (the words of the rationale that state the link), got {ev!r}")
            if _squash(ev) not in _squash(str(edge["rationale"])):
                _fail(fname, where, f"'evidence' {ev!r} is not part of the rationale; expected words quoted from it")

    if spec.get("acyclic", True):
        import networkx as nx

        G = nx.DiGraph()
        G.add_edges_from((e["source"], e["target"]) for e in spec.get("edges") or [])
        if not nx.is_directed_acyclic_graph(G):
            cycle = nx.find_cycle(G)
            _fail(fname, "edges", f"the model is declared acyclic but has a cycle: {cycle}; expected no cycles "
                  "(or set 'acyclic: false')")


def _squash(text: str) -> str:
    """Lower case, straight quotes, single spaces: how evidence is matched inside a rationale."""
    import re

    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def _build(spec: dict, path: Path):
    import networkx as nx

    G = nx.DiGraph()
    layers = [dict(layer) for layer in spec["layers"]]
    index = {layer["id"]: i for i, layer in enumerate(layers)}
    G.graph.update(
        name=spec["name"],
        title=spec["title"],
        citation=spec["citation"],
        description=spec.get("description", ""),
        acyclic=spec.get("acyclic", True),
        layers=layers,
        file=str(path),
    )
    for order, node in enumerate(spec["nodes"]):
        attrs = {k: v for k, v in node.items() if k != "id"}
        attrs.setdefault("source", spec["citation"])
        attrs["layer_index"] = index[node["layer"]]
        attrs.setdefault("order", order)
        G.add_node(node["id"], **attrs)
    for edge in spec.get("edges") or []:
        attrs = {k: v for k, v in edge.items() if k not in ("source", "target")}
        attrs.setdefault("inferred", False)
        attrs.setdefault("kind", "builds")
        G.add_edge(edge["source"], edge["target"], **attrs)
    for layer in layers:
        mod = layer.get("moderates")
        if not mod:
            continue
        for m in layer_nodes(G, layer["id"]):
            quote = G.nodes[m].get("quote") or G.nodes[m]["definition"]
            for target in layer_nodes(G, mod["to"]):
                G.add_edge(m, target, kind="moderates", rationale=quote, inferred=False,
                           moderates=(mod["from"], mod["to"]))
    return G


def layer_nodes(G, layer: str) -> list[str]:
    """Node ids of one layer, in the order of the data file.

    >>> G = load("alliance_fsa")
    >>> len(layer_nodes(G, "fsa"))
    20
    """
    _check_framework(G)
    layers = [layer_["id"] for layer_ in G.graph.get("layers", [])]
    check_choice(layer, layers, f"layer of framework {G.graph.get('name')!r}")
    found = [(d.get("order", 0), n) for n, d in G.nodes(data=True) if d.get("layer") == layer]
    return [n for _, n in sorted(found)]


def nodes_frame(G):
    """The nodes of a framework as a tidy DataFrame (one row per construct).

    >>> nodes_frame(load("alliance_fsa")).groupby("layer", sort=False).size().to_dict()
    {'alliance': 10, 'moderator_1': 6, 'fsa': 20, 'moderator_2': 6, 'competency': 10}
    """
    import pandas as pd

    _check_framework(G)
    rows = [{"id": n, **d} for n, d in G.nodes(data=True)]
    cols = ["id", "layer", "label", "definition", "source", "quote"]
    df = pd.DataFrame(rows)
    for c in cols:
        if c not in df.columns:
            df[c] = None
    df = df.sort_values(["layer_index", "order"], kind="stable").reset_index(drop=True)
    return df[cols + [c for c in df.columns if c not in cols and c not in ("layer_index", "order")]]


def edges_frame(G, kind: str | None = None):
    """The edges of a framework as a DataFrame with ``source, target, kind, rationale, inferred``."""
    import pandas as pd

    _check_framework(G)
    rows = [{"source": u, "target": v, **d} for u, v, d in G.edges(data=True)]
    df = pd.DataFrame(rows, columns=["source", "target", "kind", "rationale", "inferred", "note"])
    if kind is not None:
        check_choice(kind, sorted({str(k) for k in df["kind"].dropna()}), "edge kind")
        df = df[df["kind"] == kind].reset_index(drop=True)
    return df
