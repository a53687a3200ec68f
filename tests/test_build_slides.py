"""Unit tests of scripts/build_slides.py: slide breaks, speaker notes and what is left out of a deck."""

from __future__ import annotations

import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
import build_slides  # noqa: E402


def _md(src, **meta):
    return {"cell_type": "markdown", "metadata": meta, "source": src}


def _code(src, **meta):
    return {"cell_type": "code", "metadata": meta, "source": src, "outputs": [], "execution_count": 1}


def test_slide_breaks_follow_headings_and_exercises():
    kinds = [build_slides.slide_type(c) for c in [
        _md("# Lesson 02 — Title\n\n*70 minutes*"), _md("## Objectives\n\n1. List"), _md("Plain text"),
        _md("### A detail"), _md("**Exercise 2 (apply a function).** Compute"), _code("x = 1"),
        _code("# your code here"), _code("")]]
    assert kinds == ["slide", "slide", "-", "subslide", "subslide", "-", "skip", "skip"]


def test_own_metadata_wins_and_teaching_notes_become_speaker_notes():
    assert build_slides.slide_type(_md("## Heading", slideshow={"slide_type": "fragment"})) == "fragment"
    assert build_slides.slide_type(_md("Say this", tags=["teaching-notes"])) == "notes"
    assert build_slides.slide_type(_md("**Why did it move?** Because p × payoff.")) == "notes"
    assert build_slides.slide_type(_md("**Teaching note.** Ask first.")) == "notes"
    assert build_slides.slide_type(_code("x", tags=["remove-cell"])) == "skip"


def test_deck_leaves_solutions_out_and_keeps_figures():
    png = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo=", "text/plain": "fig"}}
    fig = _code("plot()")
    fig["outputs"] = [png]
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        _md("# Lesson"), fig, _md("**Exercise 1.** Why?"), _code("# your code here"),
        _code("answer = 42\nanswer", tags=["solution"]), _md("**Solution.** 42", tags=["solution"])]}
    deck = build_slides.deck_notebook(nb)
    sources = [c["source"] for c in deck["cells"]]
    assert sources == ["# Lesson", "plot()", "**Exercise 1.** Why?"]
    assert deck["cells"][1]["outputs"] == [png]
    assert [c["metadata"]["slideshow"]["slide_type"] for c in deck["cells"]] == ["slide", "-", "subslide"]
