"""Step 4, *record*: serial, in the grading process — the only writer of the gradebook and the log.

For each worker result: nbgrader's ``SaveAutoGrades, AssignLatePenalties, CheckCellMetadata`` on the
executed notebooks, write them, set permissions, atomically rename the staging folder to
``autograded/<student>/<assignment>/`` and only then append the submission's line to the log. A failed
submission leaves no folder, its reason in the log and the gradebook rows nbgrader's own
``init_assignment`` leaves for it (so the gradebook equals ``nbgrader autograde``'s)."""

from __future__ import annotations

import os
import time
import uuid
import warnings
from pathlib import Path

from .._errors import SmeTeachError
from ._log import STAGING_TAG, Outcome, append_log, rmtree

__all__ = ["Recorder"]


class Recorder:
    """Records results into one course; built *before* anything is written, so a configuration nbgrader
    cannot use (an unimportable late-penalty plugin) stops grading with nothing half-written."""

    def __init__(self, coursedir, config, log_path: Path):
        self.coursedir, self.config, self.log_path = coursedir, config, Path(log_path)
        self.savers = _savers(config)
        perm = config.get("Autograde", {}).get("permissions", 664 if coursedir.groupshared else 444)
        self.permissions = int(str(perm), 8)

    def record(self, result: dict, task: dict) -> Outcome:
        return _record(result, task, self.coursedir, self.config, self.savers, self.permissions, self.log_path)


def _savers(config) -> list:
    """``SaveAutoGrades, AssignLatePenalties, CheckCellMetadata``, with the late-penalty plugin loaded now."""
    from nbgrader.preprocessors import AssignLatePenalties, CheckCellMetadata, SaveAutoGrades

    try:
        savers = [SaveAutoGrades(config=config), AssignLatePenalties(config=config), CheckCellMetadata(config=config)]
        savers[1].plugin_class(parent=savers[1])  # an unimportable plugin fails here, before any write
    except Exception as exc:
        raise SmeTeachError(
            f"the course's nbgrader configuration cannot be used for grading: {type(exc).__name__}: {exc}. "
            "A plugin named there (e.g. AssignLatePenalties.plugin_class) must be importable from the course "
            "folder or the environment; fix nbgrader_config.py and grade again (nothing was recorded)") from None
    return savers


def _finish(result: dict, task: dict, coursedir, config, savers, permissions: int) -> None:
    """SaveAutoGrades + AssignLatePenalties + CheckCellMetadata, write, chmod, atomic rename."""
    import nbformat

    staging, final = Path(task["staging"]), Path(task["final"])
    for nb_id, text in result["notebooks"].items():
        nb = nbformat.reads(text, as_version=4)
        resources = {"unique_key": nb_id, "nbgrader": {"student": task["student"], "assignment": task["assignment"],
                                                       "notebook": nb_id, "db_url": task["db_url"]}}
        for pp in savers:
            nb, resources = pp(nb, resources)
        output = nbformat.writes(nb, version=4)
        if not output.endswith("\n"):
            output += "\n"
        (staging / f"{nb_id}.ipynb").write_text(output, encoding="utf-8")
    for dirname, _, filenames in os.walk(staging):
        for name in filenames:
            os.chmod(os.path.join(dirname, name), permissions)
    if final.exists():
        old = final.with_name(final.name + STAGING_TAG + "old-" + uuid.uuid4().hex[:8])
        os.replace(final, old)
        os.replace(staging, final)
        rmtree(old)
    else:
        os.replace(staging, final)


def _record(result, task, coursedir, config, savers, permissions, log_path) -> Outcome:
    from nbgrader.api import Gradebook

    outcome = Outcome(student=task["student"], assignment=task["assignment"], status="graded",
                      seconds=round(result.get("seconds", 0.0), 3), fingerprint=task["fingerprint"],
                      notes=result.get("notes", []), sandboxed=bool(task.get("sandboxed", True)),
                      mode=", ".join(sorted({m for m, _ in task.get("modes", {}).values()})),
                      worker=result.get("worker", ""))
    if result["status"] == "ok":
        try:
            _finish(result, task, coursedir, config, savers, permissions)
        except Exception as exc:
            from ._run import reason

            result = {"status": "failed", "reason": reason(exc)}
    if result["status"] != "ok":
        outcome.status, outcome.reason = "failed", result["reason"]
        rmtree(task["staging"])
        rmtree(task["final"])  # as nbgrader's _handle_failure
    elif task.get("missing"):
        if task.get("notebooks"):  # one of two handed in: graded, the other scores 0 (as nbgrader)
            outcome.notes = [task["missing"], *outcome.notes]
        else:
            outcome.status, outcome.reason = "failed", task["missing"]
    with warnings.catch_warnings(), Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        warnings.simplefilter("ignore")  # SQLAlchemy autoflush chatter from nbgrader's models
        if result["status"] == "ok":
            for nb_id, gone in (result.get("missing_cells") or {}).items():
                for gid in gone:  # a deleted grade cell is worth nothing, whatever an earlier run saved
                    g = gb.find_grade(gid, nb_id, task["assignment"], task["student"])
                    g.auto_score, g.needs_manual_grade = 0.0, False
        gb.db.commit()
        sub = gb.find_submission(task["assignment"], task["student"])
        outcome.score, outcome.max_score = float(sub.score), float(sub.max_score)
    outcome.finished = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    append_log(log_path, outcome)  # only now is the submission "done"
    return outcome

