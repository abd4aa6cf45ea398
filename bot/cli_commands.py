"""What each `newsbot` command does and prints; argument parsing stays in bot.cli.

Every command gets the one `Settings` and its parsed arguments; the parts it needs come from
the composition root (`bot.app`): `Pipeline.build` for those that poll, `open_reader` for
those that only read the database (they never create one). A new command is a function here
plus its parser and one `case` in `bot.cli`.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from bot.alerts.view import denial_sentence, unknown_outlet
from bot.app import open_reader
from bot.app import run as run_async
from bot.errors import ConfigError, ExitCode
from bot.ingest.poller import FeedOutcome
from bot.models import FeedState, SearchHit, Story
from bot.observe import first_poll_line
from bot.settings import FeedsFileErrors, Settings, load_feeds_file, shown_url

EXIT_OK = ExitCode.OK
EXIT_USAGE = ExitCode.USAGE


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _when(value: datetime | float | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, (int, float)):
        value = datetime.fromtimestamp(value, UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _progress_line(outcome: FeedOutcome, index: int, total: int, out: TextIO) -> None:
    width = len(str(total))
    head = f"[{index:>{width}}/{total}]"
    if outcome.result == "failed":
        print(f"{head} FAIL  {outcome.feed_id}: {outcome.error} ({outcome.status})", file=out)
        return
    label = {"ok": "ok   ", "not_modified": "304  ", "unchanged": "same "}[outcome.result]
    detail = ""
    if outcome.result == "ok":
        parts = [f"{outcome.entries} items"]
        if outcome.new:
            parts.append(f"{outcome.new} new")
        if outcome.seen:
            parts.append(f"{outcome.seen} recorded (first poll, no alerts)")
        if outcome.revisions:
            parts.append(f"{outcome.revisions} revised")
        detail = ": " + ", ".join(parts)
    print(f"{head} {label} {outcome.feed_id}{detail} ({outcome.elapsed:.2f} s)", file=out)


def run(settings: Settings) -> int:
    from bot.app import run_bot

    logging.getLogger("bot").setLevel(logging.INFO)
    run_async(run_bot(settings))
    return EXIT_OK


async def poll_once(settings: Settings, *, as_json: bool) -> int:
    from bot.app import poll_once as poll

    started = time.perf_counter()
    out = sys.stderr if as_json else sys.stdout

    def progress(outcome: FeedOutcome, index: int, total: int) -> None:
        _progress_line(outcome, index, total, out)

    result = await poll(settings, progress)
    summary = result.summary
    elapsed = time.perf_counter() - started
    if result.interrupted_by is not None:
        name = signal.Signals(result.interrupted_by).name
        print(
            f"newsbot: stopped by {name}: {result.polled} feeds polled and stored; the others "
            "are polled at the next start",
            file=sys.stderr,
        )
        return ExitCode.INTERRUPTED
    if as_json:
        print(dumps({**summary.__dict__, "feeds": result.feeds, "seconds": round(elapsed, 3)}))
    else:
        print(
            f"polled {result.feeds} feeds in {elapsed:.1f} s: {summary.ok} ok, "
            f"{summary.not_modified} not modified, {summary.unchanged} unchanged, "
            f"{summary.failed} failed; {summary.new_stories} new stories, "
            f"{summary.revisions} revisions, {summary.seen_first_poll} recorded on first poll"
        )
    if summary.seen_first_poll:  # a first run says what happened and what happens next
        print(first_poll_line(summary.seen_first_poll), file=out)
    return EXIT_OK


def hit_json(hit: SearchHit) -> dict[str, Any]:
    data = story_json(hit.story, hit.outlet_name)
    data["snippet"] = hit.snippet
    data["score"] = round(-hit.rank, 4)
    return data


def story_json(story: Story, outlet_name: str | None = None) -> dict[str, Any]:
    ctx = story.context
    name = outlet_name or (ctx.outlet.name if ctx and ctx.outlet else None) or story.outlet_id
    data: dict[str, Any] = {
        "id": story.id,
        "title": story.title,
        "url": story.url,
        "outlet": name,
        "outlet_id": story.outlet_id,
        "feed": story.feed_id,
        "published": story.published.isoformat() if story.published else None,
        "fetched": story.fetched.isoformat(),
        "language": story.language,
        "alert_worthy": story.alert_worthy,
        "revision": story.revision,
    }
    if ctx is not None:
        data["summary"] = ctx.summary
        data["denial"] = ctx.denial.to_dict() if ctx.denial.is_denial else None
    return data


async def lookup(settings: Settings, query: str, limit: int, as_json: bool) -> int:
    async with open_reader(settings) as store:
        hits = await store.search(query, limit)
    if as_json:
        print(dumps([hit_json(h) for h in hits]))
        return EXIT_OK
    if not hits:
        print(f"no stories match {query!r}")
        return EXIT_OK
    for number, hit in enumerate(hits, 1):
        _print_story(number, hit.story, hit.outlet_name, hit.snippet)
    return EXIT_OK


def _print_story(number: int, story: Story, outlet: str | None, snippet: str | None) -> None:
    ctx = story.context
    line = ctx.outlet.line() if ctx and ctx.outlet else (outlet or unknown_outlet(story) or "")
    print(f"{number}. {story.title}")
    when = _when(story.published) if story.published else f"undated, fetched {_when(story.fetched)}"
    print(f"   {line} · {when}")
    if ctx and ctx.denial.is_denial:
        print(f"   denial: {denial_sentence(ctx.denial)}")
    if snippet:
        print(f"   {' '.join(snippet.split())}")
    if story.url:
        print(f"   {story.url}")


async def stories(settings: Settings, latest: int, as_json: bool) -> int:
    async with open_reader(settings) as store:
        items = await store.latest(latest)
    if as_json:
        print(dumps([story_json(s) for s in items]))
    else:
        for number, story in enumerate(items, 1):
            _print_story(number, story, None, None)
    return EXIT_OK


async def stats(settings: Settings, as_json: bool) -> int:
    async with open_reader(settings) as store:
        figures = await store.stats()
    if as_json:
        print(dumps(figures))
    else:
        width = max(len(k) for k in figures)
        for key, value in figures.items():
            print(f"{key:<{width}}  {value}")
    return EXIT_OK


async def status(settings: Settings, as_json: bool) -> int:
    from bot.observe import store_figures

    async with open_reader(settings) as store:
        figures = await store_figures(store)
        # every feed not answering, with why: retrying ones too (they are most of them offline)
        failing = [
            f for f in await store.feeds() if f.status in ("retrying", "failing", "disabled")
        ]
        given_up = await store.dead_items(limit=5)
        workers = await store.workers()
    bot = await _running_bot(settings)
    outbox = figures["outbox"]
    depth = outbox["pending"] + outbox["sending"] + outbox["held"]
    subscriptions = {
        f"{platform}:{'active' if active == 'true' else 'inactive'}": n
        for (platform, active), n in figures["subscriptions"].items()
    }
    data = {
        "feeds": figures["feeds_by_status"],
        "last_poll": _iso(figures["last_poll"]),
        "stories": figures["stories"],
        "stories_24h": figures["stories_24h"],
        "outbox_depth": depth,
        "outbox": outbox,
        "subscriptions": subscriptions,
        "failing_feeds": [
            {"id": f.id, "status": f.status, "last_error": shown_url(f.last_error or "")}
            for f in failing
        ],
        "given_up": [
            {"platform": d.platform, "chat": d.chat, "story": d.story_id, "reason": d.reason}
            for d in given_up
        ],
        "bot": bot,
        # the `newsbot run` processes working this database, what each holds, last heartbeat
        "workers": [
            {
                "id": w.id,
                "host": w.host,
                "pid": w.pid,
                "roles": list(w.roles),
                "heartbeat_age_s": round(max(0.0, time.time() - w.heartbeat_at), 1),
            }
            for w in workers
        ],
    }
    if as_json:
        print(dumps(data))
        return EXIT_OK
    print(f"bot            {_bot_line(settings, bot)}")
    for w in data["workers"]:
        holds = ", ".join(w["roles"]) or "polling only"
        print(f"worker         {w['id']}: {holds}; heartbeat {w['heartbeat_age_s']:.0f} s ago")
    health = ", ".join(f"{n} {s}" for s, n in sorted(data["feeds"].items())) or "none"
    print(f"feeds          {health}")
    print(f"last poll      {_when(figures['last_poll'])}")
    print(f"stories        {data['stories']} ({data['stories_24h']} in the last 24 h)")
    print(
        f"outbox         {depth} waiting ({outbox['pending']} pending, {outbox['held']} held "
        f"for digests), {outbox['sent']} sent, {outbox['dead']} given up"
    )
    subs = ", ".join(f"{n} {k}" for k, n in sorted(subscriptions.items())) or "none"
    print(f"subscriptions  {subs}")
    for feed in failing:
        print(f"  {feed.status:<9} {feed.id}: {shown_url(feed.last_error or '') or 'no error'}")
    for dead in given_up:  # the latest messages given up, and why (issue #15)
        print(f"  given up  {dead.platform}:{dead.chat} story {dead.story_id}: {dead.reason}")
    return EXIT_OK


def feeds_check(path: str) -> int:
    from bot.context.outlets import OutletRegistry

    registry = OutletRegistry.default()
    try:
        config = load_feeds_file(path, lambda outlet_id: registry.get(outlet_id) is not None)
    except FeedsFileErrors as found:
        # every error at once, one line each (issue #16), then how many
        for error in found.errors:
            print(f"newsbot: configuration error: {' '.join(str(error).split())}", file=sys.stderr)
        if len(found.errors) > 1:
            print(f"newsbot: {path}: {len(found.errors)} errors", file=sys.stderr)
        return EXIT_USAGE
    print(
        f"{path}: ok — {len(config.feeds)} feeds, {len(config.outlets)} outlets, "
        f"{len(config.subscriptions)} subscriptions"
    )
    return EXIT_OK


def _feed_json(feed: FeedState) -> dict[str, Any]:
    return {
        "id": feed.id,
        "url": feed.url,
        "outlet": feed.outlet_id,
        "title": feed.title,
        "enabled": feed.enabled,
        "status": feed.status if feed.enabled else "paused",
        "interval": feed.interval,
        "tags": list(feed.tags),
        "failures": feed.failures,
        "last_error": feed.last_error,
        "last_polled": _iso(feed.last_polled_at),
        "last_ok": _iso(feed.last_ok_at),
        "next_poll": _iso(feed.next_poll_at),
        "stories": feed.stories,
        "origin": feed.origin,
    }


def _iso(value: float | None) -> str | None:
    return datetime.fromtimestamp(value, UTC).isoformat() if value is not None else None


async def feeds_list(settings: Settings, as_json: bool) -> int:
    from bot.app import Pipeline

    # Lists what the feeds file declares too, so it writes the database like `poll` does.
    read_feeds = Path(settings.feeds).exists()  # noqa: ASYNC240 - one stat at start-up
    async with await Pipeline.build(settings, read_feeds=read_feeds, use_pool=False) as pipeline:
        feeds = await pipeline.store.feeds(with_counts=True)
    if as_json:
        print(dumps([_feed_json(f) for f in feeds]))
        return EXIT_OK
    for feed in feeds:
        status = feed.status if feed.enabled else "paused"
        print(
            f"{status:<9} {feed.id:<32} {feed.stories:>5} stories  last ok "
            f"{_when(feed.last_ok_at)}  {feed.url}"
        )
        if feed.last_error:
            print(f"          last error ({_when(feed.last_error_at)}): {feed.last_error}")
    return EXIT_OK


async def discord_sync(settings: Settings) -> int:
    """`newsbot discord sync`: the slash commands registered now, changed or not."""
    from bot.app import Pipeline
    from bot.runner import sync_discord_commands
    from handlers.commands import Commands

    async with await Pipeline.build(settings, read_feeds=False, use_pool=False) as pipeline:
        commands = Commands(pipeline.store, pipeline.registry, pipeline.fetcher)
        count, state = await sync_discord_commands(settings, commands)
    print(f"synced {count} slash commands with Discord; their digest is kept in {state}")
    return EXIT_OK


def outlet(query: str, as_json: bool) -> int:
    from bot.context.outlets import OutletRegistry

    registry = OutletRegistry.default()
    card = registry.lookup(query)
    if card is None and (candidates := registry.candidates(query)):
        if as_json:
            print(dumps({"candidates": [c.to_dict() for c in candidates]}))
            return EXIT_OK
        print(f"{query!r} may be any of:")
        for c in candidates:
            print(f"  {c.line()}  [{c.id}]")
        return EXIT_OK
    if card is None:
        if as_json:
            print("null")
        print(f"newsbot: no outlet known for {query!r}", file=sys.stderr)
        return 1
    if as_json:
        print(dumps(card.to_dict()))
        return EXIT_OK
    print(card.name)
    for name, fact in card.facts():
        source = f"  [{fact.source}]" if fact.source else ""
        print(f"  {name.replace('_', ' '):<12} {fact.shown()}{source}")
    if card.domains:
        print(f"  {'domains':<12} {', '.join(card.domains)}")
    return EXIT_OK


def analyze(file: str, title: str | None, url: str | None, as_json: bool) -> int:
    from bot.context.analyze import analyze as run_analysis
    from bot.context.outlets import OutletRegistry

    if file == "-":
        text = sys.stdin.read()
    else:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read article ({exc})", path=file) from None
    if title is None:
        title, text = _title_from_text(text)
    registry = OutletRegistry.default()
    ctx = run_analysis(title, text, url=url, resolver=registry)
    if as_json:
        print(dumps({"title": title, "url": url, **ctx.to_dict()}))
        return EXIT_OK
    print(title)
    print(f"  outlet   {ctx.outlet.line() if ctx.outlet else 'unknown'}")
    print(f"  summary  {ctx.summary}")
    d = ctx.denial
    if d.is_denial:
        deniers = "; ".join(f"{x.name} ({x.role})" if x.role else x.name for x in d.deniers)
        print(
            f"  denial   yes — by {deniers or 'unnamed'}; report of {d.denied_outlet or 'unknown'}"
        )
        print(f"  claim    {d.claim or '—'}")
        for sentence in d.evidence:
            print(f"  evidence {sentence}")
    else:
        print("  denial   no")
    for hedge in ctx.hedges:
        print(f"  hedge    {hedge.sentence} [{hedge.cue}]")
    names = ", ".join(e.name for e in ctx.entities)
    print(f"  entities {names or '—'}")
    return EXIT_OK


async def _running_bot(settings: Settings) -> dict[str, Any] | None:
    """The running bot's /healthz answer (with NEWSBOT_METRICS_PORT), or None."""
    if settings.metrics_port is None:
        return None
    import aiohttp

    host = settings.metrics_host if settings.metrics_host.startswith("127.") else "127.0.0.1"
    url = f"http://{host}:{settings.metrics_port}/healthz"
    try:
        timeout = aiohttp.ClientTimeout(total=2)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(url) as response,
        ):
            answer: dict[str, Any] = await response.json()
            return answer
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        return {"status": "not answering", "error": f"{url}: {type(exc).__name__}"}


