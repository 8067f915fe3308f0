"""What access checks add to a page run: the picker's roles over many datasets, one check, one audit event.

    python -m bench.access                      # 200 datasets, 30 repeats
    python -m bench.access --datasets 1000 --repeats 50

Every signed-in page run computes the user's role on each listed dataset (one
query for all of them, `Access.roles`) and on the opened one (`Access.role`);
the first open of a dataset in a session appends an audit row and a log line.
A throwaway SQLite app database in a temporary folder, half the datasets
shared with the user's domain.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from contextlib import redirect_stderr
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from data import appdb  # noqa: E402
from data.access import READER, Access, signed_in  # noqa: E402


def timed(action, repeats: int) -> tuple[float, float]:  # noqa: ANN001
    """Median and spread (max - min) in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times) - min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = appdb.engine(f"sqlite:///{Path(folder) / 'app.sqlite3'}")
        appdb.migrate(engine)
        owner, reader = signed_in("owner@example.com", "Owner"), signed_in("reader@example.com", "Reader")
        ids = [f"d{n:07d}" for n in range(args.datasets)]
        with appdb.writer(engine).begin() as conn:
            conn.execute(insert(appdb.datasets), [dict(id=i, name=i, source="bench", created=0.0, updated=0.0,
                                                       latest_version=1, owner=owner.email) for i in ids])
            conn.execute(insert(appdb.dataset_grants), [dict(dataset=i, grantee="@example.com", role=READER,
                                                             granted=0.0, granted_by=owner.email) for i in ids[::2]])
        access = Access(engine)
        owners = dict.fromkeys(ids, owner.email)
        roles = timed(lambda: access.roles(reader, owners), args.repeats)
        one = timed(lambda: access.role(reader, ids[0], owner.email), args.repeats)
        with redirect_stderr(io.StringIO()):
            audit = timed(lambda: access.record(reader, "opened", dataset=ids[0]), args.repeats)
    print(f"{args.datasets} datasets, {args.repeats} repeats, SQLite, median (spread) in ms:")
    print(f"  roles for the whole picker list  {roles[0]:7.2f} ({roles[1]:.2f})")
    print(f"  role on the opened dataset       {one[0]:7.2f} ({one[1]:.2f})")
    print(f"  one audit event (row + log line) {audit[0]:7.2f} ({audit[1]:.2f})")


if __name__ == "__main__":
    main()
