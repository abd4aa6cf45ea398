"""Settings: the feeds file (outlets, feeds, fetch allow-list) and environment variables.

`Settings.from_env` is the only reader of the environment in newsbot. This module also owns
loading and validating `feeds.yaml`. Every error is a ConfigError that names the file,
the line and the field, so a moderator can fix it without reading code. The smallest valid
file is a list of URLs:

    feeds:
      - url: https://www.radiohc.cu/en/rss.xml

Missing ids are derived from the URL, the outlet is resolved later from the domain, and the
interval takes the default.
"""

from __future__ import annotations

import contextlib
import gc
import ipaddress
import os
import pickle
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from secrets import token_urlsafe
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.errors import ConfigError
from bot.models import FeedConfig, OutletConfig
from bot.redact import mask_url_passwords

DEFAULT_INTERVAL = 15 * 60
MIN_INTERVAL = 60
MAX_INTERVAL = 24 * 3600

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
# "1h30m", "1d 12h", "1.5h": parts in descending units, a decimal only in a single part
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
_DURATION_PARTS = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*[smhd]\s*)+$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class SubscriptionConfig:
    """A subscription declared in the feeds file (used by the delivery layer)."""

    platform: str
    chat: str
    thread: str | None = None
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    denials_only: bool = False
    mode: str = "instant"
    webhook: str | None = None  # Discord: deliver through this channel webhook URL
    line: int | None = None


@dataclass(frozen=True)
class FeedsFile:
    """The parsed feeds file."""

    path: str
    outlets: tuple[OutletConfig, ...] = ()
    feeds: tuple[FeedConfig, ...] = ()
    allow: tuple[str, ...] = ()
    subscriptions: tuple[SubscriptionConfig, ...] = ()


class FeedsFileErrors(ConfigError):
    """Every error found in one feeds file (`errors`, in line order); the message is the first
    one and how many more there are, so `run` and `poll` still fail in one line."""

    def __init__(self, errors: Sequence[ConfigError]) -> None:
        self.errors = sorted(errors, key=lambda e: e.line or 0)
        first = self.errors[0]
        more = len(self.errors) - 1
        message = first.args[0] if first.args else str(first)
        if more:
            message += f" (and {more} more; `newsbot feeds check` lists them all)"
        super().__init__(message)
        self.path, self.line, self.field = first.path, first.line, first.field


def parse_duration(value: Any) -> int:
    """Seconds from 900, "900", "15m", "1h", "1d", "1h30m" or "1.5h"; ValueError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("is empty (use seconds, or 90s, 15m, 1h, 1d, 1h30m, 1.5h)")
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 900, 15m or 1h")
    if isinstance(value, (list, tuple, dict, set)):
        raise ValueError("expected one duration such as 900, 15m or 1h, not a list or mapping")
    if isinstance(value, int):
        return value
    text = str(value)
    match = _DURATION.match(text)
    if match:
        return int(match.group(1)) * _UNITS[match.group(2)]
    if _DURATION_PARTS.match(text):
        parts = _DURATION_PART.findall(text)
        units = [_UNITS[u] for _n, u in parts]
        decimals = sum("." in n for n, _u in parts)
        descending = units == sorted(units, reverse=True) and len(set(units)) == len(units)
        if descending and (decimals == 0 or len(parts) == 1):
            return round(sum(float(n) * _UNITS[u] for n, u in parts))
    shown = repr(value) if isinstance(value, str) else repr(text)  # a date: '2020-01-01'
    raise ValueError(f"{shown} is not a duration (use seconds, or 90s, 15m, 1h, 1d, 1h30m, 1.5h)")


def feed_id_from_url(url: str) -> str:
    """A readable, stable id for a feed declared without one: host and path as a slug."""
    parts = urlsplit(url)
    host = (parts.hostname or "feed").removeprefix("www.")
    slug = re.sub(r"[^a-z0-9]+", "-", f"{host}{parts.path} {parts.query}".lower()).strip("-")
    return slug[:64].rstrip("-") or "feed"


def validate_url(url: str) -> str | None:
    """Why a feed URL is unusable, or None when it is a plausible http(s) URL."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a bad port
    except ValueError as exc:
        return f"not a URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    if "@" in parts.netloc:
        # A password in a feed URL would be stored, shown by /feedstatus and exported.
        return "carries a user name or password (user:password@…); feed URLs must hold no secrets"
    if not parts.hostname:
        return "has no host"
    return None


