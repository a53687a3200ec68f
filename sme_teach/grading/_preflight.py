"""An assignment's pre-flight: does every grade cell work for every student, before release?

``sme-teach check ID --students N`` builds N students' variants and, per grade cell, reports:

- **solution** — the instructor's solution passes for every variant;
- **blank** — the student version as released (nbgrader's own ``ClearSolutions`` and
  ``ClearHiddenTests``) scores 0 for every variant;
- **copy** — student *i*'s answers, handed in as data (:mod:`._transfer`, what the trusted checker
  receives), fail every cell marked ``variant`` on student *i+1*'s data. A copy that passes because the
  two students' keys happen to be equal is counted as a coincidence, not a failure;
- **key** — a key that is the same for every student (a copier cannot be caught, "variant" is false) is
  flagged degenerate, and so is a key that fails one of the cell's *probes* (below) for any student.

How the cells run. Exactly as the grader's trusted checker runs them (:mod:`._checker`), only in
this process (it runs the instructor's code only): for each student the setup cells run with the
student's id (``SME_TEACH_STUDENT_ID``, ``NBGRADER_EXECUTION=autograde``, so ids come from the grader
as in ``sme-teach grade``), then each test cell — hidden tests restored, as autograding does — runs on
the names it reads, passed as data from the submission's namespace. Per-student data comes from
:func:`~sme_teach.grading.student_data`, i.e. ``synthetic.variant(name, seed)``.

Probes. A grade cell can be right for the solution and still grade the wrong construct: a "deciding
factor" equal for every candidate, a venture typology applied to firms that are not ventures, a lever
whose effect rests on links the course itself calls inferred. The course states what each key must
satisfy in ``<course>/preflight.yml`` (outside ``source/``, so never released), evaluated in every
student's solution namespace::

    a2_destinations:
      q3_deciding_factor:
        - kind: choice        # the options must differ on the criterion the key picks by
          criterion: ranking["score_" + deciding_factor]
          why: a factor equal for every candidate cannot reorder them (lesson 08)
        - kind: holds         # an expression that must be true
          expr: ...

``choice``: ``criterion`` gives the options' values (a Series or list) on the graded criterion; the key
is degenerate for a student when all options are equal there. ``holds``: ``expr`` must be truthy.

Which cells are ``variant``: the kind column of the course's ``README.md`` grade-cell tables
(``| `grade_id` | pts | kind | checks |``); a cell the README does not list is ``variant`` when it has
hidden tests.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import os
import re
import time
from pathlib import Path

from .._errors import SmeTeachError
from ._checker import bound_names, cell_kind, free_names, plan_mode

__all__ = ["CellReport", "Preflight", "preflight"]

PROBES_FILE = "preflight.yml"
_STUDENT = "preflight{:03d}"
_HIDDEN_MARK = "BEGIN HIDDEN TESTS"


@dataclasses.dataclass
class CellReport:
    """What the pre-flight found for one grade cell over all students."""

    grade_id: str
    points: float
    kind: str  # "variant" or "shape"
    students: int
    solution_pass: int = 0
    blank_pass: int = 0
    copies: int = 0
    copy_pass: int = 0
    copy_coincidence: int = 0
    distinct_keys: int = 0
    probe_failures: dict = dataclasses.field(default_factory=dict)  # probe label -> students it failed for
    examples: list = dataclasses.field(default_factory=list)  # first messages, for the lecturer

    @property
    def degenerate(self) -> list:
        out = []
        if self.students > 1 and self.distinct_keys == 1:
            out.append("same key for every student")
        out += [f"{label} ({n}/{self.students})" for label, n in self.probe_failures.items() if n]
        return out

    @property
    def problems(self) -> list:
        out = []
        if self.solution_pass < self.students:
            out.append(f"solution fails for {self.students - self.solution_pass}/{self.students}")
        if self.blank_pass:
            out.append(f"blank passes for {self.blank_pass}/{self.students}")
        if self.kind == "variant" and self.copy_pass - self.copy_coincidence > 0:
            out.append(f"copy passes for {self.copy_pass - self.copy_coincidence}/{self.copies}")
        out += [f"degenerate: {d}" for d in self.degenerate]
        return out

    @property
    def ok(self) -> bool:
        return not self.problems

    def row(self) -> dict:
        copy = (f"{self.copies - self.copy_pass}/{self.copies} caught"
                if self.kind == "variant" else f"{self.copy_pass}/{self.copies} pass")
        if self.kind == "variant" and self.copy_coincidence:
            copy += f", {self.copy_coincidence} equal key{'s' if self.copy_coincidence > 1 else ''}"
        return {"grade_id": self.grade_id, "points": f"{self.points:g}", "kind": self.kind,
                "solution": f"{self.solution_pass}/{self.students}",
                "blank_zero": f"{self.students - self.blank_pass}/{self.students}", "copy": copy,
                "keys": f"{self.distinct_keys}/{self.students} distinct" if self.distinct_keys >= 0 else "n/a",
                "status": "ok" if self.ok else "FAIL: " + "; ".join(self.problems)}


@dataclasses.dataclass
class Preflight:
    """The pre-flight of one assignment: one :class:`CellReport` per autograded grade cell."""

    assignment: str
    students: int
    cells: list
    seconds: float
    mode: str = ""

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.cells)

    @property
    def failed(self) -> list:
        return [c for c in self.cells if not c.ok]

    def frame(self):
        import pandas as pd

        return pd.DataFrame([c.row() for c in self.cells])

    def table(self) -> str:
        """The report as a plain-text table (what ``sme-teach check`` prints)."""
        rows = [c.row() for c in self.cells]
        cols = list(rows[0]) if rows else []
        width = {c: max(len(c), *(len(r[c]) for r in rows)) for c in cols}
        line = "  ".join(c.ljust(width[c]) for c in cols)
        out = [f"pre-flight of {self.assignment}: {self.students} students, {len(self.cells)} grade cells, "
               f"{self.seconds:.1f} s", line, "  ".join("-" * width[c] for c in cols)]
        out += ["  ".join(r[c].ljust(width[c]) for c in cols) for r in rows]
        bad = self.failed
        out.append(f"{'ALL OK' if not bad else f'{len(bad)} of {len(self.cells)} grade cells FAIL'}")
        for c in bad:
            for ex in c.examples[:2]:
                out.append(f"  {c.grade_id}: {ex}")
        return "\n".join(out)

    def write_csv(self, path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = [c.row() for c in self.cells]
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=["assignment", *rows[0]] if rows else ["assignment"])
            writer.writeheader()
            for r in rows:
                writer.writerow({"assignment": self.assignment, **r})
        return path


# -- reading the course ------------------------------------------------------------------------------

def _kinds_from_readme(course: Path) -> dict:
    """grade id -> "variant"/"shape"/"written" from the README's grade-cell tables."""
    readme = course / "README.md"
    if not readme.is_file():
        return {}
    out = {}
    for m in re.finditer(r"^\|\s*`([a-z0-9_]+)`\s*\|\s*[\d.]+\s*\|\s*([a-z]+)\s*\|", readme.read_text("utf-8"), re.M):
        out[m.group(1)] = m.group(2)
    return out


