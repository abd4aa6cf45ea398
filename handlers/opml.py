"""OPML import and export of feed lists.

Import refuses documents that declare a DOCTYPE or entities (the same reasoning as feeds,
DESIGN §6), caps the size, and reports every problem with where it is; nothing is stored
unless the whole document parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from bot.settings import validate_url

MAX_OPML_BYTES = 5 * 1024 * 1024
MAX_OUTLINES = 20_000


class OpmlError(ValueError):
    """The OPML document cannot be imported; the message says what and where."""


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    title: str
    category: str | None = None


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """Feeds (xmlUrl) of an OPML document, categories from enclosing outlines."""
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(
            f"file is {len(data) // 1024} KB; the limit is {MAX_OPML_BYTES // 1024 // 1024} MB"
        )
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise OpmlError("OPML with a DOCTYPE or entity declarations is refused")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line, column = exc.position
        raise OpmlError(
            f"not valid XML at line {line}, column {column}: {re.sub(r': line.*', '', str(exc))}"
        ) from None
    if root.tag.lower() != "opml":
        raise OpmlError(f"the root element is <{root.tag}>, not <opml>")
    body = next((child for child in root if child.tag.lower() == "body"), None)
    if body is None:
        raise OpmlError("no <body> element")
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()

    def walk(node: ET.Element, category: str | None) -> None:
        for outline in node:
            if outline.tag.lower() != "outline":
                continue
            attrs = {k.lower(): v for k, v in outline.attrib.items()}
            url = (attrs.get("xmlurl") or "").strip()
            title = (attrs.get("title") or attrs.get("text") or url).strip()
            if url:
                problem = validate_url(url)
                if problem:
                    raise OpmlError(f"outline {title!r}: xmlUrl {url!r} {problem}")
                if url not in seen:
                    seen.add(url)
                    feeds.append(OpmlFeed(url, title[:200], category))
                if len(feeds) > MAX_OUTLINES:
                    raise OpmlError(f"more than {MAX_OUTLINES} feeds")
            walk(outline, title[:60] if not url else category)

    walk(body, None)
    if not feeds:
        raise OpmlError("no feeds found (no outline has an xmlUrl)")
    return feeds


def to_opml(feeds: list[tuple[str, str, str | None]], title: str = "newsbot feeds") -> bytes:
    """OPML 2.0 of (url, title, category) triples, grouped by category."""
    groups: dict[str | None, list[tuple[str, str]]] = {}
    for url, name, category in feeds:
        groups.setdefault(category, []).append((url, name))
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{_text(title)}</title></head>",
        "  <body>",
    ]
    for category, items in groups.items():
        indent = "    "
        if category:
            lines.append(f"    <outline text={quoteattr(category)}>")
            indent = "      "
        for url, name in items:
            lines.append(
                f'{indent}<outline type="rss" text={quoteattr(name)} '
                f"title={quoteattr(name)} xmlUrl={quoteattr(url)}/>"
            )
        if category:
            lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines).encode("utf-8")


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
