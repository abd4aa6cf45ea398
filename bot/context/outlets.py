"""Outlet registry: who publishes a story (country, owner, state-media status, reliability).

This module owns lookups of `OutletCard`s by id, by domain or URL, by name or alias, and by
mention in free text (DESIGN §7, "Outlet card"). The cards come from the package data
`bot/data/outlets.json` (built by `scripts/build_outlets.py` from the ASD State Media Matrix,
freebie and the Wikipedia perennial-sources list) merged with the hand-written
`bot/data/outlet_overrides.yaml`; the feeds file can merge more cards in with `with_outlets`.
Every fact keeps the source it came from, one a reader can open (a dataset fact cites its row's
line URL, an override its Wikipedia article or about page); a fact nobody states stays unknown.
`candidates` lists the cards a shared or partial name may mean ("ABC"). No network.

Resolution rules, in short:

* domains: the host (lower-cased, without port or leading ``www.``), then each parent domain,
  never a bare public suffix such as ``com`` or ``co.uk``;
* names: exact name or alias, case-insensitive, ignoring a leading "The" and a trailing "'s";
  a name that two equally ranked cards share is ambiguous and resolves to nothing;
* ranks: cards merged in later (overrides over data, the feeds file over overrides) win
  name and domain ties.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.models import Fact, OutletCard

__all__ = [
    "RELIABILITY_SOURCE",
    "RELIABILITY_WORDS",
    "OutletRegistry",
    "is_public_suffix",
    "load_overrides",
    "name_key",
    "normalize_host",
]

RELIABILITY_SOURCE = (
    "Wikipedia:Reliable sources/Perennial sources (CC BY-SA 4.0): "
    "https://en.wikipedia.org/wiki/Wikipedia:Reliable_sources/Perennial_sources"
)
RELIABILITY_WORDS: Mapping[int, str] = {
    1: "generally reliable",
    0: "no consensus",
    -1: "generally unreliable",
    -2: "deprecated",
}

_DATA_FILE = "outlets.json"
_OVERRIDES_FILE = "outlet_overrides.yaml"

# ---------------------------------------------------------------- domains

# Second-level labels that, under a two-letter country TLD, form a registry suffix
# ("co.uk", "com.au", "gob.ve", "gov.mm"), so never an outlet's own domain.
_SUFFIX_LABELS = frozenset(
    {"ac", "co", "com", "edu", "go", "gob", "gouv", "gov", "gv", "info", "ltd", "mil", "ne"}
    | {"net", "nic", "nom", "or", "org", "plc", "sch"}
)
# Shared hosting where every customer gets a subdomain: the parent is never one outlet.
_SHARED_HOSTS = frozenset(
    {"appspot.com", "blogspot.com", "feedburner.com", "github.io", "herokuapp.com"}
    | {"substack.com", "tumblr.com", "wordpress.com"}
)
_HOST_RE = re.compile(r"^[^\s/?#@:.]+(?:\.[^\s/?#@:.]+)*$")
_WWW_RE = re.compile(r"^www\d{0,2}\.")


def normalize_host(host_or_url: str) -> str | None:
    """Host of a URL or host string, lower-cased, without port, userinfo or leading "www."."""
    text = host_or_url.strip()
    if not text:
        return None
    if "://" in text or text.startswith("//"):
        try:
            netloc = urlsplit(text if "://" in text else "http:" + text).netloc
        except ValueError:
            return None
    else:
        netloc = re.split(r"[/?#]", text, maxsplit=1)[0]
    netloc = netloc.rpartition("@")[2]
    if netloc.startswith("["):  # IPv6 literal: never an outlet
        return None
    host = netloc.partition(":")[0].strip().rstrip(".").lower()
    host = _WWW_RE.sub("", host)
    if not host or not _HOST_RE.match(host):
        return None
    return host


def is_public_suffix(domain: str) -> bool:
    """True for a bare TLD ("com"), a country registry suffix ("co.uk") or a shared host."""
    labels = domain.split(".")
    if len(labels) < 2:
        return True
    if len(labels) == 2 and len(labels[1]) == 2 and labels[0] in _SUFFIX_LABELS:
        return True
    return domain in _SHARED_HOSTS


def _domain_candidates(host: str) -> Iterator[str]:
    """The host, then each parent domain, stopping before a public suffix."""
    labels = host.split(".")
    for i in range(len(labels)):
        candidate = ".".join(labels[i:])
        if is_public_suffix(candidate):
            return
        yield candidate


def _looks_like_domain(text: str) -> bool:
    text = text.strip()
    if "://" in text:
        return True
    return "." in text and " " not in text and normalize_host(text) is not None


# ---------------------------------------------------------------- names

_THE_RE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE_RE = re.compile(r"(?:['’]s|s['’])$", re.IGNORECASE)
_SPACE_RE = re.compile(r"\s+")
_WORD_START = re.compile(r"\w")
_LOOSE_RE = re.compile(r"[\W_]+")


def name_key(text: str) -> str:
    """Lookup key of a name: lower-case, single spaces, no leading "The", no trailing "'s"."""
    text = _SPACE_RE.sub(" ", unicodedata.normalize("NFC", text)).strip()
    text = text.replace("’", "'")
    if text.endswith("'s") or text.endswith("'S"):
        text = text[:-2]
    text = _THE_RE.sub("", text.rstrip("'").strip())
    return text.lower()


def _loose_key(text: str) -> str:
    """Forgiving key: case, punctuation and spacing ignored ("wall-street journal")."""
    return _LOOSE_RE.sub("", name_key(text).casefold())


def _is_short_caps(name: str) -> bool:
    """Short all-caps alias ("AP", "RT", "WSJ", "TASS"): matched case-sensitively in text."""
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and len(name) <= 5 and all(c.isupper() for c in letters)


# ---------------------------------------------------------------- text matching


# Dataset names that are everyday words, given names or common acronyms in English news text
# ("Today", "Anis", "MENA", "RSS"): kept for by_name, never matched in free text unless a
# curated card (overrides, feeds file) uses them.
_TEXT_STOPWORDS = frozenset(
    {"aero", "anis", "civil", "domingo", "erina", "extra", "finanzas", "first", "fortune"}
    | {"gold", "horizons", "informer", "liter", "lokal", "mir", "noticias", "ole", "panorama"}
    | {"perfil", "posta", "producto", "pulse", "punch", "salon", "science", "slate", "star"}
    | {"stern", "terra", "today", "turkiye", "ukraina", "qazaqstan", "watan"}
    | {"air", "ami", "anp", "atop", "ena", "err", "impel", "kbc", "lena", "lina", "map"}
    | {"mena", "nan", "ont", "petra", "pia", "pts", "rss", "sta", "tak", "tap", "von", "vox"}
    | {"wal"}
)
# Names and aliases that are everyday words or abbreviations in news text at any rank ("at dawn",
# "PL" for the Premier League): kept for lookups, never matched in free text.
_NEVER_IN_TEXT = frozenset({"dawn", "pl"})


def _names(card: OutletCard) -> Iterator[tuple[int, str]]:
    """(priority, text) of the card's name (0) and each alias (1)."""
    yield 0, card.name
    for alias in card.aliases:
        yield 1, alias


