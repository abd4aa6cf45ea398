"""The `newsbot` command line: poll, lookup, stories, stats, feeds, outlet, analyze, eval, run.

Exit codes: 0 success (a poll in which some feeds failed is still a success), 2 bad usage or
configuration, 3 database error. Errors go to stderr as one line that says what and where.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot import __version__
from bot.errors import ConfigError, NewsbotError, StoreError
from bot.observe import configure_logging
from bot.settings import default_db_path, default_feeds_path

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_STORE = 3


def _common(parser: argparse.ArgumentParser, *, feeds: bool = True) -> None:
    parser.add_argument(
        "--db",
        default=None,
        metavar="PATH",
        help="SQLite database (default: $NEWSBOT_DB or newsbot.db)",
    )
    if feeds:
        parser.add_argument(
            "--feeds",
            default=None,
            metavar="FILE",
            help="feeds file (default: $NEWSBOT_FEEDS or feeds.yaml)",
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="News alerts with outlet and denial context for Telegram and Discord.",
    )
    parser.add_argument("--version", action="version", version=f"newsbot {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("poll", help="poll the feeds into the database")
    _common(p)
    p.add_argument(
        "--once", action="store_true", required=True, help="poll every enabled feed once, then exit"
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")

    p = sub.add_parser("run", help="run the bot: poller, alerts, Telegram and Discord")
    _common(p)

    sub.add_parser("demo", help="an offline demonstration on bundled sample feeds")

    p = sub.add_parser("lookup", help="full-text search over stored stories")
    _common(p, feeds=False)
    p.add_argument("query", nargs="+", help='words, "a phrase", or prefix*')
    p.add_argument("--limit", type=_positive, default=10, metavar="N")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("stories", help="list stored stories")
    _common(p, feeds=False)
    p.add_argument("--latest", type=_positive, default=10, metavar="N")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("status", help="feeds by health, last poll, outbox, subscriptions")
    _common(p, feeds=False)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("stats", help="counts of stories and feeds")
    _common(p, feeds=False)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("feeds", help="check or list the feeds")
    feeds_sub = p.add_subparsers(dest="feeds_command", required=True, metavar="ACTION")
    check = feeds_sub.add_parser("check", help="validate a feeds file")
    check.add_argument("file", nargs="?", default=None)
    listing = feeds_sub.add_parser("list", help="every feed with its health")
    _common(listing)
    listing.add_argument("--json", action="store_true")

    p = sub.add_parser("outlet", help="the outlet card for a name or domain")
    p.add_argument("query", nargs="+")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("analyze", help="fact context of one article")
    p.add_argument("file", nargs="?", default="-", help="article text file, or - for stdin")
    p.add_argument("--title", default=None)
    p.add_argument("--url", default=None)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("eval", help="evaluate the detectors on labelled data")
    eval_sub = p.add_subparsers(dest="eval_command", required=True, metavar="WHAT")
    stance = eval_sub.add_parser(
        "stance", help="the DENIAL label on headlines, as alerts compute it (Emergent CSV)"
    )
    stance.add_argument("file")
    stance.add_argument("--json", action="store_true")
    stance.add_argument("--errors", action="store_true", help="list false positives/negatives")
    items = eval_sub.add_parser(
        "feeds", help="item-level DENIAL labels on feed items (CSV: title, summary, label)"
    )
    items.add_argument("file")
    items.add_argument("--json", action="store_true")
    items.add_argument("--errors", action="store_true", help="list false positives/negatives")
    return parser


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1 or number > 10_000:
        raise argparse.ArgumentTypeError("must be between 1 and 10000")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        json_format=os.environ.get("NEWSBOT_LOG_FORMAT", "").lower() == "json",
        secrets=[os.environ.get(k, "") for k in ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN")],
    )
    try:
        return _dispatch(args)
    except ConfigError as exc:
        print(f"newsbot: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as exc:
        print(f"newsbot: database error: {exc}", file=sys.stderr)
        return EXIT_STORE
    except NewsbotError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `newsbot … | head`: the reader left, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _dispatch(args: argparse.Namespace) -> int:
    from bot import cli_commands as c

    db = getattr(args, "db", None) or default_db_path()
    feeds = getattr(args, "feeds", None) or default_feeds_path()
    match args.command:
        case "demo":
            from bot.demo import run_demo

            return asyncio.run(run_demo())
        case "run":
            return c.run(db, feeds)
        case "poll":
            return asyncio.run(c.poll_once(db, feeds, as_json=args.json))
        case "lookup":
            return asyncio.run(c.lookup(db, " ".join(args.query), args.limit, args.json))
        case "stories":
            return asyncio.run(c.stories(db, args.latest, args.json))
        case "status":
            return asyncio.run(c.status(db, args.json))
        case "stats":
            return asyncio.run(c.stats(db, args.json))
        case "feeds" if args.feeds_command == "check":
            return c.feeds_check(args.file or default_feeds_path())
        case "feeds":
            return asyncio.run(c.feeds_list(db, feeds, args.json))
        case "outlet":
            return c.outlet(" ".join(args.query), args.json)
        case "analyze":
            return c.analyze(args.file, args.title, args.url, args.json)
        case "eval" if args.eval_command == "feeds":
            return c.eval_feeds(args.file, args.json, args.errors)
        case "eval":
            return c.eval_stance(args.file, args.json, args.errors)
    raise ConfigError(f"unknown command {args.command!r}")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
