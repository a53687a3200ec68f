"""``sme-teach check``: the pre-flight of an assignment across simulated students (issue 15).

It runs on all four course assignments (a small N keeps ``make test`` fast) and must pass there; on a
small course built here with a known flaw of each kind it must fail and name the flaw; and on the
real a2 with its old "largest contribution" key it must flag the key as degenerate.
"""

from __future__ import annotations

import shutil
import time

import nbformat
import pytest

from conftest import REPO

from sme_teach.cli import main
from sme_teach.grading._preflight import preflight

COURSE = REPO / "assignments"
IDS = ["a1_stages_networks", "a2_destinations", "a3_alliance_fsa", "a4_cluster_spillover"]
STUDENTS = {"a1_stages_networks": 6, "a2_destinations": 8, "a3_alliance_fsa": 8, "a4_cluster_spillover": 8}


@pytest.mark.slow
@pytest.mark.parametrize("assignment", IDS)
def test_every_course_assignment_passes_its_preflight(assignment, test_output):
    t0 = time.perf_counter()
    result = preflight(assignment, COURSE, students=STUDENTS[assignment])
    table = result.table()
    (test_output / f"check-{assignment}.txt").write_text(table + "\n", encoding="utf-8")
    print(f"\n{table}\n({time.perf_counter() - t0:.1f} s)")
    assert result.ok, table
    n = STUDENTS[assignment]
    for cell in result.cells:
        assert cell.solution_pass == n and cell.blank_pass == 0 and cell.copies == n, cell
        if cell.kind == "variant":
            assert cell.copy_pass == cell.copy_coincidence, cell
    assert {c.kind for c in result.cells} <= {"variant", "shape"}


def _course(tmp_path, cells_spec, readme_rows):
    """A one-assignment course ``t1`` with the given test cells (grade id -> (source, points))."""
    course = tmp_path / "course"
    (course / "source" / "t1").mkdir(parents=True)
    shutil.copy(COURSE / "nbgrader_config.py", course / "nbgrader_config.py")
    meta = lambda **kw: {"nbgrader": {"schema_version": 3, "locked": False, "solution": False, "grade": False,
                                      "task": False, **kw}}
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import numpy as np\nfrom sme_teach import grading\n"
            "x = int(np.random.default_rng(grading.student_seed(salt='t1')).integers(1, 10**6))",
            metadata=meta(grade_id="setup", locked=True)),
        nbformat.v4.new_code_cell("### BEGIN SOLUTION\ny = 2 * x\nz = 7\n### END SOLUTION",
                                  metadata=meta(grade_id="answer", solution=True)),
    ]
    for gid, (src, pts) in cells_spec.items():
        nb.cells.append(nbformat.v4.new_code_cell(src, metadata=meta(grade_id=gid, grade=True, locked=True,
                                                                     points=pts)))
    nbformat.write(nb, course / "source" / "t1" / "t1.ipynb")
    (course / "README.md").write_text("| grade id | pts | kind | checks |\n|---|---|---|---|\n" + "".join(
        f"| `{gid}` | 1 | {kind} | … |\n" for gid, kind in readme_rows.items()))
    return course


def test_preflight_names_each_kind_of_flaw(tmp_path):
    hidden = "### BEGIN HIDDEN TESTS\n{}\n### END HIDDEN TESTS"
    course = _course(tmp_path, {
        "q1_good": ('"""y is twice your x."""\n' + hidden.format("assert y == 2 * x"), 1),
        "q1_weak": ('"""y is a whole number."""\nassert isinstance(y, int)', 1),       # marked variant below
        "q1_constant": ('"""z is seven."""\n' + hidden.format("assert z == 7"), 1),   # the same for everyone
        "q1_always": ('"""nothing to check."""\nassert True', 1),                      # a blank passes it
        "q1_broken": ('"""y is x."""\n' + hidden.format("assert y == x"), 1),          # the solution fails
    }, {"q1_good": "variant", "q1_weak": "variant", "q1_constant": "variant", "q1_always": "shape",
        "q1_broken": "variant"})
    (course / "preflight.yml").write_text(
        "t1:\n  q1_good:\n    - name: y is even\n      kind: holds\n      expr: y % 2 == 0\n"
        "  q1_weak:\n    - name: options differ\n      kind: choice\n      criterion: '[z, z]'\n")
    result = preflight("t1", course, students=4)
    cells = {c.grade_id: c for c in result.cells}
    assert not result.ok
    assert cells["q1_good"].ok, cells["q1_good"].problems
    assert cells["q1_weak"].problems == ["copy passes for 4/4", "degenerate: options differ (4/4)"]
    assert cells["q1_constant"].problems == ["degenerate: same key for every student"]
    assert cells["q1_always"].problems == ["blank passes for 4/4"]
    assert cells["q1_broken"].problems[0] == "solution fails for 4/4"
    table = result.table()
    assert "4 of 5 grade cells FAIL" in table and "AssertionError" in table

    # the command: table on screen, a CSV, non-zero exit status
    csv = tmp_path / "out.csv"
    assert main(["check", "t1", "--course", str(course), "--students", "3", "--csv", str(csv)]) == 1
    lines = csv.read_text().splitlines()
    assert lines[0].startswith("assignment,grade_id,points,kind,solution,blank_zero,copy,keys,status")
    assert len(lines) == 6 and lines[1].startswith("t1,q1_good,1,variant,3/3,3/3,3/3 caught,3/3 distinct,ok")


def test_preflight_flags_the_old_deciding_factor_key(tmp_path):
    """a2 before the fix: "the factor with the largest contribution to the winner's total"."""
    course = tmp_path / "course"
    shutil.copytree(COURSE, course, ignore=shutil.ignore_patterns("release", "submitted", "autograded", "feedback",
                                                                   "gradebook.db", "reports", "grading_log.*"))
    path = course / "source" / "a2_destinations" / "a2_destinations.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid == "q3_answer":
            cell.source = cell.source.replace(
                "deciding_factor = measures.deciding_factor(ranking)",
                "deciding_factor = ranking.filter(like='contribution_').loc[top_market].idxmax()"
                ".removeprefix('contribution_')")
        elif gid == "q3_deciding_factor":
            cell.source = ('"""the old key"""\n_c = ranking.loc[top_market].filter(like="contribution_")\n'
                           'assert deciding_factor == _c.idxmax().removeprefix("contribution_")')
    nbformat.write(nb, path)
    result = preflight("a2_destinations", course, students=4)
    cell = next(c for c in result.cells if c.grade_id == "q3_deciding_factor")
    assert cell.solution_pass == 4 and cell.blank_pass == 0
    assert any(d.startswith("candidates differ on it") for d in cell.degenerate), cell.problems
    assert not result.ok
    assert all(c.ok for c in result.cells if c.grade_id != "q3_deciding_factor")


def test_preflight_errors(tmp_path):
    from sme_teach import SmeTeachError

    with pytest.raises(SmeTeachError, match="at least 2"):
        preflight("a2_destinations", COURSE, students=1)
    with pytest.raises(SmeTeachError, match="unknown assignment 'a9'"):
        preflight("a9", COURSE, students=2)
    assert main(["check", "a9", "--course", str(COURSE), "--students", "2"]) == 2
