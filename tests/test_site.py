"""The static course website (`make site`): it builds offline and every page it links to is there.

The test runs the same build as ``make site`` (``scripts/build_site.py``: executed lessons are cached,
so a rebuild after ``make site`` takes well under a minute), serves ``course/_build/html`` with Python's
http.server on a free loopback port and walks it in headless Chromium: every link of the navigation
answers (no 404), every image on those pages has loaded (``naturalWidth > 0``), each lesson page says
how to open the lesson live, and screenshots of the home page and a lesson go to test-output/.
Requests that leave the machine are blocked (the site must not need the internet to show its content).
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

from conftest import REPO, free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SITE = REPO / "course" / "_build" / "html"
BUILD_TIMEOUT = 170  # seconds; lessons execute in parallel and are cached between builds


@pytest.fixture(scope="module")
def site(test_output) -> Path:
    pytest.importorskip("jupyter_book", reason="`make site` needs the `site` extra: pip install -e '.[site]'")
    t0 = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, str(REPO / "scripts" / "build_site.py")], cwd=REPO,
                              capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the site build took more than {BUILD_TIMEOUT} s:\n{(exc.stdout or '')[-3000:]}")
    log = proc.stdout + proc.stderr
    (test_output / "site_build.log").write_text(log)
    assert proc.returncode == 0, f"`make site` failed (exit {proc.returncode}); last lines:\n{log[-4000:]}"
    assert (SITE / "index.html").exists(), "the build succeeded but wrote no course/_build/html/index.html"
    print(f"site built in {time.monotonic() - t0:.0f} s")
    return SITE


class _Handler(http.server.SimpleHTTPRequestHandler):
    missing: list[str]

    def log_message(self, *args):  # quiet
        pass

    def send_error(self, code, message=None, explain=None):
        if code == 404:
            self.missing.append(self.path)
        super().send_error(code, message, explain)


@pytest.fixture(scope="module")
def served(site):
    missing: list[str] = []
    handler = functools.partial(type("H", (_Handler,), {"missing": missing}), directory=str(site))
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/", missing
    finally:
        server.shutdown()
        server.server_close()


def _nav_links(page) -> list[str]:
    """Every link in the left navigation and the header (absolute URLs)."""
    return page.eval_on_selector_all(
        ".bd-sidebar-primary a[href], .bd-header a[href], nav.bd-docs-nav a[href]",
        "els => els.map(e => e.href)",
    )


def _broken_images(page) -> list[str]:
    return page.eval_on_selector_all(
        "img", "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.currentSrc || i.src)")


def test_site_navigation_has_no_dead_links_or_missing_images(chromium_browser, site, served, test_output):
    base, missing = served
    external: list[str] = []
    bad_status: list[str] = []
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})

    def route(r):
        host = urlparse(r.request.url).hostname
        if r.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("response", lambda resp: bad_status.append(f"{resp.status} {resp.url}")
            if resp.status >= 400 and resp.url.startswith(base) else None)
    try:
        page.goto(base, wait_until="load")
        links = _nav_links(page)
        pages = sorted({urldefrag(u)[0] for u in links if u.startswith(base)} | {base})
        lessons = sorted(p for p in pages if "/lessons/" in p)
        expected = sorted(p.stem for p in (REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))
        assert [Path(urlparse(u).path).stem for u in lessons] == expected, (
            f"the navigation should list every lesson {expected}; it lists {lessons}")
        for title in ("syllabus", "outcomes", "references"):
            assert any(Path(urlparse(u).path).stem == title for u in pages), f"no '{title}' page in the navigation"

        problems: dict[str, list[str]] = {}
        inner: set[str] = set()
        for url in pages:
            resp = page.goto(url, wait_until="load")  # "load" waits for every image
            if resp is None or resp.status != 200:
                problems[url] = [f"HTTP {resp.status if resp else 'no response'}"]
                continue
            inner |= {urldefrag(u)[0] for u in page.eval_on_selector_all("article a[href]", "els => els.map(e => e.href)")
                      if u.startswith(base)}
            broken = _broken_images(page)
            if broken:
                problems[url] = [f"image not loaded: {b[:120]}" for b in broken]
            if "/lessons/" in url:
                text = page.inner_text("article")
                assert "Open this lesson live" in text and "make lab" in text, (
                    f"{url}: the lesson page should say how to open the lesson live (make lab / Binder)")
                assert page.locator("article img").count() > 0, f"{url}: a lesson page shows no figure"
        # links inside the pages (syllabus → lessons, guides → each other) answer too
        for url in sorted(inner - set(pages)):
            resp = context.request.get(url)
            if resp.status != 200:
                problems[url] = [f"HTTP {resp.status} (linked from a page)"]
        assert not problems, "pages with problems:\n" + "\n".join(f"{u}: {p}" for u, p in problems.items())
        assert not missing and not bad_status, f"requests that failed: {sorted(set(missing) | set(bad_status))}"

        # the search page finds a word every lesson uses
        page.goto(urljoin(base, "search.html?q=Khulna"), wait_until="load")
        page.wait_for_selector("#search-results li, .search li", timeout=20_000)

        page.goto(base, wait_until="load")
        page.screenshot(path=str(test_output / "site_home.png"), full_page=False)
        lesson = next((u for u in lessons if "07_" in u), lessons[0])
        page.goto(lesson, wait_until="load")
        page.screenshot(path=str(test_output / "site_lesson.png"), full_page=False)
    finally:
        context.close()
    # the site must work without the internet: nothing it loads may come from another machine
    # (MathJax is bundled by sphinx-mathjax-offline; fonts and scripts ship with the theme)
    assert not external, f"the site requested resources from the internet: {sorted(set(external))}"
