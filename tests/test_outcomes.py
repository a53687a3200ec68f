"""Constructive alignment: every learning outcome is taught in a lesson and assessed by a grade cell.

``course/outcomes.yml`` maps each outcome to lesson file stems and to grade cells written
``<assignment_id>:<grade_id>`` (the ``nbgrader.grade_id`` in the cell metadata of
``assignments/source/<assignment_id>/*.ipynb``). The outcomes × lessons/assignments matrix is
printed and written to ``test-output/outcomes_matrix.md`` (so it is there without ``pytest -s``).
"""

from __future__ import annotations

import sys

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
from outcomes_matrix import BLOOM, grade_cells, load_outcomes, matrix_markdown  # noqa: E402

OUTCOMES_FILE = REPO / "course" / "outcomes.yml"


@pytest.fixture(scope="module")
def outcomes():
    return load_outcomes(OUTCOMES_FILE)


@pytest.fixture(scope="module")
def lessons():
    return sorted(p.stem for p in (REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def cells():
    return grade_cells(REPO)


def test_outcomes_are_well_formed(outcomes):
    assert 6 <= len(outcomes) <= 10, f"the course should state 6–10 learning outcomes, found {len(outcomes)}"
    ids = [o.get("id") for o in outcomes]
    assert len(set(ids)) == len(ids), f"duplicate outcome ids: {ids}"
    for o in outcomes:
        missing = [k for k in ("id", "text", "bloom") if not o.get(k)]
        assert not missing, f"outcome {o.get('id')!r} lacks {missing}"
        assert o["bloom"] in BLOOM, f"{o['id']}: bloom level {o['bloom']!r}; expected one of {BLOOM}"


def test_matrix_is_written(outcomes, lessons, test_output):
    table = matrix_markdown(REPO, outcomes, lessons)
    text = "# Learning outcomes × lessons and assignments\n\n" \
           "`●` = taught in the lesson; a number = grade cells of that assignment assessing the outcome.\n\n" \
           + table + "\n"
    (test_output / "outcomes_matrix.md").write_text(text, encoding="utf-8")
    print("\n" + text)
    assert all(o["id"] in table for o in outcomes)


def test_lessons_named_exist(outcomes, lessons):
    unknown = {o["id"]: sorted(set(o["lessons"]) - set(lessons)) for o in outcomes}
    unknown = {k: v for k, v in unknown.items() if v}
    assert not unknown, f"outcomes name lessons that do not exist: {unknown}; lessons are {lessons}"


def test_every_lesson_teaches_an_outcome(outcomes, lessons):
    taught = {stem for o in outcomes for stem in o["lessons"]}
    orphans = sorted(set(lessons) - taught)
    assert not orphans, f"lessons that teach no outcome in course/outcomes.yml: {orphans}"


def test_grade_cells_named_exist(outcomes, cells):
    bad = {}
    for o in outcomes:
        for ref in o["assessed_by"]:
            aid, sep, gid = ref.partition(":")
            if not sep:
                bad.setdefault(o["id"], []).append(f"{ref!r} (write <assignment_id>:<grade_id>)")
            elif aid not in cells:
                bad.setdefault(o["id"], []).append(f"{ref!r}: no assignment {aid!r} in assignments/source "
                                                   f"(found {sorted(cells)})")
            elif gid not in cells[aid]:
                bad.setdefault(o["id"], []).append(f"{ref!r}: no grade cell {gid!r}; {aid} has {sorted(cells[aid])}")
    assert not bad, "outcomes refer to grade cells that do not exist:\n" + "\n".join(
        f"  {k}: {'; '.join(v)}" for k, v in bad.items())


def test_taught_outcomes_are_assessed_and_assessed_outcomes_taught(outcomes):
    not_assessed = [o["id"] for o in outcomes if o["lessons"] and not o["assessed_by"]]
    not_taught = [o["id"] for o in outcomes if o["assessed_by"] and not o["lessons"]]
    neither = [o["id"] for o in outcomes if not o["assessed_by"] and not o["lessons"]]
    assert not (not_assessed or not_taught or neither), (
        f"taught but not assessed: {not_assessed}; assessed but not taught: {not_taught}; "
        f"neither taught nor assessed: {neither} (edit course/outcomes.yml)")


def test_every_grade_cell_assesses_an_outcome(outcomes, cells):
    if not cells:
        pytest.fail("no grade cells found in assignments/source/*/*.ipynb; the outcomes cannot be assessed")
    mapped = {ref for o in outcomes for ref in o["assessed_by"]}
    unmapped = sorted(f"{a}:{g}" for a, gs in cells.items() for g in gs if f"{a}:{g}" not in mapped)
    assert not unmapped, f"grade cells that assess no outcome (add them to course/outcomes.yml): {unmapped}"
