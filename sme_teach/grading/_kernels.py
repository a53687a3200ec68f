"""Fresh kernels in milliseconds: a per-worker "zygote" that forks pre-imported IPython kernels.

Starting a Python kernel costs 1.5–2.5 s of CPU, almost all of it imports (``ipykernel``, ``numpy``,
``pandas``, ``sme_teach``). Grading pays that for every submission because every submission must run
in a fresh interpreter. A *zygote* pays it once per grading worker:

1. the worker starts ``python -m sme_teach.grading._kernels FD IMPORTS`` with the kernelspec's own
   interpreter and flags, the kernels' environment and working directory, in a new session, with a
   private socket (``FD``) to talk over;
2. the zygote imports ``ipykernel`` and the warm modules — and nothing else: it creates no ZMQ
   context, no event loop, no IPython shell and no thread (if an import started a thread the zygote
   refuses to fork and every kernel is spawned normally) — then says ``ready``;
3. for each kernel jupyter_client writes the connection file as usual and :class:`ZygoteProvisioner`
   asks the zygote to fork. The child starts a new session (so an interrupt is ``SIGINT`` to its
   process group, exactly as for a spawned kernel), takes the requested environment and working
   directory, reseeds numpy's legacy global generator (Python's ``random`` reseeds itself at fork),
   sets ``sys.argv`` as ``ipykernel_launcher`` would and runs ``IPKernelApp`` — which creates its ZMQ
   context and sockets, shell and threads in the child, after the fork;
4. the worker watches the child through a pidfd (``poll``), signals it directly (``interrupt``,
   ``kill``) and shuts it down with jupyter_client's usual protocol. The zygote ignores ``SIGCHLD``
   so its children never linger as zombies, and kills them all if the worker goes away.

Isolation: the zygote never runs student code, so each submission still starts from the state of a
freshly started kernel with those modules imported (the same state the old pre-warmed spare kernels
had). What children share with each other is only what the zygote had before any of them existed.

Fallback: :func:`enabled` is false when ``SME_TEACH_GRADING_ZYGOTE=0``; a kernelspec that is not
``python … -m ipykernel_launcher -f {connection_file}``, a zygote that failed to start or died, and a
failed fork request all fall back to jupyter_client's normal ``Popen`` launch of the kernelspec.

The readable path is :class:`jupyter_client.manager.AsyncKernelManager` itself, used unchanged when
no zygote is given.
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

__all__ = ["ENV_FLAG", "Zygote", "ZygoteError", "enabled", "kernel_manager", "start_zygote"]

#: set to ``0`` to spawn every kernel normally (``python -m ipykernel_launcher``)
ENV_FLAG = "SME_TEACH_GRADING_ZYGOTE"
#: modules the zygote always imports: the kernel machinery itself
#: (everything ``IPKernelApp.initialize`` imports; ``ipykernel.debugger`` pulls in debugpy, the biggest)
KERNEL_IMPORTS = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.iostream",
                  "ipykernel.comm", "ipykernel.debugger", "IPython.core.interactiveshell",
                  "IPython.core.completer", "IPython.core.completerlib", "IPython.core.oinspect",
                  "IPython.extensions.storemagic", "IPython.core.debugger", "pdb", "cProfile", "pstats",
                  "jupyter_client.session", "psutil", "sqlite3",
                  "tornado.platform.asyncio", "tornado.queues", "tornado.locks", "matplotlib")
READY_TIMEOUT = 180.0


class ZygoteError(RuntimeError):
    """The zygote could not start or could not fork a kernel."""


def enabled(flag=None) -> bool:
    """``flag`` if given, else the environment variable :data:`ENV_FLAG` (default on)."""
    if flag is not None:
        return bool(flag)
    return os.environ.get(ENV_FLAG, "1").strip().lower() not in ("0", "false", "no", "off")


def _split_argv(argv):
    """``(interpreter + flags, arguments after -m ipykernel_launcher)`` or ``None`` if not that shape."""
    argv = list(argv)
    for i in range(1, len(argv) - 1):
        if argv[i] == "-m":
            if argv[i + 1] != "ipykernel_launcher":
                return None
            return argv[:i], argv[i + 2:]
    return None


# ================================================================== worker side

class Zygote:
    """Client of one zygote process (one per grading worker); use from one asyncio event loop."""

    def __init__(self, prefix, env: dict, cwd, imports=()):
        self.prefix = list(prefix)
        self.broken = None  # the reason, once the zygote cannot be used
        self.pid = None
        self._lock = None
        self._ready = False
        ours, theirs = socket.socketpair()
        self._sock = ours
        try:
            self._proc = subprocess.Popen(
                self.prefix + ["-m", __name__, str(theirs.fileno()), json.dumps(list(imports))],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                cwd=str(cwd), env=dict(env), start_new_session=True)
        except OSError as exc:
            self.broken = f"could not start the zygote: {exc}"
            self._proc = None
            ours.close()
        finally:
            theirs.close()
        if self._proc is not None:
            self.pid = self._proc.pid
            ours.setblocking(False)
        self._buf = b""

    def accepts(self, cmd) -> bool:
        parts = _split_argv(cmd)
        return self.broken is None and parts is not None and parts[0] == self.prefix

    async def _line(self, timeout: float) -> dict:
        loop = asyncio.get_running_loop()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ZygoteError(f"the zygote did not answer within {timeout:.0f} s")
            data = await asyncio.wait_for(loop.sock_recv(self._sock, 65536), left)
            if not data:
                raise ZygoteError(f"the zygote exited (code {self._proc.poll()})")
            self._buf += data
        line, self._buf = self._buf.split(b"\n", 1)
        return json.loads(line)

    async def fork(self, args, cwd, env: dict) -> int:
        """Fork a kernel running ``ipykernel_launcher *args`` in ``cwd`` with ``env``; return its pid."""
        if self.broken:
            raise ZygoteError(self.broken)
        if self._lock is None:
            self._lock = asyncio.Lock()
        loop = asyncio.get_running_loop()
        async with self._lock:
            try:
                if not self._ready:
                    hello = await self._line(READY_TIMEOUT)
                    if hello.get("threads", 1) != 1:
                        raise ZygoteError(f"an import started threads in the zygote: {hello['threads']}")
                    self._ready = True
                request = {"op": "fork", "args": list(args), "cwd": str(cwd), "env": dict(env)}
                await loop.sock_sendall(self._sock, json.dumps(request).encode() + b"\n")
                reply = await self._line(30)
            except asyncio.CancelledError:  # the reply may still come: the stream is out of step now
                self.broken = "a fork request was cancelled"
                self.close(timeout=0.5)
                raise
            except (OSError, ValueError, ZygoteError, asyncio.TimeoutError) as exc:
                self.broken = str(exc) or type(exc).__name__
                self.close()
                raise ZygoteError(self.broken) from exc
        if "pid" not in reply:
            raise ZygoteError(reply.get("error", "the zygote did not fork"))
        return int(reply["pid"])

    def close(self, timeout: float = 5.0) -> None:
        """Stop the zygote (it kills the kernels it forked that are still running)."""
        try:
            self._sock.close()
        except OSError:
            pass
        if self._proc is not None:
            try:
                self._proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()

    def kill(self) -> None:
        """Kill the zygote at once (used when the worker itself is about to die)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()


