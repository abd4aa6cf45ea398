"""Every command of handlers/commands.SPECS, sent as a real update / interaction by a moderator,
gets a reply on the fake of each platform (and never an unhandled error)."""

from __future__ import annotations

from typing import Any

from bot.app import Pipeline
from handlers.commands import SPECS, Commands
from tests.fakes.discord_api import FakeDiscord, running_fake
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers import test_discord_commands as discord_harness
from tests.handlers import test_telegram_commands as telegram_harness

GROUP = -100777
ADMIN = 1001

# name → (Telegram arguments, Discord options); run in this order (subscribe before
# unsubscribe, pause before resume, remove last)
CALLS: list[tuple[str, str, dict[str, Any]]] = [
    ("start", "", {}),
    ("help", "", {}),
    ("lookup", "Rostec", {"entity": "Rostec"}),
    ("latest", "3", {"count": 3}),
    ("story", "1", {"id": 1}),
    ("outlet", "radiohc.cu", {"name": "radiohc.cu"}),
    ("subscribe", "outlet wsj", {"kind": "outlet", "value": "wsj"}),
    ("subscriptions", "", {}),
    ("unsubscribe", "outlet wsj", {"kind": "outlet", "value": "wsj"}),
    ("feeds", "", {}),
    ("feedstatus", "wsj-world", {"feed": "wsj-world"}),
    ("pausefeed", "wsj-world", {"feed": "wsj-world"}),
    ("resumefeed", "wsj-world", {"feed": "wsj-world"}),
    ("addfeed", "http://169.254.169.254/x", {"url": "http://169.254.169.254/x"}),
    ("export", "", {}),
    ("audit", "", {}),
    ("removefeed", "hostile", {"feed": "hostile"}),
]


def test_the_list_covers_every_command() -> None:
    covered = {name for name, _, _ in CALLS} | {"import"}  # import: its own tests (a file)
    assert covered == {spec.name for spec in SPECS}


async def test_every_command_answers_on_telegram(pipeline: tuple[Pipeline, FeedServer]) -> None:
    p, _ = pipeline
    async with FakeTelegram() as tg:
        tg.set_member(GROUP, ADMIN, "administrator")
        commands = Commands(p.store, p.registry, p.fetcher)
        async with telegram_harness.running(tg, commands, moderators=frozenset({str(ADMIN)})):
            for n, (name, args, _) in enumerate(CALLS, start=1):
                tg.push_command(GROUP, ADMIN, f"/{name} {args}".strip(), chat_type="supergroup")
                sent = await tg.wait_for_sent(n, chat_id=GROUP, timeout=10)
                reply = sent[n - 1]
                body = reply.get("text") or reply.get("filename") or ""
                assert body, f"/{name}: empty reply"
                assert "Unknown command" not in body and "Usage:" not in body, (name, body)
                assert "is for moderators" not in body and "NEWSBOT_MODERATORS" not in body
                if reply["method"] == "sendMessage":
                    assert reply["parse_mode"] == "HTML"


async def test_every_command_answers_on_discord(pipeline: tuple[Pipeline, FeedServer]) -> None:
    p, _ = pipeline
    commands = Commands(p.store, p.registry, p.fetcher)
    dc: FakeDiscord
    async with (
        running_fake() as dc,
        discord_harness.running(dc, commands, moderators=frozenset({str(dc.admin.id)})),
    ):
        for name, _, options in CALLS:
            sent = await dc.push_interaction(name, options, user="admin")
            first = await discord_harness.response(dc, sent)
            if first.type == 5:  # deferred: the answer is a followup
                answer = await discord_harness.followup(dc, sent)
                body = answer.content or str(answer.embeds) or str(answer.attachments)
            else:
                body = first.content or str((first.data or {}).get("embeds"))
            assert body and body != "[]", f"/{name}: empty reply"
            assert "Usage:" not in body, (name, body)
            assert "is for moderators" not in body and "NEWSBOT_MODERATORS" not in body
