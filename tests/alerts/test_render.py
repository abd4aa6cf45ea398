"""Alert views and their renderers: seed story wording, escaping, platform limits."""

from __future__ import annotations

import html
import re
from dataclasses import replace

import pytest

from bot.alerts.view import AlertView, StoryRef, clip, denial_sentence, view_from_context
from bot.models import Denial, Denier, Story
from bot.platforms import console, discord_render, telegram_render
from tests.platforms.bot_api_html import check_message

HOSTILE = "<b>Breaking</b></a> @everyone <@&123> **bold** __under__ `code` <script>x</script>"


def seed_view(seed_story: Story) -> AlertView:
    report = StoryRef(
        2,
        "Russia Cuts Rostec Staff in Venezuela to a Few Dozen",
        "https://www.wsj.com/articles/sample",
        "The Wall Street Journal",
    )
    return view_from_context(
        seed_story, seed_story.context, denied_report=report, also_reported_by=("TASS",)
    )


def test_seed_alert_says_who_denies_whose_report(seed_story: Story) -> None:
    view = seed_view(seed_story)
    assert view.outlet_line == "Radio Habana Cuba · Cuba · state-controlled (ICRT)"
    assert view.denial is not None
    assert "Vladimir Zaemsky (Russian ambassador to Caracas)" in view.denial
    assert "Rostec" in view.denial
    assert view.denial.endswith("The Wall Street Journal's report is untrue.")
    assert view.claim and "1,000" in view.claim and "few dozen" in view.claim
    assert view.interested_party and "state-controlled media (Cuba)" in view.interested_party
    for word in ("fake", "false", "debunk", "lie"):
        assert word not in view.denial.lower()


def test_denial_wording_for_unnamed_and_media_reports() -> None:
    base = Denial(is_denial=True, deniers=(Denier("Kremlin"),))
    assert denial_sentence(replace(base, denied_outlet="media reports")) == (
        "Kremlin says media reports are untrue."
    )
    assert denial_sentence(replace(base, denied_outlet="unnamed source")) == (
        "Kremlin says a report citing an unnamed source is untrue."
    )
    two = replace(
        base, deniers=(Denier("Kremlin"), Denier("Rostec", "press service")), denied_outlet="TASS"
    )
    assert denial_sentence(two) == "Kremlin and Rostec (press service) say TASS's report is untrue."
    assert denial_sentence(Denial(is_denial=False)) is None
    assert denial_sentence(Denial(is_denial=True, denied_outlet="media reports")) == (
        "The story reports a denial of media reports."
    )
    assert denial_sentence(replace(base, denied_outlet=None)) == "Kremlin says the claim is untrue."


def test_clip_cuts_at_a_word_and_marks_it() -> None:
    assert clip("one two three four", 10) == "one two…"
    assert clip("short", 10) == "short"


def test_telegram_html_of_the_seed_alert(seed_story: Story) -> None:
    (message,) = telegram_render.render(seed_view(seed_story))
    text = message.text
    assert text.startswith("<b>Russia rejects reports on military experts withdrawal")
    assert (
        "<i>Radio Habana Cuba · Cuba · state-controlled (ICRT) · 04 Jun 2019 14:10 UTC</i>" in text
    )
    assert (
        "⚠️ <b>Denial</b>: " in text and "The Wall Street Journal&#x27;s report is untrue." in text
    )
    assert '<a href="https://www.wsj.com/articles/sample">' in text
    assert message.preview_url == seed_story.url
    assert len(text) <= 4096
    # only our own tags remain
    assert set(re.findall(r"</?([a-z]+)", text)) <= {"b", "i", "a"}


def test_hostile_feed_text_arrives_inert_on_every_platform(seed_story: Story) -> None:
    hostile = replace(
        seed_view(seed_story),
        headline=HOSTILE,
        summary=HOSTILE,
        outlet_line=HOSTILE,
        also_reported_by=(HOSTILE,),
    )
    for message in telegram_render.render(hostile):
        assert "<script>" not in message.text and "<b>Breaking</b>" not in message.text
        assert html.escape("<b>Breaking</b></a>") in message.text
        assert message.text.count("<a ") == message.text.count("</a>")
    embed = discord_render.render(hostile)
    everything = str(embed)
    assert "@everyone" not in everything and "<@&123>" not in everything
    assert "\\*\\*bold\\*\\*" in embed["title"] and "\\`code\\`" in embed["title"]
    printed = console.render(replace(hostile, headline="title\x1b[31m red\x07"))
    assert "\x1b" not in printed and "\x07" not in printed


