"""`newsbot demo` as a newcomer runs it: offline, no tokens, the seed story's full context."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_demo_shows_alerts_lookup_and_follow_up() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DISCORD_", "NEWSBOT_"))
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    alerts, lookup, follow = re.split(r"^\d\. .*$", out, flags=re.M)[1:]
    # 1: alerts with outlet context, and one event told by two outlets
    assert "BBC · United Kingdom" in alerts
    assert "Also reported by: The Washington Post" in alerts
    # 2: /lookup Rostec: the denial with its context, the report, the link both ways
    assert "Radio Habana Cuba · Cuba · state-controlled (ICRT)" in lookup
    assert "say The Wall Street Journal's report is untrue." in lookup
    assert "Report: Russia Cuts Rostec Staff in Venezuela to a Few Dozen" in lookup
    assert "Denied later by: Russia rejects reports" in lookup
    # 3: the follow-up, as a reply to the report each chat received
    report_ids = dict(re.findall(r"message #(\d+) → (\S+)\nRussia Cuts Rostec", alerts))
    replies = re.findall(r"→ (\S+) \(reply to #(\d+)\)", follow)
    assert sorted(replies) == sorted((chat, msg) for msg, chat in report_ids.items())
    assert "UPDATE on a story you received: Russia Cuts Rostec Staff" in follow
    assert "1 linked to the report they deny" in out
