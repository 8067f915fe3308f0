"""Where the app keeps its server-side state, without opening anything.

Kept apart from `data/appdb.py` so that asking "is there a workspace at all?"
costs no database driver import: a fresh server with nothing saved starts as
fast as before the workspace existed.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_FOLDER = "market-trends-dashboard"
DATABASE_FILE = "app.sqlite3"


def home() -> Path:
    """$MARKET_TRENDS_HOME, else the user data folder (XDG_DATA_HOME or ~/.local/share)."""
    if os.environ.get("MARKET_TRENDS_HOME"):
        return Path(os.environ["MARKET_TRENDS_HOME"])
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_FOLDER


def database_url() -> str:
    """$MARKET_TRENDS_DATABASE_URL (e.g. PostgreSQL for several servers), else a SQLite file in home()."""
    return shared_database_url() or f"sqlite:///{home() / DATABASE_FILE}"


def shared_database_url() -> str | None:
    """$MARKET_TRENDS_DATABASE_URL with a plain `postgresql://` (or `postgres://`) mapped to the psycopg 3
    driver the app pins; SQLAlchemy's default for the plain form is psycopg2, which is not installed."""
    url = os.environ.get("MARKET_TRENDS_DATABASE_URL")
    if not url:
        return None
    return normalise_url(url)


def normalise_url(url: str) -> str:
    """A PostgreSQL URL without a driver gets psycopg 3; every other URL is returned as given."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def database_exists() -> bool:
    """False only when nothing was ever saved here: no app database file and no database server configured."""
    return bool(os.environ.get("MARKET_TRENDS_DATABASE_URL")) or (home() / DATABASE_FILE).exists()
