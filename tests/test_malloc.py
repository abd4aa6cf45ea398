"""glibc's allocator as `newsbot run` sets it (bot.malloc): one arena for every thread, and
the heap's free pages returned. Each case runs in a fresh interpreter: the arena limit holds
only when set before a second thread allocates."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Six threads each allocate blocks that Python takes from malloc (over 512 bytes), then the
# arenas malloc_info lists are counted.
_ARENAS = r"""
import asyncio, ctypes, sys, tempfile, threading
from bot import app

def allocate(keep):
    keep.append([bytearray(2000) for _ in range(2000)])

async def main():
    keep = []
    threads = [threading.Thread(target=allocate, args=(keep,)) for _ in range(6)]
    for t in threads: t.start()
    for t in threads: t.join()
    libc = ctypes.CDLL("libc.so.6")
    libc.fopen.restype = ctypes.c_void_p
    with tempfile.NamedTemporaryFile("rb") as out:
        f = libc.fopen(out.name.encode(), b"w")
        libc.malloc_info(0, ctypes.c_void_p(f))
        libc.fclose(ctypes.c_void_p(f))
        return out.read().count(b"<heap nr=")

print(app.run(main()) if sys.argv[1] == "newsbot" else asyncio.run(main()))
"""


def _run(code: str, *args: str, env: dict[str, str] | None = None) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**environ, **(env or {})},
    )
    return out.stdout.strip()


def test_every_thread_allocates_from_one_arena_under_newsbots_run() -> None:
    assert int(_run(_ARENAS, "plain")) > 1  # glibc's default: an arena per thread
    assert int(_run(_ARENAS, "newsbot")) == 1


def test_an_operators_malloc_arena_max_is_left_as_it_is() -> None:
    assert int(_run(_ARENAS, "newsbot", env={"MALLOC_ARENA_MAX": "4"})) > 1
    code = "from bot import malloc; print(malloc.limit_arenas())"
    assert _run(code, env={"MALLOC_ARENA_MAX": "4"}) == "False"


# 40 MB of 4 KB blocks freed but the last: the free space is inside the heap, below a block
# still in use, so glibc keeps it resident until the heap is trimmed.
_TRIM = r"""
from bot import malloc

def rss_kb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))

blocks = [bytearray(4096) for _ in range(10_000)]
last = blocks[-1]
del blocks
before = rss_kb()
print(malloc.trim(), (before - rss_kb()) // 1024)
"""


def test_trim_returns_the_free_pages_inside_the_heap() -> None:
    trimmed, freed_mb = _run(_TRIM).split()
    assert trimmed == "True"
    assert int(freed_mb) >= 30