def _text_forms(card: OutletCard) -> Iterator[tuple[int, str]]:
    """(priority, surface) to look for in text: name (1) and aliases (0), plus each without a
    leading "The" when at least two words remain ("Wall Street Journal", not "Times")."""
    for priority, text in ((1, card.name), *((0, alias) for alias in card.aliases)):
        surface = _surface(text)
        yield priority, surface
        bare = _THE_RE.sub("", surface)
        if bare != surface and " " in bare:
            yield priority, bare


def _text_worthy(surface: str, places: set[str]) -> bool:
    """Whether a dataset name is distinctive enough to look for in free text."""
    if len(surface) < 3:  # "HR", "DR" (as in "DR Congo")
        return False
    if " " in surface:
        return True
    lowered = surface.lower()
    return lowered not in _TEXT_STOPWORDS and lowered not in places  # the daily "Iran"


def _same_capitals(found: str, spelled: str) -> bool:
    """Whether `found` capitalises every word `spelled` does (a leading "The" may be "the").

    Keeps "the independent commission" and "The nation's" from matching "The Independent" and
    "The Nation"; all-caps text ("REUTERS SAYS") passes.
    """
    found_words, spelled_words = found.split(" "), spelled.split(" ")
    if len(found_words) != len(spelled_words):
        return found != found.lower()
    for i, (f, s) in enumerate(zip(found_words, spelled_words, strict=True)):
        if i == 0 and s.lower() == "the":
            continue
        if s[:1].isupper() and not f[:1].isupper():
            return False
    return True


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex alternation of `words`, factored as a trie so a match tries the longest first."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _node_pattern(trie)


