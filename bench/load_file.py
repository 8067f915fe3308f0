"""Time and memory of loading a large CSV the way the Data page does.

    python -m bench.load_file               # ~100 MB CSV, written to a temp directory
    python -m bench.load_file --mb 20

The page reads the upload, shows the suggested mapping, then checks the file
with the confirmed mapping; both steps go through the page's caches. This
script runs those steps in one process (Streamlit's caches work without a
server) and prints the time, the peak resident memory and the memory still
held afterwards, which is what the server keeps between reruns.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEGMENTS = ("Enterprise", "Mid-market", "SMB", "Consumer")
REGIONS = ("North America", "Europe", "Asia Pacific", "Latin America", "Middle East", "Africa", "Oceania")


def write_csv(path: Path, megabytes: float) -> int:
    """A long market file of about `megabytes`, unique on date × segment × region × company × product."""
    rows = 0
    with path.open("w") as out:
        out.write("date,segment,region,company,product,units,revenue\n")
        for product in range(10_000):
            for month in range(120):
                date = f"{2015 + month // 12}-{month % 12 + 1:02d}-01"
                for segment in SEGMENTS:
                    for region in REGIONS:
                        for company in range(5):
                            units = 1000 + (rows * 7919) % 50_000
                            out.write(f"{date},{segment},{region},Company {company},P{product},"
                                      f"{units},{units * 12.5:.2f}\n")
                            rows += 1
            if out.tell() > megabytes * 1e6:
                return rows
    return rows


def rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 1e6


def page_steps(name: str, content: bytes):
    """What pages/data.py runs for a first upload: read, suggest a mapping, check with it."""
    from dashboard import loader_ui
    from data.mapping import suggest_mapping

    if hasattr(loader_ui, "read_upload"):  # read once, check once
        read = loader_ui.read_upload(name, content, "market", None)
        return loader_ui.checked(name, content, "market", suggest_mapping(read.raw, "market"), None)
    first = loader_ui.checked(name, content, "market", None, None)  # the code before the fix
    return loader_ui.checked(name, content, "market", suggest_mapping(first.raw, "market"), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=100.0, help="size of the generated CSV")
    args = parser.parse_args()
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "market.csv"
        rows = write_csv(path, args.mb)
        content = path.read_bytes()
    gc.collect()
    base = rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    loaded = page_steps("market.csv", content)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    ok, errors = loaded.ok, len(loaded.report.errors)
    del loaded
    gc.collect()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(f"{len(content) / 1e6:.0f} MB CSV, {rows:,} rows: loaded={ok} errors={errors} · "
          f"{seconds:.1f} s ({cpu:.1f} s CPU) · "
          f"RSS before {base:,.0f} MB, peak {peak:,.0f} MB, after (caches kept) {rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
