"""Refresh a workspace dataset that came from a web address: fetch it again, check it, save a new version.

    python -m data.refresh ID [ID ...]      # refresh these datasets
    python -m data.refresh --all            # every dataset whose source is a web address

prints one line per dataset and exits

- 0 when every dataset was refreshed (a new version saved), or `--all` found nothing to refresh;
- 1 when a refresh failed (the last good version stays the latest and the reason is recorded),
  a dataset is not in the workspace, was uploaded as a file (nothing to fetch), or the catalog
  cannot be read;
- 2 when an id is malformed (ids are 8 lowercase letters and digits) or the arguments are wrong
  (130 when interrupted),

so a scheduler (cron, systemd timer, CI) can run it and alert on a non-zero exit. It never prints
a traceback.

How a refresh reads the file: the same way the Data page does. The file is
fetched with `data.http_source.fetch` (public addresses only unless
MARKET_TRENDS_ALLOWED_HOSTS allows the host, with timeouts and a total
deadline), then read and checked with `data.validate.load` for every table the
latest version has (usually just "market"; a dataset has one source, so with
several tables the one file must pass the checks of each). The workspace does not store the
mapping or the Excel sheet a user confirmed, so the mapping is suggested again
with `suggest_mapping`, exactly as the Data page first suggests it, and the
first sheet is read. To catch a suggestion that reads the file differently
from the saved version (say a wide file's values taken as units where the
user had chosen revenue), a refresh of a market table fails if a measure
(units, revenue, share) that had figures in the latest version has none in
the new file; loading the file on the Data page and saving it to the
workspace confirms the new reading.

Anything that goes wrong (server down, 404/500, a web page instead of a file,
a file that no longer passes the checks, a disk error while saving) keeps the
last good version as the latest and records the reason with
`Workspace.record_refresh_failure`, which the Data page shows.
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass

import pandas as pd
import pyarrow.parquet as pq

from data.http_source import fetch
from data.report import LoadError
from data.schema import SCHEMAS
from data.validate import MEASURES, load
from data.workspace import DatasetInfo, Workspace, WorkspaceError, check_id

REFRESHED, FAILED, NOT_REFRESHABLE = "refreshed", "failed", "not refreshable"
URL_SCHEMES = ("http://", "https://")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefreshOutcome:
    """What one refresh did, in words a user can read (`line()`)."""

    dataset_id: str
    name: str
    status: str  # REFRESHED, FAILED or NOT_REFRESHABLE
    version: int  # the new version if refreshed, else the latest (kept) version
    message: str  # why it failed or cannot be refreshed; "" when refreshed
    rows: int = 0  # rows of the new version, over all tables
    periods_start: str | None = None  # ISO dates of the new version
    periods_end: str | None = None
    periodicity: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == REFRESHED

    def line(self) -> str:
        """'Phones EU (ab12cd34): version 4 saved, 1,234 rows, periods 2019-01 to 2024-12'."""
        who = f"{self.name} ({self.dataset_id})"
        if self.status == REFRESHED:
            text = f"{who}: version {self.version} saved, {self.rows:,} rows"
            if self.periods_start and self.periods_end:
                text += (f", periods {_period(self.periods_start, self.periodicity)} to "
                         f"{_period(self.periods_end, self.periodicity)}")
            return text
        if self.status == NOT_REFRESHABLE:
            return f"{who}: cannot be refreshed: {self.message}"
        return f"{who}: refresh failed, kept version {self.version}: {self.message}"


def is_url(source: str) -> bool:
    return source.strip().lower().startswith(URL_SCHEMES)


def refresh(dataset_id: str, workspace: Workspace | None = None) -> RefreshOutcome:
    """Fetch the dataset's web address again and save what passes the checks as a new version.

    Raises WorkspaceError (plain message) only when `dataset_id` is malformed or not in the
    workspace, or the catalog cannot be read; every other problem is a FAILED outcome, recorded
    on the dataset, with the last good version kept. A dataset uploaded as a file is
    NOT_REFRESHABLE (nothing recorded: no refresh was attempted). The mapping is suggested again
    (see the module docstring): the workspace does not store the one the user confirmed.
    """
    ws = workspace or Workspace()
    info = ws.get(check_id(dataset_id))
    if info is None:
        raise WorkspaceError("That dataset is not in the workspace (it may have been deleted).")
    if not is_url(info.source):
        return RefreshOutcome(info.id, info.name, NOT_REFRESHABLE, info.latest_version,
                              f"it was uploaded as a file ({info.source}), not fetched from a web address. "
                              "Upload the new file on the Data page and save it to the workspace.")
    try:
        tables = _fetch_and_check(info, ws)
        saved = ws.save(info.name, tables, info.source, dataset_id=info.id, refreshed=True)
    except (LoadError, WorkspaceError, _Refused) as error:
        return _failed(ws, info, str(error))
    except Exception as error:  # anything else: still keep the last good version and say so
        log.warning("refresh of %s failed unexpectedly: %r", info.id, error)
        return _failed(ws, info, f"unexpected error ({type(error).__name__}); the last good version is kept.")
    return RefreshOutcome(info.id, info.name, REFRESHED, saved.version, "", sum(saved.tables.values()),
                          saved.periods_start, saved.periods_end, saved.periodicity)


class _Refused(Exception):
    """The fetched file cannot replace the latest version; the message says why."""


def _fetch_and_check(info: DatasetInfo, ws: Workspace) -> dict[str, pd.DataFrame]:
    name, content = fetch(info.source)
    tables = {}
    for table in info.tables:
        if table not in SCHEMAS:
            raise _Refused(f"its table '{table}' is not one the dashboard checks, so it cannot be refreshed "
                           "from a file.")
        loaded = load(name, content, table)
        if not loaded.ok:
            errors = loaded.report.errors
            first = errors[0].line().removeprefix("error · ") if errors else "it could not be read."
            more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
            raise _Refused(f"the file at the link no longer passes the checks: {first}{more}")
        if table == "market":
            _same_measures(info, ws, loaded.frame)
        tables[table] = loaded.frame
    return tables


def _same_measures(info: DatasetInfo, ws: Workspace, frame: pd.DataFrame) -> None:
    """A measure that had figures in the latest version must still have some (see the module docstring)."""
    path = ws.table_path(info.id, info.latest_version, "market")
    try:
        present = [m for m in MEASURES if m in pq.read_schema(path).names]
        old = pd.read_parquet(path, columns=present)  # only the measures: a 10M-row table stays cheap
    except Exception:  # noqa: BLE001 (an unreadable old version cannot be compared; the new one is checked)
        return
    lost = [m for m in present if old[m].notna().any() and not (m in frame and frame[m].notna().any())]
    if lost:
        now = [m for m in MEASURES if m in frame and frame[m].notna().any()]
        raise _Refused(f"the file now gives {', '.join(now) or 'no figures'} where version "
                       f"{info.latest_version} had {', '.join(lost)}; the columns or their reading changed. "
                       "Load the link on the Data page, check the mapping and save it to the workspace.")


def _failed(ws: Workspace, info: DatasetInfo, message: str) -> RefreshOutcome:
    try:
        ws.record_refresh_failure(info.id, message)
    except WorkspaceError as error:  # e.g. deleted meanwhile, or the catalog is locked
        message += f" (this could not be recorded: {error})"
    return RefreshOutcome(info.id, info.name, FAILED, info.latest_version, message)


def _period(iso_date: str, periodicity: str | None) -> str:
    """'2019-01-01' as the period it starts: 2019-01 (monthly), 2019-Q1, 2019, or the date itself."""
    if periodicity == "monthly":
        return iso_date[:7]
    if periodicity == "quarterly":
        return f"{iso_date[:4]}-Q{(int(iso_date[5:7]) - 1) // 3 + 1}"
    if periodicity == "yearly":
        return iso_date[:4]
    return iso_date


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m data.refresh",
        description="Refresh workspace datasets that came from a web address. Exit 0: all refreshed; "
                    "1: a refresh failed (last good version kept), unknown or uploaded dataset; 2: malformed id.")
    parser.add_argument("ids", nargs="*", metavar="ID", help="dataset id (8 lowercase letters and digits)")
    parser.add_argument("--all", action="store_true", help="refresh every dataset whose source is a web address")
    args = parser.parse_args(argv)
    if bool(args.ids) == args.all:
        parser.print_usage(sys.stderr)
        print("Give one or more dataset ids, or --all.", file=sys.stderr)
        return 2
    from data.forecast_record import record_version

    ws = Workspace(after_save=record_version)  # on this thread: a scheduled job's process exits when done
    try:
        if args.all:
            ids = [info.id for info in ws.list() if is_url(info.source)]
            if not ids:
                print("No dataset in the workspace comes from a web address; nothing to refresh.")
                return 0
        else:
            ids = args.ids
    except WorkspaceError as error:
        print(error)
        return 1
    code = 0
    for dataset_id in ids:
        shown = repr(dataset_id[:40]) if isinstance(dataset_id, str) else "?"
        try:
            check_id(dataset_id)
        except WorkspaceError as error:
            print(f"{shown}: {error}")
            code = max(code, 2)
            continue
        try:
            outcome = refresh(dataset_id, ws)
        except WorkspaceError as error:
            print(f"{dataset_id}: {error}")
            code = max(code, 1)
            continue
        print(outcome.line())
        _audit(dataset_id, outcome.line())
        if not outcome.ok:
            code = max(code, 1)
    return code


def _audit(dataset_id: str, line: str) -> None:
    """A scheduled refresh is in the dataset's Activity and the log like one from the Data page."""
    from data.access import SCHEDULER, Access

    try:
        Access().record(SCHEDULER, "refreshed", dataset=dataset_id, detail=line)
    except Exception as error:  # noqa: BLE001  the refresh itself happened; say why it is not in the audit
        print(f"{dataset_id}: the refresh could not be recorded in the audit ({type(error).__name__})", file=sys.stderr)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # stopped by hand or by the scheduler: no traceback
        print("Stopped.", file=sys.stderr)
        sys.exit(130)
