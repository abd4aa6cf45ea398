"""bench_run's "alerts missing": which sent message is the alert of which story (issue #13).

`bench_run.py` counted 1 of 40 changes as never alerted at 2,000 feeds after a real first poll.
The alert had been sent (its outbox row `sent`): the new item was a denial, and a denial's
alert links the report it denies before the story's own link, so matching a message to a story
by the first link of its text gave the report's feed. Here the real pipeline, the real
python-telegram-bot sink and the Bot API fake produce such an alert, and bench_run's matching
must give it to the denial's own URL (the message's link preview), not to the report.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram_api import FakeTelegram
from tests.platforms.test_delivery_platforms import FEEDS, TG_PRIVATE, baseline, senders

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import bench_run

REPORT = "https://www.wsj.com/articles/sample-russia-cuts-rostec-staff-in-venezuela-11559491200"
DENIAL = (
    "https://www.radiohc.cu/en/noticias/internacionales/"
    "192551-russia-rejects-reports-on-military-experts-withdrawal-from-venezuela"
)


async def test_a_denial_alert_is_matched_to_the_denial_not_to_the_report_it_links(
    tmp_path: Path,
) -> None:
    # The chat follows the denial's feed only: the one message it gets is the denial's alert.
    with FeedServer() as server:
        async with FakeTelegram() as tg:
            await deliver_report_then_denial(server, tg, tmp_path)
    messages = tg.sent_matching(method="sendMessage")
    assert [m["chat_id"] for m in messages] == [TG_PRIVATE]
    text = str(messages[0]["text"])
    links = re.findall(r'href="([^"]+)"', text)
    # why the first link of the text cannot name the alert: it is the denied report's
    assert links[0].startswith(REPORT) and links[-1].startswith(DENIAL)
    assert list(bench_run.alerted(messages)) == [DENIAL]


async def deliver_report_then_denial(server: FeedServer, tg: FakeTelegram, tmp_path: Path) -> None:
    """WSJ's report stored first (no chat follows its feed), then Radio Habana's denial of it,
    sent to the chat that follows Radio Habana's feed."""
    async with (
        baseline(
            server,
            tmp_path,
            f"  - platform: telegram\n    chat: '{TG_PRIVATE}'\n    feeds: [rhc]\n",
        ) as p,
        senders(p, tg) as (telegram, _),
    ):
        assert telegram is not None
        server.put("/wsj.xml", (FEEDS / "wsj_sample.xml").read_bytes())
        await p.poller.poll_once()  # the report, stored (not for this chat)
        server.put("/rhc.xml", (FEEDS / "radiohc_seed.xml").read_bytes())
        await p.poller.poll_once()  # the denial of it
        await telegram.drain()


def test_the_new_item_of_a_change_is_named_by_the_servers_etag() -> None:
    # bench_poll's server: ETag "f{feed}-{start}", the window start … start + items - 1
    assert bench_run.new_item_link(1763, '"f1763-1"', 30) == "/news/1763/30-"
    assert bench_run.new_item_link(7, '"f7-3"', 30) == "/news/7/32-"
