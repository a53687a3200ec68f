"""Voilà's kernels for the workshop, forked from one warm zygote per server.

Why: 30 owners opening an app at once on a 2-core laptop used to start 30 Python kernels, each
paying 2-5 s of CPU for its imports (``pandas``, ``matplotlib``, ``ipywidgets``, ``sme_teach``)
and holding ~140 MiB: pages came after ~73 s and 9 of 30 without their app ("Timeout waiting
for IOPub output"). Here the imports (and a first build of each app, which loads the data files,
fonts and chart machinery) happen once, in the zygote; a kernel is a ``fork`` of it that runs
``IPKernelApp`` (see :mod:`sme_teach.grading._kernels` for the protocol, isolation and fallbacks),
and Voilà's preheated pool builds the app in it before anyone asks.

Configure it in Voilà's config (``course/workshop/voila.json``)::

    "MappingKernelManager": {"kernel_manager_class": "sme_teach.room.WorkshopKernelManager"}

Forking is on by default; ``SME_TEACH_ROOM_ZYGOTE=0`` spawns every kernel normally
(``python -m ipykernel_launcher``). Two faults once made forked kernels of the served config fail
(a page came without its app): ipywidgets, imported in the zygote before any kernel existed, had
registered no comm targets (fixed in :func:`sme_teach.grading._kernels._redo_import_hooks`), and
the kernels' TCP ports raced the server's own connections ("Address already in use": the kernel
died before ``kernel_info``) — the room's kernels speak ZMQ over IPC socket files instead.
"""

from __future__ import annotations

import inspect
import os
import uuid

from jupyter_server.services.kernels.kernelmanager import ServerKernelManager
from traitlets import default

from ..grading import _kernels as _zy

__all__ = ["WARM_IMPORTS", "WorkshopKernelManager", "warm_up", "zygote_pid"]

#: what the zygote imports (after the kernel machinery) and runs before it forks the first kernel
WARM_IMPORTS = ("numpy", "pandas", "networkx", "ipywidgets", "matplotlib.figure", "matplotlib.backends.backend_agg",
                "sme_teach.workshop", "sme_teach.workshop._apps", "sme_teach.room._kernels:warm_up")
ENV_FLAG = "SME_TEACH_ROOM_ZYGOTE"


def warm_up() -> None:
    """Build each app once and throw it away (in the zygote: data, fonts and charts loaded for all kernels).

    No kernel exists yet, so the widgets talk to no one (ipywidgets' dummy comm) and are closed
    again: a forked kernel starts with no widget, only warm caches. Starts no thread.

    >>> from ipywidgets.widgets.widget import _instances
    >>> warm_up()
    >>> len(_instances)
    0
    """
    import comm
    from ipywidgets.widgets.widget import _instances

    from .. import workshop

    # ipykernel (imported) routes comms to Kernel.instance(): that would make a kernel singleton here,
    # which every forked IPKernelApp then trips over (its app would never show). Use comm's dummies.
    routed = comm.create_comm, comm.get_comm_manager
    comm.create_comm, comm.get_comm_manager = comm._create_comm, comm._get_comm_manager
    before = set(_instances)
    try:
        for make in (workshop.readiness_app, workshop.alliance_app, workshop.destination_app,
                     workshop.spillover_app):
            make()
    finally:
        for key in set(_instances) - before:
            widget = _instances.get(key)
            if widget is not None:
                widget.close()
        comm.create_comm, comm.get_comm_manager = routed
        comm._comm_manager = None
    from ipykernel.kernelbase import Kernel

    if Kernel.initialized():  # pragma: no cover - a guard: the children must create their own
        raise RuntimeError("warm_up made a kernel instance; forked kernels could not start")


def _enabled() -> bool:
    return os.environ.get(ENV_FLAG, "1").strip().lower() not in ("0", "false", "no", "off")