def load_probes(course: Path, assignment: str) -> dict:
    """grade id -> list of probes (dicts with ``kind``, ``criterion``/``expr``, ``why``)."""
    path = course / PROBES_FILE
    if not path.is_file():
        return {}
    import yaml

    data = yaml.safe_load(path.read_text("utf-8")) or {}
    probes = data.get(assignment) or {}
    for gid, items in probes.items():
        for p in items:
            if p.get("kind") not in ("choice", "holds") or not (p.get("criterion") or p.get("expr")):
                raise SmeTeachError(f"{path}: probe of {assignment}/{gid} must be kind 'choice' with 'criterion' "
                                    f"or kind 'holds' with 'expr'; got {p!r}")
    return probes


def _release_cells(source_nb, config):
    """The student version's cells, made by nbgrader's own ClearSolutions and ClearHiddenTests."""
    import copy

    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    nb = copy.deepcopy(source_nb)
    resources = {}
    for pp in (ClearSolutions(config=config), ClearHiddenTests(config=config)):
        nb, resources = pp.preprocess(nb, resources)
    return nb.cells


# -- running cells as the grader does ----------------------------------------------------------------

@contextlib.contextmanager
def _as_student(student: str):
    keys = ("SME_TEACH_STUDENT_ID", "NBGRADER_EXECUTION", "JUPYTERHUB_USER")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ["SME_TEACH_STUDENT_ID"] = student
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    os.environ.pop("JUPYTERHUB_USER", None)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _exec(source: str, ns: dict, label: str) -> BaseException | None:
    try:
        exec(compile(source, label, "exec"), ns)
    except Exception as exc:  # a failing cell is a result, not an error of the pre-flight
        return exc
    return None


