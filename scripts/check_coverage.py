"""Check per-package coverage against the floors in tests/coverage_floors.json (run by ``make test``).

Reads the JSON report pytest-cov wrote (``test-output/coverage/coverage.json``, branch coverage),
computes for every package of ``sme_teach`` the share of statements and branches covered (coverage.py's
own "total" formula: (covered lines + covered branches) / (statements + branches)), prints a table
and exits 1 if any package is below its floor. Floors only move up: when a package is comfortably
above its floor the table says so, and the floor should be raised in the same commit.

Usage: ``python scripts/check_coverage.py [coverage.json] [--floors FILE]``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_REPORT = REPO / "test-output" / "coverage" / "coverage.json"
DEFAULT_FLOORS = REPO / "tests" / "coverage_floors.json"


def package_of(path: str) -> str:
    """``sme_teach/grading/_engine.py`` -> ``sme_teach.grading``; top-level modules -> ``sme_teach``."""
    parts = Path(path).parts
    try:
        i = parts.index("sme_teach")
    except ValueError:
        return ""
    inner = parts[i:-1]
    return ".".join(inner[:2]) if len(inner) >= 2 else "sme_teach"


def per_package(report: dict) -> dict:
    totals = {}
    for path, data in report["files"].items():
        pkg = package_of(path)
        if not pkg:
            continue
        s = data["summary"]
        t = totals.setdefault(pkg, [0, 0])
        t[0] += s["covered_lines"] + s.get("covered_branches", 0)
        t[1] += s["num_statements"] + s.get("num_branches", 0)
    return {pkg: (100.0 * c / n if n else 100.0) for pkg, (c, n) in sorted(totals.items())}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("report", nargs="?", type=Path, default=DEFAULT_REPORT)
    ap.add_argument("--floors", type=Path, default=DEFAULT_FLOORS)
    args = ap.parse_args(argv)
    if not args.report.exists():
        print(f"no coverage report at {args.report}; run the tests with --cov first (make test does)",
              file=sys.stderr)
        return 2
    report = json.loads(args.report.read_text())
    if not report.get("meta", {}).get("branch_coverage"):
        print("the coverage report has no branch data; expected branch = true ([tool.coverage.run])",
              file=sys.stderr)
        return 2
    floors = json.loads(args.floors.read_text())["floors"]
    measured = per_package(report)
    failed = []
    print(f"{'package':<24} {'coverage':>9} {'floor':>7}")
    for pkg in sorted(set(measured) | set(floors)):
        got, floor = measured.get(pkg), floors.get(pkg)
        note = ""
        if got is None:  # moved or renamed (e.g. by a refactoring): not a failure, but fix the floors file
            note = "  not measured (package gone or renamed? move its floor)"
        elif floor is None:
            note = "  no floor yet: add one"
        elif got + 1e-9 < floor:
            note = "  BELOW FLOOR"
            failed.append(pkg)
        elif got >= floor + 2:
            note = f"  raise the floor to {int(got)}"
        print(f"{pkg:<24} {'-' if got is None else f'{got:8.1f}%':>9} {'-' if floor is None else f'{floor:6.1f}%':>7}{note}")
    total = report["totals"]
    overall = 100.0 * (total["covered_lines"] + total.get("covered_branches", 0)) / max(
        1, total["num_statements"] + total.get("num_branches", 0))
    print(f"{'total':<24} {overall:8.1f}%")
    if failed:
        print(f"coverage below the floor for: {', '.join(failed)}; "
              f"add tests, do not lower {args.floors.name}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
