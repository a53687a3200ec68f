"""The four course assignments round-trip through nbgrader's real pipeline.

The committed course (``assignments/``) is copied to a temporary folder, every assignment is released,
and four submissions per assignment are graded in one ``sme-teach grade --jobs 2`` call each:

- ``sol``: the instructor's solution code in the released notebook — full autograded marks (the
  written answer waits for a TA);
- ``blank``: the released notebook untouched — 0, without a failed run;
- ``part``: some answers blanked or well-formed but wrong — exactly the points of the other cells;
- ``copy``: the answers of ``sol`` pasted as literal values (pickled objects) and handed in by another
  student — loses exactly the points of the cells whose expected answer depends on the student's data.
"""

from __future__ import annotations

import base64
import os
import pickle
import re
import shutil
import subprocess
import time
import warnings
from pathlib import Path

import nbformat
import pytest

from conftest import REPO

COURSE = REPO / "assignments"
SOL, BLANK, PART, COPY = "ama_rahman", "blank_b", "part_p", "copy_kabir"
BLANK_CODE = "# YOUR CODE HERE\nraise NotImplementedError()"

ASSIGNMENTS = {
    "a1_stages_networks": {
        # answer cell -> the variables it creates (what a copier pastes)
        "answers": {"q1_answer": ["stages"], "q1_counts_answer": ["stage_counts"],
                    "q2_answer": ["market_degree", "situations"], "q3_answer": ["ventures"],
                    "q4_answer": ["sector_fsts", "spread"]},
        "partial": {
            "q1_counts_answer": BLANK_CODE,
            # Rennie's stricter definition and countries counted as activities: right shape, wrong values
            "q3_answer": (
                "first_export = history.groupby('firm_id')['first_entry_year'].min()\n"
                "ventures = pd.DataFrame({'firm_id': firms['firm_id']})\n"
                "ventures['years_to_first_export'] = (firms['firm_id'].map(first_export)"
                " - firms['founding_year']).astype(float)\n"
                "ventures['born_global'] = measures.classify_born_global(ventures['years_to_first_export'],"
                " firms['foreign_sales_share'], definition='rennie_1993')\n"
                "ventures['inv_type'] = measures.inv_type(firms['n_countries'], firms['n_countries'])\n"),
            # the mean of firm ratios instead of the sales-weighted sector FSTS
            "q4_answer": (
                "sector_fsts = (accounts['export_sales'] / accounts['total_sales']).groupby(accounts['sector']).mean()\n"
                "by_continent = pd.crosstab(markets['firm_id'], markets['market_iso3'].map(CONTINENT))\n"
                "spread = measures.entropy_diversification(by_continent, normalize=True)\n"),
        },
        "partial_fails": {"q1_stage_counts", "q3_born_global_values", "q3_inv_values", "q4_sector_fsts"},
        "variant_independent": {"q1_stage_columns", "q2_situation_columns", "q3_ventures_columns"},
    },
    "a2_destinations": {
        "answers": {"q1_answer": ["ks", "closest_culture"], "q2_answer": ["cage"],
                    "q3_answer": ["ranking", "top_market", "deciding_factor"],
                    "q5_answer": ["enb", "enb_total", "enter_market"]},
        "partial": {
            # variances from the eight candidates instead of the whole table; the farthest, not the closest
            "q1_answer": (
                "_v = hofstede.set_index('iso3').loc[candidates, DIMENSIONS].var()\n"
                "ks = measures.kogut_singh(hofstede, HOME, candidates, dimensions=DIMENSIONS, variances=_v)\n"
                "closest_culture = ks.idxmax()\n"),
            "q3_answer": BLANK_CODE,
            # the marginal analysis without the costs: wrong values and total, but a decision consistent with them
            "q5_answer": (
                "enb = pd.Series((entry_kpis['probability'] * entry_kpis['benefit']).to_numpy(), index=entry_kpis['kpi'])\n"
                "enb_total = float(enb.sum())\n"
                "enter_market = enb_total > 0\n"),
        },
        "partial_fails": {"q1_ks_values", "q1_closest", "q3_ranking_values", "q3_top_market", "q3_deciding_factor",
                          "q5_enb_values", "q5_enb_total"},
        # deciding_factor and enter_market are checked against the student's own ranking and enb_total
        # (interpretation, not recomputation)
        "variant_independent": {"q3_deciding_factor", "q5_decision"},
    },
    "a3_alliance_fsa": {
        "answers": {"q1_answer": ["alliances", "mod1", "mod2"], "q2_answer": ["competencies"],
                    "q3_answer": ["gaps", "lever_gains", "moderation_cost"]},
        "partial": {
            # right scores, sorted the wrong way
            "q2_answer": ("result = measures.propagate(alliances, mod1, mod2)\n"
                          "competencies = result.competency.sort_values()\n"),
            "q3_answer": (
                "gaps = competencies.sort_values().head(3)\n"
                "_gain = lambda model: pd.Series({a: measures.propagate(alliances.where(alliances.index != a,"
                " min(alliances[a] + 0.2, 1.0)), mod1, mod2, model=model).competency.mean()"
                " - measures.propagate(alliances, mod1, mod2, model=model).competency.mean() for a in ALLIANCES})\n"
                "lever_gains = pd.DataFrame({'all_links': _gain('alliance_fsa'), 'stated_links': _gain(STATED)})\n"
                "moderation_cost = float(measures.propagate(alliances, mod1, mod2, moderation='min').competency.mean()"
                " - result.competency.mean())  # the wrong way round\n"),
        },
        "partial_fails": {"q2_competency_order", "q3_moderation_cost"},
        "variant_independent": {"q1_inputs_format", "q2_competency_order"},
    },
    "a4_cluster_spillover": {
        "answers": {"q1_answer": ["centrality"], "q2_answer": ["brokers"],
                    "q3_answer": ["spread", "best_seed", "broker_advantage"]},
        "partial": {
            # betweenness on tie strengths as distances, not the unweighted measure asked for
            "q1_answer": ("centrality = pd.DataFrame({'degree': pd.Series(nx.degree_centrality(G)),"
                          " 'betweenness': pd.Series(nx.betweenness_centrality(G, weight='strength'))})\n"),
            # no brokers: Q2 fails and so does the part of Q3 that needs them
            "q2_answer": BLANK_CODE,
        },
        "partial_fails": {"q1_centrality_values", "q2_brokers_columns", "q2_brokers_values", "q3_broker_advantage"},
        "variant_independent": {"q1_centrality_columns", "q2_brokers_columns"},
    },
}
IDS = list(ASSIGNMENTS)


