"""Read ``course/outcomes.yml`` and the grade cells of ``assignments/source``; build the outcome matrix.

Shared by ``tests/test_outcomes.py`` (which checks the map) and ``scripts/build_site.py`` (which
shows it on the course website). Only the standard library, PyYAML and JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

BLOOM = ("Remember", "Understand", "Apply", "Analyze", "Evaluate", "Create")


def load_outcomes(path: Path) -> list[dict]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    outcomes = data["outcomes"] if isinstance(data, dict) else data
    for o in outcomes:
        o.setdefault("lessons", [])
        o.setdefault("assessed_by", [])
        o["lessons"] = list(o["lessons"] or [])
        o["assessed_by"] = list(o["assessed_by"] or [])
    return outcomes


def grade_cells(repo: Path) -> dict[str, dict[str, dict]]:
    """``{assignment_id: {grade_id: info}}`` for every graded or task cell in assignments/source.

    ``info`` has ``points``, ``kind`` (``autograded test``, ``manual answer``, ``task``) and ``notebook``.
    """
    out: dict[str, dict[str, dict]] = {}
    source = Path(repo) / "assignments" / "source"
    for nb_path in sorted(source.glob("*/*.ipynb")):
        if ".ipynb_checkpoints" in nb_path.parts:
            continue
        try:
            nb = json.loads(nb_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):  # a notebook being written right now
            continue
        for cell in nb.get("cells", []):
            meta = cell.get("metadata", {}).get("nbgrader", {})
            gid = meta.get("grade_id")
            if not gid or not (meta.get("grade") or meta.get("task")):
                continue
            kind = "task" if meta.get("task") else ("manual answer" if meta.get("solution") else "autograded test")
            out.setdefault(nb_path.parent.name, {})[gid] = {
                "points": meta.get("points", 0), "kind": kind, "notebook": nb_path.name}
    return out


def matrix_markdown(repo: Path, outcomes: list[dict], lesson_stems: list[str]) -> str:
    """Outcomes (rows) × lessons and assignments (columns) as a Markdown table."""
    cells = grade_cells(repo)
    assignments = sorted(set(cells) | {a.split(":", 1)[0] for o in outcomes for a in o["assessed_by"]})
    lesson_cols = [s.split("_", 1)[0] for s in lesson_stems]
    head = ["outcome", "Bloom"] + [f"L{c}" for c in lesson_cols] + assignments
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for o in outcomes:
        row = [o["id"], o["bloom"]]
        row += ["●" if stem in o["lessons"] else "" for stem in lesson_stems]
        for a in assignments:
            n = sum(1 for ref in o["assessed_by"] if ref.split(":", 1)[0] == a)
            row.append(str(n) if n else "")
        rows.append("| " + " | ".join(row) + " |")
    legend = [""] + [f"- L{c}: `{stem}`" for c, stem in zip(lesson_cols, lesson_stems)]
    return "\n".join(rows + legend)
