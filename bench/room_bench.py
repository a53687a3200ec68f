"""A room of N participants opening the readiness app at once, served as ``make workshop`` does.

Voilà serves ``course/workshop`` with ``course/workshop/voila.json`` (forked, warm kernels and a
preheated pool: :mod:`sme_teach.room`), and, in the same run, *plain Voilà*: the same apps, template
and extensions with the kernel settings taken out (every page starts its own kernel by spawning
Python). For N = 10 and 30, one headless Chromium opens N pages at once, each in its own browser
context (N phones), and times each page from the request until its app has arrived: the widgets
are drawn (the readiness questions' buttons and the "Save my answers" button are on the page).
A page that has no app after :data:`PAGE_TIMEOUT` counts as failed. While the N pages are open,
the memory of every kernel process (and of the zygote and the idle pool, for the workshop) is
summed as PSS (proportional set size: shared pages split between the processes sharing them)
and divided by N; RSS is reported beside it. Then the pages are closed and the kernels left
over are counted (a closed page's kernel must go).

Chromium runs on the same two cores as the server, so its own work is in the times (drawing the
readiness app's ~700 widgets costs each page several CPU-seconds of JavaScript, and N pages share the
cores); in a real room the browsers are the participants' phones. The "server's part" row times
each page only until its HTML — which carries the executed app — has been received.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
WORKSHOP = REPO / "course" / "workshop"
APP = "readiness_diagnostic"
ROOMS = (10, 30)
PAGE_TIMEOUT = 240.0
#: a mid-range phone draws JavaScript about this many times slower than this laptop (Chromium's CPU throttling)
PHONE_SLOWDOWN = 4.0
GOAL_P95_S = 5.0
#: the keys of voila.json that make the room (removed for plain Voilà)
ROOM_KEYS = {"VoilaConfiguration": ("preheat_kernel", "default_pool_size"),
             "VoilaKernelManager": None, "MappingKernelManager": None, "VoilaExecutor": None, "Voila": None}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def plain_config(folder: Path) -> Path:
    """``voila.json`` of the workshop without its room settings, written in ``folder``."""
    config = json.loads((WORKSHOP / "voila.json").read_text(encoding="utf-8"))
    for section, keys in ROOM_KEYS.items():
        if keys is None:
            config.pop(section, None)
        else:
            for key in keys:
                config.get(section, {}).pop(key, None)
    (folder / "voila.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    return folder


def pool_sizes(config_dir: Path = WORKSHOP) -> dict:
    """App notebook → how many preheated kernels ``config_dir/voila.json`` keeps for it."""
    config = json.loads((Path(config_dir) / "voila.json").read_text(encoding="utf-8"))
    apps = sorted(p.name for p in WORKSHOP.glob("*.ipynb"))
    if not config.get("VoilaConfiguration", {}).get("preheat_kernel"):
        return {a: 0 for a in apps}
    pools = config.get("VoilaKernelManager", {}).get("kernel_pools_config")
    default = config.get("VoilaConfiguration", {}).get("default_pool_size", 1)
    if not pools:
        return {a: default for a in apps}
    return {a: pools.get(a, pools.get("default", {"pool_size": default})).get("pool_size", 1) for a in apps}


def pool_total(config_dir: Path = WORKSHOP) -> int:
    """How many preheated kernels the config keeps (all apps)."""
    return sum(pool_sizes(config_dir).values())


class Server:
    """``voila course/workshop`` as the Makefile's ``workshop`` target starts it, on a free port."""

    def __init__(self, config_dir: Path, store: Path, log: Path):
        self.config_dir = Path(config_dir)
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        bindir = Path(sys.executable).parent
        env = dict(os.environ, SME_TEACH_WORKSHOP_DIR=str(store), JUPYTER_PATH=str(WORKSHOP / "jupyter"),
                   MPLBACKEND="Agg", JUPYTER_PLATFORM_DIRS="1")
        self.log_path = log
        self._log = open(log, "wb")
        self.proc = subprocess.Popen(
            [str(bindir / "voila"), "course/workshop", "--no-browser", f"--port={self.port}", "--Voila.ip=127.0.0.1",
             f"--Voila.config_file_paths={config_dir}"],
            cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def kernels(self):
        """The server's kernel processes (for the workshop: the zygote's children) and the zygote, if any."""
        import psutil

        server = psutil.Process(self.proc.pid)
        zygotes, kernels = [], []
        for child in server.children():
            if "sme_teach.grading._kernels" in " ".join(child.cmdline()):
                zygotes.append(child)
                kernels += child.children()
            else:
                kernels.append(child)
        return kernels, zygotes

    def memory(self) -> dict:
        kernels, zygotes = self.kernels()
        pss = rss = 0
        for p in kernels + zygotes:
            try:
                info = p.memory_full_info()
            except Exception:  # noqa: BLE001 - a kernel that went away meanwhile
                continue
            pss += info.pss
            rss += info.rss
        return {"kernels": len(kernels), "pss_mib": pss / 2**20, "rss_mib": rss / 2**20}

    def wait_until(self, predicate, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"voila exited ({self.proc.returncode}); see {self.log_path}")
            if predicate():
                return
            time.sleep(0.5)
        raise TimeoutError(f"{what} within {timeout:.0f} s; see {self.log_path}")

    def wait_ready(self, pool: int, timeout: float = 300):
        import urllib.request

        def up():
            try:
                with urllib.request.urlopen(f"{self.base}/voila/tree", timeout=5):
                    return True
            except OSError:
                return False

        self.wait_until(up, timeout, "voila did not answer")
        self.wait_settled(pool, timeout)

    def wait_settled(self, pool: int, timeout: float = 300):
        """Until the pool is full (every app's pool built) and the kernel count is down to it."""
        apps = sum(1 for size in pool_sizes(self.config_dir).values() if size > 0)

        def settled():
            text = self.log_path.read_text(errors="replace")
            filled = len(set(re.findall(r"Kernel pool of (\S+) is filled", text)))
            return (pool == 0 or filled >= apps) and self.memory()["kernels"] == pool

        self.wait_until(settled, timeout, f"the kernels did not settle at {pool}")
        self.wait_idle(timeout=120)  # "filled" is logged when a kernel has started, before its app is built

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server and every process under it (kernels, zygote)."""
        import psutil

        total = 0.0
        server = psutil.Process(self.proc.pid)
        for p in [server, *server.children(recursive=True)]:
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except Exception:  # noqa: BLE001 - a process that went away meanwhile
                pass
        return total

    def wait_idle(self, timeout: float = 120, busy: float = 0.1):
        """Until the server and its kernels use less than ``busy`` of a core (a room waiting to start)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = self.cpu_seconds()
            time.sleep(1.0)
            if self.cpu_seconds() - before < busy:
                return

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()


async def _open_room(server: "Server", n: int):
    """``n`` phones open the app at once (:mod:`bench._phone`); their results (``None`` = no app)."""
    from . import _phone

    async def one():
        try:
            return await _phone.open_app(server.base, f"/voila/render/{APP}.ipynb", timeout=PAGE_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - timeout or a page without its app: a failed page
            return {"error": f"{type(exc).__name__}: {exc}"}

    return await asyncio.gather(*(one() for _ in range(n)))


async def _measure(server: Server, n: int, pool: int) -> dict:
    from . import _phone

    opened = await _open_room(server, n)
    await asyncio.sleep(2)  # the refilled pool kernels start building their apps: measure after
    memory = server.memory()
    ok = [o for o in opened if "error" not in o]
    await asyncio.gather(*(_phone.close_app(server.base, o) for o in ok))  # each page's unload beacon
    t_close = time.perf_counter()
    try:
        await asyncio.get_running_loop().run_in_executor(None, lambda: server.wait_settled(pool, timeout=60))
        left_after = 0
    except TimeoutError:
        left_after = server.memory()["kernels"] - pool
    times = [o["app"] for o in ok]
    html = [o["html"] for o in ok]
    errors = sorted({o["error"] for o in opened if "error" in o})
    return {"n": n, "arrived": len(ok), "errors": errors[:3],
            "html_p50": float(np.percentile(html, 50)) if html else None,
            "html_p95": float(np.percentile(html, 95)) if html else None,
            "p50": float(np.percentile(times, 50)) if times else None,
            "p95": float(np.percentile(times, 95)) if times else None, "max": max(times) if times else None,
            "models": max((o["models"] for o in ok), default=None),
            "mib_per_page": (sum(o["bytes"] for o in ok) / len(ok) / 2**20) if ok else None,
            "pss_per_participant": memory["pss_mib"] / n, "rss_per_participant": memory["rss_mib"] / n,
            "kernels_open": memory["kernels"], "kernels_left_after_close": left_after,
            "close_settle_s": time.perf_counter() - t_close}


async def _draw_one(server: Server, slowdown: float) -> float | None:
    """Seconds until one Chromium page (390 px, CPU slowed ``slowdown`` times: a phone) shows the app."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                           args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
            page = await context.new_page()
            cdp = await context.new_cdp_session(page)
            await cdp.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
            t0 = time.perf_counter()
            await page.goto(f"{server.base}/voila/render/{APP}.ipynb", wait_until="commit",
                            timeout=PAGE_TIMEOUT * 1000)
            try:
                await page.wait_for_selector(".sme-app .sme-item-cur_1 button", state="visible",
                                             timeout=PAGE_TIMEOUT * 1000)
                await page.wait_for_selector(".sme-app .sme-save button, .sme-app button.sme-save",
                                             state="visible", timeout=PAGE_TIMEOUT * 1000)
            except Exception:  # noqa: BLE001 - no app
                return None
            drawn = time.perf_counter() - t0
            await page.close(run_before_unload=True)
            await context.close()
            return drawn
        finally:
            await browser.close()


def _serve_and_measure(config_dir: Path, pool: int, label: str, tmp: Path, draw: bool = False) -> list[dict]:
    server = Server(config_dir, tmp / f"store_{label}", tmp / f"voila_{label}.log")
    try:
        t0 = time.perf_counter()
        server.wait_ready(pool)
        startup = time.perf_counter() - t0
        out = []
        for n in ROOMS:
            r = asyncio.run(_measure(server, n, pool))
            r["startup_s"] = startup
            out.append(r)
        if draw:
            out[0]["draw_s"] = asyncio.run(_draw_one(server, PHONE_SLOWDOWN))
            server.wait_settled(pool, timeout=60)
        return out
    finally:
        server.stop()
        log = (tmp / f"voila_{label}.log").read_text(errors="replace")
        iopub = log.count("Timeout waiting for IOPub output")
        for r in out if "out" in locals() else []:
            r["iopub_timeouts_in_run"] = iopub


def bench_room() -> list[dict]:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return [{"metric": "room of 30 (needs playwright)", "value": None, "unit": "", "goal": "", "passed": False,
                 "error": "pip install -e '.[dev]'"}]
    if not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()):
        return [{"metric": "room of 30 (needs chromium)", "value": None, "unit": "", "goal": "", "passed": False,
                 "error": "scripts/ensure_chromium.sh installs it"}]
    tmp = Path(tempfile.mkdtemp(prefix="sme_room_bench_"))
    try:
        workshop = _serve_and_measure(WORKSHOP, pool_total(WORKSHOP), "workshop", tmp, draw=True)
        plain = _serve_and_measure(plain_config(Path(tempfile.mkdtemp(dir=tmp))), 0, "plain", tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rows = []
    for w, p in zip(workshop, plain):
        n = w["n"]
        for q in ("p50", "p95"):
            ratio = (p[q] / w[q]) if (w[q] and p[q]) else None
            rows.append({
                "metric": f"room of {n}: readiness app arrived, {q} ({w['arrived']}/{n} pages; plain "
                          f"{p['arrived']}/{n})",
                "value": None if w[q] is None else round(w[q], 2), "unit": "s",
                "goal": f"≤ {GOAL_P95_S:g} s" if q == "p95" and n == 30 else "—",
                "compared_with": "plain Voilà: " + ("no page" if p[q] is None else f"{p[q]:.1f} s"),
                "ratio": None if ratio is None else round(ratio, 1),
                "passed": (w["arrived"] == n and w[q] is not None and w[q] <= GOAL_P95_S)
                if (q == "p95" and n == 30) else w["arrived"] == n,
            })
        rows.append({
            "metric": f"room of {n}: server's part, page HTML with the executed app received, p95",
            "value": None if w["html_p95"] is None else round(w["html_p95"], 2), "unit": "s", "goal": "—",
            "compared_with": "plain Voilà: " + ("no page" if p["html_p95"] is None else f"{p['html_p95']:.1f} s"),
            "ratio": round(p["html_p95"] / w["html_p95"], 1) if (w["html_p95"] and p["html_p95"]) else None,
            "passed": None,
        })
        rows.append({
            "metric": f"room of {n}: kernel memory per participant, PSS (RSS {w['rss_per_participant']:.0f} MiB; "
                      f"{w['kernels_open']} kernels incl. pool)",
            "value": round(w["pss_per_participant"], 1), "unit": "MiB", "goal": "—",
            "compared_with": f"plain Voilà: {p['pss_per_participant']:.0f} MiB PSS, "
                             f"{p['rss_per_participant']:.0f} MiB RSS",
            "ratio": round(p["pss_per_participant"] / w["pss_per_participant"], 1) if w["pss_per_participant"] else None,
            "passed": None,
        })
        rows.append({
            "metric": f"room of {n}: kernels left after the {n} pages closed",
            "value": w["kernels_left_after_close"], "unit": "kernels", "goal": "0",
            "compared_with": f"plain Voilà: {p['kernels_left_after_close']}", "ratio": None,
            "passed": w["kernels_left_after_close"] == 0,
        })
    w0 = workshop[0]
    rows.append({"metric": f"one phone drawing the readiness app (Chromium, 390 px, CPU slowed {PHONE_SLOWDOWN:g}×), "
                           "page opened until its questions show", "value": None if w0.get("draw_s") is None
                 else round(w0["draw_s"], 2), "unit": "s", "goal": "—",
                 "compared_with": "the phone's own work: the server's part is the rows above", "ratio": None,
                 "passed": None if w0.get("draw_s") is not None else False})
    per_kernel = [r["pss_per_participant"] * r["n"] / r["kernels_open"] for r in workshop if r["kernels_open"]]
    if per_kernel:
        rows.append({"metric": f"room: memory per kernel, PSS ({workshop[-1]['kernels_open']} kernels: the open pages "
                               "and the waiting copies; zygote shared)", "value": round(max(per_kernel), 1),
                     "unit": "MiB", "goal": "—", "compared_with": "plain Voilà: " + ", ".join(
                         f"{r['pss_per_participant'] * r['n'] / max(r['kernels_open'], 1):.0f} MiB" for r in plain),
                     "ratio": None, "passed": None})
    rows.append({"metric": "room: server start until every app's pool is ready", "value": round(workshop[0]["startup_s"], 1),
                 "unit": "s", "goal": "—", "compared_with": f"plain Voilà: {plain[0]['startup_s']:.1f} s",
                 "ratio": None, "passed": None})
    rows.append({"metric": "room: 'Timeout waiting for IOPub output' in the log", "value": workshop[0].get(
        "iopub_timeouts_in_run"), "unit": "", "goal": "0", "compared_with": f"plain Voilà: {plain[0].get('iopub_timeouts_in_run')}",
        "ratio": None, "passed": workshop[0].get("iopub_timeouts_in_run") == 0})
    for label, rs in (("workshop", workshop), ("plain", plain)):
        for r in rs:
            rows.append({"metric": f"  detail {label} N={r['n']}", "value": None, "unit": "", "goal": "",
                         "compared_with": "", "ratio": None, "passed": None,
                         "detail": {k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items()}})
    return rows


if __name__ == "__main__":  # python -m bench.room_bench: this benchmark alone, rows as JSON
    print(json.dumps(bench_room(), indent=1, default=str))
