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
import tempfile

from hypothesis import settings

settings.register_profile("ci", deadline=None)
settings.load_profile("ci")

os.environ["MARKET_TRENDS_HOME"] = tempfile.mkdtemp(prefix="market-trends-tests-")
os.environ.pop("MARKET_TRENDS_DATABASE_URL", None)
