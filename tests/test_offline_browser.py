"""Nothing the course shows in a browser touches the network, and its browser consoles stay clean.

One headless Chromium context records every request (and WebSocket) and every console message while
it visits, as a new student, lecturer or workshop participant would:

1. JupyterLab with lesson 02 open (a copy of lessons/), its kernel started;
2. each workshop app in Voilà (as `make workshop` serves them), until its result shows;
3. the course site's home page, every lesson page and the lecture-slides page;
4. one nbgrader feedback page, opened from ``file://`` as a student reads it offline (the fixture
   course ``ps1`` with an equation added, released, graded and given feedback by ``sme_teach.grading``);
5. lesson 02's slide deck, advanced through every slide (fragments included).

Requests to anything but 127.0.0.1 (or file:, data:, blob:) are aborted and recorded; the test
fails on any of them and on any console error (a failed load logs one). Lesson 02's equation must be
typeset by MathJax (``mjx-container``) on the site, in the slides, in JupyterLab, and the feedback
page's equation too. The site, the slides and the feedback page log no warning. Elsewhere warnings
are counted and printed, not failed: Voilà's page logs 13 "Unsatisfied version" warnings per app,
explained in ``course/workshop/voila.json``; JupyterLab logs "Plugin … is taking too long to
activate" when the machine is busy. Screenshots of every stop go to ``test-output/offline_*.png``.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import shutil
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin, urlparse

import nbformat
import pytest

from _lab import jupyter_lab, open_notebook, serve, wait_kernel_idle
from conftest import REPO, Recorder, free_port, small_room_config, voila_command

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BIN = Path(sys.executable).parent
LESSON = "02_benefits_barriers_marginal_analysis"
APPS = ["readiness_diagnostic", "alliance_planner", "destination_explorer", "spillover_game"]
EQUATION = r"\mathrm{HHI} = \sum_{i=1}^{n} s_i^2"


def _feedback_page(root: Path) -> Path:
    """Feedback for one graded submission of the fixture course, with an equation in its text."""
    sys.path.insert(0, str(REPO / "tests" / "fixtures"))
    import make_course as mc

    from sme_teach import grading

    course = mc.build_course(root)
    src = course / "source" / mc.ASSIGNMENT / f"{mc.ASSIGNMENT}.ipynb"
    nb = nbformat.read(src, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(
        f"Market concentration is measured by the Herfindahl–Hirschman index $\\mathrm{{HHI}}$:\n\n$${EQUATION}$$"))
    nbformat.write(nb, src)
    t0 = time.monotonic()
    grading.release(mc.ASSIGNMENT, course, exchange=False)
    t1 = time.monotonic()
    mc.write_submission(course, "offline_student", mc.SOLVED)
    grading.grade(mc.ASSIGNMENT, course, jobs=1, progress=False)
    t2 = time.monotonic()
    (page,) = grading.feedback(mc.ASSIGNMENT, course)
    print(f"  feedback page: release {t1 - t0:.1f} s, grade {t2 - t1:.1f} s, feedback {time.monotonic() - t2:.1f} s")
    return page


def _math(page, where: str, timeout_ms: int = 20_000) -> int:
    page.wait_for_selector("mjx-container", state="attached", timeout=timeout_ms)
    n = page.locator("mjx-container").count()
    assert n > 0, f"{where}: no equation typeset by MathJax"
    return n


def test_course_pages_stay_on_this_machine(chromium_browser, site_server, tmp_path, test_output):
    t_start = time.monotonic()
    base_site, missing = site_server
    lab_root = tmp_path / "lab"
    shutil.copytree(REPO / "lessons", lab_root / "lessons", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    # grading runs in the background while the browser walks the servers
    pool = cf.ThreadPoolExecutor(max_workers=1)
    feedback = pool.submit(_feedback_page, tmp_path / "course")

    port = free_port()
    base_voila = f"http://127.0.0.1:{port}"
    voila_env = dict(os.environ, SME_TEACH_WORKSHOP_DIR=str(tmp_path / "answers"), MPLBACKEND="Agg",
                     JUPYTER_PATH=str(REPO / "course" / "workshop" / "jupyter"), JUPYTER_PLATFORM_DIRS="1")
    voila_cmd = voila_command(port, small_room_config(tmp_path / "voila_config"))  # as `make workshop` runs it
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    t0 = time.monotonic()
    rec = Recorder(context)
    shots = []

    def shot(page, name):
        path = test_output / f"offline_{name}.png"
        page.screenshot(path=str(path))
        shots.append(path.name)

    timings = {}
    try:
        with serve(voila_cmd, f"{base_voila}/voila/tree", name="voila", env=voila_env, cwd=REPO, timeout=60,
                   log_path=test_output / "offline_voila.log"), \
             jupyter_lab(lab_root, log_path=test_output / "offline_lab.log") as (base_lab, token):
            timings["servers start"] = time.monotonic() - t0
            # 2. the workshop apps first: their kernels start together while JupyterLab opens the lesson
            rec.stop = "voila"
            apps = {}
            for app in APPS:
                page = context.new_page()
                page.goto(f"{base_voila}/voila/render/{app}.ipynb", wait_until="commit")
                apps[app] = page

            # 1. JupyterLab with a lesson open and its kernel ready (running every lesson in JupyterLab
            # is tests/test_lessons.py's job; here it would cost ~35 s on a loaded 2-core machine)
            t0 = time.monotonic()
            rec.stop = "jupyterlab"
            lab = context.new_page()
            open_notebook(lab, base_lab, token, f"lessons/{LESSON}.ipynb")
            wait_kernel_idle(lab)
            lab.wait_for_selector(".jp-StatusBar-Widget >> text=/\\| Idle/", timeout=60_000)  # kernel connected
            _math(lab, "JupyterLab")
            lab.locator("mjx-container").first.scroll_into_view_if_needed()
            shot(lab, "jupyterlab")
            timings["jupyterlab"] = time.monotonic() - t0

            t0 = time.monotonic()
            rec.stop = "voila"
            for app, page in apps.items():
                page.bring_to_front()
                page.wait_for_selector(".sme-app .sme-result", state="attached", timeout=120_000)
                page.wait_for_timeout(300)
                shot(page, f"workshop_{app}")
                page.close()
            timings["voila"] = time.monotonic() - t0
            lab.close()
            t0 = time.monotonic()
        timings["servers stop"] = time.monotonic() - t0

        # 3. the site: home page, every lesson page, the slides page
        t0 = time.monotonic()
        rec.stop = "site"
        page = context.new_page()
        page.goto(base_site, wait_until="load")
        shot(page, "site_home")
        nav = page.eval_on_selector_all("nav.bd-docs-nav a[href]", "els => els.map(e => e.href)")
        lessons = sorted({u.split("#")[0] for u in nav if "/lessons/" in u})
        assert len(lessons) == len(list((REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))), lessons
        slides_page = next((u for u in nav if u.endswith("slides.html")), None)
        assert slides_page, f"no 'Lecture slides' page in the site's navigation: {nav}"
        for url in lessons + [slides_page]:
            page.goto(url, wait_until="load")
            if LESSON in url:
                _math(page, "the site's lesson 02 page")
                # solutions fold with their outputs: no solution output outside a <details> fold
                loose = page.eval_on_selector_all(
                    ".cell.tag_solution .cell_output", "els => els.filter(e => !e.closest('details')).length")
                assert loose == 0, "a solution's output (its numeric answer) shows outside the fold"
                # a display equation wider than the column scrolls sideways, it is never cut off
                clipped = page.eval_on_selector_all(
                    "mjx-container[display='true']",
                    "els => els.filter(e => e.scrollWidth > e.clientWidth + 1"
                    " && getComputedStyle(e).overflowX !== 'auto').length")
                assert clipped == 0, f"{clipped} display equation(s) cut off at the column's edge"
                page.locator("div.math").first.scroll_into_view_if_needed()
                shot(page, "site_lesson02")
        decks = page.eval_on_selector_all("article a[href$='.slides.html']", "els => els.map(e => e.href)")
        assert len(decks) == len(lessons), f"the slides page should link one deck per lesson: {decks}"
        page.close()
        timings["site"] = time.monotonic() - t0

        # 4. one feedback page, from file:// as a student reads it offline
        t0 = time.monotonic()
        rec.stop = "feedback"
        fb = feedback.result(timeout=300)
        timings["grading (background)"] = time.monotonic() - t_start
        page = context.new_page()
        page.goto(fb.as_uri(), wait_until="load")
        _math(page, "the feedback page")
        assert "Problem set 1" in page.inner_text("body")
        shot(page, "feedback")
        page.close()
        timings["feedback"] = time.monotonic() - t0

        # 5. lesson 02's slides, every slide
        t0 = time.monotonic()
        rec.stop = "slides"
        page = context.new_page()
        deck = next(u for u in decks if LESSON in u)
        page.goto(deck, wait_until="load")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=20_000)
        total = page.evaluate("() => Reveal.getTotalSlides()")
        shot(page, "slides_title")
        seen, math_shot, figure_shot = 1, False, False
        while not page.evaluate("() => Reveal.isLastSlide() && !Reveal.availableFragments().next"):
            page.keyboard.press("ArrowRight")  # as a lecturer's clicker does
            page.wait_for_timeout(60)
            seen = max(seen, page.evaluate("() => Reveal.getSlidePastCount() + 1"))
            assert seen <= total + 1, "the deck never reaches its last slide"
            if not figure_shot and page.evaluate("() => !!Reveal.getCurrentSlide().querySelector('img')"):
                page.wait_for_timeout(700)
                page.evaluate("() => Reveal.getCurrentSlide().querySelector('img').scrollIntoView({block: 'center'})")
                shot(page, "slides_figure")
                figure_shot = True
            if not math_shot and page.evaluate("() => !!Reveal.getCurrentSlide().querySelector('mjx-container')"):
                page.wait_for_timeout(700)  # let the slide transition end
                page.evaluate("() => Reveal.getCurrentSlide().querySelector('mjx-container').scrollIntoView({block: 'center'})")
                shot(page, "slides_equation")
                math_shot = True
        assert seen == total, f"advanced through {seen} of {total} slides"
        assert figure_shot, "no slide of lesson 02's deck shows a figure"
        assert math_shot, "no slide of lesson 02's deck shows its equation typeset by MathJax"
        _math(page, "lesson 02's slides")
        notes = page.locator("aside.notes").count()
        assert notes > 0, "lesson 02's deck has no speaker notes"
        assert "Solution." not in page.inner_text(".slides"), "the deck shows a solution"
        shot(page, "slides_last")
        page.close()
        timings["slides"] = time.monotonic() - t0
    finally:
        context.close()
        pool.shutdown(wait=True)

    def where(url):
        if url.startswith("file:"):
            return "feedback"
        if url.startswith(base_voila):
            return "voila"
        if url.startswith(base_site):
            return "slides" if "/slides/" in url else "site"
        return "jupyterlab"

    hosts = Counter(urlparse(u).scheme + "://" + (urlparse(u).hostname or "") for u in rec.requests)
    kinds = Counter(kind for _, kind, _ in rec.console)
    warnings = Counter(where(url) for url, kind, _ in rec.console if kind == "warning")
    per_stop = Counter(where(u) for u in rec.requests)
    print(f"\n{len(rec.requests)} requests ({dict(hosts)}; by stop {dict(per_stop)}), {len(rec.console)} console messages {dict(kinds)}, "
          f"warnings by stop {dict(warnings)}; slides {total}, notes {notes}; screenshots {shots}; "
          f"times {({k: round(v, 1) for k, v in timings.items()})}, total {time.monotonic() - t_start:.1f} s")
    assert not rec.external, f"requests left the machine: {rec.external[:20]}"
    assert not rec.errors(), "console errors:\n" + "\n".join(rec.errors()[:20])
    # the static pages' warnings the issue named (THEBE_JS_URL declared twice, "Got invalid theme mode",
    # the favicon 404) are gone, not just counted: the site, the slides and the feedback page log none
    static = [f"{url}: {text}" for url, kind, text in rec.console
              if kind == "warning" and where(url) in ("site", "slides", "feedback")]
    assert not static, "console warnings on the site, slides or feedback page:\n" + "\n".join(static[:20])
    assert not missing, f"the site answered 404 for {sorted(set(missing))}"
