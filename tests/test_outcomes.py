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


# -- alignment made real: what a grade cell checks is taught where the outcome says ------------------

def _sme_calls(source: str):
    """``"layer.name"`` for every sme_teach name a cell uses: ``measures.fsts(...)`` after
    ``from sme_teach import measures``, or ``fsts`` after ``from sme_teach.measures import fsts``."""
    import ast

    # IPython syntax is not Python: a %%cell magic's body is the cell's code (lessons fold solutions with
    # %%solution), a %line magic or !shell line uses nothing of sme_teach
    lines = source.splitlines()
    if lines and lines[0].startswith("%%"):
        lines = lines[1:]
    source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    modules, names = {}, {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "sme_teach":
            parts = node.module.split(".")
            for a in node.names:
                if len(parts) == 1:
                    modules[a.asname or a.name] = a.name
                else:
                    names[a.asname or a.name] = f"{parts[1]}.{a.name}"
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("sme_teach.") and a.asname:
                    modules[a.asname] = a.name.split(".")[1]
    return modules, names, tree


def _used(cells_source: list[str], modules: dict | None = None, names: dict | None = None) -> set:
    """The sme_teach functions (callables, not constants) the cells use, as ``"layer.name"``."""
    import ast
    import importlib

    modules, names = dict(modules or {}), dict(names or {})
    trees = []
    for src in cells_source:
        found = _sme_calls(src)
        if found:
            modules.update(found[0])
            names.update(found[1])
            trees.append(found[2])
    out = set()
    for tree in trees:
        for node in ast.walk(tree):
            ref = None
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
                ref = f"{modules[node.value.id]}.{node.attr}"
            elif isinstance(node, ast.Name) and node.id in names:
                ref = names[node.id]
            if ref:
                layer, attr = ref.split(".", 1)
                if callable(getattr(importlib.import_module(f"sme_teach.{layer}"), attr, None)):
                    out.add(ref)
    return out


def _notebook_cells(path):
    import nbformat

    return nbformat.read(path, as_version=4).cells


def test_what_a_grade_cell_checks_is_taught_in_the_outcomes_lessons(outcomes):
    """Every sme_teach function a grade cell's test relies on is used in a lesson mapped to its outcome.

    Left out: ``grading`` (per-student data and the ``expect_*`` assertions are how a check runs, not
    what it teaches) and functions the assignment's setup cell calls (they make the student's data).
    """
    lesson_use = {}
    for p in (REPO / "lessons").glob("[0-9][0-9]_*.ipynb"):
        lesson_use[p.stem] = _used([c.source for c in _notebook_cells(p) if c.cell_type == "code"])
    relies, checked = {}, 0
    for path in sorted((REPO / "assignments" / "source").glob("*/*.ipynb")):
        cells = _notebook_cells(path)
        code = [c for c in cells if c.cell_type == "code"]
        setup = [c.source for c in code if c.metadata.get("nbgrader", {}).get("grade_id") == "setup"]
        found = _sme_calls("\n".join(setup))
        modules, names = (found[0], found[1]) if found else ({}, {})
        plumbing = _used(setup)
        for c in code:
            m = c.metadata.get("nbgrader", {})
            if m.get("grade") and not m.get("solution"):
                used = _used([c.source], modules, names) - plumbing
                relies[f"{path.parent.name}:{m['grade_id']}"] = {u for u in used if not u.startswith("grading.")}
                checked += 1
    assert checked >= 30, f"found only {checked} autograded test cells"
    assert any(relies.values()), "no grade cell uses an sme_teach function: the parser is broken"
    missing = []
    for o in outcomes:
        taught = set().union(*(lesson_use.get(stem, set()) for stem in o["lessons"]))
        for ref in o["assessed_by"]:
            for fn in sorted(relies.get(ref, set()) - taught):
                missing.append(f"{o['id']}: {ref} relies on {fn}, which none of {o['lessons']} uses")
    assert not missing, "grade cells check what their outcome's lessons do not teach:\n  " + "\n  ".join(missing)