def _nbg(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _source(assignment: str, course: Path = COURSE):
    return nbformat.read(course / "source" / assignment / f"{assignment}.ipynb", as_version=4)


def _points(assignment: str) -> tuple[dict, dict]:
    """(autograded grade id -> points, manually graded grade id -> points) from the source notebook."""
    auto, manual = {}, {}
    for cell in _source(assignment).cells:
        m = _nbg(cell)
        if m.get("grade"):
            (manual if m.get("solution") else auto)[m["grade_id"]] = float(m["points"])
    return auto, manual


def _solution_namespace(assignment: str, student: str) -> dict:
    """Run the setup and solution cells of the source in this process, as ``student``; return the variables."""
    saved = {k: os.environ.get(k) for k in ("SME_TEACH_STUDENT_ID", "JUPYTERHUB_USER", "NBGRADER_EXECUTION")}
    os.environ["SME_TEACH_STUDENT_ID"] = student
    os.environ.pop("JUPYTERHUB_USER", None)
    os.environ.pop("NBGRADER_EXECUTION", None)
    ns: dict = {}
    try:
        for cell in _source(assignment).cells:
            m = _nbg(cell)
            if cell.cell_type == "code" and (m.get("grade_id") == "setup" or m.get("solution")):
                exec(compile(cell.source, f"<{assignment}:{m['grade_id']}>", "exec"), ns)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return ns


def _literal(name: str, value) -> str:
    blob = base64.b64encode(pickle.dumps(value)).decode()
    return f"{name} = __import__('pickle').loads(__import__('base64').b64decode('{blob}'))"


def _submit(course: Path, assignment: str, student: str, replace: dict, written: str | None = None) -> None:
    """Hand in the released notebook with the answer cells ``replace`` (grade id -> code) filled in."""
    nb = nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    for cell in nb.cells:
        gid = _nbg(cell).get("grade_id")
        if gid in replace:
            cell.source = replace[gid]
        elif written and _nbg(cell).get("grade") and _nbg(cell).get("solution"):
            cell.source = written
    dest = course / "submitted" / student / assignment
    dest.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest / f"{assignment}.ipynb")
    (dest / "timestamp.txt").write_text("2026-03-01 12:00:00.000000 UTC")


