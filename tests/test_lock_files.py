"""The lock files pin every dependency pyproject.toml declares, within its declared range."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _pins(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    pins = {}
    for m in re.finditer(
        # an environment marker may follow the pin (uvloop ; sys_platform != "win32")
        r"^([A-Za-z0-9_.-]+)==(\S+)(?: ;[^\\\n]*)? \\\n(\s+--hash=sha256:[0-9a-f]{64}.*\n)+",
        text,
        re.M,
    ):
        pins[canonicalize_name(m.group(1))] = m.group(2)
    return pins


@pytest.mark.parametrize(("lock", "groups"), [("runtime.lock", ("",)), ("test.lock", ("", "test"))])
def test_every_declared_dependency_is_pinned_with_hashes(
    lock: str, groups: tuple[str, ...]
) -> None:
    pins = _pins(lock)
    declared = list(PYPROJECT["project"]["dependencies"])
    if "test" in groups:
        declared += PYPROJECT["project"]["optional-dependencies"]["test"]
    for spec in declared:
        req = Requirement(spec)
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not in requirements/{lock}: run scripts/lock.sh"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"requirements/{lock} pins {req.name}=={pins[name]} outside {req.specifier}"
        )
