"""What storing a version's forecasts adds to a save of the demo.

    python -m bench.track_record              # 5 saves of each kind
    python -m bench.track_record --saves 10

Each save writes the demo's tables (all five) as a new version in a fresh workspace under a
temporary folder. Three kinds: no hook; the app's hook (`record_in_background`: the save
returns, the forecasts are stored on a thread), timed until the save returns and, separately,
until the thread is done; and the hook's work on the caller's thread (`record_version`, as the
scheduled refresh runs it). The figure that matters to a user is the first difference: what the
hook adds before the save returns.

Budget (issue 20): storing adds under 1 s to a save on the demo.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.forecast import clear_cache  # noqa: E402
from data.dataset import load_demo  # noqa: E402
from data.forecast_record import record_in_background, record_version  # noqa: E402
from data.workspace import Workspace  # noqa: E402


HOOK_SECONDS: list[float] = []  # the hook's own call, inside the save: what it adds, free of the machine's noise


def timed(hook):  # noqa: ANN001, ANN201
    def call(w, r, t):  # noqa: ANN001, ANN202
        start = time.perf_counter()
        try:
            return hook(w, r, t)
        finally:
            HOOK_SECONDS.append(time.perf_counter() - start)
    return call


def timed_saves(saves: int, hook, tables) -> tuple[list[float], list[float]]:  # noqa: ANN001
    """Seconds until each save returned, and until its forecasts were stored (0 without a hook)."""
    returned, stored = [], []
    hook = None if hook is None else timed(hook)
    with tempfile.TemporaryDirectory(prefix="bench-track-") as folder:
        threads = []
        ws = Workspace(Path(folder), after_save=None if hook is None else
                       (lambda w, r, t: threads.append(hook(w, r, t))))
        dataset_id = ws.save("warm-up", tables, "bench").dataset_id  # creates the database and its tables
        for thread in threads:
            getattr(thread, "join", lambda: None)()
        for _ in range(saves):
            clear_cache()  # a new version is new data: no fit reused from the last save
            threads.clear()
            start = time.perf_counter()
            ws.save("Demo", tables, "bench", dataset_id=dataset_id)
            returned.append(time.perf_counter() - start)
            for thread in threads:
                getattr(thread, "join", lambda: None)()
            stored.append(time.perf_counter() - start)
    return returned, stored


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=5)
    args = parser.parse_args(argv)
    tables = load_demo().tables
    plain, _ = timed_saves(args.saves, None, tables)
    background, done = timed_saves(args.saves, record_in_background, tables)
    in_save = HOOK_SECONDS[1:]  # the warm-up save's first
    HOOK_SECONDS.clear()
    inline, _ = timed_saves(args.saves, record_version, tables)
    med = statistics.median
    print(f"demo: {sum(len(t) for t in tables.values()):,} rows in {len(tables)} tables, {args.saves} saves each")
    print(f"save, no hook:                         median {med(plain):.3f} s  max {max(plain):.3f} s")
    print(f"save, forecasts stored in background:  median {med(background):.3f} s  max {max(background):.3f} s  "
          f"(adds {med(background) - med(plain):+.3f} s)")
    print(f"  ...the hook's own call in the save:  median {med(in_save) * 1000:.2f} ms  max {max(in_save) * 1000:.2f} ms")
    print(f"  ...until the forecasts are stored:   median {med(done):.3f} s  max {max(done):.3f} s")
    print(f"save, forecasts stored on the thread:  median {med(inline):.3f} s  max {max(inline):.3f} s  "
          f"(adds {med(inline) - med(plain):+.3f} s)")
    added = max(in_save)
    print(f"budget: storing adds under 1 s to a save -> {'met' if added < 1.0 else 'MISSED'} "
          f"(the hook's call, at most {added * 1000:.2f} ms; saves on this shared machine vary more than that)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
