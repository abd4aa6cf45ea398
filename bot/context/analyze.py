"""The context step for one story: outlet card, entities, denial, hedges and summary.

Owns `analyze`, the single entry point the store and alert layers call when a story is stored.
Pure: no I/O, no clock, no network; everything it needs comes in as arguments (the outlet card,
or a resolver to find it from the story URL and to resolve outlets named in the text).
"""

from __future__ import annotations

from bot.context.denials import detect_denial
from bot.context.entities import OutletResolver, extract_entities
from bot.context.summary import summarize
from bot.models import OutletCard, StoryContext

__all__ = ["OutletResolver", "analyze"]


def analyze(
    title: str,
    text: str,
    *,
    url: str | None = None,
    outlet: OutletCard | None = None,
    resolver: OutletResolver | None = None,
) -> StoryContext:
    """Everything newsbot knows about a story beyond its text."""
    if outlet is None and resolver is not None and url:
        outlet = resolver.by_domain(url)
    denial, hedges = detect_denial(title, text, resolver, publisher=outlet)
    entities = extract_entities(title, text, resolver)
    if outlet is not None:
        entities = tuple(e for e in entities if not (e.kind == "outlet" and e.name == outlet.name))
    return StoryContext(
        outlet=outlet,
        entities=entities,
        denial=denial,
        hedges=hedges,
        summary=summarize(title, text, denial),
    )
