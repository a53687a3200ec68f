"""Lessons: the shape every lesson follows, headless execution with a real kernel, and the browser."""

from __future__ import annotations

import time

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import REPO

LESSONS = sorted(p.name for p in (REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))
SHAPE = ["Objectives", "The idea", "The model in sme_teach", "Explore", "Apply to data", "Exercises",
         "Summary", "References"]


def _read(name):
    return nbformat.read(REPO / "lessons" / name, as_version=4)


def test_there_are_nine_lessons_in_teaching_order():
    numbers = [int(n[:2]) for n in LESSONS]
    assert numbers == list(range(1, len(numbers) + 1)), f"lessons must be numbered 01.. without gaps: {LESSONS}"
    assert len(LESSONS) >= 8, f"the course needs at least eight lessons, found {len(LESSONS)}"


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_follows_the_shape(name):
    nb = _read(name)
    headings = [line[3:].strip() for c in nb.cells if c.cell_type == "markdown"
                for line in c.source.splitlines() if line.startswith("## ")]
    found = [h for h in headings if h in SHAPE]
    assert found == SHAPE, f"{name}: level-2 headings must be {SHAPE} in order; found {headings}"
    solutions = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    assert solutions, f"{name}: exercises need solutions in cells tagged 'solution'"
    # JupyterLab un-hides collapsed markdown on Run All and shows a collapsed cell's first line, so
    # answers fold in their content (sme_teach.widgets._solution): <details> and %%solution
    from sme_teach.widgets import unfold_markdown

    for c in solutions:
        if c.cell_type == "markdown":
            assert unfold_markdown(c.source) != c.source, (
                f"{name}: a written solution must be folded with sme_teach.widgets.fold_markdown "
                f"(a closed <details>); found {c.source[:80]!r}")
            assert not c.metadata.get("jupyter", {}).get("source_hidden"), (
                f"{name}: a folded written solution must not also be collapsed (its placeholder shows raw HTML)")
        else:
            assert c.source.startswith("%%solution"), (
                f"{name}: a code solution must start with the %%solution magic (its output folds); "
                f"found {c.source.splitlines()[0]!r}")
            assert c.metadata.get("jupyter", {}).get("source_hidden"), (
                f"{name}: a code solution's source must be collapsed (metadata jupyter.source_hidden)")
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    if any(c.cell_type == "code" for c in solutions):
        assert "%load_ext sme_teach.widgets" in first_code.source, (
            f"{name}: the first code cell must load the %%solution magic (%load_ext sme_teach.widgets)")


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_executes_headless(name, tmp_path):
    nb = _read(name)
    client = NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(REPO / "lessons")}})
    t0 = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - t0
    errors = [(i, o.get("ename"), o.get("evalue")) for i, c in enumerate(nb.cells) if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    stderr = [(i, o.get("text", "")[:300]) for i, c in enumerate(nb.cells) if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr"]
    assert not errors, f"{name}: error outputs {errors}"
    assert not stderr, f"{name}: warnings or errors printed to stderr {stderr}"
    # the limit, kernel start included; the tighter goal lives in bench/
    assert elapsed <= 30, f"{name}: took {elapsed:.1f} s to execute (limit 30 s)"


@pytest.fixture(scope="module")
def lessons_lab(tmp_path_factory, test_output):
    """One JupyterLab per test worker, serving a copy of lessons/ (JupyterLab autosaves what it runs,
    so the committed lessons stay stripped)."""
    import shutil

    from _lab import jupyter_lab

    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(REPO / "lessons", root / "lessons",
                    ignore=shutil.ignore_patterns("kernel-ipc-*", ".ipynb_checkpoints"))
    with jupyter_lab(root, log_path=test_output / f"lab-lessons-{root.name}.log") as server:
        yield server


@pytest.fixture(scope="module")
def lessons_browser(chromium_browser):
    """A Chromium of the lessons' own (from the session's Playwright), so the sockets and pages other
    browser tests of this worker left behind cannot stand between JupyterLab and its kernels."""
    from conftest import CHROMIUM, CHROMIUM_ARGS

    browser = chromium_browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        yield browser
    finally:
        browser.close()


@pytest.mark.browser
@pytest.mark.parametrize("name", LESSONS)
def test_lesson_in_jupyterlab(name, lessons_lab, lessons_browser, test_output):
    """Open the lesson in JupyterLab, run all cells, and check its first control changes its first result."""
    from _lab import error_outputs, open_notebook, run_all_cells, shutdown_kernels

    base, token = lessons_lab
    page = lessons_browser.new_page(viewport={"width": 1366, "height": 768})  # the laptop of issue 16
    try:
        try:
            open_notebook(page, base, token, f"lessons/{name}")
            run_all_cells(page)
        except AssertionError as exc:
            # Seen in CI only, on the last lesson of a worker's server: the kernel starts on the server but
            # the page keeps falling back to "Select Kernel". A student reloads the page; so do we, once,
            # on a fresh page (a second failure is reported as it is).
            if "Select Kernel" not in str(exc):
                raise
            print(f"{name}: {str(exc)[:120]}... reloading the page once")
            page.close()
            shutdown_kernels(base, token)
            page = lessons_browser.new_page(viewport={"width": 1366, "height": 768})
            open_notebook(page, base, token, f"lessons/{name}")
            run_all_cells(page)
        assert not error_outputs(page), f"{name}: error outputs in the page: {error_outputs(page)[:2]}"
        _assert_solutions_hidden(page, name, test_output)
        page.wait_for_selector(".sme-control", timeout=30_000)
        result = page.locator(".sme-result").first
        result.wait_for(timeout=30_000)
        before = result.inner_html()
        control = page.locator(".sme-control").first
        control.scroll_into_view_if_needed()
        if control.locator(".noUi-handle").count():
            control.locator(".noUi-handle").first.focus()
            page.keyboard.press("ArrowRight")
        elif control.locator("select").count():
            select = control.locator("select").first
            n_options = select.locator("option").count()
            current = select.evaluate("s => s.selectedIndex")
            select.select_option(index=(current + 1) % n_options)
        else:
            pytest.fail(f"{name}: the first .sme-control is neither a slider nor a dropdown")
        page.wait_for_function(
            "before => document.querySelector('.sme-result').innerHTML !== before", arg=before, timeout=20_000)
        page.screenshot(path=str(test_output / f"lesson-{name[:-6]}.png"))
    finally:
        page.close()
        shutdown_kernels(base, token)  # the next lesson starts its kernel on a quiet server


def _fragments(text: str, min_len: int = 14) -> list[str]:
    """Distinctive pieces of a solution: its lines and sentences, whitespace and markup squeezed."""
    import re

    pieces = re.split(r"\n|(?<=[.;:!?])\s+", text)
    out = []
    for p in pieces:
        p = re.sub(r"[*_`#>|]", "", p)
        p = " ".join(p.split())
        if len(p) >= min_len and not p.startswith("%%solution"):
            out.append(p)
    return out


def _squeeze(text: str) -> str:
    import re

    return " ".join(re.sub(r"[*_`#>|]", "", text).split())


def _assert_solutions_hidden(page, name, test_output):
    """After Run All, no solution text is visible: each solution cell shows only its closed summary
    (or the collapsed placeholder of its code), and opening one does show its text (the check can fail)."""
    from sme_teach.widgets import unfold_markdown

    nb = _read(name)
    idx = [i for i, c in enumerate(nb.cells) if "solution" in c.metadata.get("tags", [])]
    assert idx, f"{name}: no solution cells"
    cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")
    assert cells.count() == len(nb.cells), f"{name}: {cells.count()} cells in the page, {len(nb.cells)} in the file"
    leaks, first_open = [], None
    for i in idx:
        cell = cells.nth(i)
        source = nb.cells[i].source
        hidden = cell.evaluate("""el => [...el.querySelectorAll('details')].filter(d => !d.open)
            .map(d => [...d.childNodes].filter(n => n.nodeName !== 'SUMMARY').map(n => n.textContent).join('\\n'))
            .join('\\n')""")
        assert hidden.strip(), f"{name}: solution cell {i} has no closed <details> after Run All"
        secret = _fragments(hidden) + _fragments(unfold_markdown(source) if nb.cells[i].cell_type == "markdown"
                                                 else source)
        visible = _squeeze(cell.inner_text())
        leaked = [f for f in secret if f in visible]
        if leaked:
            leaks.append((i, leaked[:2], visible[:160]))
        if len(visible) > 80:
            leaks.append((i, "more than a summary is visible", visible[:160]))
        if first_open is None:
            first_open = (i, secret)
    assert not leaks, f"{name}: solution text visible after Run All (cell, text, what shows): {leaks[:3]}"
    # screenshot with the first solution in view, still closed
    i, secret = first_open
    cells.nth(i).scroll_into_view_if_needed()
    page.screenshot(path=str(test_output / f"lesson-{name[:-6]}-solutions-closed.png"))
    # the check can fail: open that solution and its text is visible
    cells.nth(i).locator("details > summary").first.click()
    page.wait_for_function("el => el.querySelector('details').open", arg=cells.nth(i).element_handle(),
                           timeout=5_000)
    opened = _squeeze(cells.nth(i).inner_text())
    assert any(f in opened for f in secret), f"{name}: opening solution cell {i} does not show its text: {opened[:200]}"
    cells.nth(i).locator("details > summary").first.click()  # close it again


_LESSON_WORD = r"\b[Ll]essons?\s+\d+"


@pytest.mark.parametrize("name", LESSONS)
def test_cross_references_link_to_the_right_lesson(name):
    """Every mention of another lesson is a Markdown link to its file, whose number the text repeats:
    ``[Lesson 03](03_stage_theories.ipynb)``; the title's own "Lesson N" matches the file's number."""
    import re

    nb = _read(name)
    own = int(name[:2])
    link = re.compile(r"\[([^\]]*)\]\(([^)\s]*\.ipynb)(#[^)]*)?\)")
    problems = []
    for i, c in enumerate(nb.cells):
        text = c.source
        if c.cell_type == "code":
            problems += [(i, m.group(0), "mentions a lesson in code") for m in re.finditer(_LESSON_WORD, text)]
            continue
        for m in link.finditer(text):
            label, target = m.group(1), m.group(2)
            path = (REPO / "lessons" / target).resolve()
            if not path.is_file() or path.parent != (REPO / "lessons").resolve():
                problems.append((i, m.group(0), "links to a lesson file that does not exist"))
                continue
            numbers = [int(n) for n in re.findall(r"\d+", label)]
            if re.search(_LESSON_WORD, label) and numbers[:1] != [int(path.name[:2])]:
                problems.append((i, m.group(0), f"says lesson {numbers[:1]} but links to {path.name}"))
        bare = link.sub("", text)
        if i == 0:  # the title: "# Lesson 03 — ..." names this lesson
            title = re.match(r"#\s+Lesson\s+(\d+)\b", bare)
            assert title and int(title.group(1)) == own, f"{name}: the title must start '# Lesson {own:02d}'"
            bare = bare[title.end():]
        problems += [(i, m.group(0), "a bare lesson reference: link it to the lesson's file")
                     for m in re.finditer(_LESSON_WORD, bare)]
    assert not problems, f"{name}: cross-references (cell, text, problem): {problems}"


def _all_text(name):
    return "\n".join(c.source for c in _read(name).cells)


# Corrections a lecturer asked for (issue 16): the old claim must not come back.
ERRATA = [
    ("03", "large Swedish and US manufacturers", "Bilkey & Tesar surveyed smaller-sized Wisconsin manufacturers"),
    ("06", "calls such geographic concentrations", "the seed's cluster or strategic networking is cooperation, "
                                                   "not Porter's geographic cluster"),
    ("05", "Rennie's (1993) McKinsey study described firms", "Rennie's figures are sample averages, not a definition"),
]


@pytest.mark.parametrize("number,claim,why", ERRATA)
def test_corrected_claims_stay_corrected(number, claim, why):
    name = next(n for n in LESSONS if n.startswith(number))
    assert claim not in _all_text(name), f"{name} says {claim!r} again; but {why}"


def test_one_sme_definition_and_the_seeds_figure_is_flagged():
    from sme_teach.datasets._synthetic import SIZE_BANDS

    # EC Recommendation 2003/361, Annex Art. 2: fewer than 250 employees; small fewer than 50
    assert SIZE_BANDS == {"small": (10, 49), "medium": (50, 249)}
    card = (REPO / "datasets" / "khulna_smes.md").read_text()
    assert "2003/361" in card and "seed's" in card and "less than 500" in card, (
        "the Khulna data card must quote the seed's '< 500' and say it is the seed's, not the EC's definition")
    for name in LESSONS:
        text = _all_text(name)
        for m in __import__("re").finditer(r"500 employees", text):
            around = text[max(0, m.start() - 200): m.end() + 200]
            assert "seed" in around and "2003/361" in around, f"{name}: '500 employees' without saying it is the seed's"


def test_exercise_gives_the_first_export_year_its_solution_uses():
    import re

    nb = _read(next(n for n in LESSONS if n.startswith("05")))
    i = next(i for i, c in enumerate(nb.cells) if c.source.startswith("**Exercise 4"))
    task, solution = nb.cells[i].source, nb.cells[i + 1].source
    founded = re.search(r"founded in (\d{4})", task)
    first = re.search(r"first export in (\d{4})", task)
    assert founded and first, "exercise 4 must give the founding year and the first-export year"
    assert "solution" in nb.cells[i + 1].metadata.get("tags", [])
    gap = int(first.group(1)) - int(founded.group(1))
    assert f"{gap} years after founding" in solution and first.group(1) in solution, (
        "the model answer must use the exercise's own years")


def test_a1_does_not_attribute_invs_to_the_csf_paper():
    """The CSF paper never cites Oviatt & McDougall: a1 must not call INVs a theory 'from the CSF paper'."""
    a1 = nbformat.read(REPO / "assignments" / "source" / "a1_stages_networks" / "a1_stages_networks.ipynb", 4)
    seed = REPO.parent / "shared" / "seeds" / "bose_critical_success_factors.txt"
    if seed.is_file():
        assert "Oviatt" not in seed.read_text(), "the seed now cites Oviatt: revisit this test"
    intro = a1.cells[0].source + a1.cells[1].source
    assert "theories from the CSF paper" not in intro and "without citing Oviatt" in intro


def test_lesson_07_explains_the_score_that_rises_on_stated_links_only():
    """Dropping the inferred links raises at least one cohort score (an FSA is an average of its alliances):
    the lesson must say so where students drop them, or the rise looks like a bug."""
    import pandas as pd

    from sme_teach import datasets, frameworks, measures

    smes = datasets.load_khulna_smes().set_index("firm_id")
    inputs = datasets.khulna_model_inputs(smes)
    G = frameworks.load("alliance_fsa")
    edges = frameworks.edges_frame(G, kind="builds")
    G_stated = G.copy()
    G_stated.remove_edges_from(edges.loc[edges["inferred"].eq(True), ["source", "target"]].itertuples(index=False))
    rise = (measures.propagate(*inputs, model=G_stated).competency.mean()
            - measures.propagate(*inputs).competency.mean())
    nb = _read(next(n for n in LESSONS if n.startswith("07")))
    i = next(i for i, c in enumerate(nb.cells) if "G_stated" in c.source and c.cell_type == "code")
    around = nb.cells[i - 1].source + nb.cells[i + 1].source
    if (rise > 1e-9).any():
        assert "rises" in around and "average" in around, (
            f"stated links only raises {list(rise[rise > 1e-9].index)}: explain why next to the G_stated cell")
    assert isinstance(rise, pd.Series)
