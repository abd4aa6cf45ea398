"""Run the fast (lxml) and slow (feedparser) parse paths over a feed corpus; print differences.

    python scripts/compare_parsers.py [DIR ...] [--content-type TYPE] [--quiet]

DIR defaults to ../shared/feeds (or $NEWSBOT_SHARED/feeds). Every file is parsed twice with
`bot.ingest.parse.parse_feed` (`fast=True` and `fast=False`) and the two `ParsedFeed` values
are compared field by field, entry by entry. Each document is parsed with every Content-Type
of `--content-type` (repeatable; default: none, "text/xml" and "application/rss+xml;
charset=iso-8859-1", which change how feedparser decodes); "doc" stands for the type a
feedparser test document names in its `Header: Content-type:` comment (none if it names none).
It prints one line per difference, then how many parses the fast path took, how many fell back
to feedparser, and how many differ; the exit status is 1 when any differs.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import sys
from dataclasses import fields
from pathlib import Path

from bot.ingest import fastparse
from bot.ingest.parse import ParsedFeed, parse_feed

SUFFIXES = (".xml", ".rss", ".rdf", ".atom", ".gz", ".json")


def default_corpus() -> Path:
    shared = os.environ.get("NEWSBOT_SHARED")
    if shared:
        return Path(shared) / "feeds"
    # ../shared beside the checkout (a worktree sits one level deeper).
    for parent in Path(__file__).resolve().parents[1:4]:
        if (parent / "shared" / "feeds").is_dir():
            return parent / "shared" / "feeds"
    return Path("../shared/feeds")


def documents(roots: list[Path]) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        if root.is_file():
            found.append(root)
        else:
            found += sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in SUFFIXES)
    return found


def read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


DEFAULT_CONTENT_TYPES = ["doc", "text/xml", "application/rss+xml; charset=iso-8859-1"]
_HEADER = re.compile(rb"^Header:\s*Content-type:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)


def document_content_type(body: bytes) -> str | None:
    """The Content-Type a feedparser test document declares for itself, if any."""
    match = _HEADER.search(body[:2000])
    return match.group(1).decode("ascii", "replace") if match else None


def differences(fast: ParsedFeed, slow: ParsedFeed) -> list[str]:
    """Human-readable differences between two parses of one document (empty: equal)."""
    found = []
    for field in fields(ParsedFeed):
        if field.name == "entries":
            continue
        a, b = getattr(fast, field.name), getattr(slow, field.name)
        if a != b:
            found.append(f"{field.name}: fast={a!r:.120} slow={b!r:.120}")
    if len(fast.entries) != len(slow.entries):
        found.append(f"entries: fast={len(fast.entries)} slow={len(slow.entries)}")
    for index, (a, b) in enumerate(zip(fast.entries, slow.entries, strict=False)):
        for name in a.__dataclass_fields__:
            x, y = getattr(a, name), getattr(b, name)
            if x != y:
                found.append(f"entry {index} {name}: fast={x!r:.120} slow={y!r:.120}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("roots", nargs="*", type=Path)
    parser.add_argument(
        "--content-type",
        action="append",
        dest="content_types",
        help='Content-Type given to both paths (repeatable; "doc": from the document)',
    )
    parser.add_argument("--quiet", action="store_true", help="only the summary line")
    args = parser.parse_args(argv)
    roots = args.roots or [default_corpus()]
    for root in roots:
        if not root.exists():
            print(f"no such corpus: {root}", file=sys.stderr)
            return 2
    content_types = args.content_types or DEFAULT_CONTENT_TYPES
    taken = fallback = differing = 0
    for path in documents(roots):
        body = read(path)
        url = "https://feeds.example/" + path.name
        for given in content_types:
            content_type = document_content_type(body) if given == "doc" else given or None
            fast = parse_feed(body, url, content_type)
            slow = parse_feed(body, url, content_type, fast=False)
            if fastparse.parse_raw(body, content_type) is None:
                fallback += 1
            else:
                taken += 1
            found = differences(fast, slow)
            if found:
                differing += 1
                if not args.quiet:
                    print(f"{path} (Content-Type {content_type}):")
                    for line in found[:20]:
                        print("    " + line)
    total = taken + fallback
    print(
        f"{total} parses ({len(content_types)} per document): fast path {taken}, "
        f"feedparser fallback {fallback}, differing {differing}"
    )
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
