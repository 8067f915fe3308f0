"""Refreshing a saved dataset from a real HTTP server on 127.0.0.1, into a real workspace folder.

The server is on the machine's own network, which the loader refuses unless an
administrator allows it; the tests allow 127.0.0.1 through
MARKET_TRENDS_ALLOWED_HOSTS, as an administrator would.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from data.http_source import fetch
from data.refresh import FAILED, NOT_REFRESHABLE, REFRESHED, refresh
from data.validate import load
from data.workspace import Workspace, WorkspaceError

ROOT = Path(__file__).resolve().parents[2]


def long_csv(months: int, measure: str = "units") -> bytes:
    lines = [f"date,company,{measure}"]
    for month in range(months):
        date = (pd.Timestamp("2023-01-01") + pd.DateOffset(months=month)).strftime("%Y-%m-%d")
        lines += [f"{date},Apex,{100 + month}", f"{date},Borealis,{50 + 2 * month}"]
    return ("\n".join(lines) + "\n").encode()


def wide_csv(months: int) -> bytes:
    lines = ["Month,Apex %,Borealis %,Corvid %"]
    for month in range(months):
        date = (pd.Timestamp("2023-01-01") + pd.DateOffset(months=month)).strftime("%Y-%m")
        lines.append(f"{date},{40 + month % 3},35,{25 - month % 3}")
    return ("\n".join(lines) + "\n").encode()


class Handler(BaseHTTPRequestHandler):
    files: dict[str, tuple[int, str, bytes]] = {}  # path -> (status, content type, body), set by each test

    def do_GET(self):  # noqa: N802 (http.server's name)
        status, kind, body = self.files.get(self.path, (404, "text/plain", b"no such file"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def local(server, monkeypatch, tmp_path):
    """The server's base URL, 127.0.0.1 allowed, and MARKET_TRENDS_HOME in tmp_path."""
    monkeypatch.setenv("MARKET_TRENDS_ALLOWED_HOSTS", "127.0.0.1")
    monkeypatch.setenv("MARKET_TRENDS_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MARKET_TRENDS_DATABASE_URL", raising=False)
    Handler.files = {}
    return server


def serve(path: str, body: bytes, status: int = 200, kind: str = "text/csv") -> None:
    Handler.files[path] = (status, kind, body)


def save_from(url: str, name: str = "Phones EU") -> str:
    """What the Data page does: fetch, check with the suggested mapping, save to the workspace."""
    file_name, content = fetch(url)
    loaded = load(file_name, content, "market")
    assert loaded.ok, loaded.report.lines()
    return Workspace().save(name, {"market": loaded.frame}, url).dataset_id


def months_of(dataset_id: str) -> list[str]:
    frame = Workspace().load(dataset_id)["market"]
    return sorted(frame["date"].dt.strftime("%Y-%m").unique())


def test_a_refresh_saves_the_new_periods_as_a_new_version(local):
    serve("/market.csv", long_csv(12))
    dataset_id = save_from(f"{local}/market.csv")
    serve("/market.csv", long_csv(18))  # the publisher added six months

    outcome = refresh(dataset_id)

    assert outcome.status == REFRESHED and outcome.ok and outcome.version == 2
    assert outcome.line() == f"Phones EU ({dataset_id}): version 2 saved, 36 rows, periods 2023-01 to 2024-06"
    assert months_of(dataset_id)[-6:] == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    info = Workspace().get(dataset_id)
    assert info.latest_version == 2 and info.periods_end == "2024-06-01" and info.name == "Phones EU"
    assert info.refresh_outcome == "ok" and info.refresh_message is None
    assert [v.refresh_outcome for v in Workspace().versions(dataset_id)] == ["refreshed", "saved"]
    assert len(Workspace().load(dataset_id, version=1)["market"]) == 24  # the old version is still there


@pytest.mark.parametrize("status, kind, body, says", [
    (500, "text/plain", b"oops", "answered 500"),
    (404, "text/plain", b"gone", "answered 404"),
    (200, "text/html", b"<html>Please sign in</html>", "is a web page, not a data file"),
    (200, "text/csv", b"date,company,units\n2024-01-01,Apex,many\n2024-02-01,Apex,12\n",
     "the file at the link no longer passes the checks: market.units"),
    (200, "text/csv", b"when,who\nyesterday,Apex\n", "no longer passes the checks"),
])
def test_a_failed_refresh_keeps_the_last_good_version_and_says_why(local, status, kind, body, says):
    serve("/market.csv", long_csv(12))
    dataset_id = save_from(f"{local}/market.csv")
    serve("/market.csv", long_csv(18))
    assert refresh(dataset_id).version == 2
    serve("/market.csv", body, status, kind)

    outcome = refresh(dataset_id)

    assert outcome.status == FAILED and not outcome.ok and outcome.version == 2 and says in outcome.message
    assert outcome.line().startswith(f"Phones EU ({dataset_id}): refresh failed, kept version 2: ")
    info = Workspace().get(dataset_id)
    assert info.latest_version == 2 and info.refresh_outcome == "failed" and says in info.refresh_message
    assert [i.refresh_message for i in Workspace().list()] == [info.refresh_message]
    assert len(months_of(dataset_id)) == 18  # the last good version is what every page still loads


def test_a_server_that_is_down_keeps_the_last_good_version(local):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{probe.getsockname()[1]}/market.csv"
    serve("/market.csv", long_csv(12))
    file_name, content = fetch(f"{local}/market.csv")
    dataset_id = Workspace().save("Phones EU", {"market": load(file_name, content).frame}, down).dataset_id

    outcome = refresh(dataset_id)

    assert outcome.status == FAILED and outcome.version == 1 and "Could not reach 127.0.0.1" in outcome.message
    assert "Could not reach 127.0.0.1" in Workspace().get(dataset_id).refresh_message


