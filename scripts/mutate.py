"""Mutation testing of the measures and the grading checks: ``make mutate`` (not part of ``make test``).

Runs mutmut 3 (configured in ``[tool.mutmut]`` of pyproject.toml) target by target, then writes

- ``test-output/mutation/report.md``: per target the score, the wall time and every surviving
  mutant with its diff, marked "equivalent" when ``mutation-equivalents.md`` explains it;
- ``test-output/mutation/score.json``: the same numbers for machines (and for bench/results.json).

Score = killed / (mutants − equivalent ones), where killed includes timeouts (a mutant that makes a
test hang is caught) and "no tests" counts as surviving. The raw score (equivalents not removed) is
reported beside it.

Usage: ``python scripts/mutate.py [--jobs N] [--report-only] [--retest-survivors] [--resume] [TARGET ...]`` with
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


_SOURCES: dict = {}


def _functions(path: Path) -> dict:
    """function name -> source lines, of one of mutmut's mutated files (parsed once)."""
    if path not in _SOURCES:
        import ast

        text = path.read_text()
        lines = text.splitlines()
        _SOURCES[path] = {node.name: lines[node.lineno - 1:node.end_lineno] for node in ast.walk(ast.parse(text))
                          if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return _SOURCES[path]


def _diff(name: str) -> str:
    """The mutant's change against the original function, read from mutants/ (``mutmut show`` starts
    a process per mutant: minutes for a few hundred survivors on a loaded machine)."""
    import difflib

    try:
        module, func = name.rsplit(".", 1)
        funcs = _functions(REPO / "mutants" / (module.replace(".", "/") + ".py"))
        orig = funcs[func.rsplit("__mutmut_", 1)[0] + "__mutmut_orig"]
        mutant = funcs[func]
        out = [line for line in difflib.unified_diff(orig, mutant, lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---")) and "__mutmut_" not in line]
        return "\n".join(out) or "(no textual change)"
    except Exception as exc:  # the report still lists the mutant
        return f"(diff unavailable: {exc!r})"


def forget_survivors(name: str) -> list:
    """Reset the verdict of the target's surviving mutants (not those explained as equivalent) so
    that they are tested again after new tests were written; returns their names, which are then
    passed to mutmut one by one (given a pattern, mutmut re-tests every mutant it matches)."""
    patterns = TARGETS[name][1]
    equivalent = _equivalents()  # explained already: no need to run them again
    reset = []
    for meta in (REPO / "mutants").rglob("*.py.meta"):
        data = json.loads(meta.read_text())
        codes = data.get("exit_code_by_key", {})
        for key, code in codes.items():
            if code in SURVIVED and key not in equivalent and _matches(key, patterns):
                codes[key] = None
                reset.append(key)
        meta.write_text(json.dumps(data))
    return reset


def untested(name: str) -> list:
    """The target's mutants without a verdict yet (a run stopped early, or functions changed since)."""
    patterns = TARGETS[name][1]
    return sorted(k for k, v in _results()[0].items() if v is None and _matches(k, patterns))


def _cpu_of_children() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_target(name: str, jobs: int, only_names=None) -> tuple[float, float]:
    """Run mutmut once over the target's mutants (one run: its start-up — copying, collecting,
    the clean and the forced-fail test run — costs about a minute on a loaded machine, so it is
    not repeated per module). Returns (wall, CPU) seconds, CPU of mutmut and every test process it
    forked; the per-module split comes from mutmut's per-mutant durations.
    ``only_names``: test exactly these mutants (mutmut re-runs every mutant a pattern matches)."""
    _, patterns = TARGETS[name]
    only = [m for m in os.environ.get("MUTATE_MODULES", "").split(",") if m]  # e.g. _distance,_network
    if only:
        patterns = [p for p in patterns if any(f".{m}." in p for m in only)]
    names = patterns if only_names is None else sorted(only_names)
    if not names:
        print(f"[mutate] {name}: nothing to run", flush=True)
        return 0.0, 0.0
    cmd = [str(Path(sys.executable).parent / "mutmut"), "run", "--max-children", str(jobs), *names]
    shown = " ".join(cmd) if only_names is None else f"{' '.join(cmd[:4])} <{len(names)} mutants>"
    print(f"[mutate] {name}: {shown}", flush=True)
    t0, c0 = time.perf_counter(), _cpu_of_children()
    log = OUT / f"{name}.log"
    with open(log, "w") as fh:
        proc = subprocess.run(cmd, cwd=REPO, stdout=fh, stderr=subprocess.STDOUT)
    took, used = time.perf_counter() - t0, _cpu_of_children() - c0
    if proc.returncode != 0:
        raise SystemExit(f"mutmut failed for {name} (exit {proc.returncode}); see {log}")
    print(f"[mutate]   {name}: {took:.0f} s wall, {used:.0f} s CPU", flush=True)
    return took, used


def summarize(names, runs: dict, jobs: int) -> dict:
    """``runs``: target (or "target (retest)") -> {"wall", "cpu", "load"} of its last mutmut run."""
    (results, durations), equivalents = _results(), _equivalents()
    summary = {"tool": "mutmut", "jobs": jobs, "cpu_count": os.cpu_count(), "targets": {},
               "runs": runs, "wall_seconds": {k: v["wall"] for k, v in runs.items()}}
    lines = ["# Mutation testing report", "",
             f"mutmut, {jobs} worker(s) on a {os.cpu_count()}-core machine; score = killed / (mutants − "
             "explained equivalents). Equivalent mutants are explained in `mutation-equivalents.md`. "
             "Wall time depends on what else the machine runs (the load average is given); CPU time "
             "(mutmut and every test process it forked) does not.", ""]
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
            mod = k.split(".x", 1)[0] if ".x" in k else k.rsplit(".", 1)[0]
            b = by_module.setdefault(mod, {"mutants": 0, "killed": 0, "survived": 0, "equivalent": 0,
                                           "mutant_seconds": 0.0})
            b["mutants"] += 1
            b["mutant_seconds"] += durations.get(k) or 0.0
            if v in KILLED:
                b["killed"] += 1
            elif k in equivalents:
                b["equivalent"] += 1
            elif v in SURVIVED:
                b["survived"] += 1
        for b in by_module.values():
            n = b["killed"] + b["survived"]
            b["score"] = round(b["killed"] / n, 4) if n else None
            b["mutant_seconds"] = round(b["mutant_seconds"], 1)
        run = runs.get(name)
        summary["targets"][name] = {
            "covers": what, "mutants": total, "killed": len(killed), "survived": len(live),
            "equivalent": len(equiv), "not_checked_or_other": len(other),
            "score": None if score is None else round(score, 4), "raw_score": None if raw is None else round(raw, 4),
            "seconds": run["wall"] if run else None, "cpu_seconds": run["cpu"] if run else None,
            "modules": by_module, "surviving": live, "equivalent_mutants": equiv,
        }
        pct = "n/a" if score is None else f"{100 * score:.1f} %"
        if other:
            pct += f" (PARTIAL: {total} of {total + len(other)} mutants checked)"
        lines += [f"## {name}: {pct}", "", f"{what}", "",
                  f"- mutants: {total} (killed {len(killed)}, surviving {len(live)}, explained equivalent {len(equiv)}"
                  + (f", not checked/other {len(other)}" if other else "") + ")",
                  f"- raw score (equivalents counted as surviving): {'n/a' if raw is None else f'{100 * raw:.1f} %'}"]
        for key, label in ((name, "last full run"), (f"{name} (resumed)", "resumed after a stop"),
                           (f"{name} (retest)", "re-tests of survivors")):
            if key in runs:
                r = runs[key]
                lines.append(f"- {label}: "
                             f"{r['wall']:.0f} s wall, {r['cpu']:.0f} s CPU, load average {r['load'][0]} → "
                             f"{r['load'][1]} ({r['when']})")
        if not any(k in runs for k in (name, f"{name} (resumed)", f"{name} (retest)")):
            lines.append("- time: (report only)")
        lines.append("")
        lines += ["| module | mutants | killed | surviving | equivalent | score | seconds in mutants' tests |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for mod, b in sorted(by_module.items()):
            pct = "n/a" if b["score"] is None else f"{100 * b['score']:.1f} %"
            lines.append(f"| {mod} | {b['mutants']} | {b['killed']} | {b['survived']} | {b['equivalent']} | {pct} "
                         f"| {b['mutant_seconds']:.0f} |")
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
    ap.add_argument("--resume", action="store_true",
                    help="test only the mutants without a verdict (after a run was stopped early)")
    args = ap.parse_args(argv)
    names = args.targets or list(TARGETS)
    OUT.mkdir(parents=True, exist_ok=True)
    previous = OUT / "score.json"
    runs = json.loads(previous.read_text()).get("runs", {}) if previous.exists() else {}
    if not args.report_only:
        for name in names:
            only = None
            if args.retest_survivors or args.resume:
                only = (forget_survivors(name) if args.retest_survivors else []) + (untested(name) if args.resume else [])
                only = sorted(set(only))
                print(f"[mutate] {name}: testing {len(only)} mutants again or for the first time", flush=True)
            load0, when = os.getloadavg()[0], time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            took, used = run_target(name, args.jobs, only_names=only)
            key = name if only is None else f"{name} (retest)" if args.retest_survivors else f"{name} (resumed)"
            if key in runs and only is not None:  # several partial runs add up
                took, used = took + runs[key]["wall"], used + runs[key]["cpu"]
            runs[key] = {
                "wall": round(took, 1), "cpu": round(used, 1), "load": [round(load0, 2), round(os.getloadavg()[0], 2)],
                "when": when, "jobs": args.jobs}
            # kept at once: the summary below can be interrupted without losing the timings
            state = json.loads(previous.read_text()) if previous.exists() else {}
            previous.write_text(json.dumps({**state, "runs": runs}, indent=2) + "\n")
    summary = summarize(list(TARGETS), runs, args.jobs)
    for name, t in summary["targets"].items():
        if not t["mutants"]:
            continue
        score = "n/a" if t["score"] is None else f"{100 * t['score']:.1f} %"
        partial = f"; PARTIAL, {t['not_checked_or_other']} not checked" if t["not_checked_or_other"] else ""
        print(f"[mutate] {name}: {score} ({t['killed']} killed, {t['survived']} surviving, "
              f"{t['equivalent']} equivalent of {t['mutants']}{partial})"
              + (f" in {t['seconds']:.0f} s wall, {t['cpu_seconds']:.0f} s CPU" if t["seconds"] else ""))
    print(f"[mutate] report: {OUT / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
