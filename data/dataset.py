"""A dataset is the set of tables the app works on, with where they came from.

Pages show the dataset's name and source next to every number, and caches are
keyed on its content hash so that two sessions on the same data share results.
A saved workspace dataset holds Parquet files instead of frames: DuckDB reads
them directly, so a 10-million-row market never becomes a pandas copy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data.generate_demo import OUR_COMPANY
from data.schema import SCHEMAS, conform

DEMO_DIR = Path(__file__).parent / "demo"


@dataclass(frozen=True)
class Dataset:
    name: str
    source: str
    tables: dict[str, pd.DataFrame] = field(repr=False)
    content_hash: str = ""
    ours: str | None = None  # the company to pre-select as "ours", if the data says
    files: Mapping[str, Path] = field(default_factory=dict, repr=False)  # table -> Parquet, read by DuckDB

    @property
    def table_names(self) -> list[str]:
        return ["market"] if self.live else sorted({*self.tables, *self.files})

    @classmethod
    def from_files(cls, name: str, source: str, files: Mapping[str, Path], key: str, ours: str | None = None,
                   rest: tuple[str, ...] | None = None) -> Dataset:
        """Conformed Parquet tables (as the workspace writes them); `key` names this exact content."""
        return cls(name, source, {}, key, ours, files={t: Path(p) for t, p in files.items() if t in SCHEMAS},
                   rest=rest)
    # Catch-all columns ("Other", "Unknown") that are the rest of the market, as the user said on loading;
    # None: not asked, so names such as "Others" are taken to be the rest of the market.
    rest: tuple[str, ...] | None = None
    # A live SQL dataset's settings (data/live_sql.LiveSpec.to_json): its store asks the warehouse.
    live: Mapping | None = field(default=None, repr=False)

    @classmethod
    def from_tables(
        cls, name: str, source: str, tables: dict[str, pd.DataFrame], ours: str | None = None,
        rest: tuple[str, ...] | None = None,
    ) -> Dataset:
        """Conform every known table to its schema and fingerprint the result."""
        conformed = {t: conform(df, t) for t, df in tables.items() if t in SCHEMAS}
        return cls(name, source, conformed, _fingerprint(conformed), ours, rest=rest)


def load_demo(directory: Path = DEMO_DIR) -> Dataset:
    """The bundled demo dataset, read from the CSVs the generator wrote."""
    tables = {
        name: pd.read_csv(directory / f"{name}.csv")
        for name in SCHEMAS
        if (directory / f"{name}.csv").exists()
    }
    if "market" not in tables:
        raise FileNotFoundError(
            f"{directory / 'market.csv'} is missing; run `python -m data.generate_demo` to write it."
        )
    return Dataset.from_tables(
        "Demo market", "bundled demo data (data/demo, seeded generator)", tables, ours=OUR_COMPANY
    )


def _fingerprint(tables: dict[str, pd.DataFrame]) -> str:
    digest = hashlib.sha256()
    for name in sorted(tables):
        digest.update(name.encode())
        digest.update(pd.util.hash_pandas_object(tables[name], index=False).to_numpy().tobytes())
    return digest.hexdigest()[:16]