def _message(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:160]}" if text else type(exc).__name__


def _run_cells(cells, student: str, kinds: tuple) -> dict:
    import io

    ns: dict = {"__name__": "__main__"}
    with _as_student(student), contextlib.redirect_stdout(io.StringIO()):
        for i, cell in enumerate(cells):
            if cell_kind(cell) in kinds:
                exc = _exec(cell.source, ns, f"<{student}:cell {i}>")
                if exc is not None and cell_kind(cell) == "setup":
                    raise SmeTeachError(f"the setup cell {i} fails for student {student}: {_message(exc)}; "
                                        "fix the assignment's setup before checking its keys")
    return ns


def _key(ns: dict, names) -> str:
    from ._transfer import dump

    return dump(ns, sorted(names))


def _probe(probe: dict, ns: dict, student: str) -> bool:
    """True when the key passes the probe for this student's solution."""
    import numpy as np

    expr = probe.get("criterion") or probe.get("expr")
    with _as_student(student):
        try:
            value = eval(compile(expr, "<probe>", "eval"), dict(ns))
        except Exception as exc:
            raise SmeTeachError(f"probe {expr!r} cannot be evaluated for {student}: {_message(exc)}; "
                                f"fix it in {PROBES_FILE}") from None
    if probe["kind"] == "holds":
        return bool(np.all(value))
    values = np.asarray(list(value.values) if hasattr(value, "values") else list(value), dtype=float)
    return bool(values.size > 1 and np.nanmax(values) - np.nanmin(values) > 1e-12)


def _probe_label(probe: dict) -> str:
    return probe.get("name") or probe.get("why") or probe.get("criterion") or probe.get("expr")


