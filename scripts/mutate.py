"""Mutation testing of the measures and the grading checks: ``make mutate`` (not part of ``make test``).

Runs mutmut 3 (configured in ``[tool.mutmut]`` of pyproject.toml) target by target, then writes

- ``test-output/mutation/report.md``: per target the score, the wall time and every surviving
  mutant with its diff, marked "equivalent" when ``mutation-equivalents.md`` explains it;
- ``test-output/mutation/score.json``: the same numbers for machines (and for bench/results.json).

Score = killed / (mutants − equivalent ones), where killed includes timeouts (a mutant that makes a
test hang is caught) and "no tests" counts as surviving. The raw score (equivalents not removed) is
reported beside it.

Usage: ``python scripts/mutate.py [--jobs N] [--report-only] [--retest-survivors] [TARGET ...]`` with
targets from ``TARGETS`` (default: all); ``MUTATE_MODULES=_distance,_network`` limits the measures
target to those modules. ``--jobs`` defaults to 1: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "test-output" / "mutation"
EQUIVALENTS = REPO / "mutation-equivalents.md"

#: target -> (what it covers, mutmut name patterns). The engine's record/regrade step is limited to
#: the helpers its fast tests reach in under a second each (see mutation-equivalents.md, "Scope").
#: the measures modules, one mutmut run each (a run that is stopped early has finished whole modules)
MEASURES = ["_entry", "_marginal", "_diversification", "_distance", "_readiness", "_network", "_stages", "_propagation"]
TARGETS = {
    "measures": ("sme_teach/measures (every module)", [f"sme_teach.measures.{m}.*" for m in MEASURES]),
    "grading-checks": ("sme_teach/grading/_expect.py (expect_frame, expect_series, expect_value)",
                       ["sme_teach.grading._expect.*"]),
    "grading-record": ("sme_teach/grading/_discover.py and _log.py: submission fingerprint and grading log",
                       ["sme_teach.grading._discover.x_fingerprint*", "sme_teach.grading._log.x_read_log*",
                        "sme_teach.grading._log.x_append_log*"]),
}

KILLED = {1, 3, 36, -24, 24, 152, 255}  # killed, pytest internal error, timeouts
SURVIVED = {0, 5, 33}  # survived, no tests


def _matches(name: str, patterns) -> bool:
    import fnmatch

    return any(fnmatch.fnmatch(name, p) for p in patterns)


def _results() -> tuple[dict, dict]:
    """(mutant name -> exit code, mutant name -> seconds its tests took), from mutmut's .meta files."""
    out, seconds = {}, {}
    for meta in (REPO / "mutants").rglob("*.py.meta"):
        data = json.loads(meta.read_text())
        out.update(data.get("exit_code_by_key", {}))
        seconds.update(data.get("durations_by_key", {}))
    return out, seconds


def _equivalents() -> dict:
    """mutant name -> reason, from the list items of mutation-equivalents.md:
    "- `full.name__mutmut_7`, `…_9`: reason" (``…_9`` = the same function's mutant 9)."""
    found = {}
    if EQUIVALENTS.exists():
        for line in EQUIVALENTS.read_text().splitlines():
            m = re.match(r"^\s*[-*]\s+((?:`[^`]+`\s*,?\s*)+):\s*(.+)$", line)
            if not m:
                continue
            prefix = None
            for token in re.findall(r"`([^`]+)`", m.group(1)):
                full = re.match(r"^([\w.ǁ]+__mutmut_)(\d+)$", token)
                if full:
                    prefix = full.group(1)
                    found[token] = m.group(2).strip()
                elif prefix and re.match(r"^…_\d+$", token):
                    found[prefix + token[2:]] = m.group(2).strip()
    return found


def _diff(name: str) -> str:
    try:
        out = subprocess.run([str(Path(sys.executable).parent / "mutmut"), "show", name], cwd=REPO,
                             capture_output=True, text=True, timeout=120)
        return "\n".join(out.stdout.splitlines()[1:]).strip()
    except Exception as exc:  # the report still lists the mutant
        return f"(diff unavailable: {exc})"


