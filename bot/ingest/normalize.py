"""Normalisation of feed items: canonical URLs, HTML to plain text, dates to UTC.

Pure functions with no I/O, run inside the parse worker processes.
"""

from __future__ import annotations

import calendar
import html
import re
import time
import unicodedata
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the reader (measured on real feeds, DESIGN §6). Kept short
# on purpose: removing a parameter that selects content ("id", "cid") would merge two stories.
TRACKING_PARAMS = frozenset(
    {
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "at_link",
        "at_link_id",
        "at_link_origin",
        "at_link_type",
        "at_ptr_name",
        "at_format",
        "at_bbc_team",
        "xtor",
        "traffic_source",
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "ito",
        "cmpid",
        "ocid",
        "smid",
        "smtyp",
        "_ga",
        "_gl",
        "igshid",
        "ref",
        "ref_src",
        "dicbo",
        "itm_source",
        "itm_medium",
        "itm_campaign",
        "itm_content",
        "taid",
        "soc_src",
        "soc_trk",
        "wt.mc_id",
        "wt_mc_id",
        "sr_share",
        "utm",
        "rssfeed",
        "emc",
        "icid",
        "partner",
    }
)
_TRACKING_PREFIXES = ("utm_", "at_", "ns_", "pk_", "mtm_", "hsa_", "oly_")
_DEFAULT_PORTS = {"http": 80, "https": 443}

# C0 and C1 controls but for tab and line ends, zero-width and bidi-override characters.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]"
)
# Spaces other than a lone " ": matching only those leaves the usual single space between
# words alone (matching every run, one per word, made this the slowest step of a parse).
_OTHER_SPACES = "\t\u00a0\u2000-\u200a\u202f\u205f\u3000"
_SPACES = re.compile(f"[{_OTHER_SPACES}][ {_OTHER_SPACES}]*| [ {_OTHER_SPACES}]+")
_ANY_OTHER_SPACE = re.compile(f"[{_OTHER_SPACES}]")
_BLANK_LINES = re.compile(r"\n\s*\n+")


# A URL that is canonical but for tracking parameters: lower-case http(s) scheme and host
# name, no port, user or fragment, path and query of printable ASCII. Most feed links are;
# they skip urlsplit and query parsing (a tenth of a feed's normalisation).
_PLAIN_URL = re.compile(
    r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*"
    r"(/[\x21\x22\x24-\x3e\x40-\x7e]*)?(?:\?([\x21\x22\x24-\x7e]*))?"
)


