"""Settings for the whole suite.

Hypothesis's default 200 ms deadline per example turns a slow, loaded machine
into a failing test (one example took 295 ms in a full run), which says
nothing about the code. The "ci" profile drops the deadline for every
property test, so no test needs to set its own.
"""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("ci", deadline=None)
settings.load_profile("ci")
