"""Frozen value types shared by every layer: configuration, parsed entries, stories, context.

Nothing here does I/O or imports a chat library; these are the nouns the one-way data flow of
DESIGN §2 passes along (feeds → entries → stories → context → alerts).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal


@functools.lru_cache(maxsize=16384)
def entity_key(name: str) -> str:
    """How entities are matched: case- and accent-insensitive, punctuation folded."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^\w]+", " ", folded).strip()


# ---------------------------------------------------------------- configuration


@dataclass(frozen=True)
class OutletConfig:
    """An outlet as declared in the feeds file (merged with the registry card at run time)."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    country: str | None = None
    language: str | None = None
    owner: str | None = None
    state_media: str | None = None


@dataclass(frozen=True)
class FeedConfig:
    """A feed as declared in the feeds file or added by a moderator."""

    id: str
    url: str
    outlet: str | None = None
    interval: int = 900  # seconds
    tags: tuple[str, ...] = ()
    language: str | None = None
    enabled: bool = True


# A feed's health: never polled, answering, failing for less than a day (retrying), for about
# a day (failing), for about a week (disabled: no more polls until a moderator resumes it).
FeedHealth = Literal["new", "ok", "retrying", "failing", "disabled"]


@dataclass(frozen=True)
class FeedState:
    """A feed with its health and HTTP cache state, as the store keeps it."""

    id: str
    url: str
    outlet_id: str | None
    interval: int
    tags: tuple[str, ...]
    language: str | None
    enabled: bool
    origin: str  # "config" | "moderator"
    status: FeedHealth
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    failures: int = 0
    first_failure_at: float | None = None
    last_error: str | None = None
    last_error_at: float | None = None
    last_polled_at: float | None = None
    last_ok_at: float | None = None
    baseline_done: bool = False
    next_poll_at: float | None = None
    stories: int = 0
    added_by: str | None = None  # "platform:chat" of the chat whose moderator added it


# ---------------------------------------------------------------- ingest


@dataclass(frozen=True)
class Entry:
    """One feed item after parsing and normalisation, before dedup."""

    guid: str | None
    link: str | None
    canonical_url: str | None
    title: str
    summary: str
    text: str
    published: datetime | None  # UTC, aware
    language: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class StoryDraft:
    """A story about to be stored: a new item, or a revision of a stored one."""

    identity: str
    scope: str
    entry: Entry
    content_hash: str
    outlet_id: str | None
    feed_id: str | None
    alert_worthy: bool
    context: StoryContext | None = None
    bands: tuple[int, ...] = ()
    # `context` as the store keeps it (JSON), when the worker that computed it serialised it.
    context_json: str | None = None
    existing_id: int | None = None  # set for a revision


# ---------------------------------------------------------------- fact context


@dataclass(frozen=True)
class Fact:
    """One fact of an outlet card with where it comes from; value None means unknown."""

    value: str | None
    source: str | None = None

    def shown(self) -> str:
        return self.value if self.value else "unknown"


@dataclass(frozen=True)
class OutletCard:
    """Who publishes a story: name, country, owner, state-media status, reliability."""

    id: str
    name: str
    domains: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    country: Fact = Fact(None)
    owner: Fact = Fact(None)
    state_media: Fact = Fact(None)  # plain words, e.g. "state-controlled"
    reliability: Fact = Fact(None)  # editors' consensus, e.g. "generally reliable"
    language: str | None = None

    def line(self) -> str:
        """One-line card: "Radio Habana Cuba · Cuba · state-controlled (ICRT)"."""
        parts = [self.name, self.country.shown()]
        if self.state_media.value:
            status = self.state_media.value
            if self.owner.value and status != "independent":
                status = f"{status} ({_short_owner(self.owner.value)})"
            parts.append(status)
        return " · ".join(parts)

    def facts(self) -> tuple[tuple[str, Fact], ...]:
        """The sourced facts of the card, with their names, in display order."""
        return (
            ("country", self.country),
            ("owner", self.owner),
            ("state_media", self.state_media),
            ("reliability", self.reliability),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "domains": list(self.domains),
            "aliases": list(self.aliases),
            **{name: fact.shown() for name, fact in self.facts()},
            "language": self.language,
            "sources": {name: fact.source for name, fact in self.facts() if fact.source},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OutletCard:
        sources = data.get("sources") or {}

        def fact(name: str) -> Fact:
            value = data.get(name)
            return Fact(None if value in (None, "unknown") else value, sources.get(name))

        return cls(
            id=data["id"],
            name=data["name"],
            domains=tuple(data.get("domains") or ()),
            aliases=tuple(data.get("aliases") or ()),
            country=fact("country"),
            owner=fact("owner"),
            state_media=fact("state_media"),
            reliability=fact("reliability"),
            language=data.get("language"),
        )


def _short_owner(owner: str) -> str:
    """ "Cuban Institute of Radio and Television (ICRT)" → "ICRT": the line stays short."""
    match = re.search(r"\(([A-Z][A-Z0-9&.\-]{1,9})\)\s*$", owner)
    return match.group(1) if match else owner


@dataclass(frozen=True)
class Entity:
    """A person, organisation, place or outlet named in a story, normalised."""

    name: str
    kind: str  # "person" | "org" | "place" | "outlet" | "other"
    role: str | None = None


@dataclass(frozen=True)
class Denier:
    name: str
    role: str | None = None


@dataclass(frozen=True)
class Hedge:
    """A sentence that leaves a claim unresolved ("declined to comment"); never a denial."""

    sentence: str
    cue: str


@dataclass(frozen=True)
class Denial:
    """Does a story deny a report: who denies, whose report, what claim, and why we think so."""

    is_denial: bool
    deniers: tuple[Denier, ...] = ()
    denied_outlet: str | None = None  # outlet name, "unnamed source" or "media reports"
    denied_outlet_id: str | None = None  # registry id when the outlet resolved
    claim: str | None = None
    evidence: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    # What is denied, in English, for the wording: "report", "reports", "claim", "allegations"…
    denied_thing: str | None = None
    # Denials the text mentions below its lead ("…, who has denied the allegations"): context
    # shown by /story, never the DENIAL label.
    mentions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        # Written out rather than dataclasses.asdict: it runs for every stored story, and
        # asdict's generic deep copy was a measurable share of ingest time.
        return {
            "is_denial": self.is_denial,
            "deniers": [{"name": d.name, "role": d.role} for d in self.deniers],
            "denied_outlet": self.denied_outlet,
            "denied_outlet_id": self.denied_outlet_id,
            "claim": self.claim,
            "evidence": list(self.evidence),
            "cues": list(self.cues),
            "denied_thing": self.denied_thing,
            "mentions": list(self.mentions),
        }


NO_DENIAL = Denial(is_denial=False)


@dataclass(frozen=True)
class StoryContext:
    """Everything newsbot knows about one story beyond its text; computed once when stored."""

    outlet: OutletCard | None
    entities: tuple[Entity, ...] = ()
    denial: Denial = NO_DENIAL
    hedges: tuple[Hedge, ...] = ()
    summary: str = ""
    language: str | None = None  # detected from the text (ISO 639-1), not the feed's claim
    clipped: int = 0  # characters of text left out of the analysis by the per-item/feed caps

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "clipped": self.clipped,
            "outlet": self.outlet.to_dict() if self.outlet else None,
            "entities": [{"name": e.name, "kind": e.kind, "role": e.role} for e in self.entities],
            "denial": self.denial.to_dict(),
            "hedges": [{"sentence": h.sentence, "cue": h.cue} for h in self.hedges],
            "summary": self.summary,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoryContext:
        d = data.get("denial") or {}
        return cls(
            outlet=OutletCard.from_dict(data["outlet"]) if data.get("outlet") else None,
            entities=tuple(Entity(**e) for e in data.get("entities") or ()),
            denial=Denial(
                is_denial=bool(d.get("is_denial")),
                deniers=tuple(Denier(**x) for x in d.get("deniers") or ()),
                denied_outlet=d.get("denied_outlet"),
                denied_outlet_id=d.get("denied_outlet_id"),
                claim=d.get("claim"),
                evidence=tuple(d.get("evidence") or ()),
                cues=tuple(d.get("cues") or ()),
                denied_thing=d.get("denied_thing"),
                mentions=tuple(d.get("mentions") or ()),
            ),
            hedges=tuple(Hedge(**h) for h in data.get("hedges") or ()),
            summary=data.get("summary") or "",
            language=data.get("language"),
            clipped=int(data.get("clipped") or 0),
        )


# ---------------------------------------------------------------- stored stories


@dataclass(frozen=True)
class Story:
    """A stored story: one row per distinct item (identity key UNIQUE)."""

    id: int
    identity: str
    outlet_id: str | None
    feed_id: str | None
    url: str | None
    title: str
    summary: str
    text: str
    published: datetime | None
    fetched: datetime
    language: str | None
    alert_worthy: bool
    revision: int = 0
    context: StoryContext | None = None
    cluster_id: int | None = None


@dataclass(frozen=True)
class StoryLink:
    """A directed link between stories: `kind` is "denies" or "same_story"."""

    from_story: int
    to_story: int
    kind: str
    confidence: float
    reason: str = ""


@dataclass(frozen=True)
class SearchHit:
    story: Story
    snippet: str
    rank: float
    outlet_name: str | None = None


@dataclass
class PollSummary:
    """What one poll of every feed did; printed by `newsbot poll --once`."""

    ok: int = 0
    not_modified: int = 0
    unchanged: int = 0  # 200 with the same body hash: no parse
    failed: int = 0
    new_stories: int = 0
    revisions: int = 0
    seen_first_poll: int = 0
    errors: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------- delivery

FILTER_KINDS = ("feeds", "outlets", "tags", "keywords", "entities")


@dataclass(frozen=True)
class Subscription:
    """Where alerts go (platform, chat, thread) and which stories they are for."""

    id: int
    platform: str  # "telegram" | "discord" | "console"
    chat: str
    thread: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    denials_only: bool = False
    mode: str = "instant"  # "instant" | "hourly" | "daily"
    muted_until: float | None = None
    active: bool = True
    deactivated_reason: str | None = None
    webhook_url: str | None = None
    origin: str = "config"

    def describe(self) -> str:
        parts = [f"{k}: {', '.join(v)}" for k, v in self.filters.items() if v]
        what = "; ".join(parts) if parts else "every new story"
        if self.denials_only:
            what += " (denials only)"
        return f"{what} — {self.mode}"


@dataclass(frozen=True)
class OutboxItem:
    """One pending message: a story (alert or follow-up) for one subscription."""

    id: int
    subscription: Subscription
    story_id: int
    kind: str  # "alert" | "followup"
    attempts: int
    about_story_id: int | None = None
    reply_to: str | None = None
    created_at: float = 0.0
