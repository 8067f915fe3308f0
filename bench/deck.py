"""How long the Briefing's PowerPoint takes to build after the click, on the demo data.

    python -m bench.deck              # 1 cold build and 3 warm ones
    python -m bench.deck --repeat 5 --out /tmp/briefing.pptx

The Briefing page runs once in AppTest (default view: Northwind, all segments and
regions, revenue), and the callable behind its *Download as PowerPoint* button is
kept; each build then calls it, as the server does when the button is clicked:
the charts drawn as PNGs in Chromium and the slides written. The first build of a
server starts Chromium (cold); later ones reuse it while it is warm (it closes
after 5 idle minutes). Budget: < 5 s per build, cold or warm.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

BUDGET = 5.0


def deck_builder(params: dict[str, str] | None = None, page: str | None = None, key: str = "download_deck"):
    """The callable a page (the Briefing unless `page` names another) hands to its PowerPoint button, the page
    run in AppTest."""
    kept = {}
    original = st.download_button

    def keep(label, data, *args, **kwargs):
        kept[kwargs.get("key")] = data
        return original(label, data, *args, **kwargs)

    st.download_button = keep
    try:
        at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=300)
        for name, value in (params or {}).items():
            at.query_params[name] = value
        at.run()
        if page is not None:
            kept.clear()
            at.switch_page(page).run()
    finally:
        st.download_button = original
    if at.exception:
        raise RuntimeError(at.exception)
    return kept[key]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, help="also save the last deck here")
    args = parser.parse_args()
    build = deck_builder()
    times = []
    for _ in range(args.repeat + 1):
        start = time.perf_counter()
        deck = build()
        times.append(time.perf_counter() - start)
    cold, times = times[0], times[1:]
    from pptx import Presentation

    slides = len(Presentation(io.BytesIO(deck)).slides)
    if args.out:
        args.out.write_bytes(deck)
    warm = statistics.median(times)
    print(f"Briefing deck: {slides} slides, {len(deck) / 1e6:.1f} MB; cold build (Chromium starts) {cold:.2f} s; "
          f"warm build median {warm:.2f} s (min {min(times):.2f}, max {max(times):.2f}, n={len(times)}); "
          f"budget < {BUDGET:.0f} s: {'ok' if max(cold, warm) < BUDGET else 'OVER'}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
