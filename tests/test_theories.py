"""The course's notes on theories beside the seed models: cited, and quoting the seed verbatim."""

from __future__ import annotations

import re

import pytest

from sme_teach import SmeTeachError, cases

WANTED = {"integrated_approach", "resource_competency_based", "critical_success_factors", "revised_uppsala",
          "reid_1981", "czinkota_1982", "coviello_munro_relationships"}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u201c", '"').replace("\u201d", '"').replace("*", "")).strip()


def test_every_missing_theory_has_a_cited_note():
    notes = cases.theory_notes()
    assert set(notes["id"]) == WANTED
    for row in notes.itertuples():
        assert re.search(r"\(\d{4}\)", row.citation), row.id
        assert row.summary.strip() and row.verified.strip() and row.lessons, row.id


def test_seed_quotes_are_verbatim_and_present_exactly_when_the_seed_cites_the_work(seeds_dir):
    seed = _norm((seeds_dir / "bose_critical_success_factors.txt").read_text(encoding="utf-8"))
    for row in cases.theory_notes().itertuples():
        if row.in_seed:
            assert row.seed_quote and _norm(row.seed_quote) in seed, row.id
        else:
            assert not row.seed_quote, row.id


def test_one_note_and_errors():
    note = cases.theory_notes("revised_uppsala")
    assert "outsidership" in note["summary"] and note["citation"].startswith("Johanson, J., & Vahlne, J.-E. (2009)")
    with pytest.raises(SmeTeachError, match="unknown theory note 'uppsala'"):
        cases.theory_notes("uppsala")
    with pytest.raises(SmeTeachError, match="must be a note id"):
        cases.theory_notes(3)
