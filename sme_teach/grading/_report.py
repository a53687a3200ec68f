"""Item analysis for the lecturer and a grade export for learning management systems."""

from __future__ import annotations

import html
from pathlib import Path

from ._course import find_course, gradebook

__all__ = ["item_analysis", "lms_table", "problems_table", "report", "scores_table"]


def scores_table(assignment: str, course=None):
    """One row per (student, grade cell): ``student, notebook, item, score, max_score, auto``."""
    import warnings

    import pandas as pd

    course = find_course(course)
    rows = []
    with warnings.catch_warnings(), gradebook(course) as gb:
        warnings.simplefilter("ignore")
        for sub in gb.assignment_submissions(assignment):
            for nb in sub.notebooks:
                for g in nb.grades:
                    rows.append({"student": sub.student_id, "notebook": nb.name, "item": g.name,
                                 "score": float(g.score), "max_score": float(g.max_score),
                                 "auto": g.cell_type == "code" and g.auto_score is not None})
    return pd.DataFrame(rows, columns=["student", "notebook", "item", "score", "max_score", "auto"])


def item_analysis(scores, group: float = 0.27):
    """Per item: mean score, difficulty, upper–lower discrimination and item–rest correlation.

    - ``difficulty`` = mean score / max score (classical *p*-value: 1 = everyone full marks).
    - ``discrimination`` = (mean score of the top ``group`` of students by total − mean of the bottom
      ``group``) / max score, in [−1, 1] (Kelley 1939, "The selection of upper and lower groups for the
      validation of test items", *J. Educ. Psychol.* 30, 17–24: 27 % groups). At least one student per
      group; ties at the cut are broken by student id.
    - ``item_rest_r`` = Pearson correlation of the item with the total *without* that item (corrected
      point-biserial for 0/full items); NaN when either side has no variance.

    >>> import pandas as pd
    >>> s = pd.DataFrame({"student": list("abcd") * 2, "item": ["x"] * 4 + ["y"] * 4,
    ...                   "score": [1, 1, 0, 0, 2, 0, 2, 0], "max_score": [1] * 4 + [2] * 4})
    >>> item_analysis(s)[["item", "difficulty", "discrimination"]]
      item  difficulty  discrimination
    0    x         0.5             1.0
    1    y         0.5             1.0
    """
    import numpy as np
    import pandas as pd

    wide = scores.pivot_table(index="student", columns="item", values="score", aggfunc="sum", sort=False)
    maxes = scores.groupby("item", sort=False)["max_score"].max()
    total = wide.sum(axis=1)
    order = total.sort_values(kind="stable").index if len(total) else total.index
    k = max(1, int(round(group * len(order)))) if len(order) else 0
    low, high = order[:k], order[len(order) - k:]
    rows = []
    for item in wide.columns:
        col, mx = wide[item], float(maxes[item])
        rest = total - col
        r = float(np.corrcoef(col, rest)[0, 1]) if col.std() > 0 and rest.std() > 0 else float("nan")
        rows.append({
            "item": item, "max_score": mx, "mean_score": float(col.mean()),
            "difficulty": float(col.mean() / mx) if mx else float("nan"),
            "discrimination": float((col[high].mean() - col[low].mean()) / mx) if mx and k else float("nan"),
            "item_rest_r": r, "n_students": int(col.count()),
        })
    return pd.DataFrame(rows)


def lms_table(course=None, lms: str = "generic"):
    """One row per student: id, points per assignment, total — the shape Moodle and Canvas import.

    ``lms="moodle"`` names the id column ``ID number`` (map it to the user's ID number in Moodle's CSV
    grade import); ``"canvas"`` uses ``SIS User ID``; ``"generic"`` uses ``student_id``.
    """
    import warnings

    import pandas as pd

    course = find_course(course)
    data = {}
    with warnings.catch_warnings(), gradebook(course) as gb:
        warnings.simplefilter("ignore")
        names = [a.name for a in gb.assignments]
        for student in gb.students:
            data[student.id] = {a: 0.0 for a in names}
        for a in names:
            for sub in gb.assignment_submissions(a):
                data[sub.student_id][a] = float(sub.score)
    table = pd.DataFrame.from_dict(data, orient="index", columns=names).sort_index()
    table["total"] = table.sum(axis=1)
    idcol = {"generic": "student_id", "moodle": "ID number", "canvas": "SIS User ID"}[lms]
    return table.rename_axis(idcol).reset_index()


def _latest(assignment: str, course=None) -> dict:
    """student -> the latest line of ``grading_log.jsonl`` for ``assignment``."""
    import json

    from ._course import course_directory, load_config
    from ._engine import LOG_NAME

    course = find_course(course)
    cd = course_directory(course, load_config(course), assignment_id=assignment)
    log = (Path(cd.db_url[len("sqlite:///"):]).parent if cd.db_url.startswith("sqlite:///") else course) / LOG_NAME
    latest = {}
    if log.is_file():
        for line in log.read_text().splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("assignment") == assignment:
                latest[rec["student"]] = rec
    return latest


def grading_mode(assignment: str, course=None) -> str:
    """How the latest grading ran, from the log: where test cells ran and whether it was sandboxed."""
    latest = _latest(assignment, course)
    if not latest:
        return "not graded yet"
    modes = sorted({r.get("mode") or "nbgrader (before the checker existed)" for r in latest.values()})
    boxed = sum(1 for r in latest.values() if r.get("sandboxed", False))
    return (f"checks: {', '.join(modes)}; sandboxed: {boxed} of {len(latest)} submissions"
            + ("" if boxed == len(latest) else " (the others were graded with --unsafe-no-sandbox)"))