def _grades(course: Path, assignment: str) -> dict:
    """student -> {grade id: (auto score, max score, needs manual grade)}."""
    from nbgrader.api import Gradebook

    out = {}
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{course}/gradebook.db", "sme_teach") as gb:
        warnings.simplefilter("ignore")
        for sub in gb.assignment_submissions(assignment):
            nb = sub.notebooks[0]
            out[sub.student_id] = {g.name: (g.auto_score, float(g.max_score), g.needs_manual_grade) for g in nb.grades}
    return out


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Release all four assignments in a copy of the course, hand in 4 submissions each, grade them."""
    from sme_teach import grading

    t0 = time.perf_counter()
    course = tmp_path_factory.mktemp("assignments") / "course"
    shutil.copytree(COURSE, course, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db", "reports", "grading_log.*",
        ".ipynb_checkpoints"))
    runs, timings = {}, {}
    for assignment, spec in ASSIGNMENTS.items():
        grading.release(assignment, course, exchange=False)
        source = {_nbg(c)["grade_id"]: c.source for c in _source(assignment, course).cells if _nbg(c).get("solution")
                  and c.cell_type == "code"}
        assert set(source) == set(spec["answers"]), f"{assignment}: answer cells changed; update ASSIGNMENTS"
        ns = _solution_namespace(assignment, SOL)
        copied = {gid: "\n".join(_literal(v, ns[v]) for v in names) for gid, names in spec["answers"].items()}
        _submit(course, assignment, SOL, source, written="An answer for the TA to grade.")
        _submit(course, assignment, BLANK, {})
        _submit(course, assignment, PART, {**source, **spec["partial"]})
        _submit(course, assignment, COPY, copied)
        t1 = time.perf_counter()
        runs[assignment] = grading.grade(assignment, course, jobs=2, progress=False)
        timings[assignment] = time.perf_counter() - t1
    timings["total"] = time.perf_counter() - t0
    print("\nassignment grading times (s):", {k: round(v, 1) for k, v in timings.items()})
    return course, runs, timings


@pytest.mark.parametrize("assignment", IDS)
def test_every_submission_is_graded(graded, assignment):
    course, runs, _ = graded
    run = runs[assignment]
    assert not run.failed, run.summary()
    assert sorted(o.student for o in run.outcomes) == sorted([SOL, BLANK, PART, COPY])


@pytest.mark.parametrize("assignment", IDS)
def test_solution_scores_full_marks_and_written_answer_waits_for_a_ta(graded, assignment):
    course, _, _ = graded
    auto, manual = _points(assignment)
    cells = _grades(course, assignment)[SOL]
    lost = {g: cells[g] for g in auto if cells[g][0] != auto[g]}
    assert not lost, f"the solution loses points in {lost}"
    assert manual, f"{assignment} has no manually graded written answer"
    for gid in manual:
        assert cells[gid][2] is True, f"{gid} should wait for a manual grade"


@pytest.mark.parametrize("assignment", IDS)
def test_blank_release_scores_zero(graded, assignment):
    course, runs, _ = graded
    cells = _grades(course, assignment)[BLANK]
    assert {g: v[0] for g, v in cells.items() if v[0]} == {}
    assert next(o for o in runs[assignment].outcomes if o.student == BLANK).score == 0


@pytest.mark.parametrize("assignment", IDS)
def test_partial_submission_scores_exactly_its_partial_marks(graded, assignment):
    course, _, _ = graded
    auto, _ = _points(assignment)
    fails = ASSIGNMENTS[assignment]["partial_fails"]
    assert fails <= set(auto)
    cells = _grades(course, assignment)[PART]
    got = {g: cells[g][0] for g in auto}
    expected = {g: 0.0 if g in fails else p for g, p in auto.items()}
    assert got == expected
    assert 0 < sum(got.values()) < sum(auto.values())


@pytest.mark.parametrize("assignment", IDS)
def test_copied_answers_lose_exactly_the_variant_dependent_points(graded, assignment):
    course, _, _ = graded
    auto, _ = _points(assignment)
    independent = ASSIGNMENTS[assignment]["variant_independent"]
    assert independent < set(auto)
    cells = _grades(course, assignment)[COPY]
    got = {g: cells[g][0] for g in auto}
    expected = {g: p if g in independent else 0.0 for g, p in auto.items()}
    assert got == expected, "a copied answer passed a check that should depend on the student's own data" \
        if any(got[g] and g not in independent for g in auto) else "a copied answer failed a data-independent check"
    # the same literals are full marks for the student they were computed for
    sol = _grades(course, assignment)[SOL]
    assert sum(v[0] for g, v in sol.items() if g in auto) == sum(auto.values())


@pytest.mark.parametrize("assignment", IDS)
def test_release_hides_solutions_and_hidden_tests(graded, assignment):
    from sme_teach.grading._feedback import hidden_test_lines

    course, _, _ = graded
    text = (course / "release" / assignment / f"{assignment}.ipynb").read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text
    release = nbformat.reads(text, as_version=4)
    released_text = "\n".join(c.source for c in release.cells)
    # task texts may quote a call the answer uses; solutions must not appear in released code
    released_code = "\n".join(c.source for c in release.cells if c.cell_type == "code")
    hidden = hidden_test_lines(course / "source" / assignment / f"{assignment}.ipynb")
    assert hidden, f"{assignment} has no hidden tests"
    leaked = [line for line in hidden if line in released_text]
    assert not leaked, f"hidden-test lines in the release: {leaked[:3]}"
    solution_lines = []
    for cell in _source(assignment, course).cells:
        inside = False
        for line in cell.source.splitlines():
            if "BEGIN SOLUTION" in line:
                inside = True
            elif "END SOLUTION" in line:
                inside = False
            elif inside and len(line.strip()) >= 8:  # not bare brackets
                solution_lines.append(line.strip())
    assert solution_lines
    leaked = [line for line in solution_lines if line in released_code]
    assert not leaked, f"solution lines in the release: {leaked[:3]}"
    answers = [c for c in release.cells if _nbg(c).get("solution") and c.cell_type == "code"]
    assert answers and all("raise NotImplementedError()" in c.source for c in answers)


@pytest.mark.parametrize("assignment", IDS)
def test_written_answer_has_a_rubric_and_every_test_teaches(graded, assignment):
    course, _, _ = graded
    release = nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    cells = release.cells
    written = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and _nbg(c).get("grade")]
    assert written, "no manually graded written answer"
    for i in written:
        assert cells[i].source.strip() == "YOUR ANSWER HERE"
        task = cells[i - 1].source
        assert "Rubric" in task and len(re.findall(r"^\d\. ", task, re.M)) == _nbg(cells[i])["points"], \
            "the task above a written answer carries a rubric with one line per point"
    tests = [c for c in cells if c.cell_type == "code" and _nbg(c).get("grade")]
    assert len(tests) >= 7
    for c in tests:
        gid = _nbg(c)["grade_id"]
        assert re.fullmatch(r"q\d_[a-z_]+", gid), gid
        assert c.source.lstrip().startswith('"""'), f"{gid} starts with a docstring saying what it checks"
    # every question has several grade cells (partial credit) and a self-check cell
    questions = {_nbg(c)["grade_id"].split("_")[0] for c in tests}
    for q in questions:
        assert sum(_nbg(c)["grade_id"].startswith(q + "_") for c in tests) >= 2, f"{q} has a single grade cell"
        assert any(f'grading.check("{q}")' in c.source for c in cells if c.cell_type == "code")


