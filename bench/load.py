"""Many people at once: N browser sessions change the Measure at the same moment.

    python -m bench.load                              # Briefing and Market, N = 1 5 10 20, both kinds
    python -m bench.load --pages overview --n 20 --repeats 2

One server (`streamlit run`, 127.0.0.1 only) and one Chromium with N browser contexts,
each a separate Streamlit session. Every session opens the page, then all N click
"units" in the sidebar's Measure control together; each is timed from its click to its
page fully rendered again: the script finished, the socket connected, no skeleton left,
the new basis shown and the page's forecast (card or chart) and charts drawn.

Two kinds of run:
  same       every session shows the same slice, so they all ask for the same numbers;
  different  each session first opens its own segment and region, then changes measure.
Every run starts from a period nobody asked for before (the first month moves one step
per run), so nothing is cached from an earlier run and the figures are cold.

The machine is shared: other work on the cores makes these figures upper bounds. The N
browsers run on the same cores as the server, so past a few sessions the times are
bound by Chromium drawing N pages; "server CPU" (the server process and its forecast
worker, from /proc, during the timed change) shows what the server itself spent.
Each run stops by itself (a per-session timeout counts as an error).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from tests.e2e.harness import (  # noqa: E402
    CHROMIUM_FLAGS, READY, chromium_path, free_port, start_app, wait_healthy,
)

SEGMENTS = ["Enterprise", "Mid-Market", "SMB", "Consumer"]
REGIONS = ["North America", "Europe", "Asia Pacific", "Latin America"]
FIRST_MONTH, LAST_MONTH = pd.Timestamp("2016-01-01"), "2025-12"
NO_SKELETON = "() => document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0"
# What a fully drawn page shows, beyond the script having finished.
DRAWN = {
    "overview": """m => {
        const caption = [...document.querySelectorAll("[data-testid='stCaptionContainer']")]
            .some(e => e.textContent.includes('· ' + m + ' · Data:'));
        const card = [...document.querySelectorAll("[data-testid='stMetricLabel']")]
            .some(e => e.textContent.includes('Forecast, next'));
        return caption && card && document.querySelectorAll("[data-testid='stPlotlyChart'] .main-svg").length >= 2;
    }""",
    "market": """m => {
        const caption = [...document.querySelectorAll("[data-testid='stCaptionContainer']")]
            .some(e => e.textContent.includes('· ' + m + ' · Data:'));
        // The forecast chart's title: "Market revenue: next 12 months …" (older releases: "… forecast …").
        const fc = [...document.querySelectorAll('.gtitle')].some(e => / forecast |: next \\d+ /.test(e.textContent));
        return caption && fc && document.querySelectorAll("[data-testid='stPlotlyChart'] .main-svg").length >= 4;
    }""",
}
OPENING = 4  # sessions opening at the same time, before the timed change
ERROR = "[data-testid='stException'], [data-testid='stAlertContentError']"


@dataclass
class Run:
    page: str
    kind: str
    n: int
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    server_cpu: float = float("nan")  # CPU seconds of the server and its worker during the change

    def line(self) -> str:
        if not self.times:
            return f"{self.page:>8} {self.kind:>9} N={self.n:<3} no session finished; errors {len(self.errors)}"
        ordered = sorted(self.times)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return (f"{self.page:>8} {self.kind:>9} N={self.n:<3} p50 {statistics.median(ordered):5.2f} s  "
                f"p95 {p95:5.2f} s  max {ordered[-1]:5.2f} s  errors {len(self.errors)}/{len(self.times) + len(self.errors)}"
                f"  server CPU {self.server_cpu:5.2f} s")


def slices(kind: str, n: int) -> list[dict[str, str]]:
    """Per session, the segment and region it opens: all the same, or each its own."""
    if kind == "same":
        return [{}] * n
    singles = [{"segment": s, "region": r} for s, r in itertools.product(SEGMENTS, REGIONS)]
    wider = [{"segment": s} for s in SEGMENTS] + [{"region": r} for r in REGIONS]
    return (singles + wider)[:n]


async def wait_drawn(page, path: str, measure: str, timeout: float) -> None:
    await page.wait_for_selector(READY, timeout=timeout)
    await page.wait_for_function(NO_SKELETON, timeout=timeout)
    await page.wait_for_function(DRAWN[path], arg=measure, timeout=timeout)
    await page.wait_for_selector(READY, timeout=timeout)
    if await page.locator(ERROR).count():
        raise RuntimeError((await page.locator(ERROR).first.inner_text())[:200])


async def open_session(browser, url: str, path: str, timeout: float, gate: asyncio.Semaphore | None = None):
    """A new browser context (its own Streamlit session) on `url`, fully drawn.

    Opening is not timed; at most OPENING sessions open at once, so that twenty cold
    pages on a loaded machine do not time out before the timed change even starts.
    """
    async with gate or asyncio.Semaphore(1):
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        page = await context.new_page()
        await page.goto(url, timeout=timeout)
        await wait_drawn(page, path, "revenue", timeout)
        return context, page


async def change_measure(page, path: str, timeout: float) -> float:
    button = page.locator("[data-testid='stSidebar']").get_by_text("units", exact=True).first
    await button.wait_for(timeout=timeout)
    t0 = time.perf_counter()
    await button.click(timeout=timeout)
    await wait_drawn(page, path, "units", timeout)
    return time.perf_counter() - t0


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its children (the forecast worker), from /proc."""
    total = 0.0
    for each in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _children(pid: int) -> list[int]:
    """Children of any of the server's threads (the worker is started from a script thread)."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return children


async def open_all(browser, urls: list[str], path: str, timeout: float, run: Run) -> list:
    """Open every URL in its own browser context, a few at a time; failures go into `run`."""
    gate = asyncio.Semaphore(OPENING)
    opened = await asyncio.gather(*(open_session(browser, url, path, timeout, gate) for url in urls),
                                  return_exceptions=True)
    run.errors += [f"open: {s!r}"[:200] for s in opened if isinstance(s, BaseException)]
    return [s for s in opened if not isinstance(s, BaseException)]


async def change_all(sessions: list, path: str, timeout: float, run: Run) -> None:
    """Every open session changes the measure at once; each time or error goes into `run`."""
    results = await asyncio.gather(*(change_measure(page, path, timeout) for _, page in sessions),
                                   return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            run.errors.append(f"change: {result!r}"[:200])
        else:
            run.times.append(result)


async def one_run(browser, base: str, path: str, kind: str, n: int, start: pd.Timestamp, timeout: float,
                  server_pid: int) -> Run:
    run = Run(path, kind, n)
    period = [("period", f"{start:%Y-%m}"), ("period", LAST_MONTH)]
    urls = [f"{base}/{path}?" + urlencode([*params.items(), *period]) for params in slices(kind, n)]
    sessions = await open_all(browser, urls, path, timeout, run)
    cpu_before = cpu_seconds(server_pid)
    await change_all(sessions, path, timeout, run)
    run.server_cpu = cpu_seconds(server_pid) - cpu_before
    await asyncio.gather(*(context.close() for context, _ in sessions), return_exceptions=True)
    return run


async def bench(pages: list[str], ns: list[int], kinds: list[str], repeats: int, timeout: float) -> list[Run]:
    from playwright.async_api import async_playwright

    executable = chromium_path()
    if executable is None:
        sys.exit("Chromium not found: apt-get install chromium")
    port = free_port()
    server = start_app(port)
    runs, months = [], itertools.count(1)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, server)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
            warm_context, _ = await open_session(browser, f"{base}/overview", "overview", timeout)  # imports, worker
            await warm_context.close()
            for path, kind, n, _ in itertools.product(pages, kinds, ns, range(repeats)):
                start = FIRST_MONTH + pd.DateOffset(months=next(months))
                run = await one_run(browser, base, path, kind, n, start, timeout, server.pid)
                print(run.line(), flush=True)
                for error in run.errors[:3]:
                    print(f"    {error}", flush=True)
                runs.append(run)
            await browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except Exception:  # noqa: BLE001 (a stuck server must not outlive the benchmark)
            server.kill()
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", nargs="+", default=["overview", "market"], choices=sorted(DRAWN))
    parser.add_argument("--n", nargs="+", type=int, default=[1, 5, 10, 20])
    parser.add_argument("--kinds", nargs="+", default=["same", "different"], choices=["same", "different"])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=120, help="seconds per session before it counts as an error")
    args = parser.parse_args()
    if max(args.n) > 24 or min(args.n) < 1:
        sys.exit("--n: from 1 to 24 sessions (24 distinct slices)")
    runs = asyncio.run(bench(args.pages, args.n, args.kinds, args.repeats, args.timeout * 1000))
    print("\nsummary (upper bounds on a shared 2-core machine); budget: overview same N=20 p95 < 3 s")
    for run in runs:
        print(run.line())


if __name__ == "__main__":
    main()
