"""The context step for one story: outlet card, entities, denial, hedges and summary.

Owns `analyze`, the single entry point the store and alert layers call when a story is stored.
Pure: no I/O, no clock, no network; everything it needs comes in as arguments (the outlet card,
or a resolver to find it from the story URL and to resolve outlets named in the text).
"""

from __future__ import annotations

from bot.context.denials import detect_denial
from bot.context.entities import OutletResolver, extract_entities
from bot.context.language import detect_language
from bot.context.summary import summarize
from bot.models import OutletCard, StoryContext

__all__ = ["MAX_TEXT_CHARS", "OutletResolver", "analyze"]

# The analysis of one item reads at most this much text (about 3,000 words): a feed cannot make
# one item cost more than a long article (issue #15: bounded work per feed).
MAX_TEXT_CHARS = 20_000


def analyze(
    title: str,
    text: str,
    *,
    url: str | None = None,
    outlet: OutletCard | None = None,
    resolver: OutletResolver | None = None,
    language: str | None = None,
    max_chars: int = MAX_TEXT_CHARS,
) -> StoryContext:
    """Everything newsbot knows about a story beyond its text.

    `language` is what the feed declares; the text's own language, detected, wins over it."""
    if outlet is None and resolver is not None and url:
        outlet = resolver.by_domain(url)
    clipped = max(0, len(text) - max_chars)
    text = text[:max_chars]
    lang = detect_language(title, text, declared=language)
    denial, hedges = detect_denial(title, text, resolver, publisher=outlet, lang=lang)
    entities = extract_entities(title, text, resolver, lang=lang)
    if outlet is not None:
        entities = tuple(e for e in entities if not (e.kind == "outlet" and e.name == outlet.name))
    return StoryContext(
        outlet=outlet,
        entities=entities,
        denial=denial,
        hedges=hedges,
        summary=summarize(title, text, denial),
        language=lang,
        clipped=clipped,
    )
