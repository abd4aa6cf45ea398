"""Platform-neutral alert views: what an alert says, in plain text pieces with length budgets.

Renderers (Telegram HTML, Discord embeds, the console) only lay these pieces out and escape
them; what a story means — who denies what, whose report — is decided here and in context.
Wording reports and never judges: "X says The Wall Street Journal's report is untrue", never
"fake" or "debunked".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlsplit

from bot.models import Denial, Denier, OutletCard, Story, StoryContext
from bot.store import Store

HEADLINE_BUDGET = 250
SUMMARY_BUDGET = 320
DENIAL_BUDGET = 400
CLAIM_BUDGET = 300
HEDGE_BUDGET = 200
MAX_HEDGES = 2
MAX_ALSO = 5
REF_TITLE_BUDGET = 200  # titles of other stories (the report denied, later denials)
NAME_BUDGET = 120  # outlet names and lines, as feeds and the registry give them
URL_BUDGET = 2048  # links longer than this are shown shortened, not linked (DESIGN §5)
SHORT_URL_BUDGET = 60

# The words of an alert, shared by every renderer (Telegram, Discord, console, replies).
LABEL_UPDATE = "Update on a story you received"
LABEL_DENIAL = "Denial"
LABEL_CLAIM = "The report, as described"
LABEL_REPORT = "Report"
LABEL_DENIED_LATER = "Denied later by"
LABEL_DENIED_BY = "Denied by"
LABEL_NOTE = "Note"
LABEL_UNRESOLVED = "Unresolved"
LABEL_ALSO = "Also reported by"
LABEL_OUTLET = "Outlet"
LABEL_DIGEST = "Digest"

_GOVERNMENT_ROLES = (
    "ambassador",
    "minister",
    "ministry",
    "government",
    "spokes",
    "embassy",
    "president",
    "kremlin",
    "foreign office",
    "press secretary",
)


def clip(text: str, budget: int, *, keep_lines: bool = False) -> str:
    """Cut at a word boundary within the budget, marking the cut with an ellipsis.

    Spaces are folded; line breaks survive only with keep_lines (a block of several lines)."""
    if keep_lines:
        text = "\n".join(" ".join(line.split()) for line in text.splitlines())
    else:
        text = " ".join(text.split())
    if len(text) <= budget:
        return text
    cut = text[: budget - 1]
    space = cut.rfind(" ")
    if space > budget // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def unknown_outlet(story: Story) -> str | None:
    """What to call a publisher the registry does not know: the feed's outlet id, else the
    story's domain ("example.org"), never "?"."""
    if story.outlet_id:
        return story.outlet_id
    host = urlsplit(story.url or "").hostname or ""
    return host.removeprefix("www.") or None


def _clip_name(name: str | None, budget: int = NAME_BUDGET) -> str | None:
    return clip(name, budget) if name else name


def read_at(outlet_name: str | None) -> str:
    """The label of the link to the story itself."""
    return f"Read at {outlet_name or 'source'}"


def stories_count(count: int) -> str:
    return f"{count} {'story' if count == 1 else 'stories'}"


