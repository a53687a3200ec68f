"""Build the static course website (Jupyter Book 1, offline) into ``course/_build/html``.

Nothing is duplicated in git: this script assembles a Jupyter Book source tree in
``course/_build/src`` from the files that already exist, then runs ``jupyter-book build`` on it
with warnings treated as errors::

    lessons/NN_*.ipynb      -> lessons/ (executed here, in parallel, with their figures)
    START_HERE.md, README   -> index.md (the home page)
    course/syllabus.md      -> syllabus.md
    course/outcomes.yml     -> outcomes.md (the outcomes x lessons/assignments matrix)
    course/LECTURER_GUIDE.md, course/workshop/GUIDE.md -> lecturer_guide.md, workshop_guide.md
    course/references.bib   -> references.md (sphinxcontrib-bibtex)
    course/site/_config.yml -> _config.yml (the book settings; _toc.yml is generated)

Lessons are executed with nbclient in parallel worker processes (Jupyter Book itself would run them
one after another) and cached in ``course/_build/.cache`` under a hash of the notebook, the
``sme_teach`` sources and ``datasets/``; an unchanged lesson is not executed again.

Widgets cannot run on a static page. Each widget output is replaced by its *static result* — the
figure or table the widget shows at its starting values, and a line naming the controls and their
starting values — and every lesson page opens with a note on how to open the lesson live.
Solution cells (tag ``solution``) are folded: a written solution into a "Solution" drop-down, a code
solution with its output (the numeric answer) behind one "Show the solution" toggle.

Everything a page loads comes from the site itself: MathJax 3 (``make assets`` installs npm mathjax into
``.venv/node``; it is copied into the book's static files, ``mathjax_path`` in ``course/site/_config.yml``),
a local favicon, and no sphinx-thebe scripts (``course/site/_ext/sme_site.py``). After the book, the lecture
slides (``scripts/build_slides.py``) are written into ``<out>/html/slides`` and linked from a "Lecture
slides" page and from every lesson page.

Usage: ``python scripts/build_site.py [--out DIR] [--jobs N] [--timeout S] [--no-build]``
(``make site`` runs it).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import copy
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
import web_assets  # noqa: E402

COURSE = REPO / "course"
LESSONS = REPO / "lessons"

# site pages made from course documents: repo path -> page name in the book
DOC_PAGES = {
    "course/syllabus.md": "syllabus",
    "course/LECTURER_GUIDE.md": "lecturer_guide",
    "course/workshop/GUIDE.md": "workshop_guide",
}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

LIVE_NOTE = """```{{admonition}} Open this lesson live
:class: tip
This page is a static copy of the notebook `lessons/{name}`: the sliders and menus cannot move
here, so each interactive view shows its result at its starting values. To explore, predict and
answer the exercises, open the lesson live:

- **On your own machine** — in a terminal at the top of the course folder run `make lab`, then open
  `lessons/{name}` in JupyterLab and choose **Run ▸ Run All Cells**.
- **On Binder or a JupyterHub** — start the course environment (`environment.yml`), open
  `lessons/{name}` and run all cells.

Teaching it? The lesson as lecture slides: <a href="../slides/{stem}.slides.html">{stem} slides</a>.
```"""


# --------------------------------------------------------------------------- lessons


def lesson_paths() -> list[Path]:
    """Every lesson that exists now (the site adapts to what has been written)."""
    return sorted(LESSONS.glob("[0-9][0-9]_*.ipynb"))


def _inputs_hash(nb_path: Path) -> str:
    """Hash of what a lesson's executed output depends on: the notebook, the library and the data."""
    h = hashlib.sha256(nb_path.read_bytes())
    for folder, pattern in ((REPO / "sme_teach", "**/*"), (REPO / "datasets", "*")):
        for p in sorted(folder.glob(pattern)):
            if p.is_file() and "__pycache__" not in p.parts:
                h.update(str(p.relative_to(REPO)).encode())
                h.update(p.read_bytes())
    return h.hexdigest()


