"""The worker pool with real processes: a dead worker is replaced and its job retried, a job
that kills every worker fails alone, and workers resolve the feeds file's outlets."""

from __future__ import annotations

import os
import signal
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from bot.app import Pipeline
from bot.workers import WorkerPool
from tests.fakes.feed_server import FeedServer


def die_once(marker: str) -> int:
    """Kills its own worker the first time (as the OOM killer would), then answers."""
    if not os.path.exists(marker):
        Path(marker).write_text("died")
        os.kill(os.getpid(), signal.SIGKILL)
    return os.getpid()


def loaded_at_start() -> tuple[int, int, int]:
    """What a worker holds before its first item: (language model, Russian dictionaries,
    objects frozen out of the garbage collector's reach)."""
    import gc

    from bot.context import language, morph

    return (
        language._model.cache_info().currsize,
        morph._analyzer.cache_info().currsize,
        gc.get_freeze_count(),
    )


def die_always() -> int:
    os.kill(os.getpid(), signal.SIGKILL)
    return 0


def test_a_dead_worker_is_replaced_and_its_job_retried(tmp_path: Path) -> None:
    pool = WorkerPool(2)
    try:
        assert pool.submit(os.getpid).result(30) != os.getpid()
        pid = pool.submit(die_once, str(tmp_path / "marker")).result(30)
        assert pid != os.getpid() and pool.replaced == 1
        # the new workers serve later jobs as usual
        assert sorted(pool.submit(abs, -n).result(30) for n in range(5)) == [0, 1, 2, 3, 4]
    finally:
        pool.shutdown()


def test_a_job_that_kills_every_worker_fails_alone(tmp_path: Path) -> None:
    pool = WorkerPool(1, retries=2)
    try:
        with pytest.raises(BrokenProcessPool):
            pool.submit(die_always).result(60)
        assert pool.replaced == 2  # a new pool for each of the two retries
        assert pool.submit(abs, -7).result(30) == 7  # the next job gets a new pool too
        assert pool.replaced == 3
    finally:
        pool.shutdown()


def test_workers_start_with_the_models_the_forkserver_loaded() -> None:
    # Loaded once in the forkserver and shared by every worker it forks (copy-on-write),
    # not once per worker at its first item.
    pool = WorkerPool(2)
    try:
        for _ in range(2):
            model, dictionaries, frozen = pool.submit(loaded_at_start).result(60)
            assert model == 1 and dictionaries == 1
            assert frozen > 10_000  # the modules and models loaded
    finally:
        pool.shutdown()


# Run in a worker by `eval` (a builtin: nothing is imported to unpickle the job): the modules
# among these whose objects the garbage collector still tracks, i.e. imported after the fork
# instead of loaded and frozen in the forkserver (gc.get_objects() leaves out frozen objects).
NOT_PRELOADED = (
    "(lambda gc, sys: [m for m in ('bot.observe', 'aiohttp.web', 'prometheus_client', "
    "'bot.workers') if m not in sys.modules or any(o is sys.modules[m].__dict__ "
    "for o in gc.get_objects())])(__import__('gc'), __import__('sys'))"
)


def test_what_the_workers_initializer_imports_is_loaded_in_the_forkserver() -> None:
    # A module imported in each worker costs each its own copy, and its allocations copy the
    # inherited pages they land in (24 MB private a worker before its first item, 9 without).
    pool = WorkerPool(1)
    try:
        assert pool.submit(eval, NOT_PRELOADED).result(60) == []
    finally:
        pool.shutdown()


async def test_workers_resolve_the_outlets_of_the_feeds_file(tmp_path: Path) -> None:
    item = (
        "<item><guid>1</guid><title>Ministry says report is untrue</title>"
        "<link>https://www.example-gazette.test/a/1</link>"
        "<description>The ministry said the report was untrue.</description></item>"
    )
    with FeedServer() as server:
        server.put("/agg.xml", b"<rss version='2.0'><channel><title>A</title></channel></rss>")
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(
            "fetch:\n  allow: [127.0.0.0/8]\n"
            "outlets:\n  - id: gazette\n    name: Example Gazette\n"
            "    domains: [example-gazette.test]\n    country: Testland\n"
            f"feeds:\n  - id: agg\n    url: {server.url('/agg.xml')}\n"
        )
        async with await Pipeline.open(str(tmp_path / "db"), str(feeds), workers=1) as p:
            await p.poller.poll_once()  # baseline
            server.put(
                "/agg.xml",
                f"<rss version='2.0'><channel><title>A</title>{item}</channel></rss>".encode(),
            )
            await p.poller.poll_once()
            (story,) = await p.store.latest(1)
    # the aggregator feed has no outlet: the worker found it from the item's domain
    assert story.outlet_id == "gazette"
    assert story.context is not None and story.context.outlet is not None
    assert story.context.outlet.name == "Example Gazette"
