"""The per-item context work gives the same outputs as when the golden file was recorded.

tests/data/golden/context.tsv holds, for every item of tests/data/denials/*.csv and of the
feeds in tests/data/feeds, hashes of its stored context (entities, denial, summary,
language), its LSH bands and its entities without resolver or language
(scripts/context_golden.py writes and checks it). Speed work on entities, bands, language
and summaries must reproduce it item for item.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "context_golden.py"


def _golden() -> ModuleType:
    spec = importlib.util.spec_from_file_location("context_golden", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_test_data_item_gives_its_recorded_outputs() -> None:
    golden = _golden()
    want = golden.GOLDEN.read_text(encoding="utf-8").splitlines()
    got = golden._all(None)
    assert len(got) == len(want) > 3000
    differ = [(a, b) for a, b in zip(want, got, strict=True) if a != b]
    assert differ == []


def test_the_golden_file_tells_items_apart() -> None:
    # A hash of nothing would pass the test above whatever the code did.
    lines = [line.split("\t") for line in _golden().GOLDEN.read_text("utf-8").splitlines()]
    assert len({cols[2] for cols in lines}) > 2000  # contexts
    assert len({cols[3] for cols in lines}) > 1000  # bands
    assert len({cols[4] for cols in lines}) > 1000  # bare entities
    assert {cols[1] for cols in lines} >= {"en", "es", "ru"}
