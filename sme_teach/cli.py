"""The ``sme-teach`` command for lecturers and facilitators.

::

    sme-teach release ps1                 # student version in release/ps1 (+ exchange if configured)
    sme-teach grade ps1 --jobs 4          # autograde submitted/*/ps1 in parallel
    sme-teach feedback ps1                # feedback/<student>/ps1/*.html, hidden tests removed
    sme-teach report ps1 --out reports/   # item analysis, figures, LMS grade CSV (refused while
                                          # written answers await marking, unless --allow-unmarked)
    sme-teach check ps1 --students 50     # pre-flight: every grade cell works for every student's variant

The course directory is ``--course DIR``, else the current directory if it holds
``nbgrader_config.py``, else ``./assignments``.
"""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sme-teach",
        description="Run the sme_teach course's assignments: check, release, grade, feedback and report.",
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name, help_):
        p = sub.add_parser(name, help=help_, description=help_)
        p.add_argument("assignment", metavar="ID", help="assignment id (a folder under source/)")
        p.add_argument("--course", metavar="DIR", default=None,
                       help="course directory (default: . if it holds nbgrader_config.py, else ./assignments)")
        return p

    add("release", "generate the student version of an assignment and release it if an exchange is configured")
    p = add("grade", "autograde every submission of an assignment in parallel (same scores as nbgrader autograde)")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N", help="worker processes (default: CPUs)")
    p.add_argument("--timeout", type=int, default=None, metavar="S",
                   help="seconds per cell before it is interrupted (default: nbgrader's Execute.timeout, 30)")
    p.add_argument("--force", action="store_true", help="re-grade submissions already graded and unchanged")
    p.add_argument("--student", action="append", default=None, metavar="ID", help="only this student (repeatable)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--unsafe-no-sandbox", action="store_true",
                   help="run student notebooks WITHOUT the OS sandbox (bubblewrap): they can then read the course, "
                        "the gradebook and classmates' work — only for notebooks you trust")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="grade on a Dask cluster: the scheduler's address, e.g. tcp://HOST:8786 (default: "
                        "c.SmeTeach.scheduler in nbgrader_config.py, else local; 'local' forces the local pool)")
    p.add_argument("--checks", choices=("auto", "nbgrader"), default="auto",
                   help="where test cells run: auto (default) = tests that read data only run in a separate checker "
                        "kernel no student code touched; nbgrader = in the student's kernel, as nbgrader does")
    p = add("feedback", "write HTML feedback per student (hidden tests and their source never shown)")
    p.add_argument("--student", default=None, metavar="ID", help="only this student")
    p = add("report", "item analysis for the lecturer: tables, figures, an HTML page and an LMS grade CSV")
    p.add_argument("--out", default=None, metavar="DIR", help="output folder (default: <course>/reports/<ID>)")
    p.add_argument("--lms", choices=("generic", "moodle", "canvas"), default="generic",
                   help="column names of the grade CSV")
    p.add_argument("--allow-unmarked", action="store_true",
                   help="write the LMS grade CSV even though some written answers have no mark yet; those rows "
                        "are flagged in an awaiting_marking column (without it the CSV is refused)")
    p = add("check", "pre-flight before release: solution passes, blank scores 0, copies fail, keys not degenerate, "
                     "over N students' variants")
    p.add_argument("--students", type=int, default=50, metavar="N", help="simulated students (default: 50)")
    p.add_argument("--csv", default=None, metavar="FILE",
                   help="where to write the CSV (default: <course>/reports/<ID>/preflight.csv)")
    return parser


def _version() -> str:
    from . import __version__

    return f"sme-teach {__version__}"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    from ._errors import SmeTeachError

    try:
        return _run(args)
    except SmeTeachError as exc:
        print(f"sme-teach {args.command}: error: {exc}", file=sys.stderr)
        return 2


def _run(args) -> int:
    from . import grading

    if args.command == "release":
        out = grading.release(args.assignment, args.course)
        where = " and released it to the exchange" if out["released_to_exchange"] else ""
        print(f"generated the student version in {out['release_dir']}{where}")
        return 0
    if args.command == "grade":
        run = grading.grade(args.assignment, args.course, jobs=args.jobs, timeout=args.timeout, force=args.force,
                            students=args.student, progress=not args.no_progress,
                            sandbox=not args.unsafe_no_sandbox, checks=args.checks, scheduler=args.scheduler)
        print(run.summary())
        print(grading.format_student_scores(grading.student_scores(args.assignment, args.course)))
        return 1 if run.failed else 0
    if args.command == "feedback":
        written = grading.feedback(args.assignment, args.course, student=args.student)
        print(f"wrote {len(written)} feedback file(s)" + "".join(f"\n  {p}" for p in written))
        return 0
    if args.command == "report":
        out = grading.report(args.assignment, args.course, out=args.out, lms=args.lms,
                             allow_unmarked=args.allow_unmarked)
        refused = out.pop("lms_refused", None)
        print("\n".join(f"{k}: {v}" for k, v in out.items() if v is not None))
        from .grading._report import grading_mode, problems_table, unmarked_table

        print(f"grading: {grading_mode(args.assignment, args.course)}")
        for row in problems_table(args.assignment, args.course).itertuples():
            print(f"needs attention: {row.student} ({row.status}): {row.reason}")
        unmarked = unmarked_table(args.course, args.assignment)
        for row in unmarked.itertuples():
            print(f"needs marking: {row.student}: {row.item} ({row.max_score:g} points) awaits a manual grade")
        if not len(unmarked):
            print("needs marking: none (every written answer has a mark)")
        if refused:
            print(f"sme-teach report: LMS grade CSV not written: {refused}", file=sys.stderr)
            return 1
        return 0
    if args.command == "check":
        from .grading._preflight import preflight

        result = preflight(args.assignment, args.course, students=args.students)
        print(result.table())
        csv_path = args.csv or grading.find_course(args.course) / "reports" / args.assignment / "preflight.csv"
        print(f"csv: {result.write_csv(csv_path)}")
        return 0 if result.ok else 1
    raise AssertionError(args.command)  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