_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@")


def shown_url(text: str, limit: int = 300) -> str:
    """`text` (a URL, or a message holding URLs) fit to show: any `user:password@` masked as
    `***@` and the length clipped, so a message never echoes a secret or a 10,000-character
    URL."""
    cleaned = _USERINFO.sub(r"\1***@", text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


class _Node:
    """A YAML value with the line it came from (1-based), for error messages."""

    def __init__(self, value: Any, line: int) -> None:
        self.value = value
        self.line = line


def _plain(node: yaml.Node) -> _Node:
    """Turn a composed YAML node into nested _Node values that keep their line numbers."""
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, _Node] = {}
        for key_node, value_node in node.value:
            key = yaml.safe_load(yaml.serialize(key_node))
            mapping[str(key)] = _plain(value_node)
        return _Node(mapping, line)
    if isinstance(node, yaml.SequenceNode):
        return _Node([_plain(item) for item in node.value], line)
    # the safe constructor, not a round trip through text: an empty value (`interval:`) is a
    # document of its own that safe_load cannot read back
    return _Node(yaml.constructor.SafeConstructor().construct_object(node, deep=True), line)


class _Reader:
    """Reads typed fields from _Node mappings, raising ConfigError with file, line and field."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.errors: list[ConfigError] = []

    @contextlib.contextmanager
    def collect(self) -> Iterator[None]:
        """Record a ConfigError raised inside and go on: one bad entry does not hide the next."""
        try:
            yield
        except FeedsFileErrors as many:
            self.errors.extend(many.errors)
        except ConfigError as exc:
            self.errors.append(exc)

    def fail(self, message: str, line: int | None, field_name: str | None) -> ConfigError:
        return ConfigError(message, path=self.path, line=line, field=field_name)

    def mapping(self, node: _Node, where: str) -> dict[str, _Node]:
        if not isinstance(node.value, dict):
            raise self.fail("expected a mapping (key: value)", node.line, where)
        return node.value

    def items(self, node: _Node | None, where: str) -> list[_Node]:
        if node is None or node.value is None:
            return []
        if not isinstance(node.value, list):
            raise self.fail("expected a list (- item)", node.line, where)
        return node.value

    def string(
        self,
        m: dict[str, _Node],
        key: str,
        where: str,
        *,
        required: bool = False,
        default: str | None = None,
    ) -> str | None:
        node = m.get(key)
        if node is None or node.value is None:
            if required:  # on its own line when it is there but empty, else the entry's
                line = node.line if node is not None else next(iter(m.values())).line if m else None
                raise self.fail("is required", line, f"{where}.{key}")
            return default
        if isinstance(node.value, (dict, list)):
            raise self.fail("expected text", node.line, f"{where}.{key}")
        text = str(node.value).strip()
        if required and not text:
            raise self.fail("must not be empty", node.line, f"{where}.{key}")
        return text or default

    def strings(self, m: dict[str, _Node], key: str, where: str) -> tuple[str, ...]:
        node = m.get(key)
        if node is None or node.value is None:
            return ()
        if isinstance(node.value, (str, int, float)):
            return (str(node.value).strip(),)
        values = []
        for item in self.items(node, f"{where}.{key}"):
            if isinstance(item.value, (dict, list)) or item.value is None:
                raise self.fail("expected a list of text values", item.line, f"{where}.{key}")
            values.append(str(item.value).strip())
        return tuple(v for v in values if v)

    def boolean(self, m: dict[str, _Node], key: str, where: str, default: bool) -> bool:
        node = m.get(key)
        if node is None or node.value is None:
            return default
        if not isinstance(node.value, bool):
            raise self.fail("expected true or false", node.line, f"{where}.{key}")
        return node.value

    def check_keys(self, m: dict[str, _Node], allowed: set[str], where: str) -> None:
        """Unknown fields are recorded (every one of them); the known ones are still read."""
        for key, node in m.items():
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.errors.append(
                    self.fail(f"unknown field (known fields: {known})", node.line, f"{where}.{key}")
                )


_OUTLET_KEYS = {"id", "name", "aliases", "domains", "country", "language", "owner", "state_media"}
_FEED_KEYS = {"id", "url", "outlet", "interval", "tags", "language", "enabled"}
_SUB_KEYS = {
    "platform",
    "chat",
    "thread",
    "feeds",
    "outlets",
    "tags",
    "keywords",
    "entities",
    "denials_only",
    "mode",
    "webhook",
}
_TOP_KEYS = {"outlets", "feeds", "fetch", "defaults", "subscriptions"}


def load_feeds_file(
    path: str | os.PathLike[str], outlet_known: Callable[[str], bool] | None = None
) -> FeedsFile:
    """Load and validate a feeds file; ConfigError says file:line: field: what is wrong.

    A feed's `outlet` must be declared in the file or, when `outlet_known` is given, be an id
    it knows (the outlet registry's)."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("file not found", path=name) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read ({exc})", path=name) from None
    return parse_feeds_text(text, name, outlet_known)


def parse_feeds_text(
    text: str, name: str = "<feeds>", outlet_known: Callable[[str], bool] | None = None
) -> FeedsFile:
    """Parse feeds-file text (see load_feeds_file).

    The result is a compact copy of what the parse built. The parse's transient objects (the
    YAML node tree and its line-numbered copy: about 6 KB a feed) and the config's own were
    allocated side by side, so the few config objects left in each of Python's 1 MiB object
    arenas would keep all of it from being returned: with 10,000 feeds, 66 MB resident for
    4 MB of config (issue #13: `newsbot run` ≤ 300 MB). Copied once the parse's objects are
    gone, the config fills the arenas it needs and the others are freed."""
    return _compact(_parse_feeds_text(text, name, outlet_known))


def _compact(feeds: FeedsFile) -> FeedsFile:
    """A copy of `feeds`, its objects allocated anew (see parse_feeds_text)."""
    data = pickle.dumps(feeds, protocol=pickle.HIGHEST_PROTOCOL)
    del feeds
    gc.collect()  # the parse's reference cycles too
    copy: FeedsFile = pickle.loads(data)
    return copy


def _parse_feeds_text(
    text: str, name: str, outlet_known: Callable[[str], bool] | None
) -> FeedsFile:
    reader = _Reader(name)
    try:
        composed = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"not valid YAML: {problem}", path=name, line=line) from None
    if composed is None:
        raise ConfigError(
            "the file is empty; it needs at least `feeds:` with `- url: …`", path=name
        )
    plain = _plain(composed)
    del composed  # about 6 KB a feed: gone before the config's own objects are built
    root = reader.mapping(plain, "top level")
    reader.check_keys(root, _TOP_KEYS, "top level")

    default_interval = DEFAULT_INTERVAL
    with reader.collect():
        if "defaults" in root:
            defaults = reader.mapping(root["defaults"], "defaults")
            reader.check_keys(defaults, {"interval"}, "defaults")
            if "interval" in defaults:
                default_interval = _interval(reader, defaults["interval"], "defaults.interval")

    allow: tuple[str, ...] = ()
    with reader.collect():
        if "fetch" in root:
            fetch = reader.mapping(root["fetch"], "fetch")
            reader.check_keys(fetch, {"allow"}, "fetch")
            for cidr in reader.strings(fetch, "allow", "fetch"):
                try:
                    ipaddress.ip_network(cidr, strict=False)
                except ValueError:
                    reader.errors.append(
                        reader.fail(
                            f"{cidr!r} is not a network (use CIDR, e.g. 127.0.0.0/8)",
                            fetch["allow"].line,
                            "fetch.allow",
                        )
                    )
                    continue
                allow += (cidr,)

    outlets: tuple[OutletConfig, ...] = ()
    with reader.collect():
        outlets = _outlets(reader, root.get("outlets"))
    # every id the file declares, a broken entry's too: its feeds are not "unknown outlet" then
    outlet_ids = {o.id for o in outlets} | _declared_ids(root.get("outlets"))
    feeds: tuple[FeedConfig, ...] = ()
    with reader.collect():
        feeds = _feeds(reader, root.get("feeds"), outlet_ids, default_interval, outlet_known)
    subscriptions: tuple[SubscriptionConfig, ...] = ()
    with reader.collect():
        raw_feeds = root.get("feeds")
        known = _Known(
            outlet_ids,
            outlet_known,
            feeds,
            _declared_ids(raw_feeds),
            _declared_ids(raw_feeds, "tags"),
        )
        subscriptions = _subscriptions(reader, root.get("subscriptions"), known)
    if reader.errors:
        raise FeedsFileErrors(reader.errors)
    return FeedsFile(
        path=name, outlets=outlets, feeds=feeds, allow=allow, subscriptions=subscriptions
    )


