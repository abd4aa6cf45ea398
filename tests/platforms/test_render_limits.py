"""Property tests: no feed string can make a renderer produce a message the platform refuses.

Random and hostile strings (markup, entities, mentions, astral characters, huge runs, long
URLs) fill every field of an alert view, of a digest and of a command reply. Every Telegram
message must pass the strict Bot API HTML checker (tests/platforms/bot_api_html.py) within
4096 characters; every Discord payload must be within every embed limit. Nothing the view says
may be lost by splitting: the words of the headline appear in the messages, in order.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.alerts.view import AlertView, StoryRef, bounded
from bot.platforms import discord_render, telegram_render
from handlers.reply import Reply, StoryGroup
from tests.platforms.bot_api_html import InvalidMessage, check_message

HOSTILE = [
    "<b>",
    "</a>",
    "</b></i>",
    '<a href="http://e.vil">',
    "&",
    "&amp;",
    "&lt;",
    "&#0;",
    '"',
    "'",
    ">",
    "@everyone",
    "<@&123>",
    "**",
    "__",
    "`",
    "\\",
    "[x](http://e.vil)",
    "𝔸",
    "🚀",
    "\u200b",
    "\n\n",
    "\n",
    ". ",
    " ",
    "é",
]


def _text(max_repeat: int = 400) -> st.SearchStrategy[str]:
    fragment = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12))
    run = st.builds(lambda f, n: f * n, fragment, st.integers(1, max_repeat))
    return st.lists(st.one_of(fragment, run), max_size=12).map("".join)


def _url() -> st.SearchStrategy[str | None]:
    return st.one_of(
        st.none(),
        st.sampled_from(["https://example.com/a?b=1&c=<2>", "javascript:alert(1)", "ftp://x"]),
        st.builds(
            lambda scheme, body, n: f"{scheme}://e.com/" + body * n,
            st.sampled_from(["http", "https"]),
            st.sampled_from(["a", "&", '"', "%20", "𝔸"]),
            st.integers(0, 3000),
        ),
    )


def _ref() -> st.SearchStrategy[StoryRef]:
    return st.builds(StoryRef, st.integers(1, 10**6), _text(), _url(), st.none() | _text(50))


def _view() -> st.SearchStrategy[AlertView]:
    return st.builds(
        AlertView,
        story_id=st.integers(1, 10**9),
        kind=st.sampled_from(["alert", "followup"]),
        headline=_text().filter(lambda t: t.strip() != ""),
        url=_url(),
        outlet_name=st.none() | _text(50),
        outlet_line=st.none() | _text(50),
        published=st.none() | st.just(datetime(2024, 5, 1, 12, 0, tzinfo=UTC)),
        summary=_text(),
        denial=st.none() | _text(),
        claim=st.none() | _text(),
        denied_report=st.none() | _ref(),
        interested_party=st.none() | _text(50),
        hedges=st.lists(_text(50), max_size=3).map(tuple),
        also_reported_by=st.lists(_text(20), max_size=6).map(tuple),
        followup_of=st.none() | _ref(),
        denied_by=st.lists(_ref(), max_size=5).map(tuple),
    )


PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _words(text: str) -> str:
    return "".join(text.split())


def _check_all(messages: list[str]) -> str:
    assert messages, "no message at all"
    plain = ""
    for message in messages:
        try:
            plain += check_message(message)
        except InvalidMessage as exc:  # pragma: no cover - the failure report
            pytest.fail(f"{exc}\n{message[:600]!r}")
    return plain


@PROPERTY
@given(_view())
def test_every_telegram_alert_message_is_valid_bot_api_html(view: AlertView) -> None:
    messages = telegram_render.render(view)
    plain = _check_all([m.text for m in messages])
    assert _words(bounded(view).headline) in _words(plain)  # split, never lost
    for message in messages:
        assert message.preview_url is None or len(message.preview_url) <= 2048


@PROPERTY
@given(st.lists(_view(), min_size=1, max_size=15))
def test_every_telegram_digest_message_is_valid_and_counts_every_story(
    views: list[AlertView],
) -> None:
    pages = telegram_render.render_digest_pages(views)
    plain = _check_all([text for text, _ in pages])
    assert sum(count for _, count in pages) == len(views)
    assert _words(bounded(views[-1]).headline) in _words(plain)


def _reply(views: list[AlertView], lines: list[str], title: str) -> Reply:
    groups = tuple(StoryGroup(tuple(views[i : i + 2])) for i in range(0, len(views), 2))
    return Reply(title=title, lines=tuple(lines), groups=groups, footer="end & more")


@PROPERTY
@given(st.lists(_view(), max_size=8), st.lists(_text(), max_size=10), _text(50))
def test_every_telegram_reply_chunk_is_valid_html_also_as_a_caption(
    views: list[AlertView], lines: list[str], title: str
) -> None:
    reply = _reply(views, lines, title)
    _check_all(telegram_render.telegram_chunks(reply))
    for chunk in telegram_render.telegram_chunks(reply, limit=1024):
        assert telegram_render.tg_len(chunk) <= 1024
        check_message(chunk)


# ---------------------------------------------------------------- Discord

EMBED_LIMITS = {"title": 256, "description": 4096, "url": 2048}


def assert_embed_within_limits(embed: dict[str, Any]) -> int:
    """Every embed limit Discord checks; returns the characters it counts against 6000."""
    for key, limit in EMBED_LIMITS.items():
        assert len(embed.get(key) or "") <= limit, (key, len(embed[key]))
    if "url" in embed:
        assert re.match(r"https?://\S+$", embed["url"]), embed["url"][:80]
    fields = embed.get("fields") or []
    assert len(fields) <= 25
    for field in fields:
        assert 1 <= len(field["name"]) <= 256 and 1 <= len(field["value"]) <= 1024
    footer = (embed.get("footer") or {}).get("text") or ""
    author = (embed.get("author") or {}).get("name") or ""
    assert len(footer) <= 2048 and len(author) <= 256
    total = discord_render.embed_size(embed)
    assert total <= 6000
    assert "@everyone" not in str(embed) and "<@&" not in str(embed)
    return total


@PROPERTY
@given(_view())
def test_every_discord_alert_embed_is_within_every_limit(view: AlertView) -> None:
    embed = discord_render.render(view)
    assert_embed_within_limits(embed)
    assert embed.get("title")


@PROPERTY
@given(st.lists(_view(), min_size=1, max_size=15))
def test_every_discord_digest_embed_is_within_limits_and_counts_every_story(
    views: list[AlertView],
) -> None:
    pages = discord_render.render_digest_pages(views)
    for embed, _ in pages:
        assert_embed_within_limits(embed)
    assert sum(count for _, count in pages) == len(views)


@PROPERTY
@given(st.lists(_view(), max_size=8), st.lists(_text(), max_size=10), _text(50))
def test_every_discord_reply_payload_is_within_every_limit(
    views: list[AlertView], lines: list[str], title: str
) -> None:
    content, embeds = discord_render.discord_payload(_reply(views, lines, title))
    assert len(content) <= 2000 and len(embeds) <= 10
    assert sum(assert_embed_within_limits(e) for e in embeds) <= 6000
    assert "@everyone" not in content


# ---------------------------------------------------------------- the checker itself


@pytest.mark.parametrize(
    "bad",
    [
        "<b>unclosed",
        "</b>stray",
        "<b><i>crossed</b></i>",
        "<script>x</script>",
        '<a href="javascript:x">x</a>',
        '<a href="http://a"><a href="http://b">x</a></a>',
        "a & b",
        "a > b",
        "&nbsp;",
        "&#xD800;",
        "<b></b>",
        "x" * 4097,
        "<b>x</b>" * 101,
        '<b class="x">x</b>',
    ],
)
def test_the_checker_refuses_what_the_bot_api_refuses(bad: str) -> None:
    with pytest.raises(InvalidMessage):
        check_message(bad)


def test_the_checker_accepts_escaped_text_and_returns_what_it_shows() -> None:
    text = html.escape("<b> & \"x\" 'y' 𝔸", quote=True)
    assert check_message(f'<b>{text}</b> <a href="https://e.com/?a=1&amp;b=2">l</a>') == (
        "<b> & \"x\" 'y' 𝔸 l"
    )