def test_a_success_after_a_failure_clears_the_failure(local):
    serve("/market.csv", long_csv(12))
    dataset_id = save_from(f"{local}/market.csv")
    serve("/market.csv", b"oops", 500, "text/plain")
    assert refresh(dataset_id).status == FAILED
    serve("/market.csv", long_csv(13))
    assert refresh(dataset_id).version == 2
    info = Workspace().get(dataset_id)
    assert info.refresh_outcome == "ok" and info.refresh_message is None


def test_a_wide_file_is_refreshed_with_the_mapping_suggested_again(local):
    serve("/tracker.csv", wide_csv(12))
    dataset_id = save_from(f"{local}/tracker.csv", "Share tracker")
    serve("/tracker.csv", wide_csv(18))

    outcome = refresh(dataset_id)

    assert outcome.ok and outcome.rows == 18 * 3, outcome.message
    frame = Workspace().load(dataset_id)["market"]
    assert set(frame["company"]) == {"Apex", "Borealis", "Corvid"} and frame["share"].notna().all()


def test_a_file_whose_figures_changed_meaning_is_not_taken(local):
    serve("/market.csv", long_csv(12, "units"))
    dataset_id = save_from(f"{local}/market.csv")
    serve("/market.csv", long_csv(18, "revenue"))  # units are gone: not the same series any more

    outcome = refresh(dataset_id)

    assert outcome.status == FAILED and outcome.version == 1
    assert "the file now gives revenue where version 1 had units" in outcome.message
    assert "units" in Workspace().load(dataset_id)["market"].dropna(axis=1, how="all").columns


def test_an_uploaded_dataset_cannot_be_refreshed(local):
    serve("/market.csv", long_csv(12))
    file_name, content = fetch(f"{local}/market.csv")
    dataset_id = Workspace().save("Uploaded", {"market": load(file_name, content).frame}, "phones.csv").dataset_id

    outcome = refresh(dataset_id)

    assert outcome.status == NOT_REFRESHABLE and outcome.version == 1
    assert outcome.line() == (f"Uploaded ({dataset_id}): cannot be refreshed: it was uploaded as a file (phones.csv), "
                              "not fetched from a web address. Upload the new file on the Data page and save it "
                              "to the workspace.")
    assert Workspace().get(dataset_id).refresh_outcome is None  # nothing was attempted, nothing recorded


@pytest.mark.parametrize("dataset_id, says", [
    ("zzzzzzzz", "not in the workspace"),
    ("../../etc", "not a dataset id"),
    ("ABCDEFGH", "not a dataset id"),
    ("x" * 5000, "not a dataset id"),
])
def test_unknown_and_malformed_ids_are_plain_errors(local, dataset_id, says):
    with pytest.raises(WorkspaceError, match=says):
        refresh(dataset_id)


# --- the command line, as a scheduler runs it ------------------------------------------------------

def run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "MARKET_TRENDS_DATABASE_URL"}
    return subprocess.run([sys.executable, "-m", "data.refresh", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def test_the_command_exits_0_on_success_and_1_on_failure(local):
    serve("/market.csv", long_csv(12))
    dataset_id = save_from(f"{local}/market.csv")
    serve("/market.csv", long_csv(18))

    ok = run(dataset_id)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout == f"Phones EU ({dataset_id}): version 2 saved, 36 rows, periods 2023-01 to 2024-06\n"
    assert '"audit": "refreshed"' in ok.stderr and '"who": "python -m data.refresh"' in ok.stderr  # the log line
    from data.access import Access

    assert [(e.who, e.action) for e in Access().activity(dataset_id)] == [("python -m data.refresh", "refreshed")]

    serve("/market.csv", b"oops", 500, "text/plain")
    failed = run(dataset_id)
    assert failed.returncode == 1
    assert failed.stdout.startswith(f"Phones EU ({dataset_id}): refresh failed, kept version 2: ")
    assert "answered 500" in failed.stdout and "Traceback" not in failed.stdout + failed.stderr
    assert Workspace().get(dataset_id).latest_version == 2


def test_the_command_with_all_refreshes_every_dataset_from_a_web_address(local):
    serve("/a.csv", long_csv(12))
    serve("/b.csv", wide_csv(12))
    first, second = save_from(f"{local}/a.csv", "A"), save_from(f"{local}/b.csv", "B")
    file_name, content = fetch(f"{local}/a.csv")
    Workspace().save("Uploaded", {"market": load(file_name, content).frame}, "phones.csv")
    serve("/a.csv", long_csv(13))
    serve("/b.csv", wide_csv(13))

    result = run("--all")

    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(result.stdout.splitlines()) == [
        f"A ({first}): version 2 saved, 26 rows, periods 2023-01 to 2024-01",
        f"B ({second}): version 2 saved, 39 rows, periods 2023-01 to 2024-01",
    ]


@pytest.mark.parametrize("args, code, says", [
    (["zzzzzzzz"], 1, "zzzzzzzz: That dataset is not in the workspace"),
    (["../../etc/passwd"], 2, "not a dataset id"),
    (["\u202eevil\x1b[31m"], 2, "not a dataset id"),
    ([], 2, "Give one or more dataset ids, or --all."),
])
def test_the_command_says_plainly_what_is_wrong_with_an_id(local, args, code, says):
    result = run(*args)
    assert result.returncode == code and says in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr and "\x1b" not in result.stdout


def test_the_command_with_all_and_nothing_to_refresh(local):
    result = run("--all")
    assert result.returncode == 0 and "nothing to refresh" in result.stdout
