"""The fast path of feed parsing: lxml reads well-formed RSS and Atom 1.0, feedparser the rest.

feedparser spends most of a parse in its Python handlers (8–12 ms a feed). This module walks
an lxml tree instead and repeats, for the handful of fields newsbot reads (entry title, link,
feedburner origLink, id, summary, content, published/updated dates, author, language; feed
title, language, ttl), what feedparser's strict parser does with them: the same text clean-up
(strip, relative-URI join with its xml:base stack, its UTF-8-as-Latin-1 repair and cp1252
table), the same order rules (first non-empty title, description turned into content, guid as
link, author name/email sync) and feedparser's own date parser. It returns the raw dicts
`bot.ingest.parse` normalises, so normalisation is shared code.

It is an accelerator, never a second opinion: `parse_raw` returns None — use feedparser — for
anything it does not repeat exactly: a document that lxml's strict parser rejects, an encoding
feedparser's decoder flags, a DOCTYPE, a root other than RSS 0.9x/2.x or Atom 1.0, a prefix
feedparser would rename, an element whose feedparser handler is not one of those below,
markup inside a text element, base64 or XHTML content (docs/parsers.md lists them).
`scripts/compare_parsers.py` compares both paths document by document.

Safety is the same as the slow path's or stricter: the caller has already run the entity
guard; lxml runs with entities unresolved, no network, no DTD, no huge trees.
"""

from __future__ import annotations

import contextlib
import functools
import re
from typing import Any

import feedparser.mixin
from feedparser.datetimes import _parse_date
from feedparser.encodings import convert_to_utf8
from feedparser.urls import _urljoin, make_safe_absolute_uri
from lxml import etree

from bot.ingest import feedparser_speedups  # noqa: F401  (the same cp1252 table feedparser uses)

__all__ = ["RawFeed", "parse_raw"]

RawFeed = tuple[str, dict[str, Any], list[dict[str, Any]]]

