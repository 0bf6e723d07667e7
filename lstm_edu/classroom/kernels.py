"""The live dashboard's kernel manager: cull the kernels of closed pages, never a loading one.

What it covers
--------------
``ClassroomKernelManager``: jupyter server's ``AsyncMappingKernelManager`` whose culler
(``cull_idle_timeout``, ``cull_connected=False``: only kernels no page is connected to) also
spares a kernel that no page has connected to *yet*, for ``page_load_grace`` seconds after
the culler first sees it. Voila (``preheat_kernel``) runs the notebook in a kernel long before
a page asks for it; the kernel's last activity is then that run, so without the grace the
culler could shut it down in the seconds between Voila handing it to a page and the page's
websocket connecting (a slow page load on a busy laptop), and the page would never draw.
Voila's own pool keeps its heated kernels from the culler; this covers the hand-over.

``lstm_edu.classroom.serve`` passes it to Voila as
``VoilaConfiguration.multi_kernel_manager_class``.
"""

from __future__ import annotations

import time

from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Float


class ClassroomKernelManager(AsyncMappingKernelManager):
    """``AsyncMappingKernelManager`` that never culls a kernel while its page is loading."""

    page_load_grace = Float(
        120.0, config=True,
        help="Seconds a kernel that no page has connected to yet is spared by the culler.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._first_seen: dict[str, float] = {}
        self._connected_once: set[str] = set()

    async def cull_kernel_if_idle(self, kernel_id):
        if self._kernel_connections.get(kernel_id, 0) > 0:
            self._connected_once.add(kernel_id)
        first = self._first_seen.setdefault(kernel_id, time.monotonic())
        if kernel_id not in self._connected_once and time.monotonic() - first < \
                self.page_load_grace:
            return None
        return await super().cull_kernel_if_idle(kernel_id)

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        self._first_seen.pop(kernel_id, None)
        self._connected_once.discard(kernel_id)
        return await ensure_async(super().shutdown_kernel(kernel_id, *args, **kwargs))
