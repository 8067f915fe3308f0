"""Many people at once, measured at the server: N sessions change a filter together, or open a view together.

    python -m bench.server_load                       # Briefing and Market, N = 1 5 10 20, both kinds, both actions
    python -m bench.server_load --action change --pages overview --n 20 --repeats 3
    python -m bench.server_load --servers 2 --kinds same   # two servers sharing PostgreSQL

`bench.load` drives N Chromium pages, so on this 2-core machine its figures past a few
sessions measure Chromium drawing N pages as much as the server. This benchmark speaks
Streamlit's own protocol instead, as a load tool such as Locust would: N WebSocket clients
(127.0.0.1 only), each its own session, timed from a request to the server's "script
finished" message, i.e. until every number, chart and the forecast card of that page has
been computed and sent. Actions:
  change     the N sessions open the page (untimed), then at the same moment each changes
             the sidebar's Segments (and Regions) filter, sending the new widget values as a
             browser does: the issue's "change a filter", from the change to the re-rendered page;
  open       N new sessions open the page's link at the same moment (more work than a change:
             the sidebar and every widget are built): an upper bound.
Every run asks for a period nobody asked for before, so nothing is cached from an earlier
run. Kinds:
  same       every session shows (changes to) the same slice;
  different  each session its own segment and region.
Each session stops by itself after --timeout seconds (counted as an error).
Each line prints p50/p95/max, for changes the p95 until the page's last chart arrived, errors,
and the servers' CPU seconds (process and forecast worker) per session, counted from the change:
N times that, over the 2 cores, is the least wall time any scheduling could reach.
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

from bench.load import FIRST_MONTH, LAST_MONTH, SEGMENTS, slices  # noqa: E402
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


async def change_session(port: int, page: str, query: str, change: dict[str, list[str]], opened: asyncio.Barrier,
                         timeout: float, meter: CpuMeter) -> tuple[float, str | None, float]:
    """Open `page?query` (untimed), wait until every session has, then change the sidebar's filters as a
    browser does (the new widget values in a rerun request): seconds from the change to the script finishing,
    any exception shown, and seconds from the change to the page's last chart."""
    async with websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                                  max_size=None, open_timeout=timeout) as socket:
        request = BackMsg()
        request.rerun_script.query_string = query
        request.rerun_script.page_name = page
        await socket.send(request.SerializeToString())
        widgets: dict[str, str] = {}  # a filter's key -> its widget id, as the page sent it
        async with asyncio.timeout(timeout):
            await _until_finished(socket, widgets)
        await opened.wait()
        meter.start()  # the servers' CPU from here: the changes, not the untimed opening
        change_request = BackMsg()
        change_request.rerun_script.query_string = query
        change_request.rerun_script.page_name = page
        for key, values in change.items():
            state = change_request.rerun_script.widget_states.widgets.add()
            state.id = widgets[key]
            state.string_array_value.data.extend(values)
        started = time.perf_counter()
        await socket.send(change_request.SerializeToString())
        charts: list[float] = []
        async with asyncio.timeout(timeout):
            error = await _until_finished(socket, {}, charts)
        return time.perf_counter() - started, error, (charts[-1] if charts else time.perf_counter()) - started


async def _until_finished(socket, widgets: dict[str, str], charts: list[float] | None = None) -> str | None:
    """Read the script's messages until it finishes; note the sidebar filters' widget ids, when each chart
    arrived (in `charts`) and any exception shown."""
    error = None
    while True:
        message = ForwardMsg()
        message.ParseFromString(await socket.recv())
        kind = message.WhichOneof("type")
        if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            which = element.WhichOneof("type")
            if which == "exception":
                error = element.exception.message[:200] or "exception"
            elif which == "plotly_chart" and charts is not None:
                charts.append(time.perf_counter())
            elif which == "multiselect":
                key = element.multiselect.id.rsplit("-", 1)[-1]
                widgets[key] = element.multiselect.id
        if kind == "script_finished" and message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
            return error


def changes(kind: str, n: int) -> list[dict[str, list[str]]]:
    """Per session, the filter change it makes: all the same segment, or each its own segment and region."""
    return [{"segment": [s["segment"]] if "segment" in s else [], "region": [s["region"]] if "region" in s else []}
            for s in slices(kind, n)] if kind == "different" else [{"segment": [SEGMENTS[0]]}] * n


