"""Time the app in real Chromium: cold start, and changes to re-rendered pages.

    python -m bench.ui               # 3 cold starts, 20 changes of each kind
    python -m bench.ui --starts 5 --changes 40

Cold start is measured from launching `streamlit run` to the first page fully
rendered in the browser (script finished, charts drawn, no skeleton left).
A filter change is timed from the input to the page re-rendered with the new
numbers. Two kinds, alternating: a click on the measure control (revenue or
units), and one step left of the period slider's end (a slice nobody asked for
yet, so nothing is cached). Then the Competitors page (another competitor; the
share bridge's first period one step back), the Scenarios page (one lever step) and the
Market page's forecast controls (horizon one step, interval level one step).

    python -m bench.ui --only market   # just the Market page's forecast controls
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from tests.e2e.harness import CHROMIUM_FLAGS, chromium_path, free_port, start_app, wait_healthy, wait_rendered  # noqa: E402

CHART_TITLE = "[data-testid='stPlotlyChart'] .gtitle"


@contextmanager
def served_page(browser, path: str, timeout: float = 120_000) -> Iterator:
    """A fresh server and a page on `path`, fully rendered; the server stops afterwards."""
    port = free_port()
    server = start_app(port)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", server)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"http://127.0.0.1:{port}{path}")
        wait_rendered(page, timeout=timeout)
        page.wait_for_selector(CHART_TITLE)
        yield page
    finally:
        server.terminate()
        server.wait(timeout=10)


def cold_start(browser) -> float:
    port = free_port()
    t0 = time.perf_counter()
    server = start_app(port)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", server)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        wait_rendered(page, timeout=60_000)
        page.wait_for_selector(CHART_TITLE, timeout=60_000)
        elapsed = time.perf_counter() - t0
        page.close()
        return elapsed
    finally:
        server.terminate()
        server.wait(timeout=10)


def filter_changes(browser, changes: int) -> dict[str, list[float]]:
    with served_page(browser, "/") as page:
        times: dict[str, list[float]] = {"measure": [], "period": []}
        end_thumb = page.locator("[data-testid='stSlider'] input[type='range']").last
        for i in range(changes):
            t0 = time.perf_counter()
            if i % 2 == 0:
                target = "units" if i % 4 == 0 else "revenue"
                page.get_by_text(target, exact=True).first.click()
                expected = target
            else:
                month = pd.Timestamp(end_thumb.get_attribute("aria-valuetext") + "-01") - pd.DateOffset(months=1)
                end_thumb.press("ArrowLeft")
                expected = f"to {month:%b %Y}"
            page.wait_for_function(
                "text => [...document.querySelectorAll(\"[data-testid='stCaptionContainer']\")]"
                ".some(e => e.textContent.includes('Basis:') && e.textContent.includes(text))",
                arg=expected,
            )
            wait_rendered(page)
            times["measure" if i % 2 == 0 else "period"].append(time.perf_counter() - t0)
        return times


def competitor_changes(browser, changes: int) -> list[float]:
    """Competitors page: pick another competitor, time until every chart shows it."""
    with served_page(browser, "/competitors") as page:
        times = []
        for i in range(changes):
            rival = ("Corvid", "Dynamo", "Brightline")[i % 3]
            picker = page.locator("[data-testid='stSelectbox']", has_text="Competitor to compare with")
            picker.scroll_into_view_if_needed()
            picker.click()
            option = page.get_by_role("option", name=rival, exact=True)
            t0 = time.perf_counter()
            option.click()
            page.wait_for_function(
                "r => [...document.querySelectorAll('.gtitle')].some(e => e.textContent.includes('vs ' + r))", arg=rival)
            wait_rendered(page)
            times.append(time.perf_counter() - t0)
        return times


def bridge_period_changes(browser, changes: int) -> list[float]:
    """Competitors page: move the share bridge's first period one step, timed until the bridge shows it.

    Each step is a pair of periods nobody asked for yet, so nothing is cached.
    """
    with served_page(browser, "/competitors") as page:
        bridge = page.locator("[data-testid='stSlider']", has_text="Compare the year ending in").locator(
            "input[type='range']").first
        bridge.scroll_into_view_if_needed()
        times = []
        for _ in range(changes):
            month = pd.Timestamp(bridge.get_attribute("aria-valuetext") + "-01") - pd.DateOffset(months=1)
            t0 = time.perf_counter()
            bridge.press("ArrowLeft")
            page.wait_for_function(
                "m => [...document.querySelectorAll('.gtitle')].some(e => e.textContent.includes('year to ' + m + ' vs'))",
                arg=f"{month:%b %Y}")
            wait_rendered(page)
            times.append(time.perf_counter() - t0)
        return times


def lever_changes(browser, changes: int) -> list[float]:
    """Scenarios page: one step of the price lever, timed until the outcome chart shows the new scenario."""
    with served_page(browser, "/scenarios?region=Europe") as page:
        scenario_title = "() => [...document.querySelectorAll('.gtitle')].find(e => e.textContent.includes('units: scenario'))?.textContent"
        slider = page.locator("[data-testid='stSlider']", has_text="Our price change").locator("[role='slider'], input").first
        times = []
        for i in range(changes):
            before = page.evaluate(scenario_title)
            slider.focus()
            t0 = time.perf_counter()
            page.keyboard.press("ArrowLeft" if i % 2 == 0 else "ArrowRight")
            page.wait_for_function(f"b => ({scenario_title})() !== b", arg=before)
            wait_rendered(page)
            times.append(time.perf_counter() - t0)
        return times


def forecast_control_changes(browser, changes: int) -> dict[str, list[float]]:
    """Market page: the forecast horizon one step shorter, then the interval level one step, alternating.

    Timed until the forecast chart's title shows the new horizon and level and the page is
    rendered. The horizon starts at 36 and only shortens, and each level change happens at a
    new horizon, so no chart is ever drawn twice (nothing comes from the figure cache).
    """
    with served_page(browser, "/market?horizon=36") as page:
        title = ("() => [...document.querySelectorAll('.gtitle')].find(e => e.textContent.includes('periods ahead at'))"
                 "?.textContent")

        def control(label: str):
            box = page.locator("[data-testid='stSlider']", has_text=label)
            box.scroll_into_view_if_needed()
            return box.locator("[role='slider'], input").first

        horizon, level = control("Horizon (periods ahead)"), control("Interval level")
        times: dict[str, list[float]] = {"horizon": [], "level": []}
        steps, levels = 36, iter(["95", "90", "80", "90"] * changes)
        for i in range(2 * changes):
            kind = "horizon" if i % 2 == 0 else "level"
            if kind == "horizon":
                steps -= 1
                thumb, key, shown = horizon, "ArrowLeft", f"shown {steps} periods ahead"
            else:
                target = next(levels)
                key = "ArrowRight" if target == "95" or (target == "90" and "at 80%" in page.evaluate(title)) else "ArrowLeft"
                thumb, shown = level, f"shown {steps} periods ahead at {target}%"
            thumb.focus()
            t0 = time.perf_counter()
            page.keyboard.press(key)
            page.wait_for_function(f"s => ({title})()?.includes(s)", arg=shown)
            wait_rendered(page)
            times[kind].append(time.perf_counter() - t0)
        return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--only", choices=["market"], help="only the Market page's forecast controls")
    args = parser.parse_args()
    executable = chromium_path()
    if executable is None:
        sys.exit("Chromium not found: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        controls = forecast_control_changes(browser, args.changes)
        if args.only == "market":
            browser.close()
            report_controls(controls)
            return
        starts = [cold_start(browser) for _ in range(args.starts)]
        changes = filter_changes(browser, args.changes)
        rivals = competitor_changes(browser, args.changes)
        bridges = bridge_period_changes(browser, args.changes)
        levers = lever_changes(browser, args.changes)
        browser.close()
    print(f"cold start to first rendered page: median {statistics.median(starts):.2f} s "
          f"(min {min(starts):.2f}, max {max(starts):.2f}, n={len(starts)}); budget < 6 s")
    every = changes["measure"] + changes["period"]
    print(f"filter change to re-rendered page: median {1000 * statistics.median(every):.0f} ms "
          f"(min {1000 * min(every):.0f}, max {1000 * max(every):.0f}, n={len(every)}); budget < 500 ms")
    for kind, times in changes.items():
        print(f"  {kind:>8}: median {1000 * statistics.median(times):.0f} ms (n={len(times)})")
    print(f"Scenarios page, one lever step to updated chart: median {1000 * statistics.median(levers):.0f} ms "
          f"(min {1000 * min(levers):.0f}, max {1000 * max(levers):.0f}, n={len(levers)}); budget < 300 ms")
    print(f"Competitors page, another competitor to re-rendered page: median {1000 * statistics.median(rivals):.0f} ms "
          f"(min {1000 * min(rivals):.0f}, max {1000 * max(rivals):.0f}, n={len(rivals)}); budget < 500 ms")
    print(f"Competitors page, share bridge period step to re-rendered page: median {1000 * statistics.median(bridges):.0f} ms "
          f"(min {1000 * min(bridges):.0f}, max {1000 * max(bridges):.0f}, n={len(bridges)}); budget < 500 ms")
    report_controls(controls)


def report_controls(controls: dict[str, list[float]]) -> None:
    for kind, times in controls.items():
        print(f"Market page, forecast {kind} one step to re-rendered chart: median {1000 * statistics.median(times):.0f} ms "
              f"(min {1000 * min(times):.0f}, max {1000 * max(times):.0f}, n={len(times)}); budget < 500 ms")


if __name__ == "__main__":
    main()
