"""A real PostgreSQL for the tests: the CI's server, or a throwaway cluster started here.

`.ci/run` starts one cluster for the whole run and exports MARKET_TRENDS_TEST_PG_URL.
Outside CI, a developer with Debian's `postgresql` package gets the same thing
started by `start_cluster()` (as a non-root user when the tests run as root,
because PostgreSQL refuses to run as root); without it the tests skip with the
reason. In CI (CI=true) they never skip: a missing server fails the run.

Each test gets its own database (`fresh_database`), so tests never see each
other's rows and can run in any order.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ENV_URL = "MARKET_TRENDS_TEST_PG_URL"
CI_USER = "market-trends-ci"


@dataclass
class Cluster:
    """A running throwaway cluster; `stop()` shuts it down and deletes its folder."""

    url: str  # SQLAlchemy URL of the `postgres` database
    folder: Path
    process: subprocess.Popen | None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: "smart" shutdown, then fast after the timeout below
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def pg_bin() -> Path | None:
    """Debian's newest PostgreSQL binaries folder, or the one with `initdb` on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_as() -> str | None:
    """The user PostgreSQL runs as: ourselves, or (as root) a dedicated user created on first use."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(CI_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", CI_USER],
                       check=True, capture_output=True)
    return CI_USER


def start_cluster(timeout: float = 60) -> Cluster:
    """initdb a cluster in a temporary folder and start it on a free port on 127.0.0.1.

    Raises RuntimeError with the reason when PostgreSQL is not installed or does not start.
    """
    binaries = pg_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    user = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="market-trends-pg-"))
    if user is not None:
        shutil.chown(folder, user=user)
    data = folder / "data"
    init = subprocess.run([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                           "--encoding=UTF8", "--no-sync"],
                          user=user, capture_output=True, text=True)
    if init.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {init.stderr.strip()[-500:]}")
    port = _free_port()
    log = open(folder / "postgres.log", "wb")
    process = subprocess.Popen(
        [str(binaries / "postgres"), "-D", str(data), "-p", str(port), "-k", str(folder),
         "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200"],
        user=user, stdout=log, stderr=subprocess.STDOUT,
    )
    cluster = Cluster(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", folder, process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            text = (folder / "postgres.log").read_text(errors="replace")[-800:]
            cluster.stop()
            raise RuntimeError(f"postgres exited: {text}")
        if _accepts(cluster.url):
            return cluster
        time.sleep(0.2)
    cluster.stop()
    raise RuntimeError(f"postgres did not accept connections within {timeout:.0f} s")


def _accepts(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(_libpq(url), connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


def _libpq(url: str) -> str:
    """The libpq form of a SQLAlchemy URL (psycopg does not know the '+psycopg' driver suffix)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def with_database(url: str, name: str) -> str:
    """`url` pointing at database `name` instead of the one it names."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=name).render_as_string(hide_password=False)


def fresh_database(server_url: str) -> str:
    """Create an empty database with a random name; return its SQLAlchemy URL."""
    import psycopg

    name = "mt_test_" + secrets.token_hex(6)
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # name is ours (hex), never user text
    return with_database(server_url, name)


def drop_database(server_url: str, url: str) -> None:
    """Drop a database made by `fresh_database`, closing whatever connections are left on it."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    if not name or not name.startswith("mt_test_"):
        raise ValueError(f"refusing to drop {name!r}: not a test database")
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":  # a developer's manual check: start, print the URL, stop on Enter
    started = start_cluster()
    print(started.url)
    try:
        input("PostgreSQL is running; press Enter to stop it\n")
    finally:
        started.stop()
