"""Opening a saved 10-million-row workspace dataset in a fresh server, against the demo's cold start.

    python -m bench.workspace_open                 # 10M rows, 3 starts of each
    python -m bench.workspace_open --rows 1000000 --starts 5

The large market (product-level rows, `data.generate_demo.write_large_market`)
is saved once to a workspace under /tmp/market-bench/ (reused afterwards).
Each start launches `streamlit run` on that workspace and times until the
Briefing is fully rendered in Chromium: once on the demo (`/`), once on the
saved dataset (`/?data=<id>`), each in its own fresh server. Peak memory is
the server process's high-water mark (VmHWM) after the page rendered.

Budget (issue 12): the saved dataset renders under 3 s beyond the demo's cold
start, with the server's peak RSS under 2 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.harness import CHROMIUM_FLAGS, chromium_path, free_port, start_app, wait_healthy, wait_rendered  # noqa: E402

CHART_TITLE = "[data-testid='stPlotlyChart'] .gtitle"


def saved_dataset(rows: int, folder: Path) -> tuple[Path, str]:
    """A workspace in `folder` holding the large market once; its home and dataset id."""
    home = folder / f"home-{rows}"
    marker = home / "bench-dataset.json"
    if marker.exists():
        return home, json.loads(marker.read_text())["id"]
    import pandas as pd

    from bench.query import parquet_for
    from data.workspace import Workspace

    market = pd.read_parquet(parquet_for(rows, folder))
    print(f"saving {len(market):,} rows to the workspace in {home} …", file=sys.stderr)
    record = Workspace(home).save(f"Large market ({rows:,} rows)", {"market": market}, source="bench")
    marker.write_text(json.dumps({"id": record.dataset_id}))
    return home, record.dataset_id


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_to_rendered(browser, home: Path, path: str) -> tuple[float, float]:
    """Seconds from launching a fresh server to `path` fully rendered, and the server's peak RSS (MB)."""
    port = free_port()
    t0 = time.perf_counter()
    server = start_app(port, env={"MARKET_TRENDS_HOME": str(home)})
    try:
        wait_healthy(f"http://127.0.0.1:{port}", server)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"http://127.0.0.1:{port}{path}")
        wait_rendered(page, timeout=180_000)
        page.wait_for_selector(CHART_TITLE, timeout=180_000)
        elapsed = time.perf_counter() - t0
        if page.locator("[data-testid='stException']").count():
            raise RuntimeError(f"{path}: the page shows an exception")
        page.close()
        return elapsed, peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/market-bench"))
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    home, dataset_id = saved_dataset(args.rows, args.dir)
    from playwright.sync_api import sync_playwright

    results: dict[str, list[tuple[float, float]]] = {"demo": [], "saved": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        for _ in range(args.starts):  # alternate, so machine load falls on both alike
            results["demo"].append(start_to_rendered(browser, home, "/"))
            results["saved"].append(start_to_rendered(browser, home, f"/?data={dataset_id}"))
        browser.close()
    print(f"{'open':<28} {'median s':>9} {'runs s':>24} {'peak RSS MB':>12}")
    for kind, label in (("demo", "demo cold start"), ("saved", f"saved {args.rows:,}-row dataset")):
        times = [t for t, _ in results[kind]]
        print(f"{label:<28} {statistics.median(times):>9.2f} {' '.join(f'{t:.2f}' for t in times):>24} "
              f"{max(r for _, r in results[kind]):>12.0f}")
    extra = statistics.median(t for t, _ in results["saved"]) - statistics.median(t for t, _ in results["demo"])
    print(f"beyond the demo's cold start: {extra:+.2f} s (budget < 3 s); peak RSS budget < 2048 MB")


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
