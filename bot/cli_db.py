"""`newsbot db migrate` and `newsbot db copy SRC DST`: the database's own commands.

A database is a SQLite file path or a `postgresql://` URL; messages name a URL without its
password. `copy` prints one progress line per table (and per 10,000 rows) on stderr, then the
rows copied per table on stdout.
"""

from __future__ import annotations

import sys
from typing import TextIO

from bot.redact import mask_url_passwords
from bot.store import Store
from bot.store.copy import copy_database


async def migrate(target: str) -> int:
    """Open (and so migrate) the database; say what schema it has now."""
    store = await Store.open(target)
    try:
        version = await store.schema_version()
        applied = store.applied_migrations
    finally:
        await store.close()
    what = f"applied {', '.join(map(str, applied))}" if applied else "up to date"
    print(f"{mask_url_passwords(target)}: schema {version} ({what})")
    return 0


async def copy(source: str, target: str, *, err: TextIO | None = None) -> int:
    """Copy every row of `source` into the empty database `target`, with progress."""
    out = err or sys.stderr
    shown: dict[str, int] = {}

    def progress(table: str, done: int, total: int) -> None:
        # one line per table when done, and one per 10,000 rows of the big ones
        if done == total or done - shown.get(table, 0) >= 10_000:
            shown[table] = done
            print(f"copy: {table}: {done:,} of {total:,}", file=out, flush=True)

    src = await Store.open(source)
    try:
        dst = await Store.open(target)
        try:
            counts = await copy_database(src, dst, progress)
        finally:
            await dst.close()
    finally:
        await src.close()
    rows = sum(counts.values())
    print(
        f"copied {rows:,} rows from {mask_url_passwords(source)} to "
        f"{mask_url_passwords(target)}: "
        + ", ".join(f"{table} {n:,}" for table, n in counts.items())
    )
    return 0
