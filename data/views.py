"""Saved views: a name and a short id for a page and its link parameters, in SQLite.

A link with every control in it can get long; `?view=k3x9p2` is easy to paste
into a slide. Views hold only the page and its parameters (never data, never
credentials), each save is one transaction, and SQLite's write-ahead log lets
several app processes save at once.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
import string
import time
from dataclasses import dataclass
from pathlib import Path

ID_ALPHABET = string.ascii_lowercase + string.digits
ID_LENGTH = 8
ID_PATTERN = re.compile(rf"^[a-z0-9]{{{ID_LENGTH}}}$")
MAX_NAME = 80
MAX_PARAMS_BYTES = 16_000


def default_path() -> Path:
    """$MARKET_TRENDS_VIEWS, else the user's data directory (XDG_DATA_HOME or ~/.local/share)."""
    if os.environ.get("MARKET_TRENDS_VIEWS"):
        return Path(os.environ["MARKET_TRENDS_VIEWS"])
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "market-trends-dashboard" / "views.sqlite3"


@dataclass(frozen=True)
class SavedView:
    id: str
    name: str
    page: str  # url_path of the page
    params: dict[str, list[str]]
    created: float


class ViewStore:
    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute(
                "CREATE TABLE IF NOT EXISTS views (id TEXT PRIMARY KEY, name TEXT NOT NULL, page TEXT NOT NULL, "
                "params TEXT NOT NULL, created REAL NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        # A fresh connection per call: Streamlit serves sessions from many threads.
        return sqlite3.connect(self.path, timeout=10.0, isolation_level=None)

    def save(self, name: str, page: str, params: dict[str, list[str]]) -> SavedView:
        """Store a view under a new random id; the name is trimmed, never interpreted."""
        name = " ".join(str(name).split())[:MAX_NAME] or "Untitled view"
        payload = json.dumps({str(k): [str(v) for v in values] for k, values in params.items()}, sort_keys=True)
        if len(payload.encode()) > MAX_PARAMS_BYTES:
            raise ValueError("this view has too many parameters to save")
        created = time.time()
        with self._connect() as con:
            for _ in range(10):  # a clash among 36^8 ids is rare; try again if it happens
                view_id = "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
                try:
                    con.execute("INSERT INTO views VALUES (?, ?, ?, ?, ?)", (view_id, name, page, payload, created))
                except sqlite3.IntegrityError:
                    continue
                return SavedView(view_id, name, page, json.loads(payload), created)
        raise RuntimeError("could not find a free view id")

    def get(self, view_id: str) -> SavedView | None:
        """The view with this id; None for an unknown or malformed id."""
        if not isinstance(view_id, str) or not ID_PATTERN.match(view_id):
            return None
        with self._connect() as con:
            row = con.execute("SELECT id, name, page, params, created FROM views WHERE id = ?", (view_id,)).fetchone()
        return None if row is None else SavedView(row[0], row[1], row[2], json.loads(row[3]), row[4])

    def all(self) -> list[SavedView]:
        with self._connect() as con:
            rows = con.execute("SELECT id, name, page, params, created FROM views ORDER BY created DESC").fetchall()
        return [SavedView(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows]

    def delete(self, view_id: str) -> bool:
        if not ID_PATTERN.match(str(view_id)):
            return False
        with self._connect() as con:
            return con.execute("DELETE FROM views WHERE id = ?", (view_id,)).rowcount > 0
