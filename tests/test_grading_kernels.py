"""The kernel zygote of the grading engine: fresh state per kernel, interrupt, death, fallback."""

from __future__ import annotations

import asyncio
import os

import pytest

from sme_teach.grading import _kernels

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the zygote needs os.fork")


def _in_own_loop(main) -> None:
    """``asyncio.run(main())`` in a thread of its own: a Playwright test that ran earlier in this pytest
    worker leaves an event loop running in the main thread, where asyncio.run() refuses to start."""
    import threading

    failure = []

    def target():
        try:
            asyncio.run(main())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


async def _run(kc, code, timeout=60):
    msg_id = kc.execute(code)
    out = []
    while True:
        msg = await kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    while True:
        reply = await kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"], "".join(out)


async def _start(zygote, cwd, env):
    km = _kernels.kernel_manager("python3", None, zygote)
    await km.start_kernel(cwd=str(cwd), env=env, extra_arguments=["--HistoryManager.hist_file=:memory:"])
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=120)
    return km, kc


def test_forked_kernels_are_fresh_interruptible_and_watched(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "JUPYTERHUB_USER"}
    env["SME_KERNEL_TEST"] = "one"
    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    a_dir.mkdir()
    b_dir.mkdir()

    async def main():
        zygote = _kernels.start_zygote("python3", env, tmp_path, ["numpy", "pandas", "sme_teach"])
        assert zygote is not None
        try:
            km, kc = await _start(zygote, a_dir, env)
            assert km.provisioner.forked, "the kernel should come from the zygote"
            reply, out = await _run(kc, "import os, sys, numpy as np\nleak = 42\nnp.random.seed(1)\n"
                                        "print(os.getcwd(), os.environ['SME_KERNEL_TEST'], os.getpgid(0) == os.getpid(),"
                                        " 'pandas' in sys.modules)")
            assert reply["status"] == "ok" and out.split() == [str(a_dir), "one", "True", "True"]
            # interrupt: SIGINT to the kernel's process group, as for a spawned kernel
            loop = asyncio.get_running_loop()
            loop.call_later(1.0, lambda: asyncio.ensure_future(km.interrupt_kernel()))
            reply, _ = await _run(kc, "import time\ntime.sleep(60)")
            assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
            # the second kernel sees nothing of the first: new state, its own cwd and environment
            env2 = {**env, "SME_KERNEL_TEST": "two"}
            km2, kc2 = await _start(zygote, b_dir, env2)
            reply, out = await _run(kc2, "import os\nprint(os.getcwd(), os.environ['SME_KERNEL_TEST'], "
                                         "'leak' in globals(), os.getpid() != %d)" % km.provisioner.pid)
            assert out.split() == [str(b_dir), "two", "False", "True"]
            # a dying kernel is noticed (nbclient's DeadKernelError relies on is_alive)
            kc.execute("import os; os._exit(3)")
            for _ in range(100):
                if not await km.is_alive():
                    break
                await asyncio.sleep(0.05)
            assert not await km.is_alive()
            for k, c in ((km, kc), (km2, kc2)):
                c.stop_channels()
                await k.shutdown_kernel(now=True)
            assert not await km2.is_alive()
        finally:
            zygote.close()
        assert zygote._proc.returncode is not None

    _in_own_loop(main)


def test_a_forked_kernel_has_the_comm_targets_its_warm_imports_register_in_a_kernel(tmp_path):
    """ipywidgets, imported in the zygote before any kernel existed, registers its comm targets only when
    imported inside one: without them a Voilà page cannot ask for the app's widgets in one message."""
    env = {k: v for k, v in os.environ.items() if k != "JUPYTERHUB_USER"}

    async def main():
        zygote = _kernels.start_zygote("python3", env, tmp_path, ["ipywidgets"])
        try:
            km, kc = await _start(zygote, tmp_path, env)
            assert km.provisioner.forked
            reply, out = await _run(kc, "import sys\nprint('ipywidgets' in sys.modules, "
                                        "sorted(get_ipython().kernel.comm_manager.targets))")
            assert reply["status"] == "ok"
            preloaded, targets = out.split(" ", 1)
            assert preloaded == "True"  # imported in the zygote, not by this cell
            assert "'jupyter.widget'" in targets and "'jupyter.widget.control'" in targets, targets
            kc.stop_channels()
            await km.shutdown_kernel(now=True)
        finally:
            zygote.close()

    _in_own_loop(main)


def test_a_forked_kernel_is_watched_through_a_descriptor_numbered_past_1024(tmp_path):
    """A server with thirty kernels holds more than 1024 descriptors; select() refuses those numbers,
    so the pidfd must be watched another way (it raised ValueError and the kernel seemed to die)."""
    import resource
    import subprocess
    import sys

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip(f"this machine allows only {hard} open files")
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    try:
        fd = os.pidfd_open(child.pid)
        high = os.dup2(fd, 1100)
        os.close(fd)
        kernel = _kernels.ForkedKernel(child.pid, high)
        assert kernel.poll() is None  # alive: no ValueError from select()
        child.kill()
        child.wait()
        assert kernel.poll() is not None
    finally:
        if child.poll() is None:
            child.kill()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_fallback_spawns_normally(monkeypatch):
    monkeypatch.setenv(_kernels.ENV_FLAG, "0")
    assert not _kernels.enabled() and _kernels.enabled(True)
    monkeypatch.delenv(_kernels.ENV_FLAG)
    assert _kernels.enabled() and not _kernels.enabled(False)
    assert _kernels._split_argv(["python", "-m", "other_kernel", "-f", "x"]) is None
    assert _kernels._split_argv(["py", "-X", "y", "-m", "ipykernel_launcher", "-f", "c"]) == (
        ["py", "-X", "y"], ["-f", "c"])

    async def main():
        zygote = _kernels.Zygote(["/nonexistent/python"], dict(os.environ), "/")
        assert zygote.broken and not zygote.accepts(["/nonexistent/python", "-m", "ipykernel_launcher"])
        km = _kernels.kernel_manager("python3", None, zygote)  # falls back to Popen
        await km.start_kernel(stderr=-3)
        try:
            assert not km.provisioner.forked and await km.is_alive()
        finally:
            await km.shutdown_kernel(now=True)

    _in_own_loop(main)
