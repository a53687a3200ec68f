"""Step 2, *plan*: what to grade and how — serial, in the grading process, the only gradebook writer.

For every discovered submission: skip it if the log says it was graded from the same files (unless
``force``), else do ``Autograde.init_assignment``'s gradebook part (student, submission with the
``timestamp.txt`` time, zeros for notebooks not handed in) and build the task a worker runs: the
folders, the notebooks, where the result goes (a staging folder renamed into ``autograded/`` at the
end) and, per notebook, where its test cells run (:func:`plan_modes`)."""

from __future__ import annotations

import dataclasses
import os
import uuid
import warnings
from pathlib import Path

from ._checker import NBGRADER, plan_mode
from ._discover import fingerprint
from ._log import STAGING_TAG, read_log, rmtree

__all__ = ["Plan", "plan", "plan_modes"]


@dataclasses.dataclass
class Plan:
    """The tasks of one run, the students skipped as already graded, and each notebook's check mode."""

    tasks: list
    skipped: list
    modes: dict


def plan(coursedir, config, assignment: str, subs: list, log_path: Path, *, force: bool = False,
         sandbox: bool = True, checks: str = "auto") -> Plan:
    """Decide what to grade (see the module docstring); writes the submissions' first gradebook rows."""
    from nbgrader.api import Gradebook

    # leftovers of an interrupted run
    for leftover in Path(coursedir.format_path(coursedir.autograded_directory, ".", ".")).glob(f"*/*{STAGING_TAG}*"):
        rmtree(leftover)
    done = read_log(log_path)
    pending, skipped = [], []
    for sub in subs:
        sub["fingerprint"] = fingerprint(Path(sub["submitted"]))
        sub["final"] = coursedir.format_path(coursedir.autograded_directory, sub["student"], assignment)
        rec = done.get((assignment, sub["student"]))
        unchanged = rec is not None and rec.get("fingerprint") == sub["fingerprint"]
        if not force and unchanged and (rec["status"] != "graded" or os.path.isdir(sub["final"])):
            skipped.append(sub["student"])
        else:
            pending.append(sub)

    source = coursedir.format_path(coursedir.source_directory, ".", assignment)
    exclude = [os.path.join(source, x)
               for x in config.get("Autograde", {}).get("exclude_overwriting", {}).get(assignment, [])]
    modes = plan_modes(source)
    if checks == NBGRADER:
        modes = {nb: (NBGRADER, "checks='nbgrader' was asked for: tests ran in the student's kernel")
                 for nb in modes}
    tasks = []
    with warnings.catch_warnings(), Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        warnings.simplefilter("ignore")
        for sub in pending:
            notebooks = init_submission(gb, coursedir, assignment, sub)
            Path(sub["final"]).parent.mkdir(parents=True, exist_ok=True)
            tasks.append({
                "modes": modes, "sandboxed": bool(sandbox),
                "student": sub["student"], "assignment": assignment, "submitted": sub["submitted"],
                "source": source, "notebooks": notebooks, "exclude": exclude, "ignore": list(coursedir.ignore),
                "db_url": coursedir.db_url, "final": sub["final"], "fingerprint": sub["fingerprint"],
                "staging": sub["final"] + STAGING_TAG + uuid.uuid4().hex[:8],
                "grade_cells": sub["grade_cells"], "missing": sub["missing"],
            })
    return Plan(tasks, skipped, modes)


def plan_modes(source_dir) -> dict:
    """``{notebook: (mode, why)}``: where each notebook's test cells run (see ``_checker.plan_mode``)."""
    import nbformat

    modes = {}
    for path in sorted(Path(source_dir).glob("*.ipynb")):
        try:
            modes[path.stem] = plan_mode(nbformat.read(path, as_version=4))
        except Exception as exc:  # an unreadable source is nbgrader's to report
            modes[path.stem] = (NBGRADER, f"source not readable ({type(exc).__name__})")
    return modes


def init_submission(gb, coursedir, assignment: str, sub: dict) -> list:
    """Autograde.init_assignment's gradebook part; returns the notebooks nbgrader would grade."""
    import glob

    from nbgrader.api import MissingEntry

    gb.update_or_create_student(sub["student"])
    timestamp = coursedir.get_existing_timestamp(sub["submitted"])
    if timestamp:
        gb.update_or_create_submission(assignment, sub["student"], timestamp=timestamp)
    else:
        gb.update_or_create_submission(assignment, sub["student"])
    notebooks = []
    sub["missing"] = ""
    sub["grade_cells"] = {nb.name: [g.name for g in nb.grade_cells] for nb in gb.find_assignment(assignment).notebooks}
    for path in sub["notebooks"]:
        nb_id = os.path.splitext(os.path.basename(path))[0]
        try:
            gb.find_notebook(nb_id, assignment)
        except MissingEntry:
            continue
        notebooks.append((nb_id, path))
    expected = [nb.name for nb in gb.find_assignment(assignment).notebooks]
    absent = [n for n in expected if not os.path.exists(os.path.join(sub["submitted"], f"{n}.ipynb"))]
    if absent:
        others = sorted(os.path.basename(p) for p in glob.glob(os.path.join(sub["submitted"], "*.ipynb"))
                        if os.path.splitext(os.path.basename(p))[0] not in expected)
        sub["missing"] = (f"missing notebook {', '.join(n + '.ipynb' for n in absent)} (0 points); "
                          + (f"handed in instead: {', '.join(others)} — rename it and hand in again" if others
                             else "no notebook handed in"))
    for notebook in gb.find_assignment(assignment).notebooks:
        if not os.path.exists(os.path.join(sub["submitted"], f"{notebook.name}.ipynb")):
            for g in gb.find_submission_notebook(notebook.name, assignment, sub["student"]).grades:
                g.auto_score = 0
                g.needs_manual_grade = False
            gb.db.commit()
    return notebooks

