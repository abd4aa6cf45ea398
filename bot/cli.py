"""The `newsbot` command line: argument parsing, logging set-up, and errors as exit codes.

Exit codes (`bot.errors.ExitCode`, README "Exit codes"): 0 success (a poll in which some feeds
failed is still a success), 1 nothing found, 2 bad usage or configuration, 3 database error
(missing, read-only, disk full, damaged), 4 a platform refused the bot token, 5 the health
port cannot be served, 70 a bug, 130 `poll --once` stopped by a signal. An error is one line
on stderr that says what and where, never a traceback (unless `--debug`) and never a token.

What each command does lives in `bot.cli_commands`; to add one, add its parser in
`build_parser` and one `case` in `_dispatch`.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import traceback
from collections.abc import Sequence

from bot import __version__, cli_db
from bot import cli_commands as c
from bot.app import run as run_async
from bot.errors import ConfigError, ExitCode, NewsbotError, StoreError, exit_code_for
from bot.observe import LineStream, configure_logging
from bot.redact import redact
from bot.settings import Settings, env_secrets

EXIT_OK = ExitCode.OK
EXIT_USAGE = ExitCode.USAGE
EXIT_STORE = ExitCode.STORE


def _common(parser: argparse.ArgumentParser, *, feeds: bool = True) -> None:
    parser.add_argument(
        "--db",
        default=None,
        metavar="PATH|URL",
        help="database: a SQLite file, or a postgresql:// URL (default: $NEWSBOT_DB or newsbot.db)",
    )
    if feeds:
        parser.add_argument(
            "--feeds",
            default=None,
            metavar="FILE",
            help="feeds file (default: $NEWSBOT_FEEDS or feeds.yaml)",
        )


# What `newsbot --help` lists; README "Configuration" explains each (a test keeps the two and
# what Settings reads equal).
ENVIRONMENT = (
    "NEWSBOT_DB",
    "NEWSBOT_FEEDS",
    "NEWSBOT_FETCH_ALLOW",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_URL",
    "NEWSBOT_TELEGRAM_WEBHOOK_URL",
    "NEWSBOT_TELEGRAM_WEBHOOK_SECRET",
    "NEWSBOT_TELEGRAM_PENDING_UPDATES",
    "DISCORD_BOT_TOKEN",
    "DISCORD_API_URL",
    "DISCORD_GATEWAY_URL",
    "NEWSBOT_MODERATORS",
    "NEWSBOT_METRICS_PORT",
    "NEWSBOT_METRICS_HOST",
    "NEWSBOT_LOG_FORMAT",
    "NEWSBOT_FAST_PARSE",
    "NEWSBOT_LOOP",
    "NO_COLOR",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="News alerts with outlet and denial context for Telegram and Discord.",
        epilog="environment (README, Configuration): " + ", ".join(ENVIRONMENT),
    )
    parser.add_argument("--version", action="version", version=f"newsbot {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    parser.add_argument(
        "--debug", action="store_true", help="log debug details and show tracebacks of errors"
    )
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

    p = sub.add_parser("db", help="migrate a database, or copy one to another backend")
    db_sub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    migrate = db_sub.add_parser("migrate", help="create or upgrade the database's schema")
    _common(migrate, feeds=False)
    copy = db_sub.add_parser(
        "copy", help="copy every row of SRC into the empty DST (SQLite ↔ PostgreSQL)"
    )
    copy.add_argument("source", metavar="SRC", help="a SQLite file or a postgresql:// URL")
    copy.add_argument("target", metavar="DST", help="a SQLite file or a postgresql:// URL")

    p = sub.add_parser("discord", help="Discord: register the slash commands")
    discord_sub = p.add_subparsers(dest="discord_command", required=True, metavar="ACTION")
    sync = discord_sub.add_parser(
        "sync", help="register the slash commands with Discord now (run does only on a change)"
    )
    _common(sync, feeds=False)

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
    items.add_argument("file", nargs="+", help="one or more CSV files, scored together")
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
    # alerts printed to stdout and log lines on stderr may share one file: whole lines only
    with contextlib.suppress(AttributeError, OSError, ValueError):
        sys.stdout.flush()
        sys.stdout = LineStream(sys.stdout.fileno())
    secrets = env_secrets()  # before Settings: a bad setting's message must not show one either
    try:
        settings = Settings.from_env(
            db=getattr(args, "db", None), feeds=getattr(args, "feeds", None), debug=args.debug
        )
        secrets = settings.secrets()
        configure_logging(
            level=logging.DEBUG if args.verbose or args.debug else logging.WARNING,
            json_format=settings.log_json,
            secrets=secrets,
            debug=args.debug,
        )
        return _dispatch(args, settings)
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except BrokenPipeError:  # `newsbot … | head`: the reader left, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except BaseException as exc:  # every error ends as one line and its exit code
        if isinstance(exc, SystemExit):
            raise
        return _fail(exc, secrets, debug=args.debug)


def _fail(exc: BaseException, secrets: Sequence[str], *, debug: bool) -> int:
    """Print the one line for `exc` (its traceback too with --debug); its exit code."""
    if isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    if debug:
        text = "".join(traceback.format_exception(exc))
        print(redact(text, secrets), file=sys.stderr, end="")
    if isinstance(exc, ConfigError):
        line, code = f"configuration error: {exc}", ExitCode.USAGE
    elif isinstance(exc, StoreError):
        line, code = f"database error: {exc}", ExitCode.STORE
    elif isinstance(exc, NewsbotError):
        line, code = str(exc), exit_code_for(exc)
    elif isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        line, code = f"{where}{exc.strerror or exc}", ExitCode.INTERNAL
    else:
        line = f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)"
        code = ExitCode.INTERNAL
    one = " ".join(redact(line, secrets).split())
    print(f"newsbot: {one}", file=sys.stderr)
    return int(code)


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    match args.command:
        case "demo":
            from bot.demo import run_demo

            return run_async(run_demo())
        case "run":
            return c.run(settings)
        case "poll":
            return run_async(c.poll_once(settings, as_json=args.json))
        case "lookup":
            return run_async(c.lookup(settings, " ".join(args.query), args.limit, args.json))
        case "stories":
            return run_async(c.stories(settings, args.latest, args.json))
        case "status":
            return run_async(c.status(settings, args.json))
        case "stats":
            return run_async(c.stats(settings, args.json))
        case "feeds" if args.feeds_command == "check":
            return c.feeds_check(args.file or settings.feeds)
        case "feeds":
            return run_async(c.feeds_list(settings, args.json))
        case "db" if args.db_command == "migrate":
            return run_async(cli_db.migrate(settings.db))
        case "db":
            return run_async(cli_db.copy(args.source, args.target))
        case "discord":
            return run_async(c.discord_sync(settings))
        case "outlet":
            return c.outlet(" ".join(args.query), args.json)
        case "analyze":
            return c.analyze(args.file, args.title, args.url, args.json)
        case "eval" if args.eval_command == "feeds":
            return c.eval_feeds(args.file, args.json, args.errors)
        case "eval":
            return c.eval_stance(args.file, args.json, args.errors)
    raise ConfigError(f"unknown command {args.command!r}")
