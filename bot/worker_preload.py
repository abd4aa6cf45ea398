"""What the forkserver loads before it forks the worker processes (`bot.workers`).

Every worker reads the same large data and never writes it: fastText's language model,
pymorphy3's Russian dictionaries, the packaged outlet registry, the parser and the context
modules with their compiled patterns. Loaded here once, in the forkserver, the workers share
those pages with it (copy-on-write) instead of each loading a copy of its own at its first
item (about 40 MB a worker; benchmarks/README.md, bench_run). `gc.freeze()` then moves what
was loaded out of the garbage collector's reach: a collection in a worker would otherwise
write to every object's header and copy its page. What a worker's initializer imports is
loaded here too (`bot.workers`, and `bot.observe` for its logging, which pulls in aiohttp and
prometheus_client): a
module imported after the fork costs each worker its objects, and their allocations land in
the free slots of the inherited heap, copying each page they touch (a worker's private pages
after its initializer: 24 MB with that import in the worker, 9 MB with it here).

Importing this module does the loading; a failure leaves the workers to load lazily, as
before (the forkserver must not die of it). The loading takes seconds on a busy machine, and
the forkserver notices newsbot's death only once it is back in its loop: meanwhile a thread
watches the parent and exits the forkserver at once when newsbot is gone (the thread is
stopped before the first fork).
"""

from __future__ import annotations

import gc
import os
import threading

from bot.context.pipeline import analyze_batch
from bot.ingest.parse import parse_feed
from bot.observe import configure_logging  # noqa: F401  (the workers' initializer calls it)
from bot.workers import WorkerPool  # noqa: F401  (the initializer's module)

# One English and one Russian item: every lazily loaded model and dictionary on the way.
_WARM_ITEMS = [
    (
        "Ministry denies report that the talks in Geneva have failed",
        "The foreign ministry on Monday denied a newspaper report that the talks had failed.",
        "https://www.reuters.com/world/talks",
        None,
        None,
    ),
    (
        "МИД опроверг сообщение о срыве переговоров в Женеве",
        "Министерство иностранных дел в понедельник опровергло сообщение газеты о переговорах.",
        "https://ria.ru/20240101/talks.html",
        None,
        None,
    ),
]
_WARM_FEED = (
    b"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>w</title>"
    b"<item><title>t</title><link>https://example.com/a</link></item></channel></rss>"
)


def warm() -> None:
    """Load what the workers share; the objects loaded are frozen (see the module)."""
    parent = os.getppid()
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.2):
            if os.getppid() != parent:  # newsbot died: nobody will ask for workers
                os._exit(1)

    watcher = threading.Thread(target=watch, name="preload-watch", daemon=True)
    watcher.start()
    try:
        parse_feed(_WARM_FEED, "https://example.com/feed")
        analyze_batch(_WARM_ITEMS)
    except Exception:  # the workers load it themselves at their first item
        return
    finally:
        done.set()
        watcher.join()
    gc.collect()
    gc.freeze()


warm()