def forget_survivors(names) -> int:
    """Reset the verdict of surviving mutants of ``names`` so that the next run tests them again
    (after new tests were written; mutmut itself only re-tests mutants of changed functions)."""
    patterns = [p for n in names for p in TARGETS[n][1]]
    equivalent = _equivalents()  # explained already: no need to run them again
    reset = 0
    for meta in (REPO / "mutants").rglob("*.py.meta"):
        data = json.loads(meta.read_text())
        codes = data.get("exit_code_by_key", {})
        for key, code in codes.items():
            if code in SURVIVED and key not in equivalent and _matches(key, patterns):
                codes[key] = None
                reset += 1
        meta.write_text(json.dumps(data))
    return reset


def run_target(name: str, jobs: int, seconds: dict) -> None:
    """Run mutmut on the target, one module at a time; wall times go into ``seconds``."""
    _, patterns = TARGETS[name]
    only = [m for m in os.environ.get("MUTATE_MODULES", "").split(",") if m]  # e.g. _distance,_network
    if only:
        patterns = [p for p in patterns if any(f".{m}." in p for m in only)]
    total = 0.0
    for pattern in patterns:
        cmd = [str(Path(sys.executable).parent / "mutmut"), "run", "--max-children", str(jobs), pattern]
        print(f"[mutate] {name}: {' '.join(cmd)}", flush=True)
        t0 = time.perf_counter()
        log = OUT / f"{pattern.rstrip('.*')}.log"
        with open(log, "w") as fh:
            proc = subprocess.run(cmd, cwd=REPO, stdout=fh, stderr=subprocess.STDOUT)
        took = time.perf_counter() - t0
        total += took
        seconds[f"{name}:{pattern}"] = took
        if proc.returncode != 0:
            raise SystemExit(f"mutmut failed for {pattern} (exit {proc.returncode}); see {log}")
        print(f"[mutate]   {pattern}: {took:.0f} s", flush=True)
    seconds[name] = total