async def one_change(ports: list[int], page: str, kind: str, n: int, first: pd.Timestamp, timeout: float,
                     meter: CpuMeter, data: str | None = None) -> list:
    """N sessions open the same cold view, then all change a filter at the same moment."""
    period = {"period": [f"{first:%Y-%m}", LAST_MONTH], "measure": "units", **({"data": data} if data else {})}
    query = urlencode(period, doseq=True)
    opened = asyncio.Barrier(n)
    return await asyncio.gather(*(change_session(ports[i % len(ports)], page, query, change, opened, timeout, meter)
                                  for i, change in enumerate(changes(kind, n))), return_exceptions=True)


async def one_run(ports: list[int], page: str, kind: str, n: int, first: pd.Timestamp, timeout: float,
                  meter: CpuMeter, data: str | None = None) -> list:
    """N new sessions at once, spread over the servers in turn as a sticky load balancer spreads browsers."""
    meter.start()
    period = {"period": [f"{first:%Y-%m}", LAST_MONTH], "measure": "units", **({"data": data} if data else {})}
    queries = [urlencode({**period, **extra}, doseq=True) for extra in slices(kind, n)]
    return await asyncio.gather(*(open_session(ports[i % len(ports)], page, q, timeout)
                                  for i, q in enumerate(queries)), return_exceptions=True)


def p95(times: list[float]) -> float:
    times = sorted(times)
    return times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def summary(page: str, kind: str, n: int, results: list, cpu: float) -> str:
    """p50/p95/max to the finished page; for changes also p95 until its last chart arrived; errors;
    and the servers' CPU seconds (process and forecast worker) per session."""
    done = [r for r in results if isinstance(r, tuple) and r[1] is None]
    times = sorted(r[0] for r in done)
    errors = len(results) - len(times)
    cost = f"  server CPU {cpu / len(results):4.2f} s per session"
    if not times:
        return f"{page:>8} {kind:>9} N={n:<3} no session finished; errors {errors}{cost}"
    charts = f"  charts p95 {p95([r[2] for r in done]):5.2f} s" if len(done[0]) > 2 else ""
    return (f"{page:>8} {kind:>9} N={n:<3} p50 {statistics.median(times):5.2f} s  p95 {p95(times):5.2f} s  "
            f"max {times[-1]:5.2f} s{charts}  errors {errors}/{len(results)}{cost}")


class CpuMeter:
    """The servers' CPU seconds from `start()` (the first call counts) to `used()`."""

    def __init__(self, pids: list[int]) -> None:
        self.pids, self.began = pids, None

    def start(self) -> None:
        if self.began is None:
            self.began = cpu_seconds(self.pids)

    def used(self) -> float:
        return cpu_seconds(self.pids) - (self.began or 0.0)


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds of the servers and their children (the forecast workers) so far."""
    import os

    from bench.load import _children

    total = 0
    for pid in pids:
        for each in [pid, *_children(pid)]:
            try:
                fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime and stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="+", default=["overview", "market"])
    parser.add_argument("--n", nargs="+", type=int, default=[1, 5, 10, 20])
    parser.add_argument("--kinds", nargs="+", default=["same", "different"], choices=["same", "different"])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--action", nargs="+", default=["change", "open"], choices=["change", "open"],
                        help="change: sessions already open change a filter together (the user's action); "
                             "open: new sessions open a link together")
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
        for action in args.action:
            run = one_change if action == "change" else one_run
            for page in args.pages:
                for kind in args.kinds:
                    for n in args.n:
                        results, cpu = [], 0.0
                        for _ in range(args.repeats):
                            first += pd.DateOffset(months=1)  # a slice nobody asked for yet: cold
                            meter = CpuMeter([server.pid for server in servers])
                            results += asyncio.run(run(ports, page, kind, n, first, args.timeout, meter, data))
                            cpu += meter.used()
                        print(f"servers={args.servers} {action:>6} " + summary(page, kind, n, results, cpu),
                              flush=True)
        from bench.shared_load import peak_rss_mb

        print("peak RSS per server (process + forecast worker): "
              + ", ".join(f"{peak_rss_mb(server.pid):,.0f} MB" for server in servers), flush=True)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        for step in cleanup:
            step()


if __name__ == "__main__":
    main()
