"""The worker processes that parse feeds and compute fact context, off the event loop.

`WorkerPool` is an `Executor` over a forkserver `ProcessPoolExecutor` that survives the death
of a worker (the OOM killer, a SIGKILL): the standard pool then fails every later job with
`BrokenProcessPool` for good, so this one starts a fresh pool and submits the jobs that were
in flight again (each at most `retries` more times: a job that kills its worker every time
fails alone instead of looping).

Workers die with the main process. The forkserver cannot see it go: every worker holds a copy
of the pipe whose end-of-file would tell it, so without help the forkserver and the workers
outlive a killed `newsbot` for good. Each worker therefore watches the main process (its pid
and start time, so a reused pid does not fool it; a zombie counts as dead) and exits when it
is gone; the forkserver then exits too. Workers also ask the kernel for SIGKILL when their own
parent, the forkserver, dies (`PR_SET_PDEATHSIG`). Each worker resolves outlets with the
merged registry: the packaged one plus the feeds file's outlets
(`bot.context.pipeline.use_outlets`).
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, InvalidStateError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from bot.models import OutletCard

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")
PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_CHECK = 0.5  # seconds between two looks at the parent process id
# Imported by the forkserver before it forks the workers: the modules, models and
# dictionaries every worker reads, loaded once and shared (bot.worker_preload).
PRELOAD = ["bot.worker_preload"]


class WorkerPool(Executor):
    """A process pool that replaces itself when a worker dies, and retries the jobs it lost."""

    def __init__(
        self,
        workers: int | None = None,
        outlets: Sequence[OutletCard] = (),
        *,
        retries: int = 2,
        log_json: bool = False,
    ) -> None:
        self.workers = workers or max(1, os.cpu_count() or 1)
        self.retries = retries
        self._log_json = log_json
        self.replaced = 0  # pools started after a worker died (for logs and tests)
        self._outlets = tuple(outlets)
        self._lock = threading.Lock()
        self._closed = False
        self._generation = 0
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_worker_init,
            initargs=(self._outlets, os.getpid(), _start_time(os.getpid()), self._log_json),
        )

    def pids(self) -> list[int]:
        """The worker processes running now (tests kill one)."""
        processes = getattr(self._pool, "_processes", None) or {}
        return [p.pid for p in processes.values() if p.pid is not None and p.is_alive()]

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        outer: Future[T] = Future()
        self._submit(outer, fn, args, kwargs, self.retries)
        return outer

    def _submit(
        self,
        outer: Future[T],
        fn: Callable[..., T],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        retries: int,
    ) -> None:
        with self._lock:
            pool, generation, closed = self._pool, self._generation, self._closed
        if closed:
            _settle(outer, exc=RuntimeError("the worker pool is shut down"))
            return
        try:
            inner = pool.submit(fn, *args, **kwargs)
        except BrokenProcessPool as exc:
            if retries > 0 and self._replace(generation, exc):
                self._submit(outer, fn, args, kwargs, retries - 1)
            else:
                _settle(outer, exc=exc)
            return
        except RuntimeError as exc:  # shut down meanwhile
            _settle(outer, exc=exc)
            return

        def done(future: Future[T]) -> None:
            if outer.cancelled():
                return
            if future.cancelled():
                outer.cancel()
                return
            exc = future.exception()
            if isinstance(exc, BrokenProcessPool) and retries > 0 and not self._closed:
                self._replace(generation, exc)
                self._submit(outer, fn, args, kwargs, retries - 1)
            elif exc is not None:
                _settle(outer, exc=exc)
            else:
                _settle(outer, result=future.result())

        inner.add_done_callback(done)

    def _replace(self, generation: int, why: BaseException) -> bool:
        """Start a new pool unless another caller already replaced this generation."""
        with self._lock:
            if self._closed:
                return False
            if self._generation != generation:
                return True
            old = self._pool
            self._pool = self._start()
            self._generation += 1
            self.replaced += 1
        log.warning("a worker process died (%s); started new workers, retrying its jobs", why)
        # From the old pool's own thread: wait=False, or it would wait for itself.
        old.shutdown(wait=False, cancel_futures=True)
        return True

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            pool = self._pool
        pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def _settle(outer: Future[T], *, result: T | None = None, exc: BaseException | None = None) -> None:
    if outer.done():
        return
    try:
        if exc is not None:
            outer.set_exception(exc)
        else:
            outer.set_result(result)  # type: ignore[arg-type]
    except InvalidStateError:  # cancelled by its caller meanwhile
        pass


def _worker_init(
    outlets: Sequence[OutletCard], main: int, main_started: str | None, log_json: bool
) -> None:
    """Workers leave Ctrl-C and SIGTERM to the main process, die with it, log as it does (one
    line per record, one write), and resolve outlets with the merged registry."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with(main, main_started)
    from bot.observe import configure_logging

    configure_logging(level=logging.WARNING, json_format=log_json)
    from bot.context.pipeline import use_outlets

    use_outlets(outlets)


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks (Linux), or None where /proc is missing."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2 :].split()[19]


def _gone(pid: int, started: str | None) -> bool:
    if started is None:  # no /proc: signal 0 says whether the pid exists
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    fields = stat[stat.rindex(")") + 2 :].split()
    return fields[0] == "Z" or fields[19] != started


def die_with(main: int, main_started: str | None) -> None:
    """Exit when the main process is gone; SIGKILL from the kernel when the parent dies."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watch thread below still stops us
    if _gone(main, main_started):
        os._exit(1)

    def watch() -> None:
        while not _gone(main, main_started):
            time.sleep(PARENT_CHECK)
        os._exit(1)  # orphaned: nobody will collect our results

    threading.Thread(target=watch, name="main-watch", daemon=True).start()
