"""One participant's phone, as the Voilà page's JavaScript talks to the server (no drawing).

A phone that opens an app asks the laptop for: the page (its HTML carries the executed app's
output), every script and style the page links to (Voilà's and the widget extensions' bundles), a
websocket to its kernel (``/api/kernels/<id>/channels``), the kernel's ``kernel_info``, and — through
ipywidgets' control comm (``jupyter.widget.control``, ``request_states``) — the state of every
widget of the app. When that reply is in, everything the phone needs to draw the app is on the
phone: the rest (building ~260 widget views) is the phone's own work, timed separately by
:func:`bench.room_bench.draw_one`.

This client does exactly those requests with tornado (no browser), so thirty of them cost the
laptop's two cores almost nothing beyond what thirty phones would cost it.
"""

from __future__ import annotations

import asyncio
import json
import re
import struct
import time
import uuid
from html import unescape

_CONFIG = re.compile(r'<script id="jupyter-config-data" type="application/json">\s*(\{.*?\})\s*</script>', re.S)
_LINKS = re.compile(r'<(?:script[^>]*\bsrc|link[^>]*\bhref)="([^"#]+)"')
#: what the page's widget manager sends to open the control comm (ipywidgets 8, control protocol 1.x)
CONTROL_VERSION = "1.0.0"


def _message(msg_type: str, content: dict, session: str, channel: str = "shell", metadata=None) -> str:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "phone", "session": session,
              "date": "", "version": "5.3"}
    return json.dumps({"header": header, "parent_header": {}, "metadata": metadata or {}, "content": content,
                       "channel": channel, "buffers": []})


def _decode(frame) -> dict:
    """A websocket frame of jupyter_server's default protocol: JSON text, or binary with buffers."""
    if isinstance(frame, str):
        return json.loads(frame)
    n = struct.unpack("!I", frame[:4])[0]
    offsets = list(struct.unpack(f"!{n}I", frame[4:4 * (n + 1)]))
    offsets.append(len(frame))
    msg = json.loads(frame[offsets[0]:offsets[1]].decode("utf-8"))
    msg["buffers"] = [frame[offsets[i]:offsets[i + 1]] for i in range(1, n)]
    return msg


async def open_app(base: str, path: str, timeout: float = 240.0) -> dict:
    """Open ``base + path`` as a phone would; seconds until the page and until the whole app had arrived.

    Returns ``{"html": s, "app": s, "models": n, "bytes": n, "kernel_id": id}``; raises on a page
    without a kernel or an app (what a participant would see as a page without its questions).
    Scripts the page's bundles load later (webpack chunks) are not fetched: a phone caches them.
    """
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest
    from tornado.websocket import websocket_connect

    client = AsyncHTTPClient(force_instance=True)
    t0 = time.perf_counter()
    deadline = t0 + timeout
    try:
        page = await client.fetch(base + path, request_timeout=timeout, connect_timeout=timeout)
        html = page.body.decode("utf-8", "replace")
        t_html = time.perf_counter() - t0
        found = _CONFIG.search(html)
        if not found:
            raise RuntimeError("the page has no Jupyter config (no kernel)")
        kernel_id = json.loads(unescape(found.group(1))).get("kernelId")
        views = re.findall(r'application/vnd\.jupyter\.widget-view\+json[^{]*\{[^}]*?"model_id":\s*"([0-9a-f]+)"', html)
        if not kernel_id or not views:
            raise RuntimeError("the page came without its app (no widget view in its HTML)")
        cookies = "; ".join(c.split(";", 1)[0] for c in page.headers.get_list("Set-Cookie"))
        # the page's scripts and styles, as a browser with an empty cache fetches them (6 at a time per host)
        urls = sorted({u for u in _LINKS.findall(html) if u.startswith("/")})
        size = len(page.body)
        for i in range(0, len(urls), 6):
            got = await asyncio.gather(*(client.fetch(base + u, raise_error=False, request_timeout=timeout)
                                         for u in urls[i:i + 6]))
            size += sum(len(r.body or b"") for r in got)
        session = uuid.uuid4().hex
        ws_url = base.replace("http", "ws", 1) + f"/api/kernels/{kernel_id}/channels?session_id={session}"
        ws = await websocket_connect(HTTPRequest(ws_url, headers={"Cookie": cookies}, request_timeout=timeout,
                                                 connect_timeout=timeout), max_message_size=512 * 2**20)
        try:
            await ws.write_message(_message("kernel_info_request", {}, session))
            comm_id = uuid.uuid4().hex
            await ws.write_message(_message("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.control",
                                                          "data": {}}, session, metadata={"version": CONTROL_VERSION}))
            await ws.write_message(_message("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}},
                                            session))
            info, states = False, None
            while not (info and states is not None):
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise TimeoutError("the app's widgets did not arrive")
                frame = await asyncio.wait_for(ws.read_message(), left)
                if frame is None:
                    raise RuntimeError("the kernel's websocket closed")
                size += len(frame)
                msg = _decode(frame)
                kind = msg.get("msg_type") or msg.get("header", {}).get("msg_type")
                if kind == "kernel_info_reply":
                    info = True
                elif kind == "comm_msg" and msg["content"].get("comm_id") == comm_id:
                    states = msg["content"]["data"].get("states") or {}
            missing = [v for v in views if v not in states]
            if missing:
                raise RuntimeError(f"the app's widget {missing[0]} is not in the kernel's state")
            return {"html": t_html, "app": time.perf_counter() - t0, "models": len(states), "bytes": size,
                    "kernel_id": kernel_id, "ws": ws, "cookies": cookies}
        except BaseException:
            ws.close()
            raise
    finally:
        client.close()


async def close_app(base: str, opened: dict) -> None:
    """Leave the page as a browser does: Voilà's unload beacon (``POST /voila/api/shutdown/<kernel>``
    with the ``_xsrf`` cookie's value), then the websocket closes."""
    from tornado.httpclient import AsyncHTTPClient

    cookies = opened.get("cookies", "")
    xsrf = next((c.split("=", 1)[1] for c in cookies.split("; ") if c.startswith("_xsrf=")), "")
    client = AsyncHTTPClient(force_instance=True)
    try:
        await client.fetch(f"{base}/voila/api/shutdown/{opened['kernel_id']}", method="POST",
                           body=f"_xsrf={xsrf}", headers={"Cookie": cookies}, raise_error=False)
    finally:
        client.close()
        opened["ws"].close()
