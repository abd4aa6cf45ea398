"""The whole context step on the seed story, and its speed."""

from __future__ import annotations

import statistics
import time

from bot.context.analyze import analyze
from bot.context.outlets import OutletRegistry
from bot.models import StoryContext
from tests.context.conftest import RHC, SEED_TITLE

SEED_URL = (
    "https://www.radiohc.cu/en/noticias/internacionales/"
    "192551-russia-rejects-reports-on-military-experts-withdrawal-from-venezuela"
)


def test_seed_story_context(seed_text: str, registry: OutletRegistry) -> None:
    ctx = analyze(SEED_TITLE, seed_text, url=SEED_URL, resolver=registry)
    assert ctx.outlet == RHC
    assert ctx.denial.is_denial
    assert ctx.denial.denied_outlet == "The Wall Street Journal"
    assert {"Rostec", "Venezuela", "Russia", "Nicolas Maduro"} <= {e.name for e in ctx.entities}
    assert "Radio Habana Cuba" not in {e.name for e in ctx.entities}  # the publisher itself
    assert ctx.summary
    assert StoryContext.from_dict(ctx.to_dict()) == ctx


def test_explicit_outlet_wins_and_no_resolver_works(seed_text: str) -> None:
    ctx = analyze(SEED_TITLE, seed_text, outlet=RHC)
    assert ctx.outlet is RHC and ctx.denial.is_denial
    assert analyze("", "").denial.is_denial is False


def test_analyze_is_fast(seed_text: str, registry: OutletRegistry) -> None:
    body = "\n\n".join([seed_text] * 3)  # ~1,000 words
    analyze(SEED_TITLE, body, resolver=registry)
    times = []
    for _ in range(15):
        t0 = time.perf_counter()
        analyze(SEED_TITLE, body, resolver=registry)
        times.append(time.perf_counter() - t0)
    assert statistics.median(times) < 0.1  # budget is 20 ms; generous for loaded CI machines


def test_one_feed_cannot_make_the_analysis_unbounded() -> None:
    from bot.context.analyze import MAX_TEXT_CHARS
    from bot.context.pipeline import SMALL_TEXT_CHARS, analyze_batch

    dense = "Reuters said the Kremlin denied the report. " * 2_000  # 88,000 characters
    items = [(f"Item {i}", dense, None, None, "en") for i in range(8)]
    budget = 50_000
    results = analyze_batch(items, budget)
    clipped = [ctx.clipped for ctx, _bands, _json in results if ctx is not None]
    assert clipped[0] == len(dense) - MAX_TEXT_CHARS  # per item: 20,000 characters at most
    read = sum(len(dense) - c for c in clipped)
    assert read <= budget + len(items) * SMALL_TEXT_CHARS  # per feed: the budget
    assert clipped[-1] == len(dense) - SMALL_TEXT_CHARS  # late items: title and lead only
