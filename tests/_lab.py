"""Drive a real JupyterLab in headless Chromium (Playwright + Debian's chromium).

Used by the lesson browser tests: start a server on a free loopback port, open a notebook,
run all cells through the menu as a student would, wait for the kernel to go idle, and read
what the page shows.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from conftest import free_port

BIN = Path(sys.executable).parent


@contextmanager
def serve(cmd, ready_url: str, *, name: str, env=None, cwd=None, timeout: float = 120.0,
          log_path: Path | None = None):
    """Run a server command in its own process group until ``ready_url`` answers; stop it afterwards."""
    log = open(log_path, "w") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            env=env)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}; see {log_path}")
            try:
                with urllib.request.urlopen(ready_url, timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not start within {timeout} s; see {log_path}") from None
                time.sleep(0.3)
        yield proc
    finally:
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            try:
                os.killpg(proc.pid, sig)
                proc.wait(timeout=wait)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        if log is not subprocess.DEVNULL:
            log.close()


@contextmanager
def jupyter_lab(root: Path, *, timeout: float = 120.0, log_path: Path | None = None):
    """Start ``jupyter lab`` on a free port with ``root`` as its root; yield its base URL + token."""
    port = free_port()
    token = "sme-teach-browser-test"
    cmd = [
        str(BIN / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        # keep the page quiet and deterministic for tests
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "getuid") and os.getuid() == 0:
        cmd.append("--allow-root")
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1", MPLBACKEND="module://matplotlib_inline.backend_inline")
    base = f"http://127.0.0.1:{port}"
    with serve(cmd, f"{base}/api/status?token={token}", name="jupyter lab", env=env, timeout=timeout,
               log_path=log_path):
        yield base, token


def open_notebook(page, base: str, token: str, relpath: str, *, timeout_ms: int = 60_000):
    """Open a notebook in the lab UI and wait until its kernel is ready."""
    page.goto(f"{base}/lab/tree/{relpath}?token={token}&reset", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=timeout_ms)
    wait_kernel_idle(page, timeout_ms=timeout_ms)


def wait_kernel_idle(page, *, timeout_ms: int = 120_000):
    """Wait for the notebook's execution indicator to report an idle kernel."""
    page.wait_for_function(
        """() => {
            const el = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
            return el && el.getAttribute('data-status') === 'idle';
        }""",
        timeout=timeout_ms,
    )


def _fail_on_dialog(page):
    """A JupyterLab dialog (kernel died, server unreachable, …) blocks every click: say what it says."""
    dialog = page.locator(".jp-Dialog")
    if dialog.count() and dialog.first.is_visible():
        raise AssertionError(f"JupyterLab shows a dialog: {dialog.first.inner_text()[:400]!r}")


def run_all_cells(page, *, timeout_ms: int = 180_000, attempts: int = 3):
    """Run ▸ Run All Cells through the menu, then wait for every cell to finish.

    On a loaded machine the first click can land before the kernel connection is up, and
    nothing runs; we then try again (at most ``attempts`` times) rather than wait forever.
    """
    started = """() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')]
        .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"""
    for attempt in range(attempts):
        _fail_on_dialog(page)
        page.click(".jp-NotebookPanel .jp-Notebook")
        page.click("#jp-MainMenu >> text=Run")
        page.click(".lm-Menu-content >> text=Run All Cells")
        try:
            page.wait_for_function(started, timeout=30_000)
            break
        except Exception:
            if attempt == attempts - 1:
                raise
            wait_kernel_idle(page, timeout_ms=timeout_ms)
    # every code cell has an execution count once it has run
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        timeout=timeout_ms,
    )
    wait_kernel_idle(page, timeout_ms=timeout_ms)


def error_outputs(page) -> list[str]:
    """Texts of any error outputs shown in the open notebook."""
    return page.eval_on_selector_all(
        ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
        ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedText[data-mime-type='application/vnd.jupyter.error']",
        "els => els.map(e => e.innerText.slice(0, 2000))",
    )
