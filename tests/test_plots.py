"""Tests for sme_teach.plots (headless: conftest sets MPLBACKEND=Agg)."""

from __future__ import annotations

import matplotlib
import pytest
from matplotlib.figure import Figure

from sme_teach import SmeTeachError, frameworks
from sme_teach.plots import draw_framework, framework_alt_text

matplotlib.use("Agg")  # tests only; the package never selects a backend

MODELS = frameworks.available()


def _node_texts(fig):
    return [t for t in fig.axes[0].texts if (t.get_gid() or "").startswith("node:")]


@pytest.mark.parametrize("name", MODELS)
def test_draw_every_model(name, tmp_path):
    G = frameworks.load(name)
    fig = draw_framework(G)
    assert isinstance(fig, Figure)
    texts = _node_texts(fig)
    assert len(texts) == G.number_of_nodes()
    assert {t.get_gid()[5:] for t in texts} == set(G)
    for layer in G.graph["layers"]:
        assert layer["label"] in fig.alt_text
    fig.savefig(tmp_path / f"{name}.png", dpi=40)


def test_alt_text_mentions_layers_counts_and_links():
    G = frameworks.load("alliance_fsa")
    text = framework_alt_text(G)
    for layer in G.graph["layers"]:
        assert layer["label"] in text
    assert "(20 nodes" in text and "moderators condition every link from Strategic alliance" in text
    assert "Joint Marketing → Marketing" in text
    assert "(inferred)" in text


def test_hide_moderators_and_highlight():
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    G = frameworks.load("alliance_fsa")
    fig = draw_framework(G, show_moderators=False, highlight="grapevine")
    assert len(_node_texts(fig)) == G.number_of_nodes() - 12
    assert "Moderators (cycle 1)" not in fig.alt_text
    # highlight= emphasises the node and its links and fades everything else (the docstring's promise)
    texts = {t.get_gid()[5:]: t for t in _node_texts(fig)}
    assert (texts["grapevine"].get_fontweight(), texts["grapevine"].get_color()) == ("bold", "black")
    others = [t for n, t in texts.items() if n != "grapevine"]
    assert others and all((t.get_fontweight(), t.get_color()) == ("normal", "#999999") for t in others)
    ax = fig.axes[0]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert sorted(p.get_alpha() for p in boxes) == [0.3] * (len(texts) - 1) + [1.0]
    # links drawn = links between nodes that are not moderators; "hot" ones touch grapevine
    moderator_layers = {layer["id"] for layer in G.graph["layers"] if layer.get("moderates")}
    drawn = [(u, v) for u, v in G.edges if G.nodes[u]["layer"] not in moderator_layers
             and G.nodes[v]["layer"] not in moderator_layers]
    hot = [e for e in drawn if "grapevine" in e]
    assert hot, "grapevine has links in the model (information sharing → grapevine → knowledge)"
    arrows = [p.get_alpha() for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert arrows.count(0.95) == len(hot) and arrows.count(0.12) == len(drawn) - len(hot)
    # without highlight= nothing is faded
    plain = draw_framework(G, show_moderators=False)
    assert all((t.get_fontweight(), t.get_color()) == ("normal", "black") for t in _node_texts(plain))
    assert {p.get_alpha() for p in plain.axes[0].patches if isinstance(p, FancyBboxPatch)} == {1.0}


def test_draw_on_given_axes():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    try:
        assert draw_framework(frameworks.load("uppsala"), ax=ax) is fig
    finally:
        plt.close(fig)


def test_errors():
    with pytest.raises(SmeTeachError, match="unknown node 'grapvine'"):
        draw_framework(frameworks.load("alliance_fsa"), highlight=["grapvine"])
    with pytest.raises(SmeTeachError, match="expected a framework graph"):
        draw_framework(object())


def test_frameworks_do_not_import_matplotlib():
    import subprocess
    import sys

    code = "import sys; from sme_teach import frameworks; frameworks.load('csf'); print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_draw_framework_layers_and_focus_select_a_part_and_name_bad_choices():
    G = frameworks.load("alliance_fsa")
    fig = draw_framework(G, layers=("alliance", "fsa"))
    shown = {t.get_gid()[5:] for t in fig.axes[0].texts if (t.get_gid() or "").startswith("node:")}
    assert shown == {n for n, d in G.nodes(data=True) if d["layer"] in ("alliance", "fsa")}
    assert "Moderators (cycle 1)" not in fig.alt_text  # not listed, so not drawn
    with pytest.raises(SmeTeachError, match="alliances.*expected one of"):
        draw_framework(G, layers=("alliances",))
    with pytest.raises(SmeTeachError, match="informaton_sharing"):
        draw_framework(G, focus="informaton_sharing")
