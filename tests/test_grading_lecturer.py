"""The lecturer's path from submissions to the LMS, through nbgrader's real pipeline.

One small class of the real assignment a1 (copied course, released, two submissions, graded once by
``sme-teach grade`` in a module fixture):

- ``ama_rahman``: the instructor's solution and a written answer nobody has marked yet;
- ``blank_b``: the released notebook untouched.

The walk: grade (ends with a per-student table) → feedback (the written answer "awaiting marking", checks
named by question and docstring, unanswered questions explained) → report (lists the answer to mark,
ranks no unmarked item) → LMS export refused, then allowed with ``--allow-unmarked`` and flagged → the
answer marked through nbgrader's ``Gradebook`` → export again, with the mark. The last test changes the
gradebook, so it stays last in this file. Also: Formgrader finds the course in a JupyterLab started at
the repository root, as ``make lab`` starts it.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import urllib.request
import warnings
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from conftest import REPO
from test_assignments import BLANK, COURSE, SOL, _nbg, _points, _source, _submit

A = "a1_stages_networks"
WRITTEN = "q5_written"


def _cli(*argv) -> tuple[int, str, str]:
    from sme_teach import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(argv))
        except SystemExit as exc:  # argparse (--help)
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def _page_text(path: Path) -> str:
    import html

    text = re.sub(r"<(script|style)\b.*?</\1>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


@pytest.fixture(scope="module")
def lecturer_class(tmp_path_factory):
    """a1 released in a copy of the course, two submissions, graded once with ``sme-teach grade``."""
    from sme_teach import grading

    course = tmp_path_factory.mktemp("lecturer") / "course"
    shutil.copytree(COURSE, course, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db", "reports", "grading_log.*",
        ".ipynb_checkpoints"))
    grading.release(A, course, exchange=False)
    solutions = {_nbg(c)["grade_id"]: c.source for c in _source(A, course).cells
                 if _nbg(c).get("solution") and c.cell_type == "code"}
    _submit(course, A, SOL, solutions, written="Firm F017 is at step 3 of the chain but a born global: ...")
    _submit(course, A, BLANK, {})
    code, out, err = _cli("grade", A, "--course", str(course), "--jobs", "2", "--no-progress")
    assert code == 0, out + err
    grading.feedback(A, course)
    return course, out


def test_grade_ends_with_a_score_per_student(lecturer_class):
    course, out = lecturer_class
    auto, manual = _points(A)
    table = out[out.index("student "):].splitlines()
    assert table[0].split()[:3] == ["student", "score", "of"]
    rows = {line.split()[0]: line.split() for line in table[1:3]}
    total = sum(auto.values()) + sum(manual.values())
    assert rows[SOL][1:4] == [f"{sum(auto.values()):g}", f"{total:g}", f"{manual[WRITTEN]:g}"], table
    assert rows[BLANK][1:4] == ["0", f"{total:g}", "-"], table
    assert f"points await marking ({SOL})" in table[3]


def test_feedback_shows_the_unmarked_answer_as_awaiting_marking(lecturer_class):
    course, _ = lecturer_class
    _, manual = _points(A)
    page = _page_text(course / "feedback" / SOL / A / f"{A}.html")
    assert f"q5 · written answer ({WRITTEN}) (awaiting marking, {manual[WRITTEN]:.1f} points)" in page
    assert f"0.0 / {manual[WRITTEN]:.1f}" not in page, "an unmarked answer must not read as a zero"
    assert "Not final:" in page and "await marking" in page
    # the blank written answer is a real 0 (nbgrader scores an unchanged answer cell 0), not awaiting
    blank = _page_text(course / "feedback" / BLANK / A / f"{A}.html")
    assert "awaiting marking" not in blank and f"({WRITTEN}) (Score: 0.0 / {manual[WRITTEN]:.1f})" in blank


def test_feedback_names_each_check_by_question_and_docstring(lecturer_class):
    course, _ = lecturer_class
    page = _page_text(course / "feedback" / SOL / A / f"{A}.html")
    assert "Test cell" not in page
    checks = [c for c in _source(A, course).cells
              if c.cell_type == "code" and _nbg(c).get("grade") and not _nbg(c).get("solution")]
    assert len(checks) >= 10
    for cell in checks:
        gid = _nbg(cell)["grade_id"]
        doc = " ".join(re.match(r'\s*"""(.*?)"""', cell.source, re.S).group(1).split())
        assert f"{gid.split('_')[0]} · {doc} ({gid})" in page, gid


def test_feedback_says_which_question_is_not_answered(lecturer_class):
    course, _ = lecturer_class
    raw = (course / "feedback" / BLANK / A / f"{A}.html").read_text()
    page = _page_text(course / "feedback" / BLANK / A / f"{A}.html")
    assert "q3 not answered: `ventures` is not defined — run your answer cell" in page
    assert "skipped while autograding" not in page
    assert "q3 not answered: this cell still says `raise NotImplementedError()` — write your answer here" in page
    assert "NameError" not in raw and "Traceback (most recent call last)" not in page
    # the graded notebook itself still holds nbgrader's outputs: only the feedback is rewritten
    nb = nbformat.read(course / "autograded" / BLANK / A / f"{A}.ipynb", as_version=4)
    assert any(o.get("ename") == "NameError" for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def test_feedback_for_an_unknown_student_names_the_known_ones(lecturer_class):
    course, _ = lecturer_class
    code, out, err = _cli("feedback", A, "--course", str(course), "--student", "nobody")
    assert code == 2 and "Traceback" not in err
    assert f"for student 'nobody'; students with one: {SOL}, {BLANK}" in err


def test_help_lists_only_subcommands_that_exist():
    from sme_teach.cli import build_parser

    code, out, _ = _cli("--help")
    assert code == 0
    listed = re.findall(r"^    (\w[\w-]*) ", out, re.M)
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert listed and set(listed) == set(sub.choices), (listed, list(sub.choices))
    assert "workshop" not in out.split("positional arguments")[0], "the description names no missing command"
    for name in listed:
        assert _cli(name, "--help")[0] == 0, name


def test_report_lists_the_answer_to_mark_and_ranks_no_unmarked_item(lecturer_class, tmp_path):
    course, _ = lecturer_class
    code, out, err = _cli("report", A, "--course", str(course), "--out", str(tmp_path))
    assert f"needs marking: {SOL}: {WRITTEN} (4 points) awaits a manual grade" in out
    assert "needs marking: blank_b" not in out
    items = pd.read_csv(tmp_path / "items.csv").set_index("item")
    assert items.loc[WRITTEN, "awaiting_marking"] == 1 and items.loc[WRITTEN, "n_students"] == 1
    page = (tmp_path / "report.html").read_text()
    hardest = re.search(r"Hardest item: (\w+)", page).group(1)
    assert hardest != WRITTEN and items.loc[hardest, "awaiting_marking"] == 0
    assert f"Not ranked, answers await marking: {WRITTEN}." in page
    assert "Written answers awaiting marking" in page and f"<td>{SOL}</td>" in page
    unmarked = pd.read_csv(tmp_path / "unmarked.csv")
    assert unmarked[["student", "item"]].values.tolist() == [[SOL, WRITTEN]]


def test_lms_export_refuses_unmarked_answers_unless_allowed(lecturer_class, tmp_path):
    course, _ = lecturer_class
    csv = tmp_path / "grades_moodle.csv"
    csv.write_text("an older export\n")
    code, out, err = _cli("report", A, "--course", str(course), "--out", str(tmp_path), "--lms", "moodle")
    assert code == 1
    assert "LMS grade CSV not written" in err and f"{SOL}: {A}/{WRITTEN} (4 points)" in err and "--allow-unmarked" in err
    assert not csv.exists(), "a refused export leaves no (old) file to upload"
    assert "No grade export for your LMS" in (tmp_path / "report.html").read_text()

    code, out, err = _cli("report", A, "--course", str(course), "--out", str(tmp_path), "--lms", "moodle",
                          "--allow-unmarked")
    assert code == 0, err
    lms = pd.read_csv(csv, keep_default_na=False).set_index("ID number")
    assert list(lms.columns) == [A, "total", "awaiting_marking"]
    assert lms.loc[SOL, "awaiting_marking"] == f"{A}/{WRITTEN} (4 points)"
    assert lms.loc[BLANK, "awaiting_marking"] == ""
    auto, _ = _points(A)
    assert float(lms.loc[SOL, "total"]) == sum(auto.values())


def test_marking_through_nbgraders_gradebook_then_export(lecturer_class, tmp_path):
    """Last in the file: marks the written answer (as Formgrader's API does) and exports again."""
    from nbgrader.api import Gradebook

    from sme_teach import grading

    course, _ = lecturer_class
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{course}/gradebook.db", "sme_teach") as gb:
        warnings.simplefilter("ignore")
        grade = gb.find_grade(WRITTEN, A, A, SOL)
        assert grade.needs_manual_grade and grade.manual_score is None
        grade.manual_score = 3.0
        grade.needs_manual_grade = False
        gb.db.commit()
    code, out, err = _cli("report", A, "--course", str(course), "--out", str(tmp_path), "--lms", "canvas")
    assert code == 0, err
    assert "needs marking: none" in out
    lms = pd.read_csv(tmp_path / "grades_canvas.csv").set_index("SIS User ID")
    assert list(lms.columns) == [A, "total"]
    auto, _ = _points(A)
    assert lms.loc[SOL, "total"] == sum(auto.values()) + 3.0
    grading.feedback(A, course, student=SOL)
    page = _page_text(course / "feedback" / SOL / A / f"{A}.html")
    assert "awaiting marking" not in page and f"({WRITTEN}) (Score: 3.0 / 4.0)" in page


def test_formgrader_finds_the_course_in_a_lab_started_at_the_repository_root(tmp_path):
    """``make lab`` starts JupyterLab in the repository root: Formgrader must list the course's assignments.

    A copy of the repository's root ``nbgrader_config.py`` and ``assignments/`` (its config and sources),
    so the gradebook Formgrader creates is not written into the checkout.
    """
    from _lab import jupyter_lab

    root = tmp_path / "repo"
    (root / "assignments").mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copy(COURSE / "nbgrader_config.py", root / "assignments")
    shutil.copytree(COURSE / "source", root / "assignments" / "source")
    expected = sorted(p.name for p in (COURSE / "source").iterdir() if p.is_dir())
    with jupyter_lab(root, cwd=root, log_path=tmp_path / "lab.log") as (base, token):
        def get(path):
            req = urllib.request.Request(base + path, headers={"Authorization": f"token {token}"})
            with urllib.request.urlopen(req, timeout=120) as r:
                return r.read().decode()

        listed = json.loads(get("/formgrader/api/assignments"))
        page = get("/formgrader/manage_assignments")
    assert sorted(a["name"] for a in listed) == expected
    assert {a["source_path"] for a in listed} == {f"source/{name}" for name in expected}
    assert '"course_id": "sme_teach"' in page or "sme_teach" in page
    assert (root / "assignments" / "gradebook.db").is_file(), "the gradebook is the course's, in assignments/"
