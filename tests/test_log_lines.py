"""One log record per line under load: many threads logging while stdout is printed to the
same file, in JSON and in text, through the real `configure_logging` in a real process."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
THREADS, RECORDS = 6, 2500

SCRIPT = f"""
import logging, random, sys, threading
from bot.observe import configure_logging
from bot.observe import LineStream
sys.stdout = LineStream(sys.stdout.fileno())  # as `newsbot` sets it up
configure_logging(level=logging.INFO, json_format=sys.argv[1] == "json", secrets=[])
def work(n):
    log = logging.getLogger(f"bot.t{{n}}")
    rng = random.Random(n)
    for i in range({RECORDS}):
        size = rng.choice((10, 100, 1000, 5000))
        if i % 500 == 0:
            try:
                raise ValueError("line one\\nline two")
            except ValueError:
                log.exception("record %d %d failed", n, i)
        else:
            log.info("record %d %d %s", n, i, "x" * size + "\\nsecond line")
threads = [threading.Thread(target=work, args=(n,)) for n in range({THREADS})]
for t in threads:
    t.start()
for i in range(3000):
    print(f"print {{i}} " + "y" * (i % 700))
for t in threads:
    t.join()
"""


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_every_record_is_one_whole_line(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out.log"
    with out.open("wb") as sink:
        subprocess.run(
            [sys.executable, "-c", SCRIPT, fmt],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=60,
        )
    records = 0
    prints = 0
    text_record = re.compile(
        r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (INFO|ERROR) bot\.t\d: record "
    )
    for line in out.read_text().splitlines():
        if line.startswith("print "):
            prints += 1
            assert re.fullmatch(r"print \d+ y*", line), line[-300:]
            continue
        if fmt == "json":
            data = json.loads(line)  # two fused records would not parse
            assert data["message"].startswith("record "), line[:200]
            if "failed" in data["message"]:
                assert data["exception"] == "ValueError: line one line two", data
        else:
            assert text_record.match(line), line[:200]
            assert line.count(" record ") == 1, line[:200]
        records += 1
    assert records == THREADS * RECORDS and prints == 3000
