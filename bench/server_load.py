"""Many people at once, measured at the server: N sessions open the same cold view together.

    python -m bench.server_load                       # Briefing and Market, N = 1 5 10 20, both kinds
    python -m bench.server_load --pages overview --n 20 --repeats 3
    python -m bench.server_load --servers 2 --kinds same   # two servers sharing PostgreSQL

`bench.load` drives N Chromium pages, so on this 2-core machine its figures past a few
sessions measure Chromium drawing N pages as much as the server. This benchmark speaks
Streamlit's own protocol instead, as a load tool would: N WebSocket clients (127.0.0.1
only) each open a new session on the page with the same link at the same moment, and
each is timed from its request to the server's "script finished" message, i.e. until
every number, chart and the forecast card of that page has been computed and sent.

A new session does more than a filter change (it builds the sidebar and every widget),
so these are upper bounds for the change a user makes. Every run asks for a period
nobody asked for before, so nothing is cached from an earlier run. Kinds:
  same       every session opens the same slice;
  different  each session opens its own segment and region.
Each session stops by itself after --timeout seconds (counted as an error).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import websockets  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from bench.load import FIRST_MONTH, LAST_MONTH, slices  # noqa: E402
from tests.e2e.harness import free_port, start_app, wait_healthy  # noqa: E402


async def open_session(port: int, page: str, query: str, timeout: float) -> tuple[float, str | None]:
    """Seconds from asking for `page?query` in a new session to the script finishing, and any error shown."""
    async with websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                                  max_size=None, open_timeout=timeout) as socket:
        request = BackMsg()
        request.rerun_script.query_string = query
        request.rerun_script.page_name = page
        started = time.perf_counter()
        await socket.send(request.SerializeToString())
        error = None
        async with asyncio.timeout(timeout):
            while True:
                message = ForwardMsg()
                message.ParseFromString(await socket.recv())
                kind = message.WhichOneof("type")
                if kind == "delta" and message.delta.new_element.WhichOneof("type") == "exception":
                    error = message.delta.new_element.exception.message[:200] or "exception"
                if kind == "script_finished" and message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                    return time.perf_counter() - started, error


async def one_run(ports: list[int], page: str, kind: str, n: int, first: pd.Timestamp, timeout: float,
                  data: str | None = None) -> list:
    """N new sessions at once, spread over the servers in turn as a sticky load balancer spreads browsers."""
    period = {"period": [f"{first:%Y-%m}", LAST_MONTH], "measure": "units", **({"data": data} if data else {})}
    queries = [urlencode({**period, **extra}, doseq=True) for extra in slices(kind, n)]
    return await asyncio.gather(*(open_session(ports[i % len(ports)], page, q, timeout)
                                  for i, q in enumerate(queries)), return_exceptions=True)


def summary(page: str, kind: str, n: int, results: list) -> str:
    times = sorted(r[0] for r in results if isinstance(r, tuple) and r[1] is None)
    errors = len(results) - len(times)
    if not times:
        return f"{page:>8} {kind:>9} N={n:<3} no session finished; errors {errors}"
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return (f"{page:>8} {kind:>9} N={n:<3} p50 {statistics.median(times):5.2f} s  p95 {p95:5.2f} s  "
            f"max {times[-1]:5.2f} s  errors {errors}/{len(results)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="+", default=["overview", "market"])
    parser.add_argument("--n", nargs="+", type=int, default=[1, 5, 10, 20])
    parser.add_argument("--kinds", nargs="+", default=["same", "different"], choices=["same", "different"])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--servers", type=int, default=1, choices=[1, 2, 3, 4],
                        help="more than 1: servers sharing a PostgreSQL app database and one home folder, as "
                             "docs/deploy.md runs them, each session opening the demo saved there (?data=)")
    args = parser.parse_args()
    env, data, cleanup = {}, None, []
    if args.servers > 1:
        import tempfile

        from bench.query import postgres_url
        from bench.shared_load import save_demo
        from tests.pg import drop_database, fresh_database

        url, cluster = postgres_url()
        database = fresh_database(url)
        home = tempfile.TemporaryDirectory(prefix="market-trends-shared-")
        env = {"MARKET_TRENDS_DATABASE_URL": database.replace("postgresql+psycopg://", "postgresql://", 1),
               "MARKET_TRENDS_HOME": home.name}
        data = save_demo(env)
        cleanup = [lambda: drop_database(url, database), home.cleanup, *([cluster.stop] if cluster else [])]
    ports = [free_port() for _ in range(args.servers)]
    servers = [start_app(port, env=env) for port in ports]
    try:
        for port, server in zip(ports, servers):
            wait_healthy(f"http://127.0.0.1:{port}", server)
            for page in args.pages:  # warm each server: imports, the store, the forecast worker
                asyncio.run(open_session(port, page, urlencode({"data": data}) if data else "", args.timeout))
        first = FIRST_MONTH
        for page in args.pages:
            for kind in args.kinds:
                for n in args.n:
                    results = []
                    for _ in range(args.repeats):
                        first += pd.DateOffset(months=1)  # a slice nobody asked for yet: cold
                        results += asyncio.run(one_run(ports, page, kind, n, first, args.timeout, data))
                    print(f"servers={args.servers} " + summary(page, kind, n, results), flush=True)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        for step in cleanup:
            step()


if __name__ == "__main__":
    main()