def _atom(char: str) -> str:
    if char == " ":
        return r"\s+"
    if char == "'":
        return "['’]"
    if char == "-":
        return r"[-‐‑–]"
    return re.escape(char)


def _node_pattern(node: dict[str, Any]) -> str:
    branches = [_atom(char) + _node_pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a word ends here: the longer continuation is optional, tried first
        body = f"(?:{body})?"
    return body


def _surface(text: str) -> str:
    return _SPACE_RE.sub(" ", text.replace("’", "'")).strip()


def _lower_same_length(text: str) -> str:
    """`text` lower-cased character by character, so offsets stay valid ("İ" is left as is)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


class _TextMatcher:
    """One compiled regex over every name and alias, plus the tables to resolve a match.

    The regex is a lower-case trie matched against the lower-cased text (several times faster
    than re.IGNORECASE); the original text then decides case-sensitive aliases.
    """

    def __init__(
        self,
        insensitive: Mapping[str, tuple[OutletCard, str]],
        exact: Mapping[str, tuple[OutletCard, str]],
    ) -> None:
        self._insensitive = dict(insensitive)  # lower-cased surface → (card, spelling)
        self._exact = dict(exact)  # surface as written (short all-caps) → (card, spelling)
        words = set(self._insensitive) | {w.lower() for w in self._exact}
        pattern = _trie_pattern(sorted(words))
        self._regex = re.compile(rf"(?<!\w)(?:{pattern})(?!\w)") if words else None
        # The same after the character before the mention, which is then no word character:
        # a pattern opening with a character class is tried only where the class matches
        # (re skips to them in C), one opening with a lookbehind at every position. Names
        # that open with a word character only (the packaged ones all do); else `_regex`.
        self._after_gap = (
            re.compile(rf"\W((?:{pattern}))(?!\w)")
            if words and all(_WORD_START.match(w) for w in words)
            else None
        )

    def find(self, text: str) -> list[tuple[int, int, OutletCard]]:
        if self._regex is None:
            return []
        found: list[tuple[int, int, OutletCard]] = []
        for start, end in self._mentions(_lower_same_length(text)):
            surface = _surface(text[start:end])
            entry = self._exact.get(surface)
            if entry is None:
                entry = self._insensitive.get(surface.lower())
                # "the nation" in running text is not the outlet "The Nation".
                if entry is None or not _same_capitals(surface, entry[1]):
                    continue
            found.append((start, end, entry[0]))
        return found

    def _mentions(self, lowered: str) -> list[tuple[int, int]]:
        """The spans of `self._regex.finditer(lowered)`."""
        assert self._regex is not None
        if self._after_gap is None:
            return [m.span() for m in self._regex.finditer(lowered)]
        spans: list[tuple[int, int]] = []
        pos = 0
        first = self._regex.match(lowered)  # a mention opening the text has nothing before it
        if first is not None:
            spans.append(first.span())
            pos = first.end()
        spans += [m.span(1) for m in self._after_gap.finditer(lowered, pos)]
        return spans


# ---------------------------------------------------------------- registry


class OutletRegistry:
    """Outlet cards indexed by id, domain, name/alias and text mention; immutable once built.

    `cards` are indexed as given. `reliability` (domain → Wikipedia perennial-sources score)
    fills the reliability fact of any card that lacks one. `ranks` (card id → rank, default 0)
    decides ties: a higher-ranked card wins a shared domain or name; equally ranked cards that
    share a name make it ambiguous (no match). `id_aliases` maps former ids of merged cards.
    """

    def __init__(
        self,
        cards: Iterable[OutletCard],
        *,
        reliability: Mapping[str, int] | None = None,
        ranks: Mapping[str, int] | None = None,
        id_aliases: Mapping[str, str] | None = None,
    ) -> None:
        self._reliability: dict[str, int] = dict(reliability or {})
        self._ranks: dict[str, int] = dict(ranks or {})
        self._cards: dict[str, OutletCard] = {}
        for card in cards:
            if card.id not in self._cards:
                self._cards[card.id] = self._with_reliability(card)
        self._id_aliases: dict[str, str] = {
            old: new for old, new in (id_aliases or {}).items() if new in self._cards
        }
        self._by_domain: dict[str, str] = {}
        domain_rank: dict[str, int] = {}
        for card in self._cards.values():
            rank = self._ranks.get(card.id, 0)
            for domain in card.domains:
                host = normalize_host(domain)
                if host is None or is_public_suffix(host):
                    continue
                if host not in self._by_domain or rank > domain_rank[host]:
                    self._by_domain[host] = card.id
                    domain_rank[host] = rank
        self._by_name = self._index_names(name_key)
        self._by_loose = self._index_names(_loose_key)
        self._matcher: _TextMatcher | None = None
        # per card: (priority, name key, loose key) of its name (0) and aliases (1); built on
        # the first `candidates` call
        self._name_keys: list[tuple[OutletCard, tuple[tuple[int, str, str], ...]]] | None = None

    # -- construction helpers

    def _with_reliability(self, card: OutletCard) -> OutletCard:
        if card.reliability.value or not self._reliability:
            return card
        for domain in card.domains:
            host = normalize_host(domain)
            for candidate in _domain_candidates(host) if host else ():
                score = self._reliability.get(candidate)
                if score is not None and score in RELIABILITY_WORDS:
                    return replace(
                        card, reliability=Fact(RELIABILITY_WORDS[score], RELIABILITY_SOURCE)
                    )
        return card

    def _index_names(self, key_of: Callable[[str], str]) -> dict[str, str]:
        """key → card id, from names (preferred) and aliases; ties at the best rank drop."""
        best: dict[str, tuple[int, int]] = {}
        holders: dict[str, set[str]] = {}
        for card in self._cards.values():
            rank = self._ranks.get(card.id, 0)
            for priority, text in ((1, card.name), *((0, alias) for alias in card.aliases)):
                key = key_of(text)
                if not key:
                    continue
                level = (rank, priority)
                if key not in best or level > best[key]:
                    best[key] = level
                    holders[key] = {card.id}
                elif level == best[key]:
                    holders[key].add(card.id)
        return {key: next(iter(ids)) for key, ids in holders.items() if len(ids) == 1}

    # -- public API

    @classmethod
    def default(cls) -> OutletRegistry:
        """The registry shipped with newsbot: package data plus overrides (loaded once)."""
        return _default_registry()

    def with_outlets(self, extra: Iterable[OutletCard]) -> OutletRegistry:
        """A new registry where `extra` cards merge over (same id, else a shared domain) or add.

        A merged card takes the extra card's id, name and every fact it states; facts it leaves
        unknown keep the registry's value, domains and aliases are united (the old name becomes
        an alias) and the old id still resolves with `get`. Domains the extra card claims are
        taken from any other card. Extra cards outrank every card already in the registry.
        """
        cards, ranks, id_aliases = _merge(self._cards, self._ranks, self._id_aliases, extra)
        return OutletRegistry(
            cards.values(), reliability=self._reliability, ranks=ranks, id_aliases=id_aliases
        )

    def get(self, outlet_id: str) -> OutletCard | None:
        """The card with this id (or a former id of a merged card)."""
        card = self._cards.get(outlet_id)
        if card is None and outlet_id in self._id_aliases:
            card = self._cards.get(self._id_aliases[outlet_id])
        return card

    def by_domain(self, host_or_url: str) -> OutletCard | None:
        """The card owning this host or URL, or its nearest parent domain (never a bare suffix)."""
        host = normalize_host(host_or_url)
        if host is None:
            return None
        for candidate in _domain_candidates(host):
            card_id = self._by_domain.get(candidate)
            if card_id is not None:
                return self._cards[card_id]
        return None

    def by_name(self, text: str) -> OutletCard | None:
        """Exact name or alias, case-insensitive, tolerant of a leading "The" and trailing "'s"."""
        card_id = self._by_name.get(name_key(text))
        return self._cards[card_id] if card_id is not None else None

    def find_in_text(self, text: str) -> list[tuple[int, int, OutletCard]]:
        """Every mention of an outlet name or alias in `text` as (start, end, card), in order.

        Longest match first at a position, whole words only; short all-caps aliases ("AP",
        "RT", "WSJ") match only as written, and an all-lower-case mention of a capitalised name
        ("the nation") is not counted. The regex is compiled on first use.
        """
        if self._matcher is None:
            self._matcher = self._build_matcher()
        return self._matcher.find(text)

    def lookup(self, query: str) -> OutletCard | None:
        """A domain or URL if `query` looks like one, else a name; then a forgiving name match."""
        query = query.strip()
        if not query:
            return None
        card = None
        if _looks_like_domain(query):
            card = self.by_domain(query)
        if card is None:
            card = self.by_name(query) or self.get(query)
        if card is None:
            card_id = self._by_loose.get(_loose_key(query))
            card = self._cards[card_id] if card_id is not None else None
        return card

    def candidates(self, query: str, limit: int = 10) -> list[OutletCard]:
        """Cards `query` may name, best first, for a lookup that found none or several.

        First every card whose name or alias is `query` (however many share it: "ABC" is the
        Australian broadcaster and the Spanish daily), then cards with a name or alias that
        starts with it as whole words ("ABC" → "ABC News"); curated cards, then names, first.
        A domain gives the card owning it, if any.
        """
        query = query.strip()
        key = name_key(query)
        if not key:
            return []
        if _looks_like_domain(query):
            card = self.by_domain(query)
            if card is not None:
                return [card]
        loose = _loose_key(query)
        prefix = re.compile(re.escape(key) + r"(?!\w)")
        if self._name_keys is None:
            self._name_keys = [
                (card, tuple((p, name_key(t), _loose_key(t)) for p, t in _names(card)))
                for card in self._cards.values()
            ]
        ranked: list[tuple[tuple[int, int, int, str], OutletCard]] = []
        for card, keys in self._name_keys:
            best: tuple[int, int] | None = None  # (match kind, name-before-alias)
            for priority, text_key, text_loose in keys:
                if text_key == key or (loose and text_loose == loose):
                    kind = 0
                elif prefix.match(text_key):
                    kind = 1
                else:
                    continue
                if best is None or (kind, priority) < best:
                    best = (kind, priority)
            if best is not None:
                rank = self._ranks.get(card.id, 0)
                ranked.append(((best[0], -rank, best[1], card.name.casefold()), card))
        ranked.sort(key=lambda item: item[0])
        return [card for _, card in ranked[: max(0, limit)]]

    def __len__(self) -> int:
        return len(self._cards)

    def __iter__(self) -> Iterator[OutletCard]:
        return iter(self._cards.values())

    # -- text matcher

    def _build_matcher(self) -> _TextMatcher:
        # key → ((rank, name-before-alias), card ids, surface as the card spells it)
        Table = dict[str, tuple[tuple[int, int], set[str], str]]
        insensitive: Table = {}
        exact: Table = {}
        places = {c.country.value.lower() for c in self._cards.values() if c.country.value}
        for card in self._cards.values():
            rank = self._ranks.get(card.id, 0)
            for priority, surface in _text_forms(card):
                if len(surface) < 2 or (rank == 0 and not _text_worthy(surface, places)):
                    continue
                if surface.lower() in _NEVER_IN_TEXT:
                    continue
                table, key = (
                    (exact, surface) if _is_short_caps(surface) else (insensitive, surface.lower())
                )
                level = (rank, priority)
                current = table.get(key)
                if current is None or level > current[0]:
                    table[key] = (level, {card.id}, surface)
                elif level == current[0]:
                    current[1].add(card.id)

        def unique(table: Table) -> dict[str, tuple[OutletCard, str]]:
            return {
                key: (self._cards[next(iter(ids))], surface)
                for key, (_, ids, surface) in table.items()
                if len(ids) == 1
            }

        return _TextMatcher(unique(insensitive), unique(exact))


# ---------------------------------------------------------------- merging


def _clean_card(card: OutletCard) -> OutletCard:
    """Domains normalised and de-duplicated; aliases de-duplicated; name trimmed."""
    domains: list[str] = []
    for domain in card.domains:
        host = normalize_host(domain)
        if host and host not in domains:
            domains.append(host)
    return replace(
        card,
        name=card.name.strip(),
        domains=tuple(domains),
        aliases=_unique(card.aliases, card.name),
    )


def _unique(names: Iterable[str], *exclude: str) -> tuple[str, ...]:
    """`names` trimmed, without repeats (ignoring case) or any of `exclude`."""
    seen = {_surface(e).casefold() for e in exclude}
    out: list[str] = []
    for name in names:
        name = _surface(name)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return tuple(out)


def _merge(
    cards: Mapping[str, OutletCard],
    ranks: Mapping[str, int],
    id_aliases: Mapping[str, str],
    extra: Iterable[OutletCard],
) -> tuple[dict[str, OutletCard], dict[str, int], dict[str, str]]:
    """`extra` merged over `cards` (see `OutletRegistry.with_outlets`); inputs are not changed."""
    out = dict(cards)
    out_ranks = dict(ranks)
    out_aliases = dict(id_aliases)
    rank = max(out_ranks.values(), default=0) + 1
    owner: dict[str, str] = {}  # host → id of the card holding it
    for card in out.values():
        for domain in card.domains:
            host = normalize_host(domain)
            if host:
                owner.setdefault(host, card.id)
    for new in extra:
        new = _clean_card(new)
        target = (
            new.id if new.id in out else next((owner[d] for d in new.domains if d in owner), None)
        )
        if target is not None:
            old = out.pop(target)
            if old.id != new.id:
                for former, current in list(out_aliases.items()):
                    if current == old.id:
                        out_aliases[former] = new.id
                out_aliases[old.id] = new.id
            new = _merge_cards(old, new)
        for domain in new.domains:
            holder = owner.get(domain)
            if holder is not None and holder != new.id and holder in out:
                other = out[holder]
                kept = tuple(d for d in other.domains if normalize_host(d) != domain)
                out[holder] = replace(other, domains=kept)
            owner[domain] = new.id
        out[new.id] = new
        out_ranks[new.id] = rank
    return out, out_ranks, out_aliases


def _merge_cards(old: OutletCard, new: OutletCard) -> OutletCard:
    """`new` over `old`: new id, name and stated facts; unknown facts keep `old`'s values."""

    def fact(new_fact: Fact, old_fact: Fact) -> Fact:
        return new_fact if new_fact.value else old_fact

    domains = list(new.domains)
    domains += [d for d in (normalize_host(x) for x in old.domains) if d and d not in domains]
    return OutletCard(
        id=new.id,
        name=new.name,
        domains=tuple(domains),
        aliases=_unique((*new.aliases, *old.aliases, old.name), new.name),
        country=fact(new.country, old.country),
        owner=fact(new.owner, old.owner),
        state_media=fact(new.state_media, old.state_media),
        reliability=fact(new.reliability, old.reliability),
        language=new.language or old.language,
    )


