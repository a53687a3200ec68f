"""The grading log and the folders it vouches for: ``grading_log.jsonl`` (one line per graded
submission, appended only once its notebook and gradebook rows are in place), ``grading_log.csv``,
and what one submission's outcome is (:class:`Outcome`) and one run's (:class:`GradeRun`)."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

__all__ = ["CSV_NAME", "LOG_NAME", "STAGING_TAG", "GradeRun", "Outcome", "append_log", "read_log", "rmtree",
           "write_csv"]

LOG_NAME = "grading_log.jsonl"


CSV_NAME = "grading_log.csv"


STAGING_TAG = ".grading-"



@dataclasses.dataclass
class Outcome:
    """What happened to one submission."""

    student: str
    assignment: str
    status: str  # "graded" or "failed"
    reason: str = ""
    score: float | None = None
    max_score: float | None = None
    seconds: float = 0.0
    fingerprint: str = ""
    notes: list = dataclasses.field(default_factory=list)
    finished: str = ""
    #: where the test cells ran: "trusted" (a checker kernel) or "nbgrader" (the student's kernel)
    mode: str = ""
    sandboxed: bool = True
    #: the Dask worker that graded it ("" for the local pool)
    worker: str = ""


@dataclasses.dataclass
class GradeRun:
    """The result of :func:`grade`: one :class:`Outcome` per submission graded in this run."""

    assignment: str
    outcomes: list
    skipped: list
    seconds: float
    log_path: Path
    sandboxed: bool = True
    #: notebook -> (mode, why): see :func:`sme_teach.grading._checker.plan_mode`
    modes: dict = dataclasses.field(default_factory=dict)
    #: students whose submission folder holds no notebook: nothing recorded (as nbgrader)
    empty: list = dataclasses.field(default_factory=list)
    #: on a Dask cluster: ``scheduler``, ``workers`` seen, ``events`` (time, joined/left, worker), ``lost``
    cluster: dict = dataclasses.field(default_factory=dict)

    @property
    def failed(self) -> list:
        return [o for o in self.outcomes if o.status != "graded"]

    def summary(self) -> str:
        ok = len(self.outcomes) - len(self.failed)
        lines = [f"{self.assignment}: graded {ok}, failed {len(self.failed)}, already graded {len(self.skipped)} "
                 f"in {self.seconds:.1f} s (log: {self.log_path})",
                 "  sandbox: every notebook ran in bubblewrap (no course, network or grader environment)"
                 if self.sandboxed else "  WARNING: graded WITHOUT the sandbox (--unsafe-no-sandbox)"]
        if self.cluster:
            events = "; ".join(f"{t} {what} {w}" for t, what, w in self.cluster.get("events", []))
            lines.append(f"  Dask cluster {self.cluster['scheduler']}: {len(self.cluster['workers'])} worker(s) took "
                         f"part, {self.cluster.get('lost', 0)} submission(s) lost a worker and were graded again"
                         + (f"; {events}" if events else ""))
        for nb, (mode, why) in sorted(self.modes.items()):
            lines.append(f"  checks of {nb}.ipynb: {mode} ({why})")
        if self.empty:
            lines.append(f"  empty submission folders, nothing recorded (as nbgrader): {', '.join(self.empty)}")
        for o in self.outcomes:
            if o.status != "graded":
                lines.append(f"  FAILED {o.student}: {o.reason}")
            elif o.notes:
                lines.append(f"  note {o.student}: {'; '.join(o.notes)}")
        return "\n".join(lines)


def read_log(path: Path) -> dict:
    latest = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            try:
                rec = json.loads(line)
            except ValueError:  # a line cut short by a crash
                continue
            latest[(rec["assignment"], rec["student"])] = rec
    return latest


def append_log(path: Path, outcome: Outcome) -> None:
    line = json.dumps(dataclasses.asdict(outcome)) + "\n"
    with open(path, "a") as fh:
        fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())


def write_csv(log_path: Path) -> Path:
    import csv

    out = log_path.with_name(CSV_NAME)
    cols = ["assignment", "student", "status", "reason", "score", "max_score", "seconds", "finished", "notes", "mode",
            "sandboxed"]
    with open(out, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
        writer.writeheader()
        for rec in sorted(read_log(log_path).values(), key=lambda r: (r["assignment"], r["student"])):
            writer.writerow({**rec, "notes": "; ".join(rec.get("notes") or [])})
    return out


def rmtree(path) -> None:
    from nbgrader.utils import rmtree

    if os.path.lexists(path):
        rmtree(str(path))

