"""The validation report: one line per problem, naming where it is and what to do.

A user fixing an export in Excel needs the table, the column, the first rows
that are wrong and the fix, not a traceback. Every loader and check in `data/`
adds to a `Report` instead of raising, so nothing ever raises to the user.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

ERROR, WARNING = "error", "warning"
ROWS_SHOWN = 5


class LoadError(Exception):
    """A file that cannot be read at all; the message is written for the user."""


@dataclass(frozen=True)
class Issue:
    level: str  # ERROR: the file cannot be used; WARNING: it can, but look
    table: str
    message: str  # what is wrong and what to do
    column: str | None = None
    rows: tuple[int, ...] = ()  # file row numbers, header = 1

    def line(self) -> str:
        """The issue as one line: `error · market.units · rows 4, 9: ... `."""
        where = self.table + (f".{self.column}" if self.column else "")
        rows = ""
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:ROWS_SHOWN])
            more = f" and {len(self.rows) - ROWS_SHOWN} more" if len(self.rows) > ROWS_SHOWN else ""
            rows = f" · row{'s' if len(self.rows) > 1 else ''} {shown}{more}"
        return f"{self.level} · {where}{rows}: {self.message}"


@dataclass
class Report:
    """Errors and warnings for one file; `ok` when it can be loaded."""

    table: str
    issues: list[Issue] = field(default_factory=list)

    def error(self, message: str, column: str | None = None, rows: Iterable[int] = ()) -> None:
        self.issues.append(Issue(ERROR, self.table, message, column, tuple(rows)))

    def warn(self, message: str, column: str | None = None, rows: Iterable[int] = ()) -> None:
        self.issues.append(Issue(WARNING, self.table, message, column, tuple(rows)))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        return [i.line() for i in self.errors + self.warnings]


def file_rows(positions: Sequence[int] | Iterable[int]) -> list[int]:
    """Row numbers as a spreadsheet shows them: data position 0 is row 2."""
    return [int(p) + 2 for p in positions]