def preflight(assignment: str, course=None, *, students: int = 50, progress: bool = False) -> Preflight:
    """Check every grade cell of ``assignment`` on ``students`` students' variants (see the module text).

    Returns a :class:`Preflight`; ``.ok`` is False when any cell fails for any student, ``.table()``
    is the report, ``.write_csv(path)`` the CSV.
    """
    import nbformat

    from ._course import find_course, load_config
    from ._transfer import dump, load

    started = time.perf_counter()
    if not isinstance(students, int) or isinstance(students, bool) or students < 2:
        raise SmeTeachError(f"students must be a whole number of at least 2 (a copy needs two), got {students!r}")
    course = find_course(course)
    path = course / "source" / assignment / f"{assignment}.ipynb"
    if not path.is_file():
        found = sorted(p.name for p in (course / "source").glob("*") if p.is_dir())
        raise SmeTeachError(f"unknown assignment {assignment!r} in {course}; expected one of: "
                            f"{', '.join(found) or '(no folders under source/)'}")
    source = nbformat.read(path, as_version=4)
    mode, _ = plan_mode(source)
    release = _release_cells(source, load_config(course))
    readme_kinds = _kinds_from_readme(course)
    probes = load_probes(course, assignment)
    tests = [(i, c) for i, c in enumerate(source.cells) if cell_kind(c) == "test"]
    if not tests:
        raise SmeTeachError(f"{assignment} has no autograded test cells to check")
    unknown = sorted(set(probes) - {c.metadata["nbgrader"]["grade_id"] for _, c in tests})
    if unknown:
        raise SmeTeachError(f"{PROBES_FILE} names grade cells {unknown} that {assignment} does not have")
    setup_bound = set()
    for c in source.cells:
        if cell_kind(c) == "setup":
            setup_bound |= bound_names(c.source)
    reports = []
    for _, c in tests:
        m = c.metadata["nbgrader"]
        kind = readme_kinds.get(m["grade_id"]) or ("variant" if _HIDDEN_MARK in c.source else "shape")
        reports.append(CellReport(m["grade_id"], float(m.get("points", 0)), kind, students))
    ids = [_STUDENT.format(k + 1) for k in range(students)]

    # 1. every student's solution namespace, as the submission's kernel would hold it
    solved = {s: _run_cells(source.cells, s, ("setup", "solution", "other")) for s in ids}
    # 2. the test cells on each student's data, as the checker kernel runs them
    test_names, bound_before = [], set()
    for _, c in tests:
        test_names.append(sorted(free_names(c.source) - setup_bound - bound_before))
        bound_before |= bound_names(c.source)

    import io

    def run_tests(student, submission_ns, on_result):
        ns = _run_cells(source.cells, student, ("setup",))
        with _as_student(student):
            for k, (i, c) in enumerate(tests):
                names = test_names[k]
                if mode == "trusted":
                    ns.update(load(dump(submission_ns, names)))
                else:  # tests call student code: nbgrader-style, in the submission's own namespace
                    ns.update({n: submission_ns[n] for n in names if n in submission_ns})
                with contextlib.redirect_stdout(io.StringIO()):
                    exc = _exec(c.source, ns, f"<{student}:{c.metadata['nbgrader']['grade_id']}>")
                on_result(k, exc)

    for j, student in enumerate(ids):
        if progress:
            print(f"  {assignment}: student {j + 1}/{students}", flush=True)

        def sol(k, exc):
            if exc is None:
                reports[k].solution_pass += 1
            elif len(reports[k].examples) < 3:
                reports[k].examples.append(f"solution fails for {student}: {_message(exc)}")

        run_tests(student, solved[student], sol)
        blank_ns = _run_cells(release, student, ("setup", "solution", "other"))

        def blank(k, exc):
            if exc is None:
                reports[k].blank_pass += 1
                if len(reports[k].examples) < 3:
                    reports[k].examples.append(f"the blank release passes for {student}")

        run_tests(student, blank_ns, blank)
        donor = ids[(j - 1) % students]

        def copied(k, exc):
            r = reports[k]
            r.copies += 1
            if exc is None:
                r.copy_pass += 1
                same = _key(solved[donor], test_names[k]) == _key(solved[student], test_names[k])
                if same:
                    r.copy_coincidence += 1
                elif r.kind == "variant" and len(r.examples) < 3:
                    r.examples.append(f"{donor}'s answers pass on {student}'s data")

        run_tests(student, solved[donor], copied)
    # 3. keys: distinct across students, and the course's probes
    for k, r in enumerate(reports):
        # -1: the cell reads no answer (nothing a student hands in), so there is no key to compare
        r.distinct_keys = len({_key(solved[s], test_names[k]) for s in ids}) if test_names[k] else -1
        for probe in probes.get(r.grade_id, []):
            label = _probe_label(probe)
            failed = [s for s in ids if not _probe(probe, solved[s], s)]
            r.probe_failures[label] = len(failed)
            if failed and len(r.examples) < 3:
                why = probe.get("why", "")
                r.examples.append(f"key degenerate ({label}) for {len(failed)}/{students}, e.g. {failed[0]}"
                                  + (f": {why}" if why and why != label else ""))
    return Preflight(assignment, students, reports, time.perf_counter() - started, mode)