def _interval(reader: _Reader, node: _Node, where: str) -> int:
    try:
        seconds = parse_duration(node.value)
    except ValueError as exc:
        raise reader.fail(str(exc), node.line, where) from None
    if not MIN_INTERVAL <= seconds <= MAX_INTERVAL:
        raise reader.fail(
            f"must be between {MIN_INTERVAL}s and {MAX_INTERVAL // 3600}h", node.line, where
        )
    return seconds


def _check_id(reader: _Reader, value: str, node: _Node, where: str) -> None:
    if not _ID.match(value):
        raise reader.fail(
            f"{value!r} is not a valid id (lowercase letters, digits, . _ -)", node.line, where
        )


def _outlets(reader: _Reader, node: _Node | None) -> tuple[OutletConfig, ...]:
    result: list[OutletConfig] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(reader.items(node, "outlets")):
        with reader.collect():
            result.append(_outlet(reader, item, f"outlets[{index}]", seen))
    return tuple(result)


def _outlet(reader: _Reader, item: _Node, where: str, seen: dict[str, int]) -> OutletConfig:
    m = reader.mapping(item, where)
    reader.check_keys(m, _OUTLET_KEYS, where)
    outlet_id = reader.string(m, "id", where, required=True) or ""
    _check_id(reader, outlet_id, m["id"], f"{where}.id")
    if outlet_id in seen:
        raise reader.fail(
            f"duplicate outlet id {outlet_id!r} (first on line {seen[outlet_id]})",
            m["id"].line,
            f"{where}.id",
        )
    seen[outlet_id] = m["id"].line
    domains = tuple(d.lower().removeprefix("www.") for d in reader.strings(m, "domains", where))
    return OutletConfig(
        id=outlet_id,
        name=reader.string(m, "name", where, required=True) or outlet_id,
        aliases=reader.strings(m, "aliases", where),
        domains=domains,
        country=reader.string(m, "country", where),
        language=reader.string(m, "language", where),
        owner=reader.string(m, "owner", where),
        state_media=reader.string(m, "state_media", where),
    )