def _bot_line(settings: Settings, bot: dict[str, Any] | None) -> str:
    if bot is None:
        return "— (set NEWSBOT_METRICS_PORT to see the running bot here)"
    if "error" in bot and "platforms" not in bot:
        return f"{bot['status']} ({bot['error']})"
    platforms = bot.get("platforms") or {}
    parts = [
        f"{name} {state.get('state')}" + (f" ({state['error']})" if state.get("error") else "")
        for name, state in sorted(platforms.items())
    ]
    return f"{bot['status']}" + (": " + ", ".join(parts) if parts else "")


def _title_from_text(text: str) -> tuple[str, str]:
    """The first non-empty line is the title when --title is not given (markdown # stripped)."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        stripped = line.strip().strip("#*_ ").strip()
        if stripped:
            return stripped, "\n".join(lines[index + 1 :])
    return "", text


def eval_stance(path: str, as_json: bool, errors: bool = False) -> int:
    from bot.context.stance_eval import evaluate_csv, format_report

    if not Path(path).is_file():
        raise ConfigError("file not found", path=path)
    result = evaluate_csv(path, keep_errors=errors)
    if as_json:
        print(dumps(result))
    else:
        print(format_report({k: v for k, v in result.items() if k != "rows"}))
    return EXIT_OK if result else EXIT_USAGE


def eval_feeds(paths: Sequence[str], as_json: bool, errors: bool = False) -> int:
    from bot.context.stance_eval import evaluate_items_csv, format_items_report

    for path in paths:
        if not Path(path).is_file():
            raise ConfigError("file not found", path=path)
    result = evaluate_items_csv(*paths)
    print(dumps(result) if as_json else format_items_report(result, errors=errors))
    return EXIT_OK
