"""Many people at once on one server or on two servers sharing PostgreSQL, as docs/deploy.md runs them.

    python -m bench.shared_load                               # 1 and 2 servers, Briefing and Market, N = 1 5 10 20
    python -m bench.shared_load --servers 2 --pages overview --n 20

The app database is a PostgreSQL (MARKET_TRENDS_TEST_PG_URL, else a throwaway cluster started as
in the tests) and the home folder is shared; the demo data is saved to the workspace once, so
every session opens a workspace dataset (`?data=<id>`): each rerun reads the catalog in
PostgreSQL and the Parquet files in the shared folder, as with several replicas. Sessions are
spread over the servers in turn, as a sticky load balancer spreads browsers.

Each of N browser sessions (a Chromium context each, `bench.load`) opens its page, then all N
change the sidebar's Measure filter together; each is timed from its click to its page fully
re-rendered (script finished, no skeleton, the new measure shown, the forecast and charts drawn).
Reported: p50/p95, errors, and the peak RSS of each server (the process and its forecast worker,
VmHWM from /proc, over the whole run).

The N browsers share the machine's cores with the servers and PostgreSQL: on a 2-core machine
shared with other work, these are upper bounds, bound by Chromium drawing N pages past a few sessions.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from bench.load import DRAWN, FIRST_MONTH, LAST_MONTH, Run, _children, change_all, open_all, open_session, slices  # noqa: E402
from tests.e2e.harness import CHROMIUM_FLAGS, chromium_path, free_port, start_app, stop_app, wait_healthy  # noqa: E402


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a server and its children, in MB."""
    total = 0
    for each in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def save_demo(env: dict[str, str]) -> str:
    """The demo dataset saved once in the shared workspace (catalog in PostgreSQL); its id."""
    import os

    from data.dataset import load_demo
    from data.workspace import Workspace

    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        demo = load_demo()
        return Workspace().save("Demo market (shared)", demo.tables, "bench", ours=demo.ours).dataset_id
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


async def one_run(browser, bases: list[str], path: str, kind: str, n: int, start: pd.Timestamp, timeout: float,
                  dataset_id: str) -> Run:
    run = Run(path, kind, n)
    period = [("period", f"{start:%Y-%m}"), ("period", LAST_MONTH), ("data", dataset_id)]
    servers = itertools.cycle(bases)
    urls = [f"{next(servers)}/{path}?" + urlencode([*params.items(), *period]) for params in slices(kind, n)]
    sessions = await open_all(browser, urls, path, timeout, run)
    await change_all(sessions, path, timeout, run)
    await asyncio.gather(*(context.close() for context, _ in sessions), return_exceptions=True)
    return run


async def bench(servers: int, pages: list[str], ns: list[int], kinds: list[str], repeats: int, timeout: float,
                pg_url: str, home: Path) -> list[str]:
    from playwright.async_api import async_playwright

    from tests.pg import drop_database, fresh_database

    executable = chromium_path()
    if executable is None:
        sys.exit("Chromium not found: apt-get install chromium")
    database = fresh_database(pg_url)
    env = {"MARKET_TRENDS_DATABASE_URL": database.replace("postgresql+psycopg://", "postgresql://", 1),
           "MARKET_TRENDS_HOME": str(home)}
    dataset_id = save_demo(env)
    ports = [free_port() for _ in range(servers)]
    procs = [start_app(port, env=env) for port in ports]
    lines, months = [], itertools.count(1)
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base, proc in zip(bases, procs):
            wait_healthy(base, proc)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
            for base in bases:  # imports, the forecast worker, the dataset's store: warm on every server
                context, _ = await open_session(browser, f"{base}/overview?data={dataset_id}", "overview", timeout)
                await context.close()
            for path, kind, n, _ in itertools.product(pages, kinds, ns, range(repeats)):
                start = FIRST_MONTH + pd.DateOffset(months=next(months))
                run = await one_run(browser, bases, path, kind, n, start, timeout, dataset_id)
                line = f"servers={servers} " + run.line().rsplit("  server CPU", 1)[0]
                print(line, flush=True)
                for error in run.errors[:3]:
                    print(f"    {error}", flush=True)
                lines.append(line)
            await browser.close()
        rss = ", ".join(f"{peak_rss_mb(p.pid):.0f} MB" for p in procs)
        lines.append(f"servers={servers} peak RSS per server (process + forecast worker): {rss}")
        print(lines[-1], flush=True)
    finally:
        for proc in procs:
            stop_app(proc)
        drop_database(pg_url, database)
    return lines


def main() -> None:
    import tempfile

    from bench.query import postgres_url

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", nargs="+", type=int, default=[1, 2], choices=[1, 2, 3, 4])
    parser.add_argument("--pages", nargs="+", default=["overview", "market"], choices=sorted(DRAWN))
    parser.add_argument("--n", nargs="+", type=int, default=[1, 5, 10, 20])
    parser.add_argument("--kinds", nargs="+", default=["same"], choices=["same", "different"])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=120, help="seconds per session before it counts as an error")
    args = parser.parse_args()
    if max(args.n) > 24 or min(args.n) < 1:
        sys.exit("--n: from 1 to 24 sessions (24 distinct slices)")
    url, cluster = postgres_url()
    lines = []
    try:
        for servers in args.servers:
            with tempfile.TemporaryDirectory(prefix="market-trends-shared-") as home:
                lines += asyncio.run(bench(servers, args.pages, args.n, args.kinds, args.repeats,
                                           args.timeout * 1000, url, Path(home)))
    finally:
        if cluster is not None:
            cluster.stop()
    print("\nsummary (upper bounds: browsers, servers and PostgreSQL on one shared 2-core machine); "
          "budget: overview N=20 p95 < 3 s, 0 errors")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