def _declared_ids(node: _Node | None, key: str = "id") -> set[str]:
    """The `key` values (one, or a list) of every entry of a section, a broken entry's too,
    read leniently: for references, not validation (a feed with a bad URL still has its tags)."""
    if node is None or not isinstance(node.value, list):
        return set()
    found = set()
    for item in node.value:
        if not isinstance(item.value, dict) or not isinstance(item.value.get(key), _Node):
            continue
        value = item.value[key].value
        values = value if isinstance(value, list) else [_Node(value, item.line)]
        for one in values:
            if isinstance(one, _Node) and isinstance(one.value, (str, int)):
                text = str(one.value).strip()
                if text:
                    found.add(text.lower() if key == "tags" else text)
    return found


@dataclass(frozen=True)
class _Known:
    """What a subscription may name: outlets, feeds and tags the file (or registry) knows."""

    outlets: set[str]
    outlet_known: Callable[[str], bool] | None
    feeds: tuple[FeedConfig, ...]
    feed_ids: set[str]
    tags: set[str]

    def problem(self, kind: str, value: str) -> str | None:
        if kind == "outlets":
            if value in self.outlets or (
                self.outlet_known is not None and self.outlet_known(value)
            ):
                return None
            return (
                f"unknown outlet {value!r} (declared outlets: {_some(self.outlets)}; or an id "
                "that `newsbot outlet` knows)"
            )
        if kind == "feeds":
            ids = self.feed_ids | {f.id for f in self.feeds}
            return None if value in ids else f"unknown feed {value!r} (feeds: {_some(ids)})"
        if kind == "tags":
            tags = self.tags | {t for f in self.feeds for t in f.tags}
            if value.lower() in tags:
                return None
            return f"no feed has the tag {value!r} (tags: {_some(tags)})"
        return None