def execute_lesson(src: str, dest: str, timeout: int) -> tuple[str, float, str | None]:
    """Execute one lesson (in a worker process) and write it to ``dest``; return (name, seconds, error)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    # figures inline in the kernel even when the caller forces a headless backend (pytest: Agg)
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    t0 = time.perf_counter()
    nb = nbformat.read(src, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=True,
                            resources={"metadata": {"path": str(Path(src).parent)}})
    error = None
    try:
        # the kernel process's own log (not cell output) would interleave with the progress bar
        client.execute(stderr=subprocess.DEVNULL)
    except CellExecutionError as exc:  # keep going: the site shows the error, the build reports it
        error = str(exc).strip().splitlines()[-1][:300] if str(exc).strip() else repr(exc)
    nbformat.write(nb, dest)
    return Path(src).name, time.perf_counter() - t0, error


def execute_lessons(paths: list[Path], cache: Path, *, jobs: int, timeout: int) -> tuple[dict[str, Path], list[str]]:
    """Execute the lessons in parallel (cached by inputs hash); return (name -> executed notebook, failed names)."""
    cache.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    todo = []
    for p in paths:
        key = _inputs_hash(p)[:16]
        dest = cache / f"{p.stem}.{key}.ipynb"
        out[p.name] = dest
        if dest.exists():
            print(f"  {p.name}: unchanged, using the cached execution")
        else:
            for old in cache.glob(f"{p.stem}.*.ipynb"):
                old.unlink()
            todo.append((p, dest))
    errors: list[str] = []
    if not todo:
        return out, errors
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a runtime dependency
        tqdm = None
    with cf.ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo)))) as pool:
        futures = [pool.submit(execute_lesson, str(p), str(d) + ".part", timeout) for p, d in todo]
        bar = tqdm(total=len(futures), desc="executing lessons", unit="lesson", file=sys.stdout) if tqdm else None
        for fut in cf.as_completed(futures):
            name, secs, err = fut.result()
            (bar.write if bar else print)(f"  {name}: {secs:.1f} s" + (f"  ERROR: {err}" if err else ""))
            if err:
                errors.append(name)
            if bar:
                bar.update()
        if bar:
            bar.close()
    for p, d in todo:
        part = Path(str(d) + ".part")
        if p.name in errors:
            # do not cache a failed run; show it this time
            shutil.move(part, cache / f"{p.stem}.failed.ipynb")
            out[p.name] = cache / f"{p.stem}.failed.ipynb"
        else:
            part.replace(d)
    if errors:
        print(f"warning: {len(errors)} lesson(s) raised errors while executing: {', '.join(errors)}")
    return out, errors


def _widget_static(model_id: str, state: dict, seen: set | None = None) -> tuple[list[dict], list[str]]:
    """Static outputs (figures, HTML, Output-widget outputs) and control labels of one widget tree."""
    seen = set() if seen is None else seen
    if model_id in seen or model_id not in state:
        return [], []
    seen.add(model_id)
    model = state[model_id]
    name = model.get("model_name", "")
    s = model.get("state", {})
    outputs: list[dict] = []
    controls: list[str] = []
    if name == "OutputModel":
        outputs += [o for o in s.get("outputs", []) if o.get("output_type") != "stream" or o.get("text")]
    elif name in ("HTMLModel", "HTMLMathModel") and s.get("value"):
        outputs.append({"output_type": "display_data", "metadata": {},
                        "data": {"text/html": s["value"], "text/plain": "<static widget result>"}})
    elif name == "ImageModel" and s.get("value"):
        pass  # binary buffers are not kept in the saved state
    elif ("value" in s or "index" in s) and name != "LabelModel" and not name.endswith(("LayoutModel", "StyleModel")):
        value = s.get("value")
        if "options" in s or "_options_labels" in s:
            labels = s.get("_options_labels") or s.get("options") or []
            idx = s.get("index")
            if isinstance(idx, int) and 0 <= idx < len(labels):
                value = labels[idx]
            elif isinstance(idx, (list, tuple)):
                value = ", ".join(str(labels[i]) for i in idx if 0 <= i < len(labels))
        desc = (s.get("description") or s.get("tooltip") or name.replace("Model", "")).strip().rstrip(":")
        if not isinstance(value, (dict, list)) or value:
            controls.append(f"{desc} → {value}" if desc[-1:] in ".?!" else f"{desc}: {value}")
    for child in s.get("children", []) or []:
        if isinstance(child, str) and child.startswith("IPY_MODEL_"):
            o, c = _widget_static(child[len("IPY_MODEL_"):], state, seen)
            outputs += o
            controls += c
    return outputs, controls


def static_widgets(nb: dict) -> dict:
    """A copy of an executed notebook with every widget view replaced by its static result.

    Used by the site and by the lecture slides (``scripts/build_slides.py``).
    """
    nb = copy.deepcopy(nb)
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            new = []
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                if WIDGET_VIEW in data:
                    outs, controls = _widget_static(data[WIDGET_VIEW].get("model_id", ""), state)
                    if controls:
                        items = "".join(f"<li>{html.escape(str(c))}</li>" for c in controls)
                        note = ('<div class="sme-static-controls"><p><em>Interactive view (static copy). '
                                f'Controls at their starting values:</em></p><ul>{items}</ul></div>')
                        new.append({"output_type": "display_data", "metadata": {},
                                    "data": {"text/html": note, "text/plain": "controls: " + "; ".join(controls)}})
                    new += outs
                    continue
                new.append(out)
            cell["outputs"] = new
    # drop the widget state: no widget manager on a static page
    nb.get("metadata", {}).pop("widgets", None)
    return nb


def staticise(nb: dict, name: str) -> dict:
    """A lesson ready for a static page: widget views replaced, solutions folded, a live-lesson note."""
    nb = static_widgets(nb)
    for cell in nb["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "markdown" and "solution" in tags:
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            from sme_teach.widgets import unfold_markdown  # the lesson's own <details> fold: one drop-down is enough

            src = unfold_markdown(src)
            fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", src)), default=0))
            cell["source"] = f"{fence}{{admonition}} Solution\n:class: dropdown\n{src}\n{fence}"
        if cell["cell_type"] == "code" and "solution" in tags:
            # fold the code AND its output (the numeric answer) behind one toggle; `hide-input`
            # alone left the answer showing under a folded input
            meta = cell.setdefault("metadata", {})
            meta["tags"] = list(tags) + ["hide-cell"]
            meta.setdefault("mystnb", {}).update(code_prompt_show="Show the solution",
                                                 code_prompt_hide="Hide the solution")
    # the live-lesson note goes right after the title cell
    idx = next((i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown"), 0)
    note = {"cell_type": "markdown", "id": "sme-teach-live-note", "metadata": {},
            "source": LIVE_NOTE.format(name=name, stem=Path(name).stem)}
    nb["cells"].insert(idx + 1, note)
    return nb


# --------------------------------------------------------------------------- documents


def rewrite_links(text: str, src_rel: str, site_pages: dict[str, str]) -> str:
    """Point links at site pages where the target is on the site; elsewhere keep the text and path.

    ``site_pages`` maps repository paths (``course/syllabus.md``) to page paths in the book.
    """
    src_dir = Path(src_rel).parent

    def repl(m: re.Match) -> str:
        bang, label, target = m.group(1), m.group(2), m.group(3).strip()
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            return m.group(0)
        path, _, anchor = target.partition("#")
        if bang:  # images stay as they are (a doc's images would need copying; none so far)
            return m.group(0)
        rel = os.path.normpath(src_dir / path).replace(os.sep, "/")
        if rel in site_pages:
            return f"[{label}]({site_pages[rel]}{'#' + anchor if anchor else ''})"
        if label.strip("`") in (path, rel):
            return f"`{rel}`"
        return f"{label} (`{rel}`)"

    return re.sub(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)", repl, text)


def code_paths_to_links(text: str, site_pages: dict[str, str]) -> str:
    """Turn code-formatted paths of site pages (`course/syllabus.md`) into links (home page)."""
    for rel, page in site_pages.items():
        text = re.sub(rf"(?<!\[)`{re.escape(rel)}`", f"[`{rel}`]({page})", text)
    return text


def outcomes_page(repo: Path, lessons: list[Path]) -> str:
    """The outcomes matrix page (uses the same table as tests/test_outcomes.py)."""
    sys.path.insert(0, str(repo / "scripts"))
    from outcomes_matrix import load_outcomes, matrix_markdown  # noqa: E402

    outcomes = load_outcomes(repo / "course" / "outcomes.yml")
    lines = ["# Learning outcomes", "",
             "What a student can do after the course, the lessons that teach each outcome and the graded "
             "cells that assess it (`course/outcomes.yml`; `tests/test_outcomes.py` keeps the map honest).", ""]
    for o in outcomes:
        lines.append(f"- **{o['id']}** ({o['bloom']}) — {o['text']}")
    lines += ["", "## Outcomes × lessons and assignments", "",
              "`●` taught in the lesson; a number is the count of grade cells of that assignment that assess "
              "the outcome.", "", matrix_markdown(repo, outcomes, [p.stem for p in lessons]), ""]
    return "\n".join(lines)


def home_page(lesson_titles: list[tuple[str, str]], site_pages: dict[str, str]) -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    intro = readme.split("\n## ", 1)[0].split("\n", 1)[1].strip()  # README's lead, without its title
    intro = intro.split("**What is in it**")[0].strip()
    start = (REPO / "START_HERE.md").read_text(encoding="utf-8")
    start = start.split("\n", 1)[1] if start.startswith("# ") else start
    start = start.replace("\n## ", "\n### ")
    start = code_paths_to_links(start, site_pages)
    lessons = "\n".join(f"{i}. [{title}](lessons/{stem})" for i, (stem, title) in enumerate(lesson_titles, 1))
    return (f"# SME internationalization — the sme_teach course\n\n{intro}\n\n## Start here\n{start.strip()}\n\n"
            f"## Lessons\n\n{lessons}\n\n"
            "Every lesson page is a static copy with its figures; the note at its top says how to open it live.\n")


def slides_page(lesson_titles: list[tuple[str, str]]) -> str:
    """The "Lecture slides" page: one reveal.js deck per lesson (scripts/build_slides.py writes them)."""
    items = "\n".join(f'{i}. <a href="slides/{stem}.slides.html">{html.escape(title)}</a>'
                      for i, (stem, title) in enumerate(lesson_titles, 1))
    return ("# Lecture slides\n\n"
            "One reveal.js deck per lesson, made from the lesson itself (`make slides`): a slide per "
            "heading, the figures at their starting values, no solutions. In a deck the arrow keys move, "
            "**S** opens the speaker view with the teaching notes, **Esc** shows every slide at once. The "
            "decks load nothing from the internet, so they work in a lecture hall without a network.\n\n"
            f"{items}\n")


def lesson_title(nb: dict, stem: str) -> str:
    for c in nb["cells"]:
        if c["cell_type"] == "markdown":
            src = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            m = re.search(r"^#\s+(.+)$", src, re.M)
            if m:
                return m.group(1).strip()
    return stem


def assemble(out: Path, *, jobs: int, timeout: int, cache: Path | None = None) -> tuple[Path, list[str]]:
    """Write the book source into ``out/src``; return it and the lessons that failed to execute."""
    import nbformat
    import yaml

    web_assets.package_dir("mathjax")  # fail before executing anything when `make assets` has not run
    src = out / "src"
    (src / "lessons").mkdir(parents=True, exist_ok=True)
    written: set[Path] = set()

    def write(rel: str, text: str) -> None:
        """Write only when the content changed, so Sphinx rebuilds only the pages that changed."""
        path = src / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        written.add(path)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    lessons = lesson_paths()
    print(f"assembling the course site from {len(lessons)} lesson(s) into {src}")
    t0 = time.perf_counter()
    executed, failed = execute_lessons(lessons, cache or out / ".cache", jobs=jobs, timeout=timeout)
    print(f"lessons ready in {time.perf_counter() - t0:.1f} s")

    titles = []
    for p in lessons:
        nb = json.loads(executed[p.name].read_text(encoding="utf-8"))
        nb = staticise(nb, p.name)
        write(f"lessons/{p.name}", nbformat.writes(nbformat.from_dict(nb)) + "\n")
        titles.append((p.stem, lesson_title(nb, p.stem)))

    site_pages = {rel: page for rel, page in DOC_PAGES.items() if (REPO / rel).exists()}
    site_pages["course/outcomes.yml"] = "outcomes"
    site_pages["course/references.bib"] = "references"
    for p in lessons:
        site_pages[f"lessons/{p.name}"] = f"lessons/{p.stem}"
    # links are relative to the page; pages in lessons/ would need ../, documents all sit at the top
    for rel, page in DOC_PAGES.items():
        if (REPO / rel).exists():
            text = (REPO / rel).read_text(encoding="utf-8")
            text = rewrite_links(text, rel, site_pages)
            # `01_why_go_international` and `course/syllabus.md` written as code become links on the site
            stems = {f"lessons/{p.name}": f"lessons/{p.stem}" for p in lessons}
            stems.update({p.stem: f"lessons/{p.stem}" for p in lessons})
            write(f"{page}.md", code_paths_to_links(text, {**site_pages, **stems}))
    write("index.md", home_page(titles, site_pages))
    write("outcomes.md", outcomes_page(REPO, lessons))
    write("references.bib", (COURSE / "references.bib").read_text(encoding="utf-8"))
    write("references.md",
          "# References\n\nEvery work the lessons, the syllabus and the guides cite (`course/references.bib`).\n\n"
          "```{bibliography}\n:all:\n```\n")
    write("_config.yml", (COURSE / "site" / "_config.yml").read_text(encoding="utf-8"))
    write("_ext/sme_site.py", (COURSE / "site" / "_ext" / "sme_site.py").read_text(encoding="utf-8"))
    write("favicon.svg", (COURSE / "site" / "favicon.svg").read_text(encoding="utf-8"))
    write("slides.md", slides_page(titles))
    # MathJax served by the site itself (mathjax_path, html_static_path in _config.yml); copied once per
    # version. Not into the book's _static/: Jupyter Book 1 would add every .js file there to every page.
    mathjax = web_assets.copy_mathjax(src / "_mathjax" / "mathjax")
    written.update(p for p in mathjax.rglob("*") if p.is_file())

    chapters = [{"file": page} for page in ("syllabus", "outcomes", "slides") if (src / f"{page}.md").exists()]
    parts = [
        {"caption": "Course", "chapters": chapters},
        {"caption": "Lessons", "chapters": [{"file": f"lessons/{p.stem}"} for p in lessons]},
        {"caption": "Guides", "chapters": [{"file": page} for page in ("lecturer_guide", "workshop_guide")
                                           if (src / f"{page}.md").exists()] + [{"file": "references"}]},
    ]
    parts = [p for p in parts if p["chapters"]]
    toc = {"format": "jb-book", "root": "index", "parts": parts}
    write("_toc.yml", "# generated by scripts/build_site.py\n" + yaml.safe_dump(toc, sort_keys=False))
    for stale in [p for p in src.rglob("*") if p.is_file() and p not in written]:
        stale.unlink()  # a lesson or document that no longer exists
    return src, failed


def build(src: Path, out: Path) -> int:
    jb = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(jb), "build", str(src), "--path-output", str(out.parent if out.name == "_build" else out),
           "--warningiserror", "--keep-going", "--builder", "html"]
    print("$ " + " ".join(cmd))
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
    return subprocess.call(cmd, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=COURSE / "_build",
                        help="build folder (default course/_build; the site goes to <out>/html)")
    parser.add_argument("--jobs", "-j", type=int, default=min(4, os.cpu_count() or 1),
                        help="lessons executed at once (default: min(4, CPUs))")
    parser.add_argument("--timeout", type=int, default=180, help="seconds per cell before a lesson fails (180)")
    parser.add_argument("--cache", type=Path, default=None,
                        help="where executed lessons are cached (default <out>/.cache)")
    parser.add_argument("--no-build", action="store_true", help="assemble the source tree only")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if out.name != "_build":
        out = out / "_build"  # jupyter-book writes <path-output>/_build/html
    t0 = time.perf_counter()
    try:
        src, failed = assemble(out, jobs=args.jobs, timeout=args.timeout, cache=args.cache)
    except web_assets.MissingAssets as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.no_build:
        return 1 if failed else 0
    rc = build(src, out)
    if rc == 0:
        # the lecture slides, linked from the "Lecture slides" page and every lesson page
        import build_slides

        build_slides.build(out / "html" / "slides", jobs=args.jobs, timeout=args.timeout, cache=args.cache or out / ".cache")
    if failed:
        print(f"error: lesson(s) raised an exception while executing (shown on their pages): {', '.join(failed)}")
        rc = rc or 1
    print(f"site {'built' if rc == 0 else 'FAILED'} in {time.perf_counter() - t0:.1f} s: {out / 'html' / 'index.html'}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
