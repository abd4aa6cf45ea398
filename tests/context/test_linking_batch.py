"""The batched linker (issue #13 item 5) on a real SQLite store.

A batch links each story as linking it alone does; a key shared by many stories neither hides
a rarer one nor makes a story read every row of it; a one-off poll links its own stories, not
a backlog an earlier run left, and the bot's linker takes the backlog afterwards.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import Pipeline
from bot.context.links import minhash_bands
from bot.context.outlets import OutletRegistry
from bot.context.pipeline import GRAMS_BUDGET, KEY_ROWS, LINK_BATCH, ContextEngine
from bot.models import Entity, Entry, StoryContext, StoryDraft, StoryLink
from bot.store import Store
from tests.fakes.feed_server import FeedServer

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
NOON = datetime(2026, 2, 18, 12, 0, tzinfo=UTC)


def draft(
    n: int, title: str, entities: list[str], *, outlet: str, minutes: int, alert: bool = True
) -> StoryDraft:
    """A stored story with its context as the worker computes it (entities named here)."""
    url = f"https://{outlet}.example/{n}"
    entry = Entry(
        guid=f"urn:t:{n}",
        link=url,
        canonical_url=url,
        title=title,
        summary=title,
        text=f"{title}. " + " ".join(entities),
        published=NOON + timedelta(minutes=minutes),
        language="en",
        author=None,
    )
    ctx = StoryContext(outlet=None, entities=tuple(Entity(e, "place") for e in entities))
    return StoryDraft(
        identity=f"{outlet}|g|urn:t:{n}",
        scope=outlet,
        entry=entry,
        content_hash=f"{n:032x}",
        outlet_id=outlet,
        feed_id=f"feed-{outlet}",
        alert_worthy=alert,
        context=ctx,
    )


def keyed(links: list[StoryLink]) -> set[tuple[int, int, str, float]]:
    return {(lk.from_story, lk.to_story, lk.kind, lk.confidence) for lk in links}


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


async def test_a_batch_links_each_story_as_linking_it_alone_does(
    server: FeedServer, tmp_path: Path, db_target: str
) -> None:
    # Real feeds, real analysis: the captured samples, the seed denial and the WSJ report.
    names = ["wsj_sample.xml", "radiohc_seed.xml", "bbc_world.xml", "npr_world.xml"]
    outlets = ["wsj", "radiohc", "bbc", "npr"]
    lines = ["fetch:", "  allow: [127.0.0.0/8]", "feeds:"]
    for name, outlet in zip(names, outlets, strict=True):
        server.put(f"/{name}", (FEEDS / name).read_bytes())
        lines += [f"  - id: {outlet}", f"    url: {server.url('/' + name)}"]
        lines += [f"    outlet: {outlet}"] if outlet in ("wsj", "radiohc") else []
    lines += [
        "outlets:",
        "  - id: radiohc",
        "    name: Radio Habana Cuba",
        "    domains: [radiohc.cu]",
        "  - id: wsj",
        "    name: The Wall Street Journal",
        "    aliases: [WSJ]",
        "    domains: [wsj.com, feeds.a.dj.com]",
    ]
    (tmp_path / "feeds.yaml").write_text("\n".join(lines) + "\n")
    db = db_target
    async with await Pipeline.open(db, str(tmp_path / "feeds.yaml"), use_pool=False) as p:
        await p.poller.poll_once()
        stories = await p.store.latest(500)
        assert len(stories) > 40
        engine = ContextEngine(p.store, p.registry, None)
        bands = {s.id: minhash_bands(f"{s.title}\n{s.text}") for s in stories}
        together = await engine.links_batch(stories, bands)
        alone = {
            s.id: await ContextEngine(p.store, p.registry, None).links_for(s, bands[s.id])
            for s in stories
        }
        for s in stories:
            assert keyed(together[s.id]) == keyed(alone[s.id]), s.title
        kinds = {lk.kind for links in together.values() for lk in links}
        assert kinds == {"denies", "same_story"}  # both kinds were compared
        # and what the poll recorded is what the batch gives
        (denial,) = [s for s in stories if s.outlet_id == "radiohc" and s.context is not None]
        recorded = await p.store.links_from(denial.id, "denies")
        assert keyed(recorded) == {k for k in keyed(together[denial.id]) if k[2] == "denies"}
        assert recorded  # the seed denial names the WSJ report


async def test_a_common_key_neither_hides_a_rare_one_nor_is_read_in_full(db_target: str) -> None:
    store = await Store.open(db_target)
    try:
        # Many more stories name Russia in the window than a key's rows the linker reads.
        crowd = [
            draft(i, f"Russia news item {i}", ["Russia"], outlet=f"o{i % 7}", minutes=i)
            for i in range(3 * KEY_ROWS)
        ]
        rare = draft(
            10_000,
            "Rostec cuts staff in Caracas",
            ["Russia", "Rostec", "Caracas"],
            outlet="wsj",
            minutes=-600,  # older than every story of the crowd
        )
        await store.write_stories([rare, *crowd], [])
        new = draft(
            20_000,
            "Rostec cuts its staff in Caracas",
            ["Russia", "Rostec", "Caracas"],
            outlet="reuters",
            minutes=3 * KEY_ROWS + 5,
        )
        (new_id,) = await store.write_stories([new], [])
        (story,) = await store.stories_by_ids([new_id])
        (rare_story,) = [s for s in await store.latest(500) if s.outlet_id == "wsj"]
        links = await ContextEngine(store, OutletRegistry.default(), None).links_for(story, ())
        assert [(lk.to_story, lk.kind) for lk in links] == [(rare_story.id, "same_story")]
        rows = await store.entity_rows(["russia"], since=0, until=NOON.timestamp() * 2, per_key=5)
        assert len(rows["russia"]) == 5  # the newest five, not every story naming Russia
    finally:
        await store.close()


async def test_a_one_off_poll_links_its_own_stories_not_a_backlog(db_target: str) -> None:
    store = await Store.open(db_target)
    try:
        # A crash left these stored and unlinked (an earlier run's).
        backlog = [
            draft(i, f"Chile lithium law {i}", ["Chile", "Codelco"], outlet=f"w{i % 3}", minutes=i)
            for i in range(30)
        ]
        backlog_ids = await store.write_stories(backlog, [], linked=False)
        engine = ContextEngine(store, OutletRegistry.default(), None)
        mine = [
            draft(
                100 + i,
                f"Chile lithium law signed {i}",
                ["Chile", "Codelco"],
                outlet="x",
                minutes=40,
            )
            for i in range(5)
        ]
        mine_ids = await store.write_stories(mine, [], linked=False)
        await engine.on_stored(list(zip(mine_ids, mine, strict=True)), [])

        assert await engine.settle() == len(mine)
        left = [s.id for s in await store.unlinked_stories(100)]
        assert left == backlog_ids  # not waited for
        linked_to = {lk.to_story for i in mine_ids for lk in await store.links_from(i)}
        assert linked_to & set(backlog_ids)  # its own stories still link to the older ones

        # The bot's linker (or its start) takes the backlog.
        assert await ContextEngine(store, OutletRegistry.default(), None).catch_up() == 30
        assert await store.unlinked_stories(100) == []
    finally:
        await store.close()


async def test_the_bot_links_alert_worthy_stories_before_a_first_poll_baseline(
    db_target: str,
) -> None:
    # A first poll's baseline (recorded, not alerted) is still waiting to be linked when a
    # new story comes in: its alert waits for it to be linked, not for the whole baseline.
    store = await Store.open(db_target)
    try:
        baseline = [
            draft(
                i, f"Chile lithium law {i}", ["Chile"], outlet=f"w{i % 3}", minutes=i, alert=False
            )
            for i in range(LINK_BATCH + 20)
        ]
        baseline_ids = await store.write_stories(baseline, [], linked=False)
        news = draft(9000, "Codelco signs lithium deal", ["Codelco"], outlet="x", minutes=900)
        [news_id] = await store.write_stories([news], [], linked=False)
        stop = asyncio.Event()
        first: list[frozenset[int]] = []

        def linked() -> None:  # the senders are woken after each batch: what is linked now?
            if not first:
                # read while the callback runs: run() links the rest once stop is set
                first.append(engine.waiting)
                stop.set()

        engine = ContextEngine(store, OutletRegistry.default(), None, on_linked=linked)
        await engine.on_stored(list(zip(baseline_ids, baseline, strict=True)), [])
        await engine.on_stored([(news_id, news)], [])
        assert engine.waiting == {news_id, *baseline_ids}
        await engine.run(stop)

        left_after_first_batch = first[0]
        assert news_id not in left_after_first_batch  # linked first, alone
        assert left_after_first_batch == set(baseline_ids)
        assert await store.unlinked_stories(10_000) == []  # run() links the rest at its stop
    finally:
        await store.close()


SEED_WORDS = (FEEDS.parent / "seed_radiohc.txt").read_text().split()  # a real article's words
TOPICS = [
    ("Lithium", "Chile"),
    ("Harvest", "Kenya"),
    ("Election", "Peru"),
    ("Pipeline", "Norway"),
    ("Earthquake", "Japan"),
    ("Strike", "France"),
    ("Drought", "Spain"),
    ("Budget", "Canada"),
    ("Summit", "Ghana"),
    ("Flood", "Bangladesh"),
    ("Tariff", "Mexico"),
    ("Vaccine", "India"),
]


async def test_long_wire_copies_link_while_the_shingles_kept_stay_within_their_budget(
    db_target: str, tmp_path: Path
) -> None:
    # Full-text articles hold ~30 times a feed item's shingles: the linker's cache is bounded by
    # shingles, not by stories, so `newsbot run`'s memory stays flat (#13) and links still hold.
    rng = random.Random(7)
    words = SEED_WORDS
    articles = [" ".join(rng.choice(words) for _ in range(1_500)) for _ in range(12)]
    drafts = []
    for n in range(48):  # every article carried by four outlets
        topic = TOPICS[n % 12]  # distinct headlines and entities: only the text is shared
        d = draft(n, f"{topic[0]} report", [topic[1]], outlet=f"o{n // 12}", minutes=n)
        entry = d.entry.__class__(**{**d.entry.__dict__, "text": articles[n % 12]})
        text_bands = minhash_bands(f"{d.entry.title}\n{articles[n % 12]}")
        drafts.append(d.__class__(**{**d.__dict__, "entry": entry, "bands": text_bands}))
    store = await Store.open(db_target)
    try:
        ids = await store.write_stories(drafts, [], linked=False)
        stories = {s.id: s for s in await store.latest(100)}
        ordered = [stories[i] for i in ids]
        bands = {s.id: minhash_bands(f"{s.title}\n{s.text}") for s in ordered}
        engine = ContextEngine(store, OutletRegistry.default(), None)
        together = await engine.links_batch(ordered, bands)
        assert 0 < engine.cached_shingles <= GRAMS_BUDGET
        for n, story in enumerate(ordered[12:], start=12):  # each has an earlier copy
            siblings = {ids[m] for m in range(48) if m % 12 == n % 12 and m != n}
            linked = {lk.to_story for lk in together[story.id] if lk.kind == "same_story"}
            assert linked and linked <= siblings, (n, siblings, linked)
    finally:
        await store.close()
