"""Charts drawn as PNG in one warm Chromium, shared by every export of the server.

Starting Chromium is most of an image export's time (1.5–5 s on the 2-core
machine, against about 0.5 s a chart once it runs), so the first export starts
one and later exports reuse it; it closes after `IDLE_SECONDS` without work,
to give its memory back. kaleido's async API runs on an event loop in a thread
of its own, so callers may be in any thread, including one running a loop.
No Streamlit here: a batch job can draw the same images.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
import time
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

IDLE_SECONDS = 300.0
TIMEOUT = 120.0  # seconds for one call, Chromium's start included


class Painter:
    """One Chromium (through kaleido) on a private event loop; started on first use, closed when idle."""

    def __init__(self, idle: float = IDLE_SECONDS) -> None:
        self._idle = idle
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._browser: Any = None
        self._busy = 0
        self._last = 0.0

    def paint(self, figures: Sequence[go.Figure], width: int, height: int, scale: float = 1.0) -> list[bytes]:
        """Every figure as PNG bytes, in order."""
        loop = self._start_loop()
        opts = dict(format="png", width=width, height=height, scale=scale)
        specs = [fig.to_plotly_json() for fig in figures]
        return asyncio.run_coroutine_threadsafe(self._paint(specs, opts), loop).result(timeout=TIMEOUT)

    def close(self) -> None:
        """Close Chromium now (at exit, and in tests)."""
        with self._lock:
            loop = self._loop
        if loop is not None:
            asyncio.run_coroutine_threadsafe(self._close(), loop).result(timeout=30)

    @property
    def running(self) -> bool:
        return self._browser is not None

    def _start_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, name="chart-painter", daemon=True).start()
                atexit.register(self._close_quietly)
            return self._loop

    async def _paint(self, specs: list[dict], opts: dict) -> list[bytes]:
        self._busy += 1
        try:
            if self._browser is None:
                self._browser = await self._open()
            return [await self._browser.calc_fig(spec, opts=opts) for spec in specs]
        except BaseException:
            await self._close()  # a browser that failed once starts afresh next time
            raise
        finally:
            self._busy -= 1
            self._last = time.monotonic()
            asyncio.get_running_loop().call_later(self._idle, self._close_if_idle)

    @staticmethod
    async def _open() -> Any:
        import kaleido

        from dashboard.report import chrome_for_images

        chrome_for_images()  # BROWSER_PATH: Debian's Chromium, never a downloaded one
        browser = kaleido.Kaleido(n=1, mathjax=False)  # no MathJax: charts use none, and it comes from a CDN
        await browser.__aenter__()
        return browser

    async def _close(self) -> None:
        browser, self._browser = self._browser, None
        if browser is not None:
            try:
                await browser.__aexit__(None, None, None)
            except Exception:  # noqa: BLE001 (a browser that died is closed already)
                pass

    def _close_if_idle(self) -> None:
        if self._busy == 0 and time.monotonic() - self._last >= self._idle - 0.5:
            asyncio.ensure_future(self._close())

    def _close_quietly(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 (at exit, nothing is left to tell)
            pass


painter = Painter()