# ---------------------------------------------------------------- package data

_OVERRIDE_KEYS = frozenset(
    {"id", "name", "aliases", "domains", "country", "owner", "state_media", "language"}
    | {"source", "sources", "note"}
)
_FACTS = ("country", "owner", "state_media")


def load_overrides(text: str) -> list[OutletCard]:
    """Cards from the overrides YAML (`outlets:` list); each stated fact carries its `source`."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(text, Loader=loader) or {}
    cards: list[OutletCard] = []
    for entry in data.get("outlets") or ():
        unknown = set(entry) - _OVERRIDE_KEYS
        if unknown:
            raise ValueError(f"outlet override {entry.get('id')!r}: unknown keys {sorted(unknown)}")
        per_fact: dict[str, str] = dict(entry.get("sources") or {})
        facts: dict[str, Fact] = {}
        for name in _FACTS:
            value = entry.get(name)
            source = per_fact.get(name) or entry.get("source")
            if value and not source:
                raise ValueError(f"outlet override {entry['id']!r}: {name} has no source")
            facts[name] = Fact(str(value), str(source)) if value else Fact(None)
        cards.append(
            OutletCard(
                id=str(entry["id"]),
                name=str(entry["name"]),
                domains=tuple(str(d) for d in entry.get("domains") or ()),
                aliases=tuple(str(a) for a in entry.get("aliases") or ()),
                language=entry.get("language"),
                **facts,
            )
        )
    return cards


def _source_text(source: str | Mapping[str, str], line: int | None) -> str:
    """A dataset's label, with the URL of the row a card's fact comes from when it is known:
    "ASD State Media Matrix (MIT), line 362: https://github.com/…/State_Media_Matrix.csv…#L362"."""
    if isinstance(source, str):
        return source
    label, row_url = source["label"], source.get("row_url")
    if line is None or not row_url:
        return label
    return f"{label}, line {line}: {row_url.format(line=line)}"


def _cards_from_data(data: Mapping[str, Any]) -> list[OutletCard]:
    """Cards from the compact outlets.json: source codes expand to their full source strings
    (with the dataset row when the card names its line under "rows")."""
    sources: Mapping[str, str | Mapping[str, str]] = data["sources"]
    cards: list[OutletCard] = []
    for item in data["cards"]:
        # "src": one source code for every fact of the card, or {fact: code}
        raw_src: str | Mapping[str, str] = item.get("src") or {}
        src = dict.fromkeys(_FACTS, raw_src) if isinstance(raw_src, str) else raw_src
        rows: Mapping[str, int] = item.get("rows") or {}

        def fact(
            name: str,
            item: Mapping[str, Any] = item,
            src: Mapping[str, str] = src,
            rows: Mapping[str, int] = rows,
        ) -> Fact:
            value = item.get(name)
            if not value:
                return Fact(None)
            code = src[name]
            return Fact(value, _source_text(sources[code], rows.get(code)))

        cards.append(
            OutletCard(
                id=item["id"],
                name=item["name"],
                domains=tuple(item.get("domains") or ()),
                aliases=tuple(item.get("aliases") or ()),
                country=fact("country"),
                owner=fact("owner"),
                state_media=fact("state_media"),
                language=item.get("language"),
            )
        )
    return cards


@functools.cache
def _default_registry() -> OutletRegistry:
    package = resources.files("bot") / "data"
    data = json.loads((package / _DATA_FILE).read_text(encoding="utf-8"))
    overrides = load_overrides((package / _OVERRIDES_FILE).read_text(encoding="utf-8"))
    reliability = {str(k): int(v) for k, v in data.get("reliability", {}).items()}
    base = {card.id: card for card in _cards_from_data(data)}
    cards, ranks, id_aliases = _merge(base, {}, {}, overrides)
    return OutletRegistry(
        cards.values(), reliability=reliability, ranks=ranks, id_aliases=id_aliases
    )
