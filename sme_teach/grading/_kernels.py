"""Fresh kernels in milliseconds: a per-worker "zygote" that forks pre-imported IPython kernels.

Starting a Python kernel costs 1.5–2.5 s of CPU, almost all of it imports (``ipykernel``, ``numpy``,
``pandas``, ``sme_teach``). Grading pays that for every submission because every submission must run
in a fresh interpreter. A *zygote* pays it once per grading worker:

1. the worker starts ``python -m sme_teach.grading._kernels FD IMPORTS`` with the kernelspec's own
   interpreter and flags, the kernels' environment and working directory, in a new session, with a
   private socket (``FD``) to talk over;
2. the zygote imports ``ipykernel`` and the warm modules (an entry ``module:function`` is imported and
   then called, e.g. the workshop's ``sme_teach.room._kernels:warm_up``) — and nothing else: it creates no ZMQ
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

from ._errors import GradingError

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


class ZygoteError(GradingError):
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

    def __init__(self, prefix, env: dict, cwd, imports=(), sandbox=None):
        self.prefix = list(prefix)
        self.sandbox = sandbox  # a _sandbox.Sandbox: the zygote and its kernels run inside it
        self.broken = None  # the reason, once the zygote cannot be used
        self.pid = None
        self._lock = None
        self._ready = False
        self._fds = []  # pidfds received with the replies (SCM_RIGHTS)
        ours, theirs = socket.socketpair()
        self._sock = ours
        argv = self.prefix + ["-m", __name__, str(theirs.fileno()), json.dumps(list(imports))]
        if sandbox is not None:
            from ._sandbox import ZYGOTE_CAPS

            argv = sandbox.command(argv + [json.dumps(sandbox.confinement())], caps=ZYGOTE_CAPS)
            env = {"PATH": "/usr/bin:/bin"}
            cwd = sandbox.workdir
        try:
            self._proc = subprocess.Popen(
                argv, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                stderr=None if os.environ.get("SME_TEACH_GRADING_DEBUG") else subprocess.DEVNULL,
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

    async def _recv(self):
        """One ``recvmsg`` (bytes and any file descriptors passed with them), waiting until readable."""
        loop = asyncio.get_running_loop()
        while True:
            try:
                return socket.recv_fds(self._sock, 65536, 4)[:2]
            except BlockingIOError:
                pass
            ready = loop.create_future()
            fd = self._sock.fileno()
            loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
            try:
                await ready
            finally:
                loop.remove_reader(fd)

    async def _line(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ZygoteError(f"the zygote did not answer within {timeout:.0f} s")
            data, fds = await asyncio.wait_for(self._recv(), left)
            self._fds.extend(fds)
            if not data:
                raise ZygoteError(f"the zygote exited (code {self._proc.poll()})")
            self._buf += data
        line, self._buf = self._buf.split(b"\n", 1)
        return json.loads(line)

    async def _request(self, request: dict, timeout: float) -> dict:
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
                await loop.sock_sendall(self._sock, json.dumps(request).encode() + b"\n")
                reply = await self._line(timeout)
                if reply.get("pidfd"):
                    reply["pidfd"] = self._fds.pop(0) if self._fds else None
                return reply
            except asyncio.CancelledError:  # the reply may still come: the stream is out of step now
                self.broken = "a request to the zygote was cancelled"
                self.close(timeout=0.5)
                raise
            except (OSError, ValueError, ZygoteError, asyncio.TimeoutError) as exc:
                self.broken = str(exc) or type(exc).__name__
                self.close()
                raise ZygoteError(self.broken) from exc

    async def reset(self, timeout: float = 20) -> int:
        """Kill every process left in the sandbox and empty its /tmp; how many processes were left."""
        if self.sandbox is None:
            return 0
        reply = await self._request({"op": "reset"}, timeout)
        if not reply.get("ok"):
            raise ZygoteError(reply.get("error", "the zygote could not reset the sandbox"))
        return int(reply.get("left", 0))

    async def fork(self, args, cwd, env: dict):
        """Fork a kernel running ``ipykernel_launcher *args`` in ``cwd`` with ``env``: ``(pid, pidfd)``.

        In a sandbox the pid is the kernel's number in the sandbox's PID namespace; the pidfd (passed
        over the socket) is what signals and watches it from outside.
        """
        reply = await self._request({"op": "fork", "args": list(args), "cwd": str(cwd), "env": dict(env)}, 30)
        if "pid" not in reply:
            raise ZygoteError(reply.get("error", "the zygote did not fork"))
        return int(reply["pid"]), reply.get("pidfd")

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


def _readable(fd: int) -> bool:
    """Whether ``fd`` is readable now (a pidfd is once its process has exited).

    ``poll``, not ``select``: ``select`` refuses descriptors numbered 1024 or more ("filedescriptor out
    of range in select()"), and a server holding thirty kernels' sockets and pages passes that number —
    the kernel then looked dead before it replied to ``kernel_info``.
    """
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


class ForkedKernel:
    """The part of :class:`subprocess.Popen` that :class:`LocalProvisioner` uses, for a forked kernel.

    The kernel is the zygote's child, not ours: liveness comes from a pidfd (or ``kill(pid, 0)``;
    the zygote reaps its children at once) and the exit status is not known (``-signal`` if we
    signalled it to death, else 0).
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int, pidfd: int | None = None):
        self.pid = pid
        self.returncode = None
        self._last_signal = None
        self._pidfd = pidfd
        if pidfd is None:
            try:
                self._pidfd = os.pidfd_open(pid)
            except (AttributeError, OSError):
                self._pidfd = None

    def _alive(self) -> bool:
        if self._pidfd is not None:
            return not _readable(self._pidfd)
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
        sandbox = None
        forked = False

        async def launch_kernel(self, cmd, **kwargs):
            zygote, sandbox = self.zygote, self.sandbox
            if sandbox is not None:  # the kernel (not root) must read its connection file
                sandbox.own_file(self.parent.connection_file)
            if zygote is not None and zygote.accepts(cmd):
                cwd = kwargs.get("cwd") or os.getcwd()
                try:
                    pid, pidfd = await zygote.fork(_split_argv(cmd)[1], cwd, kwargs.get("env") or os.environ)
                except ZygoteError as exc:
                    self.log.warning("zygote unavailable (%s); starting the kernel normally", exc)
                else:
                    self.process = ForkedKernel(pid, pidfd)
                    self.pid = pid
                    # the child calls setsid(): its own process group — but in a sandbox the pid is
                    # not ours to name, so every signal goes through the pidfd
                    self.pgid = None if zygote.sandbox is not None else pid
                    self.cwd = cwd
                    self.forked = True
                    return self.connection_info
            self.forked = False
            if sandbox is not None:  # a kernel of its own sandbox: limits and uid by prlimit/setpriv
                cmd = sandbox.spawn_command(cmd)
                kwargs["start_new_session"] = True
            info = await super().launch_kernel(cmd, **kwargs)
            if sandbox is not None:
                self.pgid = None  # bwrap does not forward signals: interrupts go by message
            return info

    return ZygoteProvisioner


