"""A strict checker of the Bot API's HTML subset (https://core.telegram.org/bots/api#html-style)
and of the message limits, stricter than the API where the API is lenient.

`check_message` raises `InvalidMessage` saying what is wrong, or returns the text the message
shows. It accepts only: the documented tags, with only their documented attributes, quoted;
tags balanced and properly nested, no link inside a link; `<`, `>` and `&` in text only as
`&lt;` `&gt;` `&amp;` `&quot;` or a numeric entity of a valid code point; at most 4096 UTF-16
code units of HTML (and so of text), visible text that is not empty, at most 100 entities,
and http(s) links of at most 2048 characters.
"""

from __future__ import annotations

import html
import re

MAX_MESSAGE = 4096
MAX_ENTITIES = 100
MAX_HREF = 2048

# tag → attributes it may carry ("" = none)
ALLOWED = {
    "b": (),
    "strong": (),
    "i": (),
    "em": (),
    "u": (),
    "ins": (),
    "s": (),
    "strike": (),
    "del": (),
    "tg-spoiler": (),
    "span": ("class",),
    "a": ("href",),
    "code": ("class",),
    "pre": (),
    "blockquote": ("expandable",),
    "tg-emoji": ("emoji-id",),
}
_TAG = re.compile(r"<(/?)([a-z][a-z0-9-]*)((?:\s+[a-z-]+(?:=\"[^\"<>]*\")?)*)\s*>")
_ATTR = re.compile(r"\s+([a-z-]+)(?:=\"([^\"<>]*)\")?")
_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));")


class InvalidMessage(ValueError):
    pass


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _entity(text: str, i: int) -> tuple[str, int]:
    m = _ENTITY.match(text, i)
    if m is None:
        raise InvalidMessage(f"bare or unknown entity at {i}: {text[i : i + 12]!r}")
    if m.group(1):
        return html.unescape(m.group(0)), m.end()
    code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        raise InvalidMessage(f"entity of an invalid code point at {i}")
    return chr(code), m.end()


def _attr_value(raw: str, where: int) -> str:
    out, i = [], 0
    while i < len(raw):
        if raw[i] == "&":
            ch, i = _entity(raw, i)
            out.append(ch)
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def check_message(text: str) -> str:
    """The plain text a valid message shows; InvalidMessage for anything the API could refuse."""
    if utf16(text) > MAX_MESSAGE:
        raise InvalidMessage(f"{utf16(text)} UTF-16 units of HTML (at most {MAX_MESSAGE})")
    out: list[str] = []
    stack: list[str] = []
    count = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            m = _TAG.match(text, i)
            if m is None:
                raise InvalidMessage(f"malformed tag at {i}: {text[i : i + 20]!r}")
            closing, name, attrs = m.group(1), m.group(2), m.group(3)
            if name not in ALLOWED:
                raise InvalidMessage(f"unsupported tag <{name}> at {i}")
            if closing:
                if attrs.strip():
                    raise InvalidMessage(f"attributes on an end tag at {i}")
                if not stack or stack[-1] != name:
                    raise InvalidMessage(f"</{name}> at {i} does not close {stack[-1:]}")
                stack.pop()
            else:
                seen = {}
                for attr in _ATTR.finditer(attrs):
                    key, value = attr.group(1), attr.group(2)
                    if key not in ALLOWED[name] or key in seen:
                        raise InvalidMessage(f"attribute {key} not allowed on <{name}> at {i}")
                    seen[key] = _attr_value(value or "", i)
                if name == "a":
                    href = seen.get("href")
                    if href is None or not href.lower().startswith(("http://", "https://")):
                        raise InvalidMessage(f"<a> without an http(s) href at {i}")
                    if len(href) > MAX_HREF or any(c.isspace() for c in href):
                        raise InvalidMessage(f"href of {len(href)} characters at {i}")
                    if "a" in stack:
                        raise InvalidMessage(f"a link inside a link at {i}")
                stack.append(name)
                count += 1
            i = m.end()
        elif ch == "&":
            decoded, i = _entity(text, i)
            out.append(decoded)
        elif ch == ">":
            raise InvalidMessage(f"bare > at {i}")
        else:
            out.append(ch)
            i += 1
    if stack:
        raise InvalidMessage(f"unclosed tags {stack}")
    if count > MAX_ENTITIES:
        raise InvalidMessage(f"{count} entities (at most {MAX_ENTITIES})")
    plain = "".join(out)
    if not plain.strip():
        raise InvalidMessage("no visible text")
    return plain