def _some(values: set[str], limit: int = 8) -> str:
    """A few names, for an error message: `a, b, c … (40 in all)`."""
    if not values:
        return "none declared"
    ordered = sorted(values)
    shown = ", ".join(ordered[:limit])
    return shown if len(ordered) <= limit else f"{shown} … ({len(ordered)} in all)"


def _feeds(
    reader: _Reader,
    node: _Node | None,
    outlet_ids: set[str],
    default_interval: int,
    outlet_known: Callable[[str], bool] | None = None,
) -> tuple[FeedConfig, ...]:
    result: list[FeedConfig] = []
    ids: dict[str, int] = {}
    urls: dict[str, int] = {}
    entries = reader.items(node, "feeds")
    for index, item in enumerate(entries):
        with reader.collect():
            feed = _feed(
                reader, item, f"feeds[{index}]", outlet_ids, default_interval, outlet_known
            )
            if feed is not None:
                _unique(reader, feed, item, f"feeds[{index}]", ids, urls)
                result.append(feed)
    if not entries:
        raise reader.fail(
            "no feeds: add `feeds:` with at least one `- url: …`",
            node.line if node else None,
            "feeds",
        )
    return tuple(result)


def _unique(
    reader: _Reader,
    feed: FeedConfig,
    item: _Node,
    where: str,
    ids: dict[str, int],
    urls: dict[str, int],
) -> None:
    m = item.value if isinstance(item.value, dict) else {}
    url_line = m["url"].line if "url" in m else item.line
    id_line = m["id"].line if "id" in m else url_line
    if feed.url in urls:
        raise reader.fail(
            f"duplicate feed url (first on line {urls[feed.url]})", url_line, f"{where}.url"
        )
    if feed.id in ids:
        raise reader.fail(
            f"duplicate feed id {feed.id!r} (first on line {ids[feed.id]})", id_line, f"{where}.id"
        )
    urls[feed.url] = url_line
    ids[feed.id] = id_line