_PROVISIONER = None


def kernel_manager(kernel_name: str, config=None, zygote: Zygote | None = None, sandbox=None, run_dir=None):
    """An ``AsyncKernelManager`` for ``kernel_name`` that forks from ``zygote`` when it can.

    With ``run_dir`` the kernel speaks ZMQ over the IPC transport through socket files there (no TCP
    port, no "running over TCP without encryption"); with ``sandbox`` (a ``_sandbox.Sandbox``) a kernel
    that is not forked from a sandboxed zygote gets a sandbox of its own.
    """
    global _PROVISIONER
    import uuid

    from jupyter_client.manager import AsyncKernelManager

    kw = {}
    if run_dir is not None:
        kid = uuid.uuid4().hex[:12]
        kw = {"transport": "ipc", "ip": os.path.join(str(run_dir), f"k{kid}"),
              "connection_file": os.path.join(str(run_dir), f"kernel-{kid}.json")}
    if zygote is None and sandbox is None:
        return AsyncKernelManager(kernel_name=kernel_name, config=config, **kw)
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
                self.provisioner.sandbox = sandbox
            return await super()._async_pre_start_kernel(**kw)

    km = ZygoteKernelManager(kernel_name=kernel_name, config=config, **kw)
    if sandbox is not None:
        km.kernel_spec.interrupt_mode = "message"  # a signal to bwrap would not reach the kernel
    return km


def start_zygote(kernel_name: str, env: dict, cwd, imports=(), sandbox=None) -> Zygote | None:
    """Start a zygote for ``kernel_name``'s kernelspec, or ``None`` if its argv is not ipykernel's."""
    from jupyter_client.kernelspec import KernelSpecManager

    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    except Exception:
        return None
    parts = _split_argv(spec.argv)
    if parts is None or parts[1] != ["-f", "{connection_file}"] or spec.language.lower() != "python":
        return None
    return Zygote(parts[0], env, cwd, imports, sandbox=sandbox)


# ================================================================== zygote side

