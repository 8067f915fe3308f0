"""Settings for the whole suite.

Hypothesis's default 200 ms deadline per example turns a slow, loaded machine
into a failing test (one example took 295 ms in a full run), which says
nothing about the code. The "ci" profile drops the deadline for every
property test, so no test needs to set its own.

Every test run gets its own app folder: without it, a test that saves a view
or a dataset would write into the user's real `~/.local/share` folder, and two
runs at once (or a developer's own app) would see each other's state. Tests
that need a particular folder still set MARKET_TRENDS_HOME themselves.
"""

from __future__ import annotations

import os
import subprocess
import tempfile

from hypothesis import settings

settings.register_profile("ci", deadline=None)
settings.load_profile("ci")

os.environ["MARKET_TRENDS_HOME"] = tempfile.mkdtemp(prefix="market-trends-tests-")
os.environ.pop("MARKET_TRENDS_DATABASE_URL", None)


# --- PostgreSQL -------------------------------------------------------------------------------------------------
# The CI's server (MARKET_TRENDS_TEST_PG_URL, set by .ci/run), else a throwaway cluster started here, else a skip
# with the reason; in CI (CI=true) never a skip. See tests/pg.py.

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def pg_server():
    """The SQLAlchemy URL of a running PostgreSQL's `postgres` database, for the whole run."""
    from tests import pg

    if os.environ.get(pg.ENV_URL):
        yield os.environ[pg.ENV_URL]
        return
    try:
        cluster = pg.start_cluster()
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        reason = f"no PostgreSQL for the tests ({error}); set {pg.ENV_URL} or install Debian's postgresql"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; PostgreSQL tests must run in CI", pytrace=False)
        pytest.skip(reason)
    try:
        yield cluster.url
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database of its own for one test, dropped afterwards."""
    from tests import pg

    url = pg.fresh_database(pg_server)
    try:
        yield url
    finally:
        from data import appdb

        for key in [k for k in appdb._engines if k == url]:  # pooled connections would block the drop
            appdb._engines.pop(key).dispose()
            appdb._migrated.discard(key)
        pg.drop_database(pg_server, url)
