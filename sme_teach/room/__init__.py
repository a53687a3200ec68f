"""Serving the workshop apps to a room of thirty on one laptop (Voilà's server side).

``make workshop`` runs Voilà with ``course/workshop/voila.json``, which names
:class:`WorkshopKernelManager` as the kernel manager of every app page. It starts each kernel by
forking a *zygote* — one process per server that imported ``ipykernel``, ``ipywidgets``,
matplotlib, pandas and :mod:`sme_teach.workshop` and built each app once (:func:`warm_up`) — with
the grading engine's machinery (:mod:`sme_teach.grading._kernels`): a kernel is ready in tens of
milliseconds instead of seconds of imports, and the thirty kernels share the zygote's memory
pages (copy on write) instead of holding ~140 MiB each. Voilà's preheated pool
(``--preheat_kernel``, per-app ``kernel_pools_config``) then builds the app in a few such kernels
ahead of time, so an opened page gets an app that is already there.

Layer: above :mod:`sme_teach.grading` (whose zygote it reuses) and :mod:`sme_teach.workshop`
(whose apps it warms); nothing in the package imports it — Voilà loads it from the config.
"""

from ._kernels import WARM_IMPORTS, WorkshopKernelManager, warm_up, zygote_pid

__all__ = ["WARM_IMPORTS", "WorkshopKernelManager", "WorkshopIdentityProvider", "warm_up", "zygote_pid"]


def __getattr__(name):
    if name == "WorkshopIdentityProvider":
        from . import _kernels

        return _kernels.WorkshopIdentityProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
