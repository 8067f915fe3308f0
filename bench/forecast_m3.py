"""The M3 part of `bench.forecast`, under its old name (kept so that older notes still run).

    python -m bench.forecast_m3                    # M3 yearly, quarterly and "other"
    python -m bench.forecast_m3 --group quarterly --limit 100

Same as `python -m bench.forecast --set m3-yearly --set m3-quarterly --set m3-other`; see
`bench/forecast.py` for the protocol and the sources (Makridakis & Hibon 2000, IJF 16,
Table 6 for the published Theta figures). Runs in one process.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import forecast as general  # noqa: E402

GROUPS = ("yearly", "quarterly", "other")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", type=Path, help="m3_yearly_quarterly_other.csv in another folder (default: the bench-data folder)")
    parser.add_argument("--group", choices=GROUPS, action="append", help="repeat for several; default all")
    parser.add_argument("--limit", type=int, help="first N series of each group")
    parser.add_argument("--out", type=Path, help="write per-series results to this CSV")
    args = parser.parse_args()
    argv = [arg for group in (args.group or GROUPS) for arg in ("--set", f"m3-{group}")]
    if args.path:
        argv += ["--data", str(args.path.parent)]
    if args.limit:
        argv += ["--limit", str(args.limit)]
    if args.out:
        argv += ["--out", str(args.out)]
    general.main(argv + ["--detail"])


if __name__ == "__main__":
    main()
