"""Item analysis for the lecturer and a grade export for learning management systems."""

from __future__ import annotations

import html
from pathlib import Path

from .._errors import SmeTeachError
from ._course import find_course, gradebook

__all__ = ["UnmarkedAnswers", "format_student_scores", "item_analysis", "lms_table", "problems_table", "report",
           "scores_table", "student_scores", "unmarked_table"]


class UnmarkedAnswers(SmeTeachError):
    """Grades cannot go to the LMS: some manually graded answers have no mark yet."""


def scores_table(assignment: str, course=None):
    """One row per (student, grade cell): ``student, notebook, item, score, max_score, auto, awaiting_marking``.

    ``score`` is NaN where a manually graded answer awaits marking (nbgrader stores 0 there until a grader
    marks it; that is no score, so it is not counted as one): ``awaiting_marking`` is then True.
    """
    import warnings

    import pandas as pd

    from ._feedback import awaiting_marking

    course = find_course(course)
    rows = []
    with warnings.catch_warnings(), gradebook(course) as gb:
        warnings.simplefilter("ignore")
        for sub in gb.assignment_submissions(assignment):
            for nb in sub.notebooks:
                for g in nb.grades:
                    waiting = awaiting_marking(g)
                    rows.append({"student": sub.student_id, "notebook": nb.name, "item": g.name,
                                 "score": float("nan") if waiting else float(g.score),
                                 "max_score": float(g.max_score),
                                 "auto": g.cell_type == "code" and g.auto_score is not None,
                                 "awaiting_marking": waiting})
    return pd.DataFrame(rows, columns=["student", "notebook", "item", "score", "max_score", "auto",
                                       "awaiting_marking"])


def unmarked_table(course=None, assignment: str | None = None):
    """Every manually graded answer nobody has marked yet: ``student, assignment, notebook, item, max_score``.

    All assignments of the gradebook, or only ``assignment``. Mark them in Formgrader (JupyterLab →
    Nbgrader → Formgrader → Manual Grading), or with nbgrader's ``Gradebook`` (set ``manual_score``).
    """
    import warnings

    import pandas as pd

    from ._feedback import awaiting_marking

    course = find_course(course)
    rows = []
    with warnings.catch_warnings(), gradebook(course) as gb:
        warnings.simplefilter("ignore")
        names = [assignment] if assignment is not None else [a.name for a in gb.assignments]
        for a in names:
            for sub in gb.assignment_submissions(a):
                for nb in sub.notebooks:
                    for g in nb.grades:
                        if awaiting_marking(g):
                            rows.append({"student": sub.student_id, "assignment": a, "notebook": nb.name,
                                         "item": g.name, "max_score": float(g.max_score)})
    cols = ["student", "assignment", "notebook", "item", "max_score"]
    return pd.DataFrame(rows, columns=cols).sort_values(cols[:4], kind="stable").reset_index(drop=True)


def _describe_unmarked(unmarked, limit: int = 10) -> str:
    """``"ama_rahman: a1/q5_written (4 points); …"``, one entry per student."""
    parts = []
    for student, rows in unmarked.groupby("student", sort=True):
        cells = ", ".join(f"{r.assignment}/{r.item} ({r.max_score:g} points)" for r in rows.itertuples())
        parts.append(f"{student}: {cells}")
    more = f"; and {len(parts) - limit} more students" if len(parts) > limit else ""
    return "; ".join(parts[:limit]) + more


def student_scores(assignment: str, course=None):
    """One row per student who handed in ``assignment``: points, maximum, points awaiting marking, status.

    From the gradebook and the grading log, so it is the same whichever runner graded the class.
    ``status`` is the latest grading status from ``grading_log.jsonl`` ("graded", "failed", or "" when
    graded by plain nbgrader), ``awaiting`` the points of answers nobody has marked yet.
    """
    import pandas as pd

    scores = scores_table(assignment, course)
    latest = _latest(assignment, course)
    rows = []
    for student, s in scores.groupby("student", sort=True):
        waiting = s[s["awaiting_marking"]]
        rows.append({"student": student, "score": float(s["score"].sum()), "max_score": float(s["max_score"].sum()),
                     "awaiting": float(waiting["max_score"].sum()),
                     "status": latest.get(student, {}).get("status", "")})
    for student in sorted(set(latest) - set(scores["student"])):
        rows.append({"student": student, "score": float("nan"), "max_score": float("nan"), "awaiting": 0.0,
                     "status": latest[student].get("status", "")})
    return pd.DataFrame(rows, columns=["student", "score", "max_score", "awaiting", "status"])


