"""The database outside newsbot's control: missing, read-only, on a full disk, damaged.

Each is one line on stderr naming the file, exit code 3, no traceback; read-only commands
never create a database and work on a read-only mount; after a full disk is freed, one poll
stores everything, once.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.feed_server import FeedServer
from tests.process import assert_clean, base_env, count, feeds_file, newsbot, rss


@pytest.fixture
def mount(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs of our own (the tests run as root), unmounted afterwards."""
    point = tmp_path / "mnt"
    point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(point)], check=True)
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    return result.stderr.strip().splitlines()[-1]


def items(n: int, prefix: str = "s") -> list[tuple[str, str]]:
    return [(f"{prefix}{i}", f"Story {prefix} number {i} about Rostec") for i in range(n)]


def test_read_only_commands_never_create_a_database(tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    for args in (["lookup", "Rostec"], ["stories"], ["status"], ["stats"]):
        result = newsbot(*args, "--db", str(typo), env=base_env(tmp_path))
        assert result.returncode == 3, result.stderr
        assert last_line(result) == (
            f"newsbot: database error: {typo}: no database here (`newsbot poll --once` or "
            "`newsbot run` creates it)"
        )
        assert not typo.exists()
        assert_clean(result.stdout + result.stderr)


def test_a_folder_given_as_the_database_is_one_line(tmp_path: Path) -> None:
    feeds_file(tmp_path, "http://127.0.0.1:9/f.xml")
    for args in (["poll", "--once"], ["stats"]):
        result = newsbot(*args, "--db", str(tmp_path), env=base_env(tmp_path))
        assert result.returncode == 3, result.stderr
        assert last_line(result) == (
            f"newsbot: database error: {tmp_path}: is a folder, not a database file"
        )
        assert_clean(result.stdout + result.stderr)


def test_a_read_only_mount_can_be_read_but_not_polled(tmp_path: Path, mount: Path) -> None:
    with FeedServer() as feeds:
        feeds.put("/f.xml", rss(items(3)))
        feeds_file(tmp_path, feeds.url("/f.xml"))
        env = base_env(tmp_path, NEWSBOT_DB=str(mount / "news.db"))
        assert newsbot("poll", "--once", env=env).returncode == 0
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        lookup = newsbot("lookup", "--json", "Rostec", env=env)
        assert lookup.returncode == 0, lookup.stderr
        assert lookup.stdout.count('"title"') == 3
        assert newsbot("status", env=env).returncode == 0
        poll = newsbot("poll", "--once", env=env)
    assert poll.returncode == 3, poll.stderr
    line = last_line(poll)
    assert line.startswith(f"newsbot: database error: {mount / 'news.db'}: "), line
    assert "read-only" in line
    assert_clean(poll.stdout + poll.stderr)


def test_a_full_disk_fails_cleanly_and_the_next_poll_stores_everything_once(
    tmp_path: Path, mount: Path
) -> None:
    db = mount / "news.db"
    with FeedServer() as feeds:
        feeds.put("/f.xml", rss(items(5, "a")))
        feeds_file(tmp_path, feeds.url("/f.xml"))
        env = base_env(tmp_path, NEWSBOT_DB=str(db))
        assert newsbot("poll", "--once", env=env).returncode == 0  # baseline: 5 recorded
        filler = mount / "filler"
        with filler.open("wb") as out:  # fill the disk to the last block
            try:
                while True:
                    out.write(b"\0" * 65536)
                    out.flush()
            except OSError:
                pass
        feeds.put("/f.xml", rss(items(5, "a") + items(100, "b")))
        full = newsbot("poll", "--once", env=env)
        run = newsbot("run", env=env, timeout=30)
        filler.unlink()
        again = newsbot("poll", "--once", env=env)
    assert full.returncode == 3, full.stdout + full.stderr
    assert "the disk is full" in last_line(full), full.stderr
    assert_clean(full.stdout + full.stderr)
    assert run.returncode == 3 and "the disk is full" in last_line(run), run.stderr
    assert_clean(run.stdout + run.stderr)
    assert again.returncode == 0, again.stderr
    assert "100 new stories" in again.stdout, again.stdout
    assert count(db, "SELECT count(*) FROM stories") == 105
    assert count(db, "SELECT count(DISTINCT identity) FROM stories") == 105


def test_a_damaged_database_is_one_line_with_exit_3(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with FeedServer() as feeds:
        feeds.put("/f.xml", rss(items(300)))
        feeds_file(tmp_path, feeds.url("/f.xml"))
        env = base_env(tmp_path)
        assert newsbot("poll", "--once", env=env).returncode == 0
        size = db.stat().st_size
        # Every page after the first (the schema) overwritten: whichever tables a command
        # reads are damaged (a third of the file was not always met by a poll that only
        # reads and updates the feeds).
        with db.open("r+b") as f:
            f.seek(4096)
            f.write(bytes(range(256)) * ((size - 4096) // 256))
        results = [newsbot(*args, env=env) for args in (["stats"], ["poll", "--once"])]
    for result in results:
        assert result.returncode == 3, result.stdout + result.stderr
        line = last_line(result)
        assert line.startswith(f"newsbot: database error: {db}: "), line
        assert "damaged" in line or "not a newsbot database" in line, line
        assert_clean(result.stdout + result.stderr)
