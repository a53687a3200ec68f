"""Step 1, *discover*: which submissions there are (``submitted/<student>/<assignment>/``), as
nbgrader's converters find them, and a fingerprint of each (re-grading only what changed)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["any_notebook", "discover", "fingerprint"]


def discover(coursedir, assignment: str, students=None) -> tuple[list, list]:
    """``(submissions, empty)``: one dict per submission folder (``student``, ``submitted``,
    ``notebooks``), and the students whose folder holds no notebook at all (nbgrader records nothing
    for them). ``students`` keeps only those ids; ``CourseDirectory.student_id_exclude`` is honoured."""
    subs = _find(coursedir, assignment)
    empty = [s["student"] for s in subs if not s["notebooks"] and not any_notebook(s["submitted"])]
    subs = [s for s in subs if s["student"] not in set(empty)]
    if students:
        wanted = set(students)
        subs = [s for s in subs if s["student"] in wanted]
        empty = [e for e in empty if e in wanted]
    return subs, sorted(empty)


def _find(coursedir, assignment: str) -> list[dict]:
    import glob

    pattern = coursedir.format_path(coursedir.submitted_directory, "*", assignment)
    regexp = coursedir.format_path(coursedir.submitted_directory, "(?P<student_id>[^/]+)", assignment, escape=True)
    import re

    found = []
    exclude = set(filter(None, coursedir.student_id_exclude.split(",")))
    for folder in sorted(glob.glob(pattern)):
        m = re.match(regexp, folder)
        if not m or not os.path.isdir(folder) or m.group("student_id") in exclude:
            continue
        notebooks = sorted(glob.glob(os.path.join(folder, coursedir.notebook_id + ".ipynb")))
        found.append({"student": m.group("student_id"), "submitted": folder, "notebooks": notebooks})
    return found


def any_notebook(folder) -> bool:
    return any(Path(folder).rglob("*.ipynb"))


def fingerprint(folder: Path) -> str:
    """SHA-256 of every file below ``folder``: its relative name, then its length, then its bytes.

    The length keeps the stream unambiguous: without it ``{"a": "b\\0c"}`` and ``{"a": "", "b": "c"}``
    hashed alike, so a resubmission changed that way was never regraded.
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()