def web_url(url: str | None) -> str | None:
    """The URL when it is an http(s) link a chat client may open, else None."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    return url


def short_url(url: str, budget: int = SHORT_URL_BUDGET) -> str:
    """A visible stand-in for a link too long to send: host and the start of the path."""
    bare = url.split("://", 1)[-1]
    return clip(bare, budget) if len(bare) > budget else bare


@dataclass(frozen=True)
class StoryRef:
    """Another story an alert points to (the report a denial denies, a later denial)."""

    story_id: int
    title: str
    url: str | None
    outlet: str | None


@dataclass(frozen=True)
class AlertView:
    story_id: int
    kind: str  # "alert" | "followup"
    headline: str
    url: str | None
    outlet_name: str | None
    outlet_line: str | None
    published: datetime | None
    summary: str
    denial: str | None = None
    claim: str | None = None
    denied_report: StoryRef | None = None
    interested_party: str | None = None
    hedges: tuple[str, ...] = ()
    also_reported_by: tuple[str, ...] = ()
    followup_of: StoryRef | None = None
    denied_by: tuple[StoryRef, ...] = ()  # later stories that deny this one


def _bounded_ref(ref: StoryRef) -> StoryRef:
    return replace(ref, title=clip(ref.title, REF_TITLE_BUDGET), outlet=_clip_name(ref.outlet))


def bounded(view: AlertView) -> AlertView:
    """The view with every string within its budget (views built here already are; renderers
    call this first, so a view made elsewhere cannot carry a 100 kB headline to a platform)."""
    return replace(
        view,
        headline=clip(view.headline, HEADLINE_BUDGET),
        outlet_name=_clip_name(view.outlet_name),
        outlet_line=_clip_name(view.outlet_line, 2 * NAME_BUDGET),
        summary=clip(view.summary, SUMMARY_BUDGET),
        denial=clip(view.denial, DENIAL_BUDGET) if view.denial else view.denial,
        claim=clip(view.claim, CLAIM_BUDGET) if view.claim else view.claim,
        denied_report=_bounded_ref(view.denied_report) if view.denied_report else None,
        interested_party=_clip_name(view.interested_party, DENIAL_BUDGET),
        hedges=tuple(clip(h, HEDGE_BUDGET) for h in view.hedges[:MAX_HEDGES]),
        also_reported_by=tuple(clip(n, NAME_BUDGET) for n in view.also_reported_by[:MAX_ALSO]),
        followup_of=_bounded_ref(view.followup_of) if view.followup_of else None,
        denied_by=tuple(_bounded_ref(r) for r in view.denied_by),
    )


def _denier(d: Denier) -> str:
    return f"{d.name} ({d.role})" if d.role else d.name


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


_PLURAL_THINGS = frozenset(
    {"reports", "stories", "allegations", "accusations", "rumours", "claims"}
)
_SINGULAR = {
    "reports": "report",
    "stories": "story",
    "allegations": "allegation",
    "accusations": "accusation",
    "rumours": "rumour",
    "claims": "claim",
}


def _denied_subject(denial: Denial) -> tuple[str, bool]:
    """What the deniers call untrue, and whether it is plural: "The Wall Street Journal's
    report", "media reports", "Trump's claims", "the allegation"."""
    thing = denial.denied_thing or ("report" if denial.denied_outlet else "claim")
    outlet = denial.denied_outlet
    if outlet == "media reports":
        return "media reports", True
    if outlet == "unnamed source":
        return f"a {_SINGULAR.get(thing, thing)} citing an unnamed source", False
    if outlet:
        if thing in {"report", "reports", "story", "stories"}:
            thing = "report"  # an outlet's denied report, however the story words it
        return f"{_possessive(outlet)} {thing}", thing in _PLURAL_THINGS
    return f"the {thing}", thing in _PLURAL_THINGS


def _possessive(name: str) -> str:
    """ "The Wall Street Journal's", "Reuters'" (a name ending in s takes the apostrophe only)."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def denial_sentence(denial: Denial) -> str | None:
    """ "Vladimir Zaemsky (Russian ambassador to Caracas) and Rostec (press service) say The Wall
    Street Journal's report is untrue." — who, whose report, in reporting words, grammatically
    (one denier says, several say; a report is, reports are)."""
    if not denial.is_denial:
        return None
    people = [_denier(d) for d in denial.deniers][:4]
    subject, plural = _denied_subject(denial)
    if not people:
        return clip(f"The story reports a denial of {subject}.", DENIAL_BUDGET)
    verb = "says" if len(people) == 1 else "say"
    be = "are" if plural else "is"
    return clip(f"{_join(people)} {verb} {subject} {be} untrue.", DENIAL_BUDGET)


def _is_official(denier: Denier) -> bool:
    """A government voice: an official role, or a state named as the denier ("Russia")."""
    role = (denier.role or "").lower()
    if any(word in role for word in _GOVERNMENT_ROLES):
        return True
    return denier.role is None and " " not in denier.name and denier.name[:1].isupper()


def interested_party(outlet: OutletCard | None, denial: Denial) -> str | None:
    """State media relaying a government's denial is an interested party: say so, plainly."""
    if outlet is None or not denial.is_denial or not outlet.state_media.value:
        return None
    status = outlet.state_media.value
    if status.startswith("independent"):
        return None
    official = any(_is_official(d) for d in denial.deniers)
    if not official:
        return None
    return f"Published by {status} media ({outlet.country.shown()}) relaying an official denial."