def test_long_alert_splits_between_paragraphs_within_4096(seed_story: Story) -> None:
    """Issue #15's alert: feed text alone (a headline of 240 `&`, a summary of 330 `"`, a link
    of 1.8 kB) passes 4,096 characters once escaped: it splits into valid messages."""
    long_view = replace(
        seed_view(seed_story),
        headline="&" * 240,
        summary='"' * 330,
        url="https://radiohc.cu/" + "a" * 1800,
        hedges=("maybe " * 600, "perhaps " * 600),
    )
    messages = telegram_render.render(long_view)
    assert len(messages) >= 2
    shown = ""
    for message in messages:
        shown += check_message(message.text)  # strict Bot API HTML, at most 4096
    assert "&" * 240 in shown and '"' * 319 + "…" in shown  # the summary, within its budget
    assert messages[0].preview_url == long_view.url and messages[1].preview_url is None


def test_discord_embed_within_limits(seed_story: Story) -> None:
    embed = discord_render.render(seed_view(seed_story))
    assert embed["title"].startswith("Russia rejects reports")
    assert embed["url"] == seed_story.url
    names = [f["name"] for f in embed["fields"]]
    assert names[:3] == ["Outlet", "⚠️ Denial", "Report"]
    assert "[Russia Cuts Rostec Staff" in embed["fields"][2]["value"]
    big = discord_render.render(
        replace(
            seed_view(seed_story), headline="x" * 500, summary="y" * 5000, hedges=("z" * 3000,) * 2
        )
    )
    total = (
        len(big["title"])
        + len(big["description"])
        + sum(len(f["name"]) + len(f["value"]) for f in big["fields"])
        + len(big["footer"]["text"])
    )
    assert len(big["title"]) <= 256 and len(big["description"]) <= 4096 and total <= 6000
    assert all(len(f["value"]) <= 1024 for f in big["fields"])


@pytest.mark.parametrize("kind", ["telegram", "discord", "console"])
def test_digest_lists_every_story(seed_story: Story, kind: str) -> None:
    views = [seed_view(seed_story), replace(seed_view(seed_story), headline="Second", denial=None)]
    if kind == "telegram":
        text = "\n".join(telegram_render.render_digest(views))
    elif kind == "discord":
        text = str(discord_render.render_digest(views))
    else:
        text = console.render_digest(views)
    assert "2 stories" in text and "Second" in text and "Russia rejects reports" in text


def test_a_long_discord_digest_keeps_every_story(seed_story: Story) -> None:
    views = [
        replace(seed_view(seed_story), headline=f"Story number {i} " + "x" * 80) for i in range(120)
    ]
    embeds = discord_render.render_digest(views)
    assert len(embeds) > 1
    text = "\n".join(e["description"] for e in embeds)
    assert all(f"Story number {i} " in text for i in range(120))
    assert all(len(e["description"]) <= 4096 for e in embeds)
    assert embeds[0]["title"].endswith(f"(1 of {len(embeds)})")


def test_denial_wording_follows_the_denied_thing_and_its_number() -> None:
    base = Denial(is_denial=True, deniers=(Denier("Ministry"),))
    assert denial_sentence(replace(base, denied_outlet="Trump", denied_thing="claims")) == (
        "Ministry says Trump's claims are untrue."
    )
    assert denial_sentence(replace(base, denied_thing="allegation")) == (
        "Ministry says the allegation is untrue."
    )
    assert denial_sentence(replace(base, denied_thing="rumours")) == (
        "Ministry says the rumours are untrue."
    )
    # an outlet's denied report stays "report", however the story words it
    assert denial_sentence(replace(base, denied_outlet="Reuters", denied_thing="reports")) == (
        "Ministry says Reuters' report is untrue."
    )


def test_an_unknown_publisher_is_named_by_the_story_domain(seed_story: Story) -> None:
    story = replace(
        seed_story, outlet_id=None, url="https://www.example-news.org/world/1", context=None
    )
    view = view_from_context(story, None)
    assert view.outlet_name == "example-news.org"
    assert view.outlet_line == "example-news.org"
    assert "example-news.org" in telegram_render.render(view)[0].text