def _feed(
    reader: _Reader,
    item: _Node,
    where: str,
    outlet_ids: set[str],
    default_interval: int,
    outlet_known: Callable[[str], bool] | None,
) -> FeedConfig | None:
    """One feed entry; every field is checked and each error recorded (None when any)."""
    if isinstance(item.value, str):  # a bare URL is a feed too
        item = _Node({"url": _Node(item.value, item.line)}, item.line)
    m = reader.mapping(item, where)
    before = len(reader.errors)
    reader.check_keys(m, _FEED_KEYS, where)
    url, feed_id, outlet, interval = "", "", None, default_interval
    tags: tuple[str, ...] = ()
    language, enabled = None, True
    with reader.collect():
        url = reader.string(m, "url", where, required=True) or ""
        problem = validate_url(url)
        if problem:
            raise reader.fail(f"{shown_url(url)!r} {problem}", m["url"].line, f"{where}.url")
    with reader.collect():
        feed_id = reader.string(m, "id", where) or feed_id_from_url(url)
        if "id" in m:
            _check_id(reader, feed_id, m["id"], f"{where}.id")
    with reader.collect():
        outlet = reader.string(m, "outlet", where)
        if (
            outlet is not None
            and outlet not in outlet_ids
            and not (outlet_known is not None and outlet_known(outlet))
        ):
            raise reader.fail(
                f"unknown outlet {outlet!r} (declared outlets: {_some(outlet_ids)}; or an id "
                "that `newsbot outlet` knows)",
                m["outlet"].line,
                f"{where}.outlet",
            )
    with reader.collect():
        if "interval" in m:
            interval = _interval(reader, m["interval"], f"{where}.interval")
    with reader.collect():
        tags = tuple(t.lower() for t in reader.strings(m, "tags", where))
    with reader.collect():
        language = reader.string(m, "language", where)
    with reader.collect():
        enabled = reader.boolean(m, "enabled", where, True)
    if len(reader.errors) > before:
        return None
    return FeedConfig(
        id=feed_id,
        url=url,
        outlet=outlet,
        interval=interval,
        tags=tags,
        language=language,
        enabled=enabled,
    )


def _subscriptions(
    reader: _Reader, node: _Node | None, known: _Known | None = None
) -> tuple[SubscriptionConfig, ...]:
    result: list[SubscriptionConfig] = []
    for index, item in enumerate(reader.items(node, "subscriptions")):
        with reader.collect():
            sub = _subscription(reader, item, f"subscriptions[{index}]", known)
            if sub is not None:
                result.append(sub)
    return tuple(result)


def _subscription(
    reader: _Reader, item: _Node, where: str, known: _Known | None
) -> SubscriptionConfig | None:
    """One subscription entry; every field is checked and each error recorded (None when
    any), the names it subscribes to included."""
    m = reader.mapping(item, where)
    before = len(reader.errors)
    reader.check_keys(m, _SUB_KEYS, where)
    platform, mode, webhook, chat, thread, denials_only = "", "instant", None, "", None, False
    with reader.collect():
        platform = (reader.string(m, "platform", where, required=True) or "").lower()
        if platform not in ("telegram", "discord", "console"):
            raise reader.fail(
                "must be telegram, discord or console", m["platform"].line, f"{where}.platform"
            )
    with reader.collect():
        mode = (reader.string(m, "mode", where, default="instant") or "instant").lower()
        if mode not in ("instant", "hourly", "daily"):
            raise reader.fail("must be instant, hourly or daily", m["mode"].line, f"{where}.mode")
    with reader.collect():
        webhook = reader.string(m, "webhook", where)
        if webhook is not None and (platform != "discord" or validate_url(webhook)):
            raise reader.fail(
                "a webhook is a Discord webhook URL (https://discord.com/api/webhooks/…)",
                m["webhook"].line,
                f"{where}.webhook",
            )
    filters: dict[str, tuple[str, ...]] = {}
    for key in ("feeds", "outlets", "tags", "keywords", "entities"):
        if key in m:
            with reader.collect():
                filters[key] = reader.strings(m, key, where)
    for kind in ("feeds", "outlets", "tags"):
        for value in filters.get(kind, ()):
            problem = known.problem(kind, value) if known is not None else None
            if problem:  # every unknown name, not only the first
                reader.errors.append(reader.fail(problem, m[kind].line, f"{where}.{kind}"))
    with reader.collect():
        chat = reader.string(m, "chat", where, required=True) or ""
    with reader.collect():
        thread = reader.string(m, "thread", where)
    with reader.collect():
        denials_only = reader.boolean(m, "denials_only", where, False)
    if len(reader.errors) > before:
        return None
    return SubscriptionConfig(
        platform=platform,
        chat=chat,
        thread=thread,
        filters=filters,
        denials_only=denials_only,
        mode=mode,
        webhook=webhook,
        line=item.line,
    )