# What this module repeats is feedparser 6.0's code (checked on 6.0.14 against shared/feeds);
# `bot.ingest.parse` leaves the fast path off on any other feedparser.
ENABLED = str(getattr(feedparser, "__version__", "")).startswith("6.0.")
_MIXIN: Any = feedparser.mixin._FeedParserMixin
_MATCH_NS = {uri.lower(): prefix for uri, prefix in _MIXIN.namespaces.items()}
_ATOM = "http://www.w3.org/2005/atom"
_VERSION_NAMESPACES = frozenset(
    {"http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/"}
)
_CAN_BE_RELATIVE = frozenset(_MIXIN.can_be_relative_uri)
_HTML_TYPES = frozenset(_MIXIN.html_types)
_COPY_TO_SUMMARY = _HTML_TYPES | {"text/plain"}
# Content types feedparser neither base64-decodes nor reads as XHTML markup.
_TEXT_TYPES = frozenset({"text", "plain", "html", "text/plain", "text/html"})
_DOCTYPE = re.compile(rb"<!doctype", re.IGNORECASE)
# xml:base, or a plain `base` attribute, which feedparser's parser reads as xml:base too. The
# pattern starts with a literal so `re` scans for it in C; the byte before is checked apart.
_BASE = re.compile(rb"base\s*=")
_XMLNS = re.compile(rb"""xmlns:([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_STANDARD_PREFIXES = frozenset(prefix for prefix in _MATCH_NS.values() if prefix)
_C1 = re.compile("[\x80-\x9f]")
_LINK_ENTITY = re.compile("&([A-Za-z0-9_]+);")

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    huge_tree=False,
    load_dtd=False,
    dtd_validation=False,
    recover=False,
    remove_comments=True,
    remove_pis=True,
    strip_cdata=True,
)

# feedparser handlers this module repeats, by feedparser's element key (prefix_localname).
_TITLE = frozenset({"title", "dc_title"})
_DESCRIPTION = frozenset({"description", "dc_description", "media_description"})
_SUMMARY = frozenset({"summary", "itunes_summary"})
_PUBLISHED = frozenset({"pubdate", "published", "issued", "dcterms_issued"})
_UPDATED = frozenset({"updated", "modified", "lastbuilddate", "dc_date", "dcterms_modified"})
_AUTHOR = frozenset({"author", "dc_creator", "dc_author", "itunes_author", "managingeditor"})
_AUTHOR_PART = {"name": "name", "email": "email", "url": "href", "uri": "href", "homepage": "href"}
_LANGUAGE = frozenset({"language", "dc_language"})
# Handlers that touch none of the fields newsbot reads and hold no text element of ours:
# their children, if any, are read as feedparser reads them (in the same context).
_TRANSPARENT = frozenset({"media_content", "media_group", "enclosure"})
# Handlers that touch none of those fields and must be leaves (a child would be markup).
_HARMLESS_LEAVES = frozenset(
    {
        "category",
        "dc_subject",
        "media_thumbnail",
        "media_credit",
        "media_category",
        "media_keywords",
        "media_rating",
        "media_restriction",
        "media_license",
        "media_player",
        "itunes_image",
        "itunes_explicit",
        "itunes_block",
        "itunes_keywords",
        "itunes_subtitle",
        "itunes_category",
        "generator",
        "rights",
        "copyright",
        "created",
        "dcterms_created",
        "expirationdate",
        "width",
        "height",
        "cloud",
        "subtitle",
        "tagline",
        "dc_rights",
        "dcterms_valid",
        "webmaster",
        "dc_publisher",
        "georss_point",
        "georss_line",
        "georss_polygon",
        "georss_box",
    }
)
_RSS_VERSIONS = {"0.91": "rss091u", "0.92": "rss092", "0.93": "rss093", "0.94": "rss094"}
# Entry-level elements whose only effect on newsbot's fields is `title_depth = -1`
# (`_start_image`, `_start_source`); their text goes to a dict newsbot does not read.
_TITLE_RESETS = frozenset({"image", "source"})
# Containers of name/email/uri parts that only feed dicts newsbot does not read.
_PERSON_CONTAINERS = frozenset({"contributor", "itunes_owner"})
# Feed-level elements that cannot reach the feed's title, language or ttl.
_FEED_HARMLESS = (
    _HARMLESS_LEAVES
    | {
        "link",
        "description",
        "summary",
        "itunes_summary",
        "media_description",
        "guid",
        "id",
        "webmaster",
        "dc_publisher",
        "name",
        "email",
        "url",
        "uri",
        "homepage",
        "pubdate",
        "published",
        "issued",
        "dcterms_issued",
        "updated",
        "modified",
        "lastbuilddate",
        "dc_date",
        "dcterms_modified",
        "info",
        "feedburner_browserfriendly",
        "itunes_name",
        "itunes_email",
    }
    | _AUTHOR
    | _PERSON_CONTAINERS
)
# The entry keys `bot.ingest.parse` reads: an unknown element by one of these names would
# overwrite feedparser's value.
_READ_KEYS = frozenset(
    {"feedburner_origlink", "link", "title", "summary", "content", "id"}
    | {"published_parsed", "updated_parsed", "author", "language"}
)
_IMAGE_KEEPS = frozenset({"title", "link", "description", "url", "href", "width", "height"})


class _Unsupported(Exception):
    """The document holds something this module does not repeat: use feedparser."""


def parse_raw(body: bytes, content_type: str | None) -> RawFeed | None:
    """(version, feed dict, entry dicts) as feedparser would give them, or None for feedparser.

    Only the keys `bot.ingest.parse` reads are filled. Never raises on any input: whatever
    goes wrong here (lxml's refusal, a case this module does not know) is feedparser's."""
    try:
        return _parse(body, content_type)
    except Exception:
        return None


def _parse(body: bytes, content_type: str | None) -> RawFeed | None:
    headers = {"content-type": content_type} if content_type else {}
    result: dict[str, Any] = {}
    data = convert_to_utf8(headers, body, result)
    if result.get("bozo") or not result.get("encoding"):
        return None  # feedparser would warn or use its loose parser
    first = re.search(rb"<\w", data)
    head = data[: first.start()] if first else data
    if _DOCTYPE.search(head):
        return None  # a DOCTYPE changes feedparser's version and its entity handling
    if b"xmlns:" in data and _renames_prefixes(data):
        return None
    root = etree.fromstring(data, _PARSER)
    if root.getroottree().docinfo.xml_version != "1.0":
        return None
    walker = _Walker(track_base=_has_base_attribute(data))
    return walker.document(root)


def _renames_prefixes(data: bytes) -> bool:
    """True if feedparser's `namespacemap` could rename an element's prefix.

    feedparser maps each declared prefix of a namespace it knows to its own prefix for that
    namespace (`xmlns:foo` for Dublin Core: "foo" → "dc"), then looks every element's prefix
    up in that map: the standard prefix of a known namespace, or the document's prefix for an
    unknown one. A rename is possible only if a prefix that is one of feedparser's own names
    is declared for another known namespace, or if a prefix is declared twice; such documents
    go to feedparser. Declarations are found in the bytes (text that looks like one only costs
    the fast path)."""
    declared: dict[str, str] = {}
    for match in _XMLNS.finditer(data):
        prefix = match.group(1).decode("ascii")
        uri = (match.group(2) or match.group(3) or b"").decode("utf-8", "replace").lower()
        if declared.setdefault(prefix, uri) != uri:
            return True
        if "backend.userland.com/rss" in uri:
            uri = "http://backend.userland.com/rss"
        standard = _MATCH_NS.get(uri)
        if standard is not None and standard != prefix and prefix in _STANDARD_PREFIXES:
            return True
    return False


def _has_base_attribute(data: bytes) -> bool:
    """True if "base=" follows a space or "xml:" anywhere (text too: a false alarm only costs
    the fast path)."""
    return any(
        match.start() > 0 and data[match.start() - 1] in b" \t\r\n:"
        for match in _BASE.finditer(data)
    )


def _text(element: Any) -> str:
    if len(element):
        raise _Unsupported("markup inside a text element")
    text = element.text
    return text if text is not None else ""


def _clean(raw: str, element: str, *, base: str = "", resolve: bool = True) -> str:
    """feedparser's `pop` for a text element: strip, join a URI, repair, map cp1252."""
    output = raw.strip()
    if resolve and element in _CAN_BE_RELATIVE and output:
        output = _urljoin(base, output)
    if output.isascii():
        return output  # the repair and the cp1252 map (code points 128-159) change nothing
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        output = output.encode("iso-8859-1").decode("utf-8")
    if _C1.search(output) is None:
        return output
    translated: str = output.translate(feedparser.mixin._cp1252)
    return translated


def _attributes(element: Any) -> dict[str, str]:
    """Attributes as feedparser's strict parser names them: lower-case keys, known namespace
    prefixes, lower-case values of rel and type."""
    attrs: dict[str, str] = {}
    for key, value in element.attrib.items():
        if key[0] == "{":
            uri, local = key[1:].split("}", 1)
            prefix = _MATCH_NS.get(uri.lower(), "")
            if uri == "http://www.w3.org/XML/1998/namespace":
                prefix = "xml"
            name = f"{prefix}:{local}" if prefix else local
        else:
            name = key
        name = name.lower()
        attrs[name] = value.lower() if name in ("rel", "type") else value
    return attrs


_KEYS: dict[tuple[str, str | None], tuple[str, str]] = {}


def _key(element: Any) -> tuple[str, str]:
    """feedparser's key for an element ("dc_creator") and its bare name when unprefixed."""
    tag = element.tag
    cache_key = (tag, element.prefix)
    cached = _KEYS.get(cache_key)
    if cached is not None:
        return cached
    if tag[0] == "{":
        uri, local = tag[1:].split("}", 1)
    else:
        uri, local = "", tag
    lowered = uri.lower()
    if "backend.userland.com/rss" in lowered:
        lowered = "http://backend.userland.com/rss"
    prefix = _MATCH_NS.get(lowered)
    if prefix is None:
        # feedparser names an element of an unknown namespace by the prefix the document
        # gives it, and one in an unknown default namespace by its bare name.
        prefix = element.prefix or ""
    local = local.lower()
    key = (f"{prefix.lower()}_{local}" if prefix else local, "" if prefix else local)
    if len(_KEYS) < 4096:
        _KEYS[cache_key] = key
    return key


@functools.lru_cache(maxsize=1024)
def _has_handler(key: str) -> bool:
    """Whether feedparser has a start or end handler for an element key (its dispatch)."""
    return hasattr(_MIXIN, "_start_" + key) or hasattr(_MIXIN, "_end_" + key)


class _Walker:
    """The slice of feedparser's parser state that decides the fields newsbot reads."""

    def __init__(self, *, track_base: bool) -> None:
        # xml:base (or a bare `base` attribute) changes the base feedparser joins links and
        # ids with; followed element by element only in documents that have one.
        self.track_base = track_base
        self.base = ""
        self.bases: list[str] = []
        self.feed: dict[str, Any] = {}
        self.entries: list[dict[str, Any]] = []
        self.depth = 0
        self.title_depth = -1
        self.inimage = False
        self.image_seen = False
        # per entry
        self.entry: dict[str, Any] = {}
        self.depths: dict[str, int] = {}
        self.has_content = False
        self.guidislink = False
        self.inauthor = False

    def _enter(self, element: Any) -> None:
        """`unknown_starttag`'s depth and base bookkeeping."""
        self.depth += 1
        if self.track_base:
            attrs = _attributes(element)
            given = attrs.get("xml:base", attrs.get("base")) or self.base
            if self.base:
                self.base = make_safe_absolute_uri(self.base, given) or self.base
            else:
                self.base = _urljoin(self.base, given)
            self.bases.append(self.base)

    def _leave(self) -> None:
        """`unknown_endtag`'s: the parent's base comes back only if it is not empty."""
        if self.track_base:
            self.bases.pop()
            if self.bases and self.bases[-1]:
                self.base = self.bases[-1]
        self.depth -= 1

    # ------------------------------------------------------------------ document and feed

    def document(self, root: Any) -> RawFeed:
        key, _ = _key(root)
        attrs = _attributes(root)
        declared = {uri.lower() for uri in root.nsmap.values()}
        if declared & _VERSION_NAMESPACES:
            raise _Unsupported("RSS 1.0 / 0.90 namespace")
        if key == "rss":
            given = attrs.get("version", "")
            version = _RSS_VERSIONS.get(given) or ("rss20" if given.startswith("2.") else "rss")
        elif key == "feed" and (etree.QName(root).namespace or "").lower() == _ATOM:
            version = "atom10"
        else:
            raise _Unsupported("not RSS 2.x or Atom 1.0")
        lang = attrs.get("xml:lang", attrs.get("lang"))
        if lang:
            self.feed["language"] = lang.replace("_", "-")
        self._enter(root)
        if key == "rss":
            for child in root:
                child_key, _ = _key(child)
                if child_key != "channel":
                    raise _Unsupported("RSS element outside the channel")
                if set(_attributes(child)) & {"lastmod", "href"}:
                    raise _Unsupported("CDF channel")
                self._enter(child)
                self._feed_children(child, "item")
                self._leave()
        else:
            self._feed_children(root, "entry")
        return version, self.feed, self.entries

    def _feed_children(self, parent: Any, entry_key: str) -> None:
        for child in parent:
            self._enter(child)
            key, bare = _key(child)
            if bare and bare not in _IMAGE_KEEPS:
                self.inimage = False
            if key == entry_key:
                self._entry_element(child)
            else:
                self._feed_element(child, key)
            self._leave()

    def _feed_element(self, element: Any, key: str) -> None:
        if key in _TITLE or key == "media_title":
            self._feed_title(element, key)
        elif key in _LANGUAGE:
            value = _clean(_text(element), "language")
            self._feed_context()["language"] = value
        elif key == "ttl":
            if _attributes(element):
                self._feed_context()["ttl"] = None
            else:
                self._feed_context()["ttl"] = _clean(_text(element), "ttl")
        elif key == "image":
            self.image_seen = True
            self.inimage = True
            self.title_depth = -1
            self._feed_descend(element)
            self.inimage = False
        elif key in _FEED_HARMLESS or key in _TRANSPARENT or not _has_handler(key):
            if len(element) and not (
                key in _AUTHOR
                or key in _PERSON_CONTAINERS
                or key in _TRANSPARENT
                or not _has_handler(key)
            ):
                raise _Unsupported(f"markup in feed-level {key}")
            self._feed_descend(element)
        else:
            raise _Unsupported(f"feed-level {key}")

    def _feed_descend(self, element: Any) -> None:
        for child in element:
            self._enter(child)
            key, bare = _key(child)
            if bare and bare not in _IMAGE_KEEPS:
                self.inimage = False
            if key in ("item", "entry", "channel", "feed", "rss", "source", "textinput"):
                raise _Unsupported(f"{key} nested in the feed")
            self._feed_element(child, key)
            self._leave()

    def _feed_context(self) -> dict[str, Any]:
        if self.inimage and self.image_seen:
            return {}  # the image's own dict: nothing newsbot reads
        return self.feed

    def _feed_title(self, element: Any, key: str) -> None:
        _check_text_type(element)
        value = _clean(_text(element), "title")
        if not (-1 < self.title_depth <= self.depth):
            self._feed_context()["title"] = value
        if value and key != "media_title":
            self.title_depth = self.depth

    # ------------------------------------------------------------------ entries

    def _entry_element(self, element: Any) -> None:
        if set(_attributes(element)) - {"xml:lang", "lang", "xml:base", "base"}:
            raise _Unsupported("attributes on an item")
        self.entry = {}
        self.entries.append(self.entry)
        self.depths = {}
        self.has_content = False
        self.guidislink = False
        self.title_depth = -1
        self._entry_children(element)

    def _entry_children(self, parent: Any) -> None:
        for child in parent:
            self._enter(child)
            self._entry_child(child)
            self._leave()

    def _store(self, key: str, value: Any) -> None:
        """feedparser's entry store: a value at the same or a shallower depth wins."""
        old = self.depths.get(key)
        if old is None or self.depth <= old:
            self.depths[key] = self.depth
            self.entry[key] = value

    def _entry_child(self, element: Any) -> None:
        key, _ = _key(element)
        entry = self.entry
        if key in _TITLE or key == "media_title":
            _check_text_type(element)
            value = _clean(_text(element), "title")
            if not (-1 < self.title_depth <= self.depth):
                self._store("title", value)
            if value and key != "media_title":
                self.title_depth = self.depth
        elif key == "link":
            self._link(element)
        elif key in ("guid", "id"):
            attrs = _attributes(element)
            self.guidislink = attrs.get("ispermalink", "true") == "true"
            value = _clean(_text(element), "id", base=self.base, resolve=self.guidislink)
            self._store("id", value)
            if self.guidislink:
                entry.setdefault("link", value)
        elif key in _DESCRIPTION or key in _SUMMARY:
            attrs = _check_text_type(element)
            if "summary" in entry and not self.has_content:
                self._content(element, attrs, "text/plain")
            else:
                # The default type (HTML for a description, text for a summary) only changes
                # feedparser's summary_detail, never the value.
                self._store("summary", _clean(_text(element), "summary"))
        elif key == "content":
            self._content(element, _check_text_type(element), "text/plain")
        elif key == "content_encoded":
            self._content(element, _check_text_type(element), "text/html")
        elif key in _PUBLISHED:
            value = _clean(_text(element), "published")
            self._store("published", value)
            entry["published_parsed"] = _parse_date(value)
        elif key in _UPDATED:
            value = _clean(_text(element), "updated")
            self._store("updated", value)
            entry["updated_parsed"] = _parse_date(value)
        elif key in _AUTHOR:
            self._author(element)
        elif key in _LANGUAGE:
            self._store("language", _clean(_text(element), "language"))
        elif key in _TITLE_RESETS:
            if len(element):
                raise _Unsupported(f"children in an entry's {key}")
            self.title_depth = -1
        elif key == "contributor":
            for child in element:
                self._enter(child)  # only for the base it may leave behind
                if _key(child)[0] not in _AUTHOR_PART or len(child):
                    raise _Unsupported("odd contributor")
                self._leave()
        elif key in _TRANSPARENT or (key not in _HARMLESS_LEAVES and not _has_handler(key)):
            # An element without a handler is stored under its own key, which newsbot never
            # reads but for origLink; its children are read in the entry, as feedparser does.
            if key == "feedburner_origlink":
                if len(element):
                    raise _Unsupported("markup in origLink")
                attrs = _attributes(element)
                if attrs:  # feedparser then stores the attributes instead of the text
                    entry[key] = attrs
                else:
                    self._store(key, _clean(_text(element), key))
            elif key in _READ_KEYS:
                raise _Unsupported(f"unknown element named {key}")
            self._entry_children(element)
        elif key in _HARMLESS_LEAVES:
            if len(element):
                raise _Unsupported(f"children in {key}")
        else:
            raise _Unsupported(f"entry-level {key}")

    def _link(self, element: Any) -> None:
        attrs = _attributes(element)
        attrs.setdefault("rel", "alternate")
        attrs.setdefault("type", "application/atom+xml" if attrs["rel"] == "self" else "text/html")
        href = attrs.get("url", attrs.get("uri", attrs.get("href")))
        if href:
            attrs["href"] = href
        if "href" in attrs:
            if len(element):
                raise _Unsupported("markup in a link")
            href = _urljoin(self.base, attrs["href"])
            mapped = _MIXIN.map_content_type(attrs.get("type"))
            if attrs.get("rel") == "alternate" and mapped in _HTML_TYPES:
                self.entry["link"] = href
            return
        value = _clean(_text(element), "link", base=self.base)
        value = value.replace("&amp;", "&")
        self.entry["link"] = _LINK_ENTITY.sub(r"&\g<1>", value)

    def _content(self, element: Any, attrs: dict[str, str], default_type: str) -> None:
        """`_start_content` / `_end_content`: a content value, copied to the summary if none."""
        self.has_content = True
        content_type = _MIXIN.map_content_type(attrs.get("type", default_type))
        value = _clean(_text(element), "content")
        self.entry.setdefault("content", []).append({"type": content_type, "value": value})
        if content_type in _COPY_TO_SUMMARY:
            self.entry.setdefault("summary", value)

    def _author(self, element: Any) -> None:
        """`_start_author` … `_end_author` with Atom's name/email/uri parts."""
        entry = self.entry
        entry.setdefault("authors", []).append({})
        self.inauthor = True
        text_pieces = [element.text or ""]
        for child in element:
            self._enter(child)
            key, _ = _key(child)
            part = _AUTHOR_PART.get(key)
            if part is None:
                raise _Unsupported(f"{key} in an author")
            # feedparser pushes name and email as non-text elements: stripped, nothing else.
            value = (
                _clean(_text(child), "href", base=self.base)
                if part == "href"
                else _text(child).strip()
            )
            self._save_author(part, value)
            text_pieces.append(child.tail or "")
            self._leave()
        self._store("author", _clean("".join(text_pieces), "author"))
        self.inauthor = False
        self._sync_author_detail()

    def _save_author(self, key: str, value: str) -> None:
        entry = self.entry
        entry.setdefault("author_detail", {})[key] = value
        self._sync_author_detail()
        entry.setdefault("authors", [{}])[-1][key] = value

    def _sync_author_detail(self) -> None:
        """feedparser's `_sync_author_detail`, line for line (it mutates the last author)."""
        context = self.entry
        detail = context.get("authors", [{}])[-1]
        if detail:
            name = detail.get("name")
            email = detail.get("email")
            if name and email:
                context["author"] = f"{name} ({email})"
            elif name:
                context["author"] = name
            elif email:
                context["author"] = email
            return
        author, email = context.get("author"), None
        if not author:
            return
        match = _EMAIL.search(author)
        if match:
            email = match.group(0)
            author = author.replace(email, "")
            author = author.replace("()", "")
            author = author.replace("<>", "")
            author = author.replace("&lt;&gt;", "")
            author = author.strip()
            if author and (author[0] == "("):
                author = author[1:]
            if author and (author[-1] == ")"):
                author = author[:-1]
            author = author.strip()
        if author or email:
            context.setdefault("author_detail", detail)
        if author:
            detail["name"] = author
        if email:
            detail["email"] = email


_EMAIL = re.compile(
    r"(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))"
    r"([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"
)


def _check_text_type(element: Any) -> dict[str, str]:
    """The attributes of a text element whose type feedparser reads as plain text or HTML."""
    attrs = _attributes(element)
    content_type = attrs.get("type")
    if content_type is not None and content_type not in _TEXT_TYPES:
        raise _Unsupported(f"content type {content_type}")
    if "mode" in attrs:
        raise _Unsupported("content mode")
    return attrs