def view_from_context(
    story: Story,
    ctx: StoryContext | None,
    *,
    kind: str = "alert",
    denied_report: StoryRef | None = None,
    also_reported_by: tuple[str, ...] = (),
    followup_of: StoryRef | None = None,
    denied_by: tuple[StoryRef, ...] = (),
) -> AlertView:
    outlet = ctx.outlet if ctx else None
    denial = ctx.denial if ctx else None
    summary = (ctx.summary if ctx and ctx.summary else story.summary) or ""
    return AlertView(
        story_id=story.id,
        kind=kind,
        headline=clip(story.title, HEADLINE_BUDGET),
        url=story.url,
        outlet_name=_clip_name(outlet.name if outlet else unknown_outlet(story)),
        outlet_line=_clip_name(outlet.line() if outlet else unknown_outlet(story), 2 * NAME_BUDGET),
        published=story.published,  # an undated item shows no date, never its fetch time
        summary=clip(summary, SUMMARY_BUDGET),
        denial=denial_sentence(denial) if denial else None,
        claim=clip(denial.claim, CLAIM_BUDGET)
        if denial and denial.is_denial and denial.claim
        else None,
        denied_report=denied_report,
        interested_party=interested_party(outlet, denial) if denial else None,
        hedges=tuple(clip(h.sentence, HEDGE_BUDGET) for h in (ctx.hedges if ctx else ()))[
            :MAX_HEDGES
        ],
        also_reported_by=tuple(clip(n, NAME_BUDGET) for n in also_reported_by[:MAX_ALSO]),
        followup_of=followup_of,
        denied_by=denied_by,
    )


def _ref(story: Story) -> StoryRef:
    """Feed strings clipped to their budgets here, so no renderer meets a 1,000-character
    title (issue #15)."""
    outlet = story.context.outlet.name if story.context and story.context.outlet else None
    name = outlet or story.outlet_id
    return StoryRef(
        story.id,
        clip(story.title, REF_TITLE_BUDGET),
        story.url,
        _clip_name(name),
    )


async def build_view(
    store: Store, story: Story, *, kind: str = "alert", about_story_id: int | None = None
) -> AlertView:
    """The view of a stored story, with the report it denies and who else reported it."""
    denied: StoryRef | None = None
    links = await store.links_from(story.id, "denies")
    if links:
        report = await store.story(links[0].to_story)
        if report is not None:
            denied = _ref(report)
    also: tuple[str, ...] = ()
    if story.cluster_id is not None:
        names = []
        for member in await store.cluster_members(story.cluster_id, limit=20):
            if member.id == story.id or member.outlet_id == story.outlet_id:
                continue
            ref = _ref(member)
            if ref.outlet and ref.outlet not in names:
                names.append(ref.outlet)
        also = tuple(names)
    followup_of = None
    if about_story_id is not None:
        about = await store.story(about_story_id)
        if about is not None:
            followup_of = _ref(about)
    later = await store.links_to(story.id, "denies")
    denied_by = tuple(_ref(s) for s in await store.stories_by_ids([lk.from_story for lk in later]))
    return view_from_context(
        story,
        story.context,
        kind=kind,
        denied_report=denied,
        also_reported_by=also,
        followup_of=followup_of,
        denied_by=denied_by,
    )