# ---------------------------------------------------------------- environment


@dataclass(frozen=True)
class Settings:
    """Everything the process is configured with; the only reader of the environment.

    Built once at start (`from_env`) and handed to the composition root (`bot.app`), which
    passes each part only what it needs. Tokens live here and nowhere else; `secrets()` lists
    them for the log and error redaction, `describe()` is safe to log.
    """

    db: str = "newsbot.db"
    feeds: str = "feeds.yaml"
    fetch_allow: tuple[str, ...] = ()
    telegram_token: str | None = None
    telegram_api_url: str | None = None
    discord_token: str | None = None
    discord_api_url: str | None = None
    discord_gateway_url: str | None = None
    moderators: Mapping[str, frozenset[str]] = field(default_factory=dict)
    metrics_port: int | None = None
    metrics_host: str = "127.0.0.1"
    log_json: bool = False
    debug: bool = False
    telegram_webhook: TelegramWebhook | None = None  # None: long polling
    telegram_pending: str = "answer"  # updates sent while the bot was down: answer | drop

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        db: str | None = None,
        feeds: str | None = None,
        debug: bool = False,
    ) -> Settings:
        """Settings from `env` (default: the process environment); flags win over variables."""
        e = os.environ if env is None else env
        return cls(
            db=db or e.get("NEWSBOT_DB") or "newsbot.db",
            feeds=feeds or e.get("NEWSBOT_FEEDS") or "feeds.yaml",
            fetch_allow=parse_allow_env(e.get("NEWSBOT_FETCH_ALLOW", "")),
            telegram_token=e.get("TELEGRAM_BOT_TOKEN") or None,
            telegram_api_url=e.get("TELEGRAM_API_URL") or None,
            discord_token=e.get("DISCORD_BOT_TOKEN") or None,
            discord_api_url=e.get("DISCORD_API_URL") or None,
            discord_gateway_url=e.get("DISCORD_GATEWAY_URL") or None,
            moderators=parse_moderators(e.get("NEWSBOT_MODERATORS", "")),
            metrics_port=parse_port(e.get("NEWSBOT_METRICS_PORT", "")),
            metrics_host=e.get("NEWSBOT_METRICS_HOST") or "127.0.0.1",
            log_json=(e.get("NEWSBOT_LOG_FORMAT") or "").strip().lower() == "json",
            debug=debug,
            telegram_webhook=parse_telegram_webhook(e),
            telegram_pending=parse_pending_updates(e.get("NEWSBOT_TELEGRAM_PENDING_UPDATES", "")),
        )

    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in a log line or an error message."""
        hook = self.telegram_webhook.secret if self.telegram_webhook else None
        return tuple(t for t in (self.telegram_token, self.discord_token, hook) if t)

    def describe(self) -> str:
        """For the start-up log line: what runs, never a token."""
        parts = [f"db={mask_url_passwords(self.db)}", f"feeds={self.feeds}"]
        parts.append("telegram=on" if self.telegram_token else "telegram=off")
        if self.telegram_token and self.telegram_webhook is not None:
            parts.append(f"telegram-webhook={shown_url(self.telegram_webhook.url)}")
        parts.append("discord=on" if self.discord_token else "discord=off")
        if self.metrics_port is not None:
            parts.append(f"health=http://{self.metrics_host}:{self.metrics_port}/healthz")
        return " ".join(parts)


def env_secrets(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Every *_TOKEN and *_SECRET value in the environment, for redaction before Settings
    exist."""
    e = os.environ if env is None else env
    return tuple(v for k, v in e.items() if k.endswith(("_TOKEN", "_SECRET")) and v)