class _Zygotes:
    """The zygote of each kernel interpreter, for this server process (restarted if it dies)."""

    by_prefix: dict = {}
    provisioner = None  # grading's ZygoteProvisioner class, made once
    restarts = 0
    MAX_RESTARTS = 3

    @classmethod
    def get(cls, argv):
        parts = _zy._split_argv(argv)
        if parts is None or parts[1] != ["-f", "{connection_file}"]:
            return None
        key = tuple(parts[0])
        zygote = cls.by_prefix.get(key)
        if zygote is not None and zygote.broken and cls.restarts < cls.MAX_RESTARTS:
            cls.restarts += 1
            zygote.kill()
            zygote = None
        if zygote is None:
            zygote = _zy.Zygote(parts[0], dict(os.environ), os.getcwd(), WARM_IMPORTS)
            cls.by_prefix[key] = zygote
        return zygote


def zygote_pid() -> int | None:
    """Process id of this server's (first) zygote, or ``None`` before the first kernel."""
    for zygote in _Zygotes.by_prefix.values():
        if zygote.pid is not None:
            return zygote.pid
    return None


class WorkshopKernelManager(ServerKernelManager):
    """Jupyter Server's kernel manager, launching Python kernels by forking the warm zygote.

    Its kernels speak ZMQ over IPC (socket files beside the connection file), not TCP.
    Everything else — connection files, activity tracking (which culling reads), interrupts,
    restarts and shutdown — is :class:`~jupyter_server.services.kernels.kernelmanager.ServerKernelManager`'s.
    A kernelspec that is not ``python -m ipykernel_launcher -f {connection_file}``, a zygote that
    failed, or ``SME_TEACH_ROOM_ZYGOTE=0`` start the kernel as usual (still over IPC).
    """

    @default("transport")
    def _transport_default(self):
        # ZMQ over Unix sockets beside the connection file, not TCP ports on 127.0.0.1: with thirty kernels
        # the server's own connections to them use so many ephemeral ports that a port picked for the next
        # kernel was sometimes taken before that kernel bound it ("Address already in use": the kernel
        # died before replying to kernel_info, and its page came without its app). Nothing else on the
        # machine can reach a socket file in the server's private connection folder either.
        return "ipc"

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None and _enabled():
            spec = self.kernel_spec
            zygote = _Zygotes.get(spec.argv) if spec is not None and spec.language.lower() == "python" else None
            if zygote is not None:
                self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
                if _Zygotes.provisioner is None:
                    _Zygotes.provisioner = _zy._provisioner_class()
                provisioner = _Zygotes.provisioner(kernel_id=self.kernel_id, kernel_spec=spec, parent=self)
                provisioner.zygote = zygote
                self.provisioner = provisioner
        return await super()._async_pre_start_kernel(**kw)


def _identity_provider_class():
    from jupyter_server.auth.identity import PasswordIdentityProvider

    class WorkshopIdentityProvider(PasswordIdentityProvider):
        """Voilà's identity provider that also gives every page the ``_xsrf`` cookie.

        When a page is closed or reloaded, Voilà's page sends ``POST /voila/api/shutdown/<kernel>``
        (a beacon) with the ``_xsrf`` value it reads from that cookie. Voilà's pages never set it,
        so every such request was refused ("'_xsrf' argument missing from POST", 403) and no
        kernel was ever shut down with its page. Reading ``handler.xsrf_token`` sets the cookie
        (tornado); the XSRF check itself stays on.
        """

        async def get_user(self, handler):
            user = super().get_user(handler)
            if inspect.isawaitable(user):
                user = await user
            request = handler.request
            if user is not None and request.method == "GET" and request.headers.get("Upgrade", "").lower() != "websocket":
                handler.current_user = user  # as JupyterHandler.prepare does next; tornado's xsrf_token reads it
                handler.xsrf_token  # noqa: B018 - tornado sets the cookie when the token is first read
            return user

    return WorkshopIdentityProvider


def __getattr__(name):
    # jupyter_server is imported only when Voilà asks for the class (a test of warm_up needs no server)
    if name == "WorkshopIdentityProvider":
        value = _identity_provider_class()
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
