"""Lecture slides from every lesson: one reveal.js deck per lesson (``make slides``), offline.

Each lesson, executed (the site build's cache in ``course/_build/.cache`` is reused; a lesson not
executed yet runs here), goes through nbconvert's ``SlidesExporter`` with the template
``course/site/slides_template/sme_reveal`` (scripts and MathJax 3 from the deck's folder) and becomes
``course/_build/html/slides/<lesson>.slides.html``; reveal.js 4.0.2 and MathJax are copied from
``.venv/node`` (``make assets``) into ``slides/_assets``. The course site links every deck from its
navigation ("Lecture slides") and from each lesson page.

The lessons are not edited for the slides; the deck is derived from what they already say:

- **slide breaks** — a cell's own ``slideshow.slide_type`` wins (set it in JupyterLab's property
  inspector). Otherwise a markdown cell opening with a ``#``/``##`` heading starts a slide, a ``###``
  heading or an exercise ("**Exercise 2 (apply a function).** …") a sub-slide below it;
- **speaker notes** (``slide_type: notes``, press ``S`` in the deck) — cells tagged ``teaching-notes``
  (or ``notes``), and the lesson's teaching prose: paragraphs opening with "**Teaching note**",
  "**Note for the lecturer**" or "**Why did it move?**" (the debrief after a "Predict first" question:
  on a slide it would give the answer away, so the lecturer says it);
- **left out** — solutions and model answers (tag ``solution``, as on the site, where they fold),
  empty exercise cells (``# your code here``) and cells tagged ``skip``/``remove-cell``;
- **figures** — the executed outputs, interactive views as their static result (the same
  replacement as the site's: figure plus the controls at their starting values).

Usage: ``python scripts/build_slides.py [--out DIR] [--jobs N] [lesson ...]``.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_site  # noqa: E402
import web_assets  # noqa: E402

REPO = build_site.REPO
TEMPLATES = REPO / "course" / "site" / "slides_template"
DEFAULT_OUT = REPO / "course" / "_build" / "html" / "slides"

NOTE_TAGS = {"teaching-notes", "teaching-note", "notes", "speaker-notes"}
SKIP_TAGS = {"skip", "remove-cell"}
NOTE_OPENINGS = re.compile(r"^\s*\*\*(teaching notes?|notes? for the lecturer|lecturer'?s? notes?|why did it move\?)",
                           re.I)
EXERCISE = re.compile(r"^\s*\*\*(exercise|task|question)\b", re.I)
STUB = re.compile(r"^\s*(#\s*your code here\s*)?$", re.I)


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def slide_type(cell: dict) -> str:
    """The slide type of one cell: its own metadata first, else derived from its content."""
    meta = cell.get("metadata", {})
    own = (meta.get("slideshow") or {}).get("slide_type")
    if own:
        return own
    tags = set(meta.get("tags", []))
    if tags & SKIP_TAGS:
        return "skip"
    if tags & NOTE_TAGS:
        return "notes"
    src = _source(cell)
    if cell["cell_type"] == "markdown":
        if NOTE_OPENINGS.match(src):
            return "notes"
        first = src.lstrip().split("\n", 1)[0]
        if re.match(r"^#{1,2}\s", first):
            return "slide"
        if re.match(r"^#{3}\s", first) or EXERCISE.match(src):
            return "subslide"
    elif cell["cell_type"] == "code" and STUB.match(src):
        return "skip"  # the empty cell a student writes the exercise in
    return "-"


def deck_notebook(executed: dict) -> dict:
    """An executed lesson made ready for the slides exporter: solutions out, slide types set."""
    nb = build_site.static_widgets(executed)
    cells = []
    for cell in nb["cells"]:
        if "solution" in cell.get("metadata", {}).get("tags", []):
            continue  # solutions stay out of the lecture
        cell.setdefault("metadata", {}).setdefault("slideshow", {})["slide_type"] = slide_type(cell)
        if cell["metadata"]["slideshow"]["slide_type"] == "skip":
            continue
        cells.append(cell)
    nb["cells"] = cells
    return nb


def exporter():
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    c = Config()
    c.SlidesExporter.template_name = "sme_reveal"
    c.SlidesExporter.extra_template_basedirs = [str(TEMPLATES)]
    c.SlidesExporter.reveal_url_prefix = "_assets/reveal.js"
    c.SlidesExporter.reveal_theme = "white"  # "simple" (nbconvert's default) imports Google Fonts
    c.SlidesExporter.reveal_number = "c/t"
    c.SlidesExporter.mathjax_url = "_assets/mathjax/tex-chtml.js"
    c.SlidesExporter.exclude_input_prompt = True
    c.SlidesExporter.exclude_output_prompt = True
    return SlidesExporter(config=c)


def index_page(decks: list[tuple[str, str]]) -> str:
    items = "\n".join(f'<li><a href="{html.escape(f)}">{html.escape(t)}</a></li>' for f, t in decks)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Lecture slides</title>"
            "<link rel=\"icon\" href=\"data:,\"></head>\n<body><h1>sme_teach — lecture slides</h1>\n"
            f"<p>One reveal.js deck per lesson. Keys: arrows move, <kbd>S</kbd> opens the speaker notes, "
            f"<kbd>Esc</kbd> the overview.</p>\n<ol>\n{items}\n</ol></body></html>\n")


def deck_name(stem: str) -> str:
    return f"{stem}.slides.html"


def build(out: Path = DEFAULT_OUT, *, lessons: list[Path] | None = None, jobs: int = 2, timeout: int = 180,
          cache: Path | None = None) -> tuple[list[Path], list[str]]:
    """Write one deck per lesson into ``out``; return (decks, lessons that failed to execute)."""
    import nbformat

    t0 = time.perf_counter()
    lessons = lessons or build_site.lesson_paths()
    web_assets.package_dir("mathjax"), web_assets.package_dir("reveal.js")  # before executing anything
    out.mkdir(parents=True, exist_ok=True)
    web_assets.copy_reveal(out / "_assets" / "reveal.js")
    web_assets.copy_mathjax(out / "_assets" / "mathjax")
    executed, failed = build_site.execute_lessons(lessons, cache or REPO / "course" / "_build" / ".cache",
                                                  jobs=jobs, timeout=timeout)
    exp = exporter()
    decks, titles = [], []
    for p in lessons:
        nb = deck_notebook(json.loads(executed[p.name].read_text(encoding="utf-8")))
        title = build_site.lesson_title(nb, p.stem)
        node = nbformat.reads(json.dumps(nb), as_version=4)  # joins list sources
        node.metadata["title"] = title
        body, _ = exp.from_notebook_node(node, resources={"metadata": {"name": p.stem}})
        dest = out / deck_name(p.stem)
        dest.write_text(body, encoding="utf-8")
        decks.append(dest)
        titles.append((dest.name, title))
    (out / "index.html").write_text(index_page(titles), encoding="utf-8")
    print(f"{len(decks)} deck(s) in {out} ({time.perf_counter() - t0:.1f} s)")
    return decks, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"folder of the decks (default {DEFAULT_OUT})")
    parser.add_argument("--jobs", "-j", type=int, default=min(4, os.cpu_count() or 1),
                        help="lessons executed at once when not cached (default: min(4, CPUs))")
    parser.add_argument("--timeout", type=int, default=180, help="seconds per cell before a lesson fails (180)")
    parser.add_argument("lessons", nargs="*", type=Path, help="lesson notebooks (default: every lesson)")
    args = parser.parse_args(argv)
    try:
        _, failed = build(args.out.resolve(), lessons=[p.resolve() for p in args.lessons] or None,
                          jobs=args.jobs, timeout=args.timeout)
    except web_assets.MissingAssets as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if failed:
        print(f"error: lesson(s) raised an exception while executing: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