def canonical_url(url: str | None) -> str | None:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters."""
    if not url:
        return None
    url = url.strip()
    plain = _PLAIN_URL.fullmatch(url)
    if plain is not None:
        path, query = plain.group(1, 2)
        base = url if query is None else url[: plain.start(2) - 1]
        # Only trackers (or nothing) in the query: the same as parsing it and dropping them.
        # Escapes ("%", "+") would be decoded by parse_qsl, so those take the long way.
        if query is None or (
            "%" not in query
            and "+" not in query
            and all(_is_tracker(p.split("=", 1)[0]) for p in query.split("&") if p)
        ):
            return base if path else base + "/"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url or None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return url or None
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    query = ""
    if parts.query:
        kept = [
            (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracker(k)
        ]
        query = urlencode(kept, doseq=True)
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def _is_tracker(key: str) -> bool:
    lowered = key.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def canonical_guid(guid: str | None) -> str | None:
    """A guid without surrounding space; URL-like guids lose fragments (BBC's "#0") and trackers."""
    if not guid:
        return None
    guid = guid.strip()
    if not guid:
        return None
    if guid.lower().startswith(("http://", "https://")):
        return canonical_url(guid)
    return guid


class _TextExtractor(HTMLParser):
    """Collects text, turning block elements into line breaks and dropping scripts/styles."""

    _BLOCKS = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "ul",
            "ol",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "tr",
            "table",
            "blockquote",
            "section",
            "article",
            "figure",
            "figcaption",
            "header",
            "footer",
            "hr",
            "pre",
        }
    )
    _SKIP = frozenset({"script", "style", "noscript", "iframe", "template", "svg"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(value: str | None, limit: int = 100_000) -> str:
    """Plain text from feed HTML: tags removed, entities decoded, spaces folded, controls gone."""
    if not value:
        return ""
    return clean_text(_markup_to_text(value[: limit * 4]))[:limit]


def html_to_line(value: str | None, limit: int = 1000) -> str:
    """A title from feed HTML: `one_line(html_to_text(value), limit)`, in fewer passes (one
    line needs no blank-line or per-line work: splitting on whitespace folds it all)."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", _markup_to_text(value[:400_000]))
    return " ".join(_CONTROL.sub("", text).split())[:limit]


def _markup_to_text(value: str) -> str:
    if "<" not in value and "&" not in value:
        return value
    simple = _simple_markup_to_text(value)
    if simple is not None:
        return simple
    parser = _TextExtractor()
    try:
        parser.feed(value)
        parser.close()
        return "".join(parser.parts)
    except (AssertionError, ValueError):  # HTMLParser on hostile markup
        return html.unescape(re.sub(r"<[^>]*>", " ", value))


# A tag HTMLParser reads the plain way: a name of letters and digits, attributes with quoted
# or simple values and no "<" or ">" inside them, an optional "/" for a self-closing start tag.
_SIMPLE_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9]*)"
    r"((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s\"'<>=`]+))?)*)"
    r"\s*(/?)>"
)


def _simple_markup_to_text(value: str) -> str | None:
    """What `_TextExtractor` makes of markup that holds only plain tags and text, or None.

    Feed summaries and full texts are mostly paragraphs, breaks, links and emphasis; a regex
    over them is several times faster than HTMLParser's Python loop (a third of a feed's
    normalisation on the bench feeds). Anything else — comments, CDATA, a "<" that does not
    open a plain tag, script-like elements whose content HTMLParser reads raw, attributes on
    an end tag — returns None and goes to HTMLParser. Identical output is checked against
    HTMLParser on every text of the shared feed corpus and on random markup (tests)."""
    parts: list[str] = []
    position = 0
    for tag in _SIMPLE_TAG.finditer(value):
        text = value[position : tag.start()]
        if "<" in text:
            return None
        if text:
            parts.append(html.unescape(text) if "&" in text else text)
        position = tag.end()
        closing, name, attributes, self_closing = tag.groups()
        name = name.lower()
        if name in _TextExtractor._SKIP or (closing and (attributes or self_closing)):
            return None
        if name in _TextExtractor._BLOCKS:
            # HTMLParser reports "<br/>" as a start and an end tag: two line breaks.
            parts.append("\n\n" if self_closing else "\n")
    text = value[position:]
    if "<" in text:
        return None
    if text:
        parts.append(html.unescape(text) if "&" in text else text)
    return "".join(parts)


def clean_text(value: str) -> str:
    """NFC, no control or bidi-override characters, folded spaces, at most one blank line."""
    value = unicodedata.normalize("NFC", value)
    value = _CONTROL.sub("", value)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    # Most text has neither a double space nor another kind of space: two searches in C
    # instead of a substitution that stops at every space.
    if "  " in value or _ANY_OTHER_SPACE.search(value) is not None:
        value = _SPACES.sub(" ", value)
    if "\n" in value:
        value = "\n".join([line.strip() for line in value.split("\n")])
        value = _BLANK_LINES.sub("\n\n", value)
    return value.strip()


def one_line(value: str, limit: int = 1000) -> str:
    """Text for a title: one line, folded spaces, capped."""
    return " ".join(value.split())[:limit]


def to_utc(parsed: time.struct_time | None, *, now: float | None = None) -> datetime | None:
    """feedparser's UTC struct_time to an aware datetime; absurd dates become None."""
    if parsed is None:
        return None
    try:
        stamp = calendar.timegm(parsed)
    except (TypeError, ValueError, OverflowError):
        return None
    reference = time.time() if now is None else now
    # Before 1995 is before news feeds existed; over a year ahead is a broken clock.
    if stamp < 788918400 or stamp > reference + 366 * 86400:
        return None
    return datetime.fromtimestamp(stamp, UTC)


def language_tag(value: str | None) -> str | None:
    """ "en-US" → "en"; empty or odd values → None."""
    if not value:
        return None
    primary = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None
