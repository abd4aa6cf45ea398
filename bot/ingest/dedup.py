"""Identity keys for feed items (DESIGN §6): which items are the same story.

identity = scope + guid when the guid is unique within the fetched feed, else the canonical
link, else a hash of title and date. The scope is the outlet, so section feeds of one outlet
share stories; a feed whose outlet is unknown is its own scope. A second key, the canonical URL,
lets the store match an item whose outlet minted a new guid on edit (see StoriesRepo).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.models import Entry


@dataclass(frozen=True)
class KeyedEntry:
    identity: str
    url_key: str | None  # canonical URL when it can identify a story on its own
    content_hash: str
    entry: Entry


def scope_for(outlet_id: str | None, feed_id: str) -> str:
    return outlet_id if outlet_id else f"feed:{feed_id}"


def content_hash(entry: Entry) -> str:
    """What a revision changes: title and summary (whitespace already folded)."""
    digest = hashlib.sha256(f"{entry.title}\n{entry.summary}".encode())
    return digest.hexdigest()[:32]


def _distinctive(url: str | None) -> bool:
    """A URL that can name one story: not a bare home page."""
    if not url:
        return False
    scheme, sep, rest = url.partition("://")
    if sep and scheme in ("http", "https") and "#" not in rest:
        # A canonical URL (normalize.canonical_url): host, then path and query after a "/".
        slash = rest.find("/")
        return slash >= 0 and bool(rest[slash:].strip("/"))
    parts = urlsplit(url)
    return bool(parts.path.strip("/") or parts.query)


def key_entries(entries: list[Entry] | tuple[Entry, ...], scope: str) -> list[KeyedEntry]:
    """Identity keys for one fetched feed; in-feed duplicates are dropped (first one wins)."""
    guid_counts = Counter(e.guid for e in entries if e.guid)
    url_counts = Counter(e.canonical_url for e in entries if e.canonical_url)
    keyed: list[KeyedEntry] = []
    seen: set[str] = set()
    for entry in entries:
        url = entry.canonical_url
        url_ok = url is not None and _distinctive(url) and url_counts[url] == 1
        if entry.guid and guid_counts[entry.guid] == 1:
            identity = f"{scope}|g|{entry.guid}"
        elif url and _distinctive(url):
            identity = f"{scope}|u|{url}"
        else:
            stamp = entry.published.isoformat() if entry.published else ""
            digest = hashlib.sha256(f"{entry.title}\n{stamp}".encode()).hexdigest()[:32]
            identity = f"{scope}|h|{digest}"
        if identity in seen:
            continue
        seen.add(identity)
        keyed.append(KeyedEntry(identity, url if url_ok else None, content_hash(entry), entry))
    return keyed