def _confine(confinement: dict) -> None:
    """In a sandboxed kernel, before any student code: limits, no new privileges, the kernel's uid."""
    import ctypes
    import resource

    for name, value in confinement.get("rlimits", {}).items():
        resource.setrlimit(getattr(resource, name), (int(value), int(value)))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS: no setuid binary gives privileges back
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    if not confinement.get("switch_uid", True):  # a lecturer's own uid in a user namespace: no caps to drop
        return
    uid, gid = int(confinement["uid"]), int(confinement["gid"])
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)  # drops every capability; the process is no longer dumpable


def _reset(confinement: dict) -> dict:
    """Kill every other process of the sandbox (not PID 1, bwrap's reaper) and empty its /tmp.

    ``left`` is how many processes were still there before the kill (what the notebook left behind)."""
    me = os.getpid()

    def others():
        return [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, me)]

    found = others()
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and others():
        time.sleep(0.005)
    import shutil

    keep = confinement.get("keep", [])
    for folder in confinement.get("clean", []):
        try:
            entries = os.listdir(folder)
        except OSError:
            continue
        for name in entries:
            path = os.path.join(folder, name)
            if any(path == k or k.startswith(path + os.sep) for k in keep):
                continue
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                try:
                    os.unlink(path)
                except OSError:
                    pass
    return {"ok": True, "left": len(found)}


def _serve(sock: socket.socket, confinement=None):
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
            if request.get("op") == "reset" and confinement is not None:
                for fd in children.values():
                    if fd is not None:
                        os.close(fd)
                children.clear()
                sock.sendall(json.dumps(_reset(confinement)).encode() + b"\n")
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
                if fd is not None and _readable(fd):
                    os.close(fd)
                    del children[old]
            try:
                children[pid] = os.pidfd_open(pid)
            except (AttributeError, OSError):
                children[pid] = None
            line = json.dumps({"pid": pid, "pidfd": children[pid] is not None}).encode() + b"\n"
            if children[pid] is not None:
                socket.send_fds(sock, [line], [children[pid]])
            else:
                sock.sendall(line)


def _become_kernel(request: dict, confinement=None) -> None:
    """In the forked child: become ``python -m ipykernel_launcher *args`` in the requested state."""
    os.setsid()  # as Popen(start_new_session=True): interrupts go to this process group
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    if confinement is not None:
        _confine(confinement)
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

    # as kernelapp.launch_new_instance(), with one step between making the kernel and serving it
    app = kernelapp.IPKernelApp.instance()
    app.initialize()
    _redo_import_hooks()
    app.start()


def _redo_import_hooks() -> None:
    """What warm modules do at import *when a kernel exists*, done now that one does.

    The zygote imported them before any kernel: ``ipywidgets`` registers its comm targets
    (``jupyter.widget``, ``jupyter.widget.control``) at import only if ``get_ipython()`` is set, so a
    forked kernel had none. A page's widget manager then could not ask for every widget's state in
    one message ("No such comm target registered: jupyter.widget.control") and fell back to asking
    for each widget's state in turn.
    """
    widgets = sys.modules.get("ipywidgets")
    if widgets is not None and hasattr(widgets, "register_comm_target"):
        widgets.register_comm_target()


def _main(argv) -> None:
    sock = socket.socket(fileno=int(argv[1]))
    imports = json.loads(argv[2]) if len(argv) > 2 else []
    confinement = json.loads(argv[3]) if len(argv) > 3 else None
    if confinement is not None and not confinement.get("switch_uid", True):
        # kernels share our uid: without this a student's kernel could ptrace us or write /proc/<pid>/mem
        # and so reach the kernels forked later for other students
        import ctypes

        if ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0) != 0:  # PR_SET_DUMPABLE, 0
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 0)")
    # as ipykernel_launcher: the launch directory is not on sys.path (the kernel adds '' itself)
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    os.environ["JPY_PARENT_PID"] = str(os.getpid())  # read by IPKernelApp at import time
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the worker stops us by closing the socket
    import importlib

    failed = []
    for name in (*KERNEL_IMPORTS, *imports):
        try:
            module, _, call = name.partition(":")  # "package.module:function" is imported, then called
            module = importlib.import_module(module)
            if call:
                getattr(module, call)()
        except Exception as exc:  # a module a kernel cannot import either: the notebook will say so
            failed.append(f"{name}: {type(exc).__name__}")
    import gc

    gc.collect()
    gc.freeze()  # the children's collector never walks (so never copies) the pages of what we imported
    signal.signal(signal.SIGINT, signal.default_int_handler)  # what the children inherit
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel, never zombies
    sock.sendall(json.dumps({"ready": True, "pid": os.getpid(), "threads": threading.active_count(),
                             "failed": failed}).encode() + b"\n")
    request = _serve(sock, confinement)
    _become_kernel(request, confinement)


if __name__ == "__main__":
    _main(sys.argv)