def summarize(names, seconds: dict, jobs: int) -> dict:
    (results, durations), equivalents = _results(), _equivalents()
    summary = {"tool": "mutmut", "jobs": jobs, "targets": {},
               "wall_seconds": {k: round(v, 1) for k, v in seconds.items()}}
    lines = ["# Mutation testing report", "",
             f"mutmut, {jobs} worker(s); score = killed / (mutants − explained equivalents). "
             "Equivalent mutants are explained in `mutation-equivalents.md`.", ""]
    for name in names:
        what, patterns = TARGETS[name]
        mine = {k: v for k, v in results.items() if _matches(k, patterns)}
        killed = sorted(k for k, v in mine.items() if v in KILLED)
        survived = sorted(k for k, v in mine.items() if v in SURVIVED)
        other = sorted(k for k, v in mine.items() if v not in KILLED | SURVIVED)
        equiv = [k for k in survived if k in equivalents]
        live = [k for k in survived if k not in equivalents]
        total = len(killed) + len(survived)
        score = len(killed) / (total - len(equiv)) if total - len(equiv) else None
        raw = len(killed) / total if total else None
        by_module = {}
        for k, v in mine.items():
            mod = k.rsplit(".", 1)[0]
            b = by_module.setdefault(mod, {"killed": 0, "survived": 0, "equivalent": 0, "test_seconds": 0.0})
            b["test_seconds"] += durations.get(k) or 0.0
            if v in KILLED:
                b["killed"] += 1
            elif k in equivalents:
                b["equivalent"] += 1
            elif v in SURVIVED:
                b["survived"] += 1
        for b in by_module.values():
            n = b["killed"] + b["survived"]
            b["score"] = round(b["killed"] / n, 4) if n else None
        summary["targets"][name] = {
            "covers": what, "mutants": total, "killed": len(killed), "survived": len(live),
            "equivalent": len(equiv), "not_checked_or_other": len(other),
            "score": None if score is None else round(score, 4), "raw_score": None if raw is None else round(raw, 4),
            "seconds": round(seconds[name], 1) if name in seconds else None, "modules": by_module,
            "surviving": live, "equivalent_mutants": equiv,
        }
        pct = "n/a" if score is None else f"{100 * score:.1f} %"
        if other:
            pct += f" (PARTIAL: {total} of {total + len(other)} mutants checked)"
        lines += [f"## {name}: {pct}", "", f"{what}", "",
                  f"- mutants: {total} (killed {len(killed)}, surviving {len(live)}, explained equivalent {len(equiv)}"
                  + (f", not checked/other {len(other)}" if other else "") + ")",
                  f"- raw score (equivalents counted as surviving): {'n/a' if raw is None else f'{100 * raw:.1f} %'}",
                  f"- wall time: {seconds[name]:.0f} s" if name in seconds else "- wall time: (report only)"]
        per_module = [(k.split(":", 1)[1], v) for k, v in seconds.items() if k.startswith(name + ":")]
        if len(per_module) > 1:
            lines.append("- wall time per module: " + ", ".join(f"{p.rstrip('.*')} {v:.0f} s" for p, v in per_module))
        lines.append("")
        lines += ["| module | killed | surviving | equivalent | score | seconds in tests |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for mod, b in sorted(by_module.items()):
            pct = "n/a" if b["score"] is None else f"{100 * b['score']:.1f} %"
            b["test_seconds"] = round(b["test_seconds"], 1)
            lines.append(f"| {mod} | {b['killed']} | {b['survived']} | {b['equivalent']} | {pct} | {b['test_seconds']:.0f} |")
        lines.append("")
        if live:
            lines += ["### Surviving mutants", ""]
            for k in live:
                lines += [f"#### `{k}`", "", "```diff", _diff(k), "```", ""]
        if equiv:
            lines += ["### Equivalent (explained in mutation-equivalents.md)", ""]
            lines += [f"- `{k}`: {equivalents[k]}" for k in equiv] + [""]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "report.md").write_text("\n".join(lines))
    (OUT / "score.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("targets", nargs="*", choices=[[], *TARGETS], default=[])
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("MUTATE_JOBS", "1")))
    ap.add_argument("--report-only", action="store_true", help="summarize the last run without running mutmut")
    ap.add_argument("--retest-survivors", action="store_true",
                    help="test the surviving mutants of the last run again (after adding tests)")
    args = ap.parse_args(argv)
    names = args.targets or list(TARGETS)
    OUT.mkdir(parents=True, exist_ok=True)
    seconds = {}
    if args.retest_survivors and not args.report_only:
        print(f"[mutate] re-testing {forget_survivors(names)} surviving mutants")
    if not args.report_only:
        for name in names:
            run_target(name, args.jobs, seconds)
    # the report covers every target that has results; wall times of earlier runs are kept
    previous = OUT / "score.json"
    if previous.exists():
        old = json.loads(previous.read_text())
        for key, value in old.get("wall_seconds", {}).items():
            seconds.setdefault(key, value)
    summary = summarize(list(TARGETS), seconds, args.jobs)
    for name, t in summary["targets"].items():
        if not t["mutants"]:
            continue
        score = "n/a" if t["score"] is None else f"{100 * t['score']:.1f} %"
        partial = f"; PARTIAL, {t['not_checked_or_other']} not checked" if t["not_checked_or_other"] else ""
        print(f"[mutate] {name}: {score} ({t['killed']} killed, {t['survived']} surviving, "
              f"{t['equivalent']} equivalent of {t['mutants']}{partial})" + (f" in {t['seconds']:.0f} s" if t["seconds"] else ""))
    print(f"[mutate] report: {OUT / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
