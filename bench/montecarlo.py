"""How long the Opportunities page's risk numbers take: 10,000 Monte Carlo draws per option.

    python -m bench.montecarlo              # every demo option, 10,000 draws, 20 repeats
    python -m bench.montecarlo --draws 100000

For each launch option of the demo `opportunities` table, with the page's defaults
(10 years, yearly billing, 10% discount rate, its default ranges), times
`simulate_npv` alone and the page's whole `evaluate` (cash flows, NPV, IRR,
payback and the simulation). Budget: 10,000 draws in under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import launch  # noqa: E402
from analysis.finance import simulate_npv  # noqa: E402
from data.dataset import load_demo  # noqa: E402


def median_ms(call, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--rate", type=float, default=0.10, help="discount rate per year")
    args = parser.parse_args()

    options, problems = launch.options_from_table(load_demo().tables["opportunities"], years=10)
    if problems:
        sys.exit("\n".join(problems))
    print(f"{'option':<32} {'simulate ms':>12} {'evaluate ms':>12} {'P(NPV>0)':>9}")
    slowest = 0.0
    for name, option in options.items():
        ranges = launch.absolute_ranges(option, launch.DEFAULT_RANGES)
        simulate = median_ms(lambda: simulate_npv(option, ranges, args.rate, draws=args.draws), args.repeat)
        evaluate = median_ms(lambda: launch.evaluate(name, option, args.rate, launch.DEFAULT_RANGES, draws=args.draws),
                             args.repeat)
        risk = launch.evaluate(name, option, args.rate, launch.DEFAULT_RANGES, draws=args.draws).risk
        slowest = max(slowest, evaluate)
        print(f"{name:<32} {simulate:>12.1f} {evaluate:>12.1f} {risk.probability_positive:>9.0%}")
    print(f"{args.draws:,} draws per option; slowest whole evaluation {slowest:.1f} ms (budget: under 1,000 ms)")


if __name__ == "__main__":
    main()
