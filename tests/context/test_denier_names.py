"""Who denies is a name: never a word of time or a piece of markup (seen on unseen feeds:
"Tuesday" from "said on Tuesday", "Times] The" from a cut "[Premium Times] The …")."""

from __future__ import annotations

import pytest

from bot.context.analyze import analyze
from bot.context.denials import denier_name_ok


@pytest.mark.parametrize("name", ["Tuesday", "martes", "вторник", "Times] The", "a/b", "x <y>"])
def test_words_of_time_and_markup_are_not_deniers(name: str) -> None:
    assert not denier_name_ok(name)


@pytest.mark.parametrize(
    "name", ["Kremlin", "Organisation of Islamic Cooperation", "O'Neill", "AT&T"]
)
def test_names_stay_deniers(name: str) -> None:
    assert denier_name_ok(name)


def test_a_denial_said_on_a_weekday_keeps_its_real_denier() -> None:
    ctx = analyze(
        "Kremlin rejects claim it poisoned Navalny",
        "The Kremlin on Tuesday rejected the claim as untrue, Peskov said on Tuesday.",
    )
    names = [d.name for d in ctx.denial.deniers]
    assert ctx.denial.is_denial and "Kremlin" in names and "Tuesday" not in names