def problems_table(assignment: str, course=None):
    """Submissions that need the lecturer's attention, from ``grading_log.jsonl`` beside the gradebook.

    One row per student whose latest grading failed (``status`` "failed", ``reason`` says why: invalid
    or empty notebook, dead kernel, wrong file name, …) or was graded with notes (a cell timed out,
    edited locked cells restored, replaced grading helpers, references to course files, …).
    """
    import pandas as pd

    latest = _latest(assignment, course)
    rows = [{"student": s, "status": r["status"], "score": r.get("score"),
             "reason": r.get("reason") or "; ".join(r.get("notes") or [])}
            for s, r in sorted(latest.items()) if r["status"] != "graded" or r.get("notes")]
    return pd.DataFrame(rows, columns=["student", "status", "score", "reason"])


def report(assignment: str, course=None, *, out=None, lms: str = "generic") -> dict:
    """Write the lecturer's report for ``assignment``; return the paths written.

    Files: ``items.csv`` (:func:`item_analysis`), ``scores.csv`` (long table), ``totals.png`` (histogram
    of totals), ``items.png`` (difficulty and discrimination per item), ``report.html`` (tables and
    figures with alt text), ``grades_<lms>.csv`` (:func:`lms_table`) and ``problems.csv``
    (:func:`problems_table`: every failed or flagged submission with its reason, also in the HTML).
    """
    import seaborn as sns
    from matplotlib.figure import Figure

    course = find_course(course)
    out = Path(out) if out else course / "reports" / assignment
    out.mkdir(parents=True, exist_ok=True)
    scores = scores_table(assignment, course)
    items = item_analysis(scores)
    totals = scores.groupby("student")["score"].sum()
    max_total = scores.groupby("item")["max_score"].max().sum()
    paths = {"scores": out / "scores.csv", "items": out / "items.csv", "totals_png": out / "totals.png",
             "items_png": out / "items.png", "html": out / "report.html", "lms_csv": out / f"grades_{lms}.csv",
             "problems": out / "problems.csv"}
    problems = problems_table(assignment, course)
    problems.to_csv(paths["problems"], index=False)
    scores.to_csv(paths["scores"], index=False)
    items.round(4).to_csv(paths["items"], index=False)
    lms_table(course, lms).to_csv(paths["lms_csv"], index=False)

    fig = Figure(figsize=(6, 3.5))
    ax = fig.subplots()
    sns.histplot(x=totals.to_numpy(), bins=min(20, max(5, len(totals))), binrange=(0, max_total), ax=ax,
                 color="#4c72b0")
    ax.set(xlabel=f"total points (of {max_total:g})", ylabel="students", title=f"{assignment}: distribution of totals")
    fig.tight_layout()
    fig.savefig(paths["totals_png"], dpi=110)

    long = items.melt(id_vars="item", value_vars=["difficulty", "discrimination"], var_name="statistic")
    fig = Figure(figsize=(7, 0.45 * len(items) + 1.5))
    ax = fig.subplots()
    sns.barplot(data=long, y="item", x="value", hue="statistic", ax=ax, orient="h")
    ax.axvline(0, color="black", lw=0.8)
    ax.set(xlim=(-1, 1), xlabel="value", ylabel="", title=f"{assignment}: item difficulty and discrimination")
    fig.tight_layout()
    fig.savefig(paths["items_png"], dpi=110)

    hard = items.sort_values("difficulty").head(1)
    alt_totals = (f"Histogram of {len(totals)} students' totals out of {max_total:g}: mean {totals.mean():.1f}, "
                  f"median {totals.median():.1f}, min {totals.min():g}, max {totals.max():g}." if len(totals)
                  else "No graded submissions.")
    alt_items = "Bar chart of difficulty and discrimination per item. " + (
        f"Hardest item: {hard['item'].iloc[0]} (difficulty {hard['difficulty'].iloc[0]:.2f})." if len(hard) else "")
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(assignment)}: item analysis</title>
<style>body{{font-family:sans-serif;max-width:60rem;margin:auto}}table{{border-collapse:collapse}}
td,th{{border:1px solid #999;padding:.2rem .5rem;text-align:right}}</style></head><body>
<h1>{html.escape(assignment)}: item analysis</h1>
<p>{len(totals)} students. Difficulty = mean score ÷ maximum (1 = everyone earned full marks).
Discrimination = mean of the top 27&nbsp;% of students by total minus the bottom 27&nbsp;%, ÷ maximum
(Kelley 1939); items near 0 or negative do not separate strong from weak students. item_rest_r is the
correlation of the item with the rest of the total.</p>
<p>Grading: {html.escape(grading_mode(assignment, course))}.</p>
<h2>Submissions that need attention</h2>
{problems.to_html(index=False) if len(problems) else "<p>None: every submission was graded without notes.</p>"}
<h2>Items</h2>{items.round(3).to_html(index=False)}
<h2>Figures</h2>
<figure><img src="totals.png" alt="{html.escape(alt_totals)}"><figcaption>{html.escape(alt_totals)}</figcaption></figure>
<figure><img src="items.png" alt="{html.escape(alt_items)}"><figcaption>{html.escape(alt_items)}</figcaption></figure>
<h2>Totals</h2>{totals.rename("total").to_frame().to_html()}
<p>Grade export for your LMS: <a href="{paths['lms_csv'].name}">{paths['lms_csv'].name}</a>.</p>
</body></html>
"""
    paths["html"].write_text(page, encoding="utf-8")
    return paths