def format_student_scores(table) -> str:
    """The per-student table :func:`student_scores` as text for a terminal.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"student": ["ama", "bo"], "score": [18.0, 0.0], "max_score": [22.0, 22.0],
    ...                   "awaiting": [4.0, 0.0], "status": ["graded", "graded"]})
    >>> print(format_student_scores(t))
    student  score  of  awaiting marking  status
    ama      18     22  4                 graded
    bo       0      22  -                 graded
    2 students, mean 9 of 22; 4 points await marking (ama)
    """
    if not len(table):
        return "no graded submissions"
    head = ["student", "score", "of", "awaiting marking", "status"]

    def num(x):
        return "-" if x != x else f"{x:g}"

    body = [[r.student, num(r.score), num(r.max_score), f"{r.awaiting:g}" if r.awaiting else "-", r.status]
            for r in table.itertuples()]
    widths = [max(len(str(row[i])) for row in [head, *body]) for i in range(len(head))]
    lines = ["  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip() for row in [head, *body]]
    scored = table["score"].dropna()
    tail = f"{len(table)} students, mean {scored.mean():.3g} of {num(table['max_score'].max())}" if len(scored) \
        else f"{len(table)} students"
    waiting = table[table["awaiting"] > 0]
    if len(waiting):
        tail += (f"; {waiting['awaiting'].sum():g} points await marking ({', '.join(waiting['student'])})")
    return "\n".join([*lines, tail])


def item_analysis(scores, group: float = 0.27):
    """Per item: mean score, difficulty, upper–lower discrimination and item–rest correlation.

    - ``difficulty`` = mean score / max score (classical *p*-value: 1 = everyone full marks).
    - ``discrimination`` = (mean score of the top ``group`` of students by total − mean of the bottom
      ``group``) / max score, in [−1, 1] (Kelley 1939, "The selection of upper and lower groups for the
      validation of test items", *J. Educ. Psychol.* 30, 17–24: 27 % groups). At least one student per
      group; ties at the cut are broken by student id.
    - ``item_rest_r`` = Pearson correlation of the item with the total *without* that item (corrected
      point-biserial for 0/full items); NaN when either side has no variance.
    - A NaN score (an answer awaiting marking, see :func:`scores_table`) is left out of its item's
      statistics: ``n_students`` counts the marked scores, ``awaiting_marking`` the others; an item
      nobody has marked has NaN statistics (it is not "hard", it is unmarked).

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

    items = list(dict.fromkeys(scores["item"]))
    # a score awaiting marking is NaN: not a zero, and not counted for the item (min_count keeps it NaN)
    wide = scores.groupby(["student", "item"], sort=False)["score"].sum(min_count=1).unstack("item")
    wide = wide.reindex(columns=items)
    maxes = scores.groupby("item", sort=False)["max_score"].max()
    total = wide.sum(axis=1)
    order = total.sort_values(kind="stable").index if len(total) else total.index
    k = max(1, int(round(group * len(order)))) if len(order) else 0
    low, high = order[:k], order[len(order) - k:]
    rows = []
    for item in wide.columns:
        col, mx = wide[item], float(maxes[item])
        rest = total - col.fillna(0)
        marked = col.notna()
        c, rr = col[marked], rest[marked]
        r = float(np.corrcoef(c, rr)[0, 1]) if len(c) > 1 and c.std() > 0 and rr.std() > 0 else float("nan")
        rows.append({
            "item": item, "max_score": mx, "mean_score": float(col.mean()),
            "difficulty": float(col.mean() / mx) if mx else float("nan"),
            "discrimination": float((col[high].mean() - col[low].mean()) / mx) if mx and k else float("nan"),
            "item_rest_r": r, "n_students": int(col.count()), "awaiting_marking": int(col.isna().sum()),
        })
    return pd.DataFrame(rows)


def lms_table(course=None, lms: str = "generic", *, allow_unmarked: bool = False):
    """One row per student: id, points per assignment, total — the shape Moodle and Canvas import.

    ``lms="moodle"`` names the id column ``ID number`` (map it to the user's ID number in Moodle's CSV
    grade import); ``"canvas"`` uses ``SIS User ID``; ``"generic"`` uses ``student_id``.

    A written answer nobody has marked counts 0 in nbgrader's totals; sent to an LMS, that zero looks
    like a grade. So with unmarked answers in any assignment (:func:`unmarked_table`) this raises
    :class:`UnmarkedAnswers` naming the students and cells, unless ``allow_unmarked``: then the table
    has an ``awaiting_marking`` column listing, per student, the cells still to mark (empty when none),
    and those students' totals are not final.
    """
    unmarked = unmarked_table(course)
    if len(unmarked) and not allow_unmarked:
        raise UnmarkedAnswers(
            f"{len(unmarked)} written answer(s) of {unmarked['student'].nunique()} student(s) have no mark yet, "
            f"and nbgrader counts them as 0: {_describe_unmarked(unmarked)}. Mark them in Formgrader "
            "(JupyterLab → Nbgrader → Formgrader → Manual Grading) and export again, or pass --allow-unmarked "
            "(in Python: allow_unmarked=True) to export anyway with those rows marked in an awaiting_marking column")
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
    if allow_unmarked:
        todo = {s: ", ".join(f"{r.assignment}/{r.item} ({r.max_score:g} points)" for r in rows.itertuples())
                for s, rows in unmarked.groupby("student")}
        table["awaiting_marking"] = [todo.get(s, "") for s in table.index]
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


def report(assignment: str, course=None, *, out=None, lms: str = "generic", allow_unmarked: bool = False) -> dict:
    """Write the lecturer's report for ``assignment``; return the paths written.

    With written answers awaiting marking (:func:`unmarked_table`, listed in the page and in
    ``unmarked.csv``) the LMS grade file is *not* written (an old one is removed) unless
    ``allow_unmarked``: ``paths["lms_csv"]`` is then None and ``paths["lms_refused"]`` says why
    (see :func:`lms_table`).

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
             "problems": out / "problems.csv", "unmarked": out / "unmarked.csv"}
    problems = problems_table(assignment, course)
    problems.to_csv(paths["problems"], index=False)
    unmarked = unmarked_table(course, assignment)
    unmarked.to_csv(paths["unmarked"], index=False)
    scores.to_csv(paths["scores"], index=False)
    items.round(4).to_csv(paths["items"], index=False)
    try:
        lms_table(course, lms, allow_unmarked=allow_unmarked).to_csv(paths["lms_csv"], index=False)
    except UnmarkedAnswers as exc:
        paths["lms_csv"].unlink(missing_ok=True)  # never leave an older file to be uploaded by mistake
        paths["lms_csv"], paths["lms_refused"] = None, str(exc)

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

    # an item with answers awaiting marking is not ranked: its difficulty is not known yet
    ranked = items[(items["awaiting_marking"] == 0) & items["difficulty"].notna()]
    hard = ranked.sort_values("difficulty", kind="stable").head(1)
    unranked = list(items.loc[items["awaiting_marking"] > 0, "item"])
    alt_totals = (f"Histogram of {len(totals)} students' totals out of {max_total:g}: mean {totals.mean():.1f}, "
                  f"median {totals.median():.1f}, min {totals.min():g}, max {totals.max():g}." if len(totals)
                  else "No graded submissions.")
    alt_items = "Bar chart of difficulty and discrimination per item. " + (
        f"Hardest item: {hard['item'].iloc[0]} (difficulty {hard['difficulty'].iloc[0]:.2f})." if len(hard) else "") + (
        f" Not ranked, answers await marking: {', '.join(unranked)}." if unranked else "")
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
<h2>Written answers awaiting marking</h2>
{unmarked.to_html(index=False) + "<p>Mark them in Formgrader (JupyterLab → Nbgrader → Formgrader → Manual Grading); "
 "until then they count as not marked, not as zero, in the item statistics below.</p>"
 if len(unmarked) else "<p>None: every manually graded answer has a mark.</p>"}
<h2>Items</h2>{items.round(3).to_html(index=False)}
<h2>Figures</h2>
<figure><img src="totals.png" alt="{html.escape(alt_totals)}"><figcaption>{html.escape(alt_totals)}</figcaption></figure>
<figure><img src="items.png" alt="{html.escape(alt_items)}"><figcaption>{html.escape(alt_items)}</figcaption></figure>
<h2>Totals</h2>{totals.rename("total").to_frame().to_html()}
{f'<p>Grade export for your LMS: <a href="{paths["lms_csv"].name}">{paths["lms_csv"].name}</a>.</p>'
 if paths["lms_csv"] else f"<p><strong>No grade export for your LMS:</strong> {html.escape(paths['lms_refused'])}</p>"}
</body></html>
"""
    paths["html"].write_text(page, encoding="utf-8")
    return paths
