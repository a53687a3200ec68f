"""Unit tests of scripts/build_site.py: widget views become static results, links follow the site."""

from __future__ import annotations

import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
import build_site  # noqa: E402

from sme_teach.widgets import fold_markdown

VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"


def _nb():
    state = {
        "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_s", "IPY_MODEL_d", "IPY_MODEL_h"]}},
        "s": {"model_name": "FloatSliderModel", "state": {"description": "Tie probability p", "value": 0.3}},
        "d": {"model_name": "DropdownModel",
              "state": {"description": "Firm", "index": 1, "_options_labels": ["KS01", "KS23"]}},
        "h": {"model_name": "HTMLModel", "state": {"value": '<img src="data:image/png;base64,AAAA" alt="chart">'}},
    }
    return {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"widgets": {STATE: {"state": state, "version_major": 2, "version_minor": 0}}},
        "cells": [
            {"cell_type": "markdown", "id": "t", "metadata": {}, "source": "# Lesson 1 — Title"},
            {"cell_type": "code", "id": "c", "metadata": {}, "execution_count": 1, "source": "view()",
             "outputs": [{"output_type": "display_data", "metadata": {},
                          "data": {VIEW: {"model_id": "box", "version_major": 2, "version_minor": 0},
                                   "text/plain": "VBox(children=(...))"}}]},
            {"cell_type": "markdown", "id": "s", "metadata": {"tags": ["solution"]},
             "source": fold_markdown("**Solution.** Use `x`.")},
            {"cell_type": "code", "id": "a", "metadata": {"tags": ["solution"]}, "execution_count": 2,
             "source": "answer = 42\nanswer", "outputs": [{"output_type": "execute_result", "execution_count": 2,
                                                         "metadata": {}, "data": {"text/plain": "42"}}]},
        ],
    }


def test_widget_view_becomes_its_static_result():
    nb = build_site.staticise(_nb(), "01_x.ipynb")
    assert "widgets" not in nb["metadata"]
    outputs = nb["cells"][2]["outputs"]  # the live note is inserted after the title cell
    assert all(VIEW not in o["data"] for o in outputs)
    html = "".join(o["data"]["text/html"] for o in outputs)
    assert "Tie probability p: 0.3" in html and "Firm: KS23" in html and 'alt="chart"' in html


def test_live_note_and_folded_solution():
    nb = build_site.staticise(_nb(), "01_x.ipynb")
    assert "Open this lesson live" in nb["cells"][1]["source"] and "make lab" in nb["cells"][1]["source"]
    sol = nb["cells"][3]["source"]
    assert sol.startswith("```{admonition} Solution\n:class: dropdown") and sol.endswith("```")
    assert "<details" not in sol and "**Solution.** Use `x`." in sol  # the lesson's fold, unwrapped
    # a code solution folds with its output (the numeric answer), not only its input
    code = nb["cells"][4]
    assert "hide-cell" in code["metadata"]["tags"] and "hide-input" not in code["metadata"]["tags"]
    assert code["outputs"][0]["data"]["text/plain"] == "42"


def test_links_follow_the_site():
    pages = {"course/syllabus.md": "syllabus", "course/workshop/GUIDE.md": "workshop_guide"}
    text = "See [the plan](syllabus.md#week-1), [apps](workshop/GUIDE.md), [data](../datasets/README.md) and [web](https://x.org)."
    out = build_site.rewrite_links(text, "course/LECTURER_GUIDE.md", pages)
    assert "[the plan](syllabus#week-1)" in out and "[apps](workshop_guide)" in out
    assert "data (`datasets/README.md`)" in out and "[web](https://x.org)" in out
