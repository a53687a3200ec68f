"""Shared fixtures: repository paths, free ports, and a headless Chromium for browser tests."""

from __future__ import annotations

import fcntl
import functools
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


def _doctests_once_under_mutmut() -> None:
    """Inside `make mutate` (mutmut sets MUTANT_UNDER_TEST), collect each docstring's examples once.

    mutmut copies every function once per mutant (``x_f__mutmut_1`` … and ``x_f__mutmut_orig``), each
    with the original docstring, so ``--doctest-modules`` would find the same examples hundreds of
    times per module (≈3000 doctests instead of ≈90). All copies call the public name (the
    trampoline), i.e. run the same code: skipping the copies loses nothing and saves parsing them
    in every mutant's test run.
    """
    import doctest
    import re

    copy = re.compile(r"__mutmut_(\d+|orig)$")
    find = doctest.DocTestFinder._find

    def _find(self, tests, obj, name, *args, **kwargs):
        if copy.search(name):
            return None
        return find(self, tests, obj, name, *args, **kwargs)

    doctest.DocTestFinder._find = _find


if "MUTANT_UNDER_TEST" in os.environ:
    _doctests_once_under_mutmut()

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
TEST_OUTPUT = REPO / "test-output"
CHROMIUM = os.environ.get("SME_TEACH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"the seed papers are not beside the repository (looked in {SEEDS})")
    return SEEDS


@pytest.fixture(scope="session")
def test_output() -> Path:
    TEST_OUTPUT.mkdir(exist_ok=True)
    return TEST_OUTPUT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chromium_browser():
    """A headless Debian Chromium driven by Playwright (the system browser; no downloads)."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not found at {CHROMIUM}; `make test` installs it with apt-get when it can")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()

# ------------------------------------------------------------------ the workshop apps, served once

WORKSHOP = REPO / "course" / "workshop"


def voila_command(port: int, config_dir=None) -> list[str]:
    """The command `make workshop` runs (keep the two in step); ``config_dir`` holds its voila.json."""
    return [str(Path(sys.executable).parent / "voila"), "course/workshop", "--no-browser", f"--port={port}",
            "--Voila.ip=127.0.0.1", f"--Voila.config_file_paths={config_dir or 'course/workshop'}"]


def small_room_config(folder: Path, pool: int = 2) -> Path:
    """course/workshop/voila.json with at most ``pool`` waiting kernels per app, written in ``folder``.

    For the tests of the apps themselves: everything else is the served config (forked kernels, IPC,
    culling, template); the room's 30 waiting copies are tests/test_workshop_room.py's and `make bench`'s.
    """
    config = json.loads((WORKSHOP / "voila.json").read_text(encoding="utf-8"))
    for entry in config["VoilaKernelManager"]["kernel_pools_config"].values():
        entry["pool_size"] = min(entry["pool_size"], pool)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "voila.json").write_text(json.dumps(config), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def workshop_server(tmp_path_factory, test_output):
    """Voilà serving course/workshop as `make workshop` does, once per session: (base URL, answers folder).

    The workshop browser tests share it (each opens its own pages; kernels are per page).
    """
    from _lab import serve

    pytest.importorskip("pypdf", reason="pypdf (dev extra) reads the downloaded reports")
    store = tmp_path_factory.mktemp("workshop_answers")
    port = free_port()
    env = dict(os.environ, SME_TEACH_WORKSHOP_DIR=str(store), JUPYTER_PATH=str(WORKSHOP / "jupyter"),
               MPLBACKEND="Agg", JUPYTER_PLATFORM_DIRS="1")
    base = f"http://127.0.0.1:{port}"
    config = small_room_config(tmp_path_factory.mktemp("workshop_config"))
    with serve(voila_command(port, config), f"{base}/voila/tree", name="voila", env=env, cwd=REPO, timeout=60,
               log_path=test_output / "workshop_voila.log"):
        yield base, store


# ------------------------------------------------------------------ what a browser asks for

#: URL schemes that never leave the machine.
LOCAL_SCHEMES = ("data:", "blob:", "file:", "about:", "chrome-error:")


class Recorder:
    """Every request, WebSocket and console message of a browser context."""

    def __init__(self, context):
        self.requests: list[str] = []
        self.external: list[str] = []
        self.console: list[tuple[str, str, str]] = []  # (page URL, type, text)
        self.stop = "start"
        context.route("**/*", self._route)
        context.on("page", self._watch)

    def _local(self, url: str) -> bool:
        return url.startswith(LOCAL_SCHEMES) or urlparse(url).hostname == "127.0.0.1"

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        if self._local(url):
            route.continue_()
        else:
            self.external.append(f"{self.stop}: {url}")
            route.abort()

    def _watch(self, page):
        page.on("console", lambda m: self.console.append((page.url, m.type, m.text[:400])))
        page.on("pageerror", lambda e: self.console.append((page.url, "error", f"uncaught: {e}"[:400])))
        page.on("websocket", lambda ws: self.requests.append(ws.url) if self._local(ws.url)
                else self.external.append(f"{self.stop}: {ws.url}"))

    def errors(self) -> list[str]:
        return [f"{url}: {text}" for url, kind, text in self.console if kind == "error"]


# ------------------------------------------------------------------ the course site, built once

SITE = REPO / "course" / "_build" / "html"
SITE_BUILD_TIMEOUT = 170  # seconds; lessons execute in parallel and are cached between builds
_RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex  # one id per `pytest` run


@pytest.fixture(scope="session")
def site(test_output) -> Path:
    """``course/_build/html`` built by ``make site``'s script (lecture slides included), once per run.

    Under pytest-xdist every worker has its own session: a file lock lets the first worker build
    and the others wait for it and reuse the result (a stamp names the run that built it).
    ``SME_TEACH_REUSE_SITE=1`` reuses whatever build is there (quick reruns of a browser test).
    """
    pytest.importorskip("jupyter_book", reason="`make site` needs the `site` extra: pip install -e '.[site]'")
    SITE.parent.mkdir(parents=True, exist_ok=True)
    stamp = SITE.parent / ".built-by-test-run"
    with open(SITE.parent / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            reuse = os.environ.get("SME_TEACH_REUSE_SITE") == "1"  # while working on a browser test
            if (reuse or stamp.exists() and stamp.read_text() == _RUN) and (SITE / "index.html").exists():
                return SITE
            stamp.unlink(missing_ok=True)
            t0 = time.monotonic()
            try:
                proc = subprocess.run([sys.executable, str(REPO / "scripts" / "build_site.py")], cwd=REPO,
                                      capture_output=True, text=True, timeout=SITE_BUILD_TIMEOUT)
            except subprocess.TimeoutExpired as exc:
                pytest.fail(f"the site build took more than {SITE_BUILD_TIMEOUT} s:\n{(exc.stdout or '')[-3000:]}")
            log = proc.stdout + proc.stderr
            (test_output / "site_build.log").write_text(log)
            assert proc.returncode == 0, f"`make site` failed (exit {proc.returncode}); last lines:\n{log[-4000:]}"
            assert (SITE / "index.html").exists(), "the build succeeded but wrote no course/_build/html/index.html"
            print(f"site built in {time.monotonic() - t0:.0f} s")
            stamp.write_text(_RUN)
            return SITE
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    missing: list[str]

    def log_message(self, *args):  # quiet
        pass

    def send_error(self, code, message=None, explain=None):
        if code == 404:
            self.missing.append(self.path)
        super().send_error(code, message, explain)


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # a browser that navigates on drops the rest of a download (BrokenPipe): not a site problem
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def site_server(site):
    """The built site served by Python's http.server on a free loopback port: (base URL, 404 paths)."""
    missing: list[str] = []
    handler = functools.partial(type("H", (_QuietHandler,), {"missing": missing}), directory=str(site))
    server = _QuietServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", missing
    finally:
        server.shutdown()
        server.server_close()


# fixture courses and notebooks are data, not test modules
collect_ignore_glob = ["fixtures/*"]


def untick_chosen_market(page, name: str) -> None:
    """Untick ``name`` in the destination explorer's chosen-markets list by keyboard (Space on its checkbox)."""
    item = page.locator(".sme-markets-chosen .widget-checkbox", has_text=name)
    for _attempt in range(3):  # the list is redrawn after each change: a key pressed mid-redraw is lost
        if not item.count():
            break
        item.locator("input").focus()
        item.locator("input").press("Space")
        try:
            item.wait_for(state="detached", timeout=15_000)
        except Exception:  # noqa: BLE001 - still listed: press again
            continue