@dataclass(frozen=True)
class TelegramWebhook:
    """Telegram webhook mode: updates are POSTed to `url`, which the /healthz server answers
    at `path`; each request must carry `secret` (X-Telegram-Bot-Api-Secret-Token). Without
    NEWSBOT_TELEGRAM_WEBHOOK_SECRET a random secret is made at each start (it is sent to
    Telegram with setWebhook, so nothing else needs to know it)."""

    url: str
    secret: str
    path: str


_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def parse_telegram_webhook(e: Mapping[str, str]) -> TelegramWebhook | None:
    """NEWSBOT_TELEGRAM_WEBHOOK_URL (+ _SECRET): None (long polling) when the URL is unset."""
    url = (e.get("NEWSBOT_TELEGRAM_WEBHOOK_URL") or "").strip()
    if not url:
        return None
    problem = validate_url(url)
    if problem:
        raise ConfigError(f"{shown_url(url)!r} {problem}", field="NEWSBOT_TELEGRAM_WEBHOOK_URL")
    if not (e.get("NEWSBOT_METRICS_PORT") or "").strip():
        raise ConfigError(
            "needs NEWSBOT_METRICS_PORT: the webhook is served by the /healthz and /metrics server",
            field="NEWSBOT_TELEGRAM_WEBHOOK_URL",
        )
    secret = e.get("NEWSBOT_TELEGRAM_WEBHOOK_SECRET") or ""
    if secret and not _WEBHOOK_SECRET.match(secret):
        raise ConfigError(
            "must be 1 to 256 characters, each a letter, a digit, _ or - (Telegram's rule)",
            field="NEWSBOT_TELEGRAM_WEBHOOK_SECRET",
        )
    path = urlsplit(url).path or "/"
    if path in ("/healthz", "/metrics"):
        raise ConfigError(
            f"its path {path} is the health server's own", field="NEWSBOT_TELEGRAM_WEBHOOK_URL"
        )
    return TelegramWebhook(url, secret or token_urlsafe(32), path)


def parse_pending_updates(raw: str) -> str:
    """NEWSBOT_TELEGRAM_PENDING_UPDATES: what to do at start with the updates sent while the
    bot was down: `answer` them (the default) or `drop` them."""
    value = raw.strip().lower() or "answer"
    if value not in ("answer", "drop"):
        raise ConfigError(
            f"{raw!r} is neither answer nor drop", field="NEWSBOT_TELEGRAM_PENDING_UPDATES"
        )
    return value


def parse_moderators(raw: str) -> dict[str, frozenset[str]]:
    """ "telegram:123,discord:456" → {"telegram": {"123"}, "discord": {"456"}}."""
    result: dict[str, set[str]] = {}
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        platform, sep, user = part.partition(":")
        platform = platform.strip().lower()
        if not sep or platform not in ("telegram", "discord") or not user.strip():
            raise ConfigError(
                f"{part!r} is not platform:user_id (e.g. telegram:123)", field="NEWSBOT_MODERATORS"
            )
        result.setdefault(platform, set()).add(user.strip())
    return {k: frozenset(v) for k, v in result.items()}


def parse_port(raw: str) -> int | None:
    """NEWSBOT_METRICS_PORT: empty for none, else 1 … 65535."""
    text = raw.strip()
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ConfigError(f"{raw!r} is not a port number", field="NEWSBOT_METRICS_PORT")
    return int(text)


def parse_allow_env(raw: str) -> tuple[str, ...]:
    """CIDRs from NEWSBOT_FETCH_ALLOW (comma-separated), validated."""
    cidrs = tuple(part.strip() for part in raw.split(",") if part.strip())
    for cidr in cidrs:
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            raise ConfigError(
                f"{cidr!r} is not a network (use CIDR, e.g. 127.0.0.0/8)",
                field="NEWSBOT_FETCH_ALLOW",
            ) from None
    return cidrs
