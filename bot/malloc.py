"""glibc's allocator set for one long-running process (issue #13: `newsbot run` ≤ 300 MB).

Two settings, both no-ops where the C library is not glibc (musl, macOS, Windows):

- `limit_arenas()`: one malloc arena for every thread. glibc gives each thread that allocates
  an arena of its own (up to 8 per core); newsbot's threads (aiosqlite's, libuv's resolvers)
  then keep free memory apart from the main thread's, and what SQLite's thread allocates —
  its page cache, and the rows it reads, which the main thread frees — is not reused by the
  rest of the process. Python holds the GIL for nearly all of newsbot's own work, so one arena
  costs no lock waits worth measuring. It must run before a second thread allocates: the
  first thing `bot.app.run` does. An operator's `MALLOC_ARENA_MAX` is left as it is.
- `trim()`: `malloc_trim(0)`, which hands the free pages inside the heap back to the kernel
  (glibc otherwise returns only the heap's free top, and after a burst of large blocks raises
  that threshold itself up to 64 MiB). `newsbot run` calls it once a minute (`TRIM_S`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import sys

M_ARENA_MAX = -8  # mallopt parameters (malloc.h)
TRIM_S = 60.0  # how often `newsbot run` trims the heap


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    if not all(hasattr(libc, f) for f in ("gnu_get_libc_version", "mallopt", "malloc_trim")):
        return None  # not glibc
    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    libc.mallopt.restype = ctypes.c_int
    libc.malloc_trim.argtypes = [ctypes.c_size_t]
    libc.malloc_trim.restype = ctypes.c_int
    return libc


def limit_arenas(arenas: int = 1) -> bool:
    """At most `arenas` malloc arenas from now on; whether it was set (glibc, and no
    MALLOC_ARENA_MAX of the operator's)."""
    libc = _glibc()
    if libc is None or os.environ.get("MALLOC_ARENA_MAX"):
        return False
    return bool(libc.mallopt(M_ARENA_MAX, arenas))


def trim() -> bool:
    """Return the heap's free pages to the kernel; whether any were (False off glibc)."""
    libc = _glibc()
    return libc is not None and bool(libc.malloc_trim(0))