class ForkedKernel:
    """The part of :class:`subprocess.Popen` that :class:`LocalProvisioner` uses, for a forked kernel.

    The kernel is the zygote's child, not ours: liveness comes from a pidfd (or ``kill(pid, 0)``;
    the zygote reaps its children at once) and the exit status is not known (``-signal`` if we
    signalled it to death, else 0).
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode = None
        self._last_signal = None
        try:
            self._pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self._pidfd = None

    def _alive(self) -> bool:
        if self._pidfd is not None:
            return not select.select([self._pidfd], [], [], 0)[0]
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def poll(self):
        if self.returncode is None and not self._alive():
            self.returncode = -self._last_signal if self._last_signal in (signal.SIGKILL, signal.SIGTERM) else 0
            if self._pidfd is not None:
                os.close(self._pidfd)
                self._pidfd = None
        return self.returncode

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel pid {self.pid}", timeout)
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        """As ``Popen.send_signal``: nothing happens once the process has exited."""
        if self.poll() is not None:
            return
        self._last_signal = signum
        try:
            fd = self._pidfd
            if fd is not None and hasattr(signal, "pidfd_send_signal"):
                signal.pidfd_send_signal(fd, signum)
            else:
                os.kill(self.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _provisioner_class():
    from jupyter_client.provisioning import LocalProvisioner

    class ZygoteProvisioner(LocalProvisioner):
        """:class:`LocalProvisioner` whose launch asks the zygote to fork (else spawns as usual)."""

        zygote = None
        forked = False

        async def launch_kernel(self, cmd, **kwargs):
            zygote = self.zygote
            if zygote is not None and zygote.accepts(cmd):
                cwd = kwargs.get("cwd") or os.getcwd()
                try:
                    pid = await zygote.fork(_split_argv(cmd)[1], cwd, kwargs.get("env") or os.environ)
                except ZygoteError as exc:
                    self.log.warning("zygote unavailable (%s); starting the kernel normally", exc)
                else:
                    self.process = ForkedKernel(pid)
                    self.pid = self.pgid = pid  # the child calls setsid(): its own process group
                    self.cwd = cwd
                    self.forked = True
                    return self.connection_info
            self.forked = False
            return await super().launch_kernel(cmd, **kwargs)

    return ZygoteProvisioner


_PROVISIONER = None


def kernel_manager(kernel_name: str, config=None, zygote: Zygote | None = None):
    """An ``AsyncKernelManager`` for ``kernel_name`` that forks from ``zygote`` when it can."""
    global _PROVISIONER
    import uuid

    from jupyter_client.manager import AsyncKernelManager

    if zygote is None:
        return AsyncKernelManager(kernel_name=kernel_name, config=config)
    if _PROVISIONER is None:
        _PROVISIONER = _provisioner_class()
    provisioner_class = _PROVISIONER

    class ZygoteKernelManager(AsyncKernelManager):
        async def _async_pre_start_kernel(self, **kw):
            if self.provisioner is None:
                self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
                self.provisioner = provisioner_class(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                                     parent=self)
                self.provisioner.zygote = zygote
            return await super()._async_pre_start_kernel(**kw)

    return ZygoteKernelManager(kernel_name=kernel_name, config=config)


def start_zygote(kernel_name: str, env: dict, cwd, imports=()) -> Zygote | None:
    """Start a zygote for ``kernel_name``'s kernelspec, or ``None`` if its argv is not ipykernel's."""
    from jupyter_client.kernelspec import KernelSpecManager

    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    except Exception:
        return None
    parts = _split_argv(spec.argv)
    if parts is None or parts[1] != ["-f", "{connection_file}"] or spec.language.lower() != "python":
        return None
    return Zygote(parts[0], env, cwd, imports)


# ================================================================== zygote side

def _serve(sock: socket.socket):
    """Answer fork requests until the worker closes the socket; returns only in a forked child."""
    children = {}  # pid -> pidfd (or None)
    buf = b""
    while True:
        try:
            data = sock.recv(65536)
        except InterruptedError:
            continue
        except OSError:
            data = b""
        if not data:  # the worker is gone: take our kernels with us
            for pid, fd in children.items():
                try:
                    if fd is not None:
                        signal.pidfd_send_signal(fd, signal.SIGKILL)
                    else:
                        os.killpg(pid, signal.SIGKILL)
                except OSError:
                    pass
            os._exit(0)
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            try:
                request = json.loads(line)
            except ValueError:
                sock.sendall(b'{"error": "bad request"}\n')
                continue
            if request.get("op") != "fork":
                sock.sendall(b'{"error": "unknown op"}\n')
                continue
            if threading.active_count() != 1:
                sock.sendall(json.dumps({"error": "threads in the zygote"}).encode() + b"\n")
                continue
            pid = os.fork()
            if pid == 0:
                sock.close()
                for fd in children.values():
                    if fd is not None:
                        os.close(fd)
                return request
            for old, fd in list(children.items()):  # forget kernels that have exited
                if fd is not None and select.select([fd], [], [], 0)[0]:
                    os.close(fd)
                    del children[old]
            try:
                children[pid] = os.pidfd_open(pid)
            except (AttributeError, OSError):
                children[pid] = None
            sock.sendall(json.dumps({"pid": pid}).encode() + b"\n")


def _become_kernel(request: dict) -> None:
    """In the forked child: become ``python -m ipykernel_launcher *args`` in the requested state."""
    os.setsid()  # as Popen(start_new_session=True): interrupts go to this process group
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    env = dict(request["env"])
    env["JPY_PARENT_PID"] = str(os.getppid())  # ipykernel's parent poller watches the zygote
    os.environ.clear()
    os.environ.update(env)
    os.chdir(request["cwd"])
    if "numpy.random" in sys.modules:  # a fresh process seeds numpy's global generator from entropy
        sys.modules["numpy.random"].seed()
    import ipykernel_launcher

    sys.argv = [ipykernel_launcher.__file__] + list(request["args"])
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


def _main(argv) -> None:
    sock = socket.socket(fileno=int(argv[1]))
    imports = json.loads(argv[2]) if len(argv) > 2 else []
    # as ipykernel_launcher: the launch directory is not on sys.path (the kernel adds '' itself)
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    os.environ["JPY_PARENT_PID"] = str(os.getpid())  # read by IPKernelApp at import time
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the worker stops us by closing the socket
    import importlib

    failed = []
    for name in (*KERNEL_IMPORTS, *imports):
        try:
            importlib.import_module(name)
        except Exception as exc:  # a module a kernel cannot import either: the notebook will say so
            failed.append(f"{name}: {type(exc).__name__}")
    signal.signal(signal.SIGINT, signal.default_int_handler)  # what the children inherit
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel, never zombies
    sock.sendall(json.dumps({"ready": True, "pid": os.getpid(), "threads": threading.active_count(),
                             "failed": failed}).encode() + b"\n")
    request = _serve(sock)
    _become_kernel(request)


if __name__ == "__main__":
    _main(sys.argv)