def test_config_and_readme_describe_the_course():
    from sme_teach.grading._course import load_config

    cfg = load_config(COURSE)
    assert cfg.CourseDirectory.course_id == "sme_teach"
    assert cfg.Execute.timeout == 30
    assert cfg.CourseDirectory.db_url == f"sqlite:///{COURSE / 'gradebook.db'}"
    readme = (COURSE / "README.md").read_text()
    for assignment in IDS:
        auto, manual = _points(assignment)
        assert assignment in readme
        for gid in [*auto, *manual]:
            assert f"`{gid}`" in readme, f"README does not list {assignment}'s grade cell {gid}"


@pytest.mark.parametrize("assignment", IDS)
def test_feedback_teaches_without_showing_hidden_tests(graded, assignment):
    from sme_teach import grading

    course, _, _ = graded
    files = grading.feedback(assignment, course)  # raises if any hidden-test line reaches the HTML
    assert {p.parts[-3] for p in files} == {SOL, BLANK, PART, COPY}
    copy = (course / "feedback" / COPY / assignment / f"{assignment}.html").read_text()
    # the copier is told what their own data expected, e.g. "12 of 500 firms have the wrong stage"
    assert re.search(r"expected|have the wrong", copy), "feedback should say what was expected"
    assert "BEGIN HIDDEN TESTS" not in copy
    blank = (course / "feedback" / BLANK / assignment / f"{assignment}.html").read_text()
    assert "NotImplementedError" in blank or "is not defined" in blank


def test_git_add_all_in_the_course_directory_never_stages_grades(graded):
    """A lecturer who grades, writes feedback and reports, then runs `git add -A`, commits no grades."""
    from sme_teach import grading

    course, _, _ = graded
    assignment = IDS[0]
    grading.feedback(assignment, course)
    grading.report(assignment, course)
    written = {p.relative_to(course).parts[0] for p in course.iterdir()}
    # the run really wrote every kind of file that holds names or scores
    assert {"release", "submitted", "autograded", "feedback", "reports", "gradebook.db",
            "grading_log.csv", "grading_log.jsonl"} <= written, written
    git = ["git", "-c", "user.email=t@example.org", "-c", "user.name=t", "-C", str(course)]
    subprocess.run(git + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    staged = subprocess.run(git + ["diff", "--cached", "--name-only"], check=True, capture_output=True,
                            text=True).stdout.split()
    assert staged, "nothing staged: the course's own files should be"
    allowed = {".gitignore", "README.md", "nbgrader_config.py", "preflight.yml"}
    leaked = [p for p in staged if p not in allowed and not p.startswith("source/")]
    assert not leaked, f"`git add -A` in the course directory would commit student files: {leaked}"
    assert any(p.startswith("source/") and p.endswith(".ipynb") for p in staged)
