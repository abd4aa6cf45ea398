"""OPML import and export of feed lists.

Import reads the document with expat, as a stream: the parser itself refuses a DOCTYPE (and so
any entity declaration) the moment it meets one, in whatever encoding expat decoded (UTF-16
included), before anything is expanded; nesting deeper than MAX_DEPTH or more than
MAX_ELEMENTS elements stop it at once with a clear error (a document nested 200,000 levels
deep never builds a tree or a recursion). Every problem says what and where; nothing is
stored unless the whole document parses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.parsers import expat
from xml.sax.saxutils import quoteattr

from bot.settings import shown_url, validate_url

MAX_OPML_BYTES = 5 * 1024 * 1024
MAX_OUTLINES = 20_000
MAX_DEPTH = 50  # categories nest a few levels; nobody's feed list is 50 deep
MAX_ELEMENTS = 100_000


class OpmlError(ValueError):
    """The OPML document cannot be imported; the message says what and where."""


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    title: str
    category: str | None = None


# What an open element is to the walk: the document root, the <body>, an <outline> (its
# children are read, under the category it gives them), or anything else (its subtree skipped).
_ROOT, _BODY, _OUTLINE, _SKIP = range(4)


@dataclass
class _Walk:
    parser: expat.XMLParserType
    feeds: list[OpmlFeed] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    stack: list[tuple[int, str | None]] = field(default_factory=list)
    elements: int = 0
    body_seen: bool = False

    def fail(self, message: str) -> OpmlError:
        return OpmlError(f"{message} (line {self.parser.CurrentLineNumber})")

    def doctype(self, *_: object) -> None:
        raise self.fail("OPML with a DOCTYPE or entity declarations is refused")

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > MAX_ELEMENTS:
            raise self.fail(f"more than {MAX_ELEMENTS:,} elements")
        if len(self.stack) >= MAX_DEPTH:
            raise self.fail(f"elements nested more than {MAX_DEPTH} deep")
        name = tag.lower()
        if not self.stack:
            if name != "opml":
                raise OpmlError(f"the root element is <{tag[:40]}>, not <opml>")
            self.stack.append((_ROOT, None))
            return
        kind, category = self.stack[-1]
        if kind == _ROOT and name == "body" and not self.body_seen:
            self.body_seen = True
            self.stack.append((_BODY, None))
        elif kind in (_BODY, _OUTLINE) and name == "outline":
            self.stack.append((_OUTLINE, self.outline(attrib, category)))
        else:
            self.stack.append((_SKIP, None))

    def end(self, tag: str) -> None:
        self.stack.pop()

    def outline(self, attrib: dict[str, str], category: str | None) -> str | None:
        """Record the outline's feed (if it has one); the category of its children."""
        attrs = {k.lower(): v for k, v in attrib.items()}
        url = (attrs.get("xmlurl") or "").strip()
        title = (attrs.get("title") or attrs.get("text") or url).strip()
        if not url:
            return title[:60]
        problem = validate_url(url)
        if problem:
            raise self.fail(f"outline {title[:100]!r}: xmlUrl {shown_url(url, 200)!r} {problem}")
        if url not in self.seen:
            self.seen.add(url)
            self.feeds.append(OpmlFeed(url, title[:200], category))
            if len(self.feeds) > MAX_OUTLINES:
                raise self.fail(f"more than {MAX_OUTLINES} feeds")
        return category


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """Feeds (xmlUrl) of an OPML document, categories from enclosing outlines."""
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(
            f"file is {len(data) // 1024} KB; the limit is {MAX_OPML_BYTES // 1024 // 1024} MB"
        )
    parser = expat.ParserCreate()
    walk = _Walk(parser)
    parser.StartDoctypeDeclHandler = walk.doctype
    parser.EntityDeclHandler = walk.doctype  # unreachable behind the DOCTYPE: kept on purpose
    parser.StartElementHandler = walk.start
    parser.EndElementHandler = walk.end
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code) if exc.code is not None else str(exc)
        raise OpmlError(
            f"not valid XML at line {exc.lineno}, column {exc.offset}: {reason}"
        ) from None
    if not walk.body_seen:
        raise OpmlError("no <body> element")
    if not walk.feeds:
        raise OpmlError("no feeds found (no outline has an xmlUrl)")
    return walk.feeds


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
