"""Tests of the outlet registry (bot/context/outlets.py) and its build script.

Registry tests run on the real package data (bot/data/outlets.json + outlet_overrides.yaml);
build-script tests feed its pure functions a few inline rows, so nothing here reads ../shared.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from bot.context.outlets import (
    RELIABILITY_SOURCE,
    OutletRegistry,
    is_public_suffix,
    load_overrides,
    name_key,
    normalize_host,
)
from bot.models import Fact, OutletCard

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "seed_radiohc.txt"
ASD = "ASD State Media Matrix (MIT)"
FREEBIE = "freebie websources (MIT)"
ASD_CSV = (
    "https://github.com/ASD-at-GMF/state-media-profiles/blob/d878fee1e0ae/State_Media_Matrix.csv"
)
FEEDS_FILE = ROOT / "feeds.yaml"


def asd_row(line: int) -> str:
    """The source string of a fact from line `line` of the pinned ASD matrix."""
    return f"{ASD}, line {line}: {ASD_CSV}?plain=1#L{line}"


# A source a reader can open: a URL (Wikipedia, the outlet's about page, the ASD or freebie row),
# never a bare dataset or file name such as "newsbot overrides".
_CHECKABLE_RE = re.compile(r"(?:^|: )https://[^\s/]+\.[a-z]{2,}/\S+$")


def checkable(source: str | None) -> bool:
    return bool(source) and _CHECKABLE_RE.search(source or "") is not None


@pytest.fixture(scope="module")
def registry() -> OutletRegistry:
    return OutletRegistry.default()


@pytest.fixture(scope="module")
def build() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location(
        "build_outlets", ROOT / "scripts/build_outlets.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_outlets"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("build_outlets", None)


def mentions(registry: OutletRegistry, text: str) -> list[tuple[str, str]]:
    return [(text[start:end], card.id) for start, end, card in registry.find_in_text(text)]


# ---------------------------------------------------------------- domains


@pytest.mark.parametrize("query", ["radiohc.cu", "https://www.radiohc.cu/en/rss.xml"])
def test_radiohc_by_domain(registry: OutletRegistry, query: str) -> None:
    card = registry.by_domain(query)
    assert card is not None
    assert card.name == "Radio Habana Cuba"
    assert card.country.value == "Cuba"
    assert card.state_media.value == "state-controlled"
    assert card.owner.value == "Cuban Institute of Radio and Television (ICRT)"
    assert card.state_media.source == asd_row(680).replace(
        "line 680:", "line 680 (its owner ICRT, state-controlled):"
    )
    assert card.owner.source == "https://en.wikipedia.org/wiki/Radio_Havana_Cuba"


def test_tass_by_domain(registry: OutletRegistry) -> None:
    card = registry.by_domain("tass.com")
    assert card is not None and card.id == "tass"
    assert (card.name, card.country.value) == ("TASS", "Russia")
    assert card.state_media == Fact("state-controlled", asd_row(362))  # the data's ASD row
    assert card.owner == Fact("Government of Russia", "https://en.wikipedia.org/wiki/TASS")
    assert card.reliability == Fact("generally unreliable", RELIABILITY_SOURCE)
    assert registry.by_domain("WWW.TASS.COM") is card
    assert registry.by_domain("tass.ru") is card


@pytest.mark.parametrize(
    "query",
    [
        "feeds.a.dj.com",
        "www.wsj.com",
        "https://www.wsj.com:443/articles/some-story?mod=rss",
        "https://feeds.a.dj.com/rss/RSSWorldNews.xml",
        "//wsj.com/news",
        "user@www.wsj.com",
    ],
)
def test_wsj_by_domain(registry: OutletRegistry, query: str) -> None:
    card = registry.by_domain(query)
    assert card is not None and card.id == "wsj"
    assert card.name == "The Wall Street Journal"
    assert card.country.value == "United States"
    assert card.owner.value == "Dow Jones & Company, part of News Corp"
    assert card.reliability.value == "generally reliable"


def test_subdomains_and_feed_hosts_resolve(registry: OutletRegistry) -> None:
    bbc = registry.get("bbc")
    assert bbc is not None
    assert registry.by_domain("feeds.bbci.co.uk") is bbc
    assert registry.by_domain("http://news.bbc.co.uk/x") is bbc
    assert registry.by_domain("rss.cnn.com") is registry.get("cnn")


@pytest.mark.parametrize(
    "query",
    [
        *("co.uk", "com", "uk", "", "   ", "example.org", "news.example.co.uk"),
        *("feeds.feedburner.com", "not a url", "http://[::1]/feed", "gov.cn", "localhost"),
    ],
)
def test_unknown_or_suffix_domain_is_none(registry: OutletRegistry, query: str) -> None:
    assert registry.by_domain(query) is None


def test_normalize_host_and_public_suffix() -> None:
    assert normalize_host("https://WWW.RadioHC.cu:8080/en/rss.xml") == "radiohc.cu"
    assert normalize_host("www2.example.com.") == "example.com"
    assert normalize_host("feeds.a.dj.com/rss") == "feeds.a.dj.com"
    assert normalize_host("") is None
    assert is_public_suffix("co.uk") and is_public_suffix("com") and is_public_suffix("gob.ve")
    assert not is_public_suffix("go.com") and not is_public_suffix("bbc.co.uk")


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("text", "outlet_id"),
    [
        ("The Wall Street Journal", "wsj"),
        ("Wall Street Journal", "wsj"),
        ("the wall street journal", "wsj"),
        ("The Wall Street Journal's", "wsj"),
        ("WSJ", "wsj"),
        ("Reuters", "reuters"),
        ("TASS", "tass"),
        ("ITAR-TASS", "tass"),
        ("Russia Today", "rt"),
        ("RHC", "radiohc"),
        ("Radio Havana Cuba", "radiohc"),
        ("Associated Press", "ap"),
        ("AP", "ap"),
        ("Deutsche Welle", "dw"),
    ],
)
def test_by_name(registry: OutletRegistry, text: str, outlet_id: str) -> None:
    card = registry.by_name(text)
    assert card is not None and card.id == outlet_id


@pytest.mark.parametrize("text", ["the Journal", "Journal", "Radio Nacional", "", "Nobody News"])
def test_by_name_unknown_or_ambiguous(registry: OutletRegistry, text: str) -> None:
    assert registry.by_name(text) is None


def test_name_key() -> None:
    assert name_key("  The  Wall Street Journal’s ") == "wall street journal"
    assert name_key("Reuters'") == "reuters"


# ---------------------------------------------------------------- text


def test_find_in_text_seed_article(registry: OutletRegistry) -> None:
    text = SEED.read_text(encoding="utf-8")
    found = mentions(registry, text)
    wsj = [m for m in found if m[1] == "wsj"]
    assert len(wsj) == 3
    assert all(surface == "The Wall Street Journal" for surface, _ in wsj)
    assert ("RHC", "radiohc") in found
    assert ("Radio Habana Cuba", "radiohc") in found
    spans = [(start, end) for start, end, _ in registry.find_in_text(text)]
    assert spans == sorted(spans)
    assert all(end <= nxt for (_, end), (nxt, _) in itertools.pairwise(spans))


@pytest.mark.parametrize(
    "text",
    [
        "Their rapport was good.",
        "The RTX 4090 graphics card",
        "the ap style of writing",
        "Art and support staff",
        "an apartment in Tashkent",
        "the washington post office",
        "the nation's capital",
        "Iran denies the report.",  # ASD lists a daily called "Iran": not matched in text
        "DR Congo and the MENA region",
        "Times Square at times",
        "wsj",
    ],
)
def test_find_in_text_no_false_hits(registry: OutletRegistry, text: str) -> None:
    assert mentions(registry, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Follow the AP style.", [("AP", "ap")]),
        ("RT reported, RTX did not", [("RT", "rt")]),
        ("RT International said", [("RT International", "rt")]),
        ("Sputnik News said", [("Sputnik News", "sputnik")]),
        ("a Wall Street Journal report", [("Wall Street Journal", "wsj")]),
        ("as the WSJ's sources said", [("WSJ", "wsj")]),
        ("REUTERS SAYS", [("REUTERS", "reuters")]),
        ("Itar-Tass said", [("Itar-Tass", "tass")]),
        ("The Wall\nStreet Journal", [("The Wall\nStreet Journal", "wsj")]),
        (
            "Reuters, the Associated Press and AFP",
            [("Reuters", "reuters"), ("the Associated Press", "ap"), ("AFP", "afp")],
        ),
    ],
)
def test_find_in_text_matches(
    registry: OutletRegistry, text: str, expected: list[tuple[str, str]]
) -> None:
    assert mentions(registry, text) == expected


def test_find_in_text_is_fast(registry: OutletRegistry) -> None:
    words = SEED.read_text(encoding="utf-8").split()
    article = " ".join(words[i % len(words)] for i in range(1000))
    registry.find_in_text("warm up")  # compiles the regex once
    runs = []
    for _ in range(20):
        start = time.perf_counter()
        registry.find_in_text(article)
        runs.append(time.perf_counter() - start)
    assert sorted(runs)[len(runs) // 2] < 0.005  # about 0.3 ms on a laptop; generous for CI


# ---------------------------------------------------------------- lookup


@pytest.mark.parametrize(
    ("query", "outlet_id"),
    [
        ("wsj.com", "wsj"),
        ("https://tass.com/politics/1", "tass"),
        ("feeds.bbci.co.uk", "bbc"),
        ("The Wall Street Journal", "wsj"),
        ("wall-street  journal", "wsj"),
        ("W.S.J.", "wsj"),
        ("radio habana cuba!", "radiohc"),
        ("radiohc", "radiohc"),
    ],
)
def test_lookup(registry: OutletRegistry, query: str, outlet_id: str) -> None:
    card = registry.lookup(query)
    assert card is not None and card.id == outlet_id


@pytest.mark.parametrize("query", ["", "unknown-outlet.example", "Nobody News"])
def test_lookup_unknown(registry: OutletRegistry, query: str) -> None:
    assert registry.lookup(query) is None


# ---------------------------------------------------------------- cards


def test_card_line_and_dict(registry: OutletRegistry) -> None:
    card = registry.by_domain("radiohc.cu")
    assert card is not None
    assert card.line() == "Radio Habana Cuba · Cuba · state-controlled (ICRT)"
    data = card.to_dict()
    assert {"name", "country", "owner", "state_media", "sources"} <= set(data)
    assert data["reliability"] == "unknown"
    assert set(data["sources"]) == {"country", "owner", "state_media"}
    assert OutletCard.from_dict(data) == card
    wsj = registry.get("wsj")
    assert wsj is not None and wsj.line() == (
        "The Wall Street Journal · United States · privately owned"
        " (Dow Jones & Company, part of News Corp)"
    )


def test_every_fact_has_a_source(registry: OutletRegistry) -> None:
    assert len(registry) > 1500
    for card in registry:
        for fact in (card.country, card.owner, card.state_media, card.reliability):
            assert (fact.value is None) == (fact.source is None), card.id
        assert card.name.strip() == card.name and card.id


def test_default_is_cached_and_fast() -> None:
    start = time.perf_counter()
    first = OutletRegistry.default()
    assert OutletRegistry.default() is first
    assert time.perf_counter() - start < 1.0  # ~60 ms cold; cached afterwards


def test_package_data_ships_no_stance_data() -> None:
    shipped = {p.name for p in (ROOT / "bot" / "data").iterdir()}
    assert {"outlets.json", "outlet_overrides.yaml", "ATTRIBUTION.md"} <= shipped
    assert not any("fnc" in n.lower() or "emergent" in n.lower() for n in shipped)


# ---------------------------------------------------------------- merging


def test_with_outlets_merges_by_id_and_keeps_unknown_facts(registry: OutletRegistry) -> None:
    extra = OutletCard(id="radiohc", name="Radio Havana Cuba", language="en")
    merged = registry.with_outlets([extra])
    card = merged.get("radiohc")
    assert card is not None
    assert card.name == "Radio Havana Cuba" and card.language == "en"
    assert card.country.value == "Cuba" and card.state_media.value == "state-controlled"
    assert "Radio Habana Cuba" in card.aliases
    assert merged.by_domain("radiohc.cu") is card
    assert merged.by_name("Radio Habana Cuba") is card
    assert len(merged) == len(registry)
    original = registry.get("radiohc")
    assert original is not None and original.name == "Radio Habana Cuba"  # registry unchanged


def test_with_outlets_merges_by_domain_and_overrides_stated_facts(
    registry: OutletRegistry,
) -> None:
    extra = OutletCard(
        id="tass-feed",
        name="TASS English",
        domains=("https://tass.com/rss/v2.xml",),
        owner=Fact("Russian government", "feeds.yaml"),
    )
    merged = registry.with_outlets([extra])
    card = merged.get("tass-feed")
    assert card is not None
    assert merged.get("tass") is card  # former id still resolves
    assert card.owner == Fact("Russian government", "feeds.yaml")
    assert card.state_media == Fact("state-controlled", asd_row(362))
    assert card.domains[0] == "tass.com" and "tass.ru" in card.domains
    assert merged.by_domain("tass.ru") is card
    assert merged.by_name("TASS") is card and merged.by_name("TASS English") is card


def test_with_outlets_adds_and_takes_domains(registry: OutletRegistry) -> None:
    new = OutletCard(id="wsj-world", name="WSJ World News", domains=("feeds.a.dj.com",))
    fresh = OutletCard(id="local", name="Gazette of Nowhere", domains=("nowhere.example",))
    merged = registry.with_outlets([fresh])
    assert merged.by_domain("news.nowhere.example") == fresh
    assert len(merged) == len(registry) + 1
    # feeds.a.dj.com belongs to the WSJ card: an extra card claiming it merges into it
    merged = registry.with_outlets([new])
    card = merged.by_domain("feeds.a.dj.com")
    assert card is not None and card.id == "wsj-world"
    assert card.country.value == "United States"
    assert card.reliability.value == "generally reliable"


def test_ranks_and_ambiguity_in_a_small_registry() -> None:
    a = OutletCard(id="a", name="Daily News", domains=("a.example",), country=Fact("X", "s"))
    b = OutletCard(id="b", name="Daily News", domains=("b.example",))
    small = OutletRegistry([a, b], reliability={"b.example": -2})
    assert small.by_name("Daily News") is None  # two equal cards share it
    assert mentions(small, "The Daily News said") == []
    assert small.get("b") is not None
    b_card = small.get("b")
    assert b_card is not None and b_card.reliability.value == "deprecated"
    curated = small.with_outlets([OutletCard(id="c", name="Daily News", domains=("c.example",))])
    c_card = curated.by_name("daily news")
    assert c_card is not None and c_card.id == "c"
    assert mentions(curated, "the Daily News said") == [("Daily News", "c")]
    assert len(OutletRegistry([])) == 0 and OutletRegistry([]).find_in_text("AP") == []


# ---------------------------------------------------------------- overrides file


def test_overrides_file_states_sources() -> None:
    text = (ROOT / "bot" / "data" / "outlet_overrides.yaml").read_text(encoding="utf-8")
    cards = load_overrides(text)
    ids = [c.id for c in cards]
    assert len(ids) == len(set(ids))
    assert {"radiohc", "wsj", "tass", "rt", "reuters", "ap", "bbc", "xinhua"} <= set(ids)
    wsj = next(c for c in cards if c.id == "wsj")
    assert "the Journal" not in wsj.aliases


def test_overrides_reject_bad_entries() -> None:
    with pytest.raises(ValueError, match="unknown keys"):
        load_overrides("outlets:\n  - {id: x, name: X, contry: Cuba, source: s}\n")
    with pytest.raises(ValueError, match="no source"):
        load_overrides("outlets:\n  - {id: x, name: X, country: Cuba}\n")


# ---------------------------------------------------------------- build script

ASD_ROWS = [
    {
        "Country": "Russia",
        "Media company": "TASS",
        "Main assets": "TASS",
        "URL": "https://tass.com/",
        "Typology": "SC",
    },
    {
        "Country": "Russia",
        "Media company": "TASS",
        "Main assets": "TASS",
        "URL": "https://tass.ru/",
        "Typology": "SC",
    },
    {
        "Country": "Cuba",
        "Media company": "Cuban Institute of Radio and Television (ICRT)",
        "Main assets": "Radio Cubana",
        "URL": "http://www.radiocubana.cu/",
        "Typology": "SC",
    },
    {
        "Country": "Cuba",
        "Media company": "Prensa Latina",
        "Main assets": "News agency: Prensa Latina",
        "URL": "http://www.prensa-latina.cu/",
        "Typology": "SC",
    },
    {
        "Country": "Cuba",
        "Media company": "Prensa Latina",
        "Main assets": "Print media: Orbe",
        "URL": "http://www.prensa-latina.cu/",
        "Typology": "SC",
    },
    {
        "Country": "Germany",
        "Media company": "Deutsche Welle (DW)",
        "Main assets": "DW",
        "URL": "http://www.dw.com/",
        "Typology": "ISF",
    },
    {
        "Country": "United States of America",
        "Media company": "Voice of America",
        "Main assets": "Golos Ameriki (Voice of America in Russian)",
        "URL": "https://golosameriki.com/",
        "Typology": "ISFM?",
    },
]
FREEBIE_ROWS = [
    {"name": "Deutsche Welle", "language": "en", "cca": "DE", "url": "http://www.dw.com/"},
    {"name": "TASS", "language": "en", "cca": "RU", "url": "http://tass.com/"},
    {"name": "Wall Street Journal", "language": "en", "cca": "us", "url": "http://www.wsj.com/"},
    {"name": "Wall Street Journal", "language": "en", "cca": "US", "url": "https://www.wsj.com/"},
    {"name": "France 24 (en)", "language": "en", "cca": "FR", "url": "http://www.france24.com/"},
    {"name": "El Pa\ufffd_s", "language": "es", "cca": "ES", "url": "http://elpais.com/"},
    {"name": "Nowhere Post", "language": "en", "cca": "ZZ", "url": ""},
]
RSP = {"tass.com": -1, "wsj.com": 1, "www.dw.com": 1, "bad.example": 7}


def test_build_pure_helpers(build: ModuleType) -> None:
    assert build.split_name("China Central Television (CCTV)") == (
        "China Central Television",
        ["CCTV"],
    )
    assert build.split_name("News agency: Prensa Latina") == ("Prensa Latina", [])
    assert build.split_name("People's Daily (English)") == ("People's Daily (English)", [])
    assert build.split_name("France 24 (en)") == ("France 24", [])
    assert build.split_name("Radio-Television of BiH (RTVFBiH") == (
        "Radio-Television of BiH",
        ["RTVFBiH"],
    )
    assert build.typology_words("SC") == "state-controlled"
    assert build.typology_words("CaPr") == "captured private media"
    assert build.typology_words("ISFM?") == (
        "independent but state-funded and state-managed (uncertain in source)"
    )
    assert build.typology_words("") is None
    assert build.country_name("us") == "United States"
    assert build.country_name("UK") == "United Kingdom"
    assert build.country_name("ZZ") is None
    assert build.site_domain("www.SouthSudanTV.net") == "southsudantv.net"
    assert build.site_domain("") is None
    assert build.owner_of("TASS", "TASS") is None
    assert build.owner_of("RT", "RT Deutsch") is None
    assert build.owner_of("British Broadcasting Corporation (BBC)", "BBC") is None
    assert build.owner_of("France Médias Monde", "France24") == "France Médias Monde"
    assert build.names_match("Deutsche Welle", "DW")
    assert build.names_match("Pagina 12", "Página 12")
    assert not build.names_match("Televison de Galicia", "Radio Galega")
    assert build.slugify("Radio Habana Cuba") == "radio-habana-cuba"


def test_build_document(build: ModuleType) -> None:
    log: list[str] = []
    doc = build.build(ASD_ROWS, FREEBIE_ROWS, RSP, log.append)
    cards = {c["id"]: c for c in doc["cards"]}
    assert [c["id"] for c in doc["cards"]] == sorted(cards)
    tass = cards["tass"]
    assert tass["domains"] == ["tass.com", "tass.ru"]  # rows grouped by asset
    assert tass["state_media"] == "state-controlled" and tass["country"] == "Russia"
    assert tass["src"] == "asd" and "owner" not in tass
    assert tass["language"] == "en"  # from freebie, merged by domain
    assert cards["radio-cubana"]["owner"] == "Cuban Institute of Radio and Television (ICRT)"
    assert cards["prensa-latina"]["domains"] == ["prensa-latina.cu"]
    assert "domains" not in cards["orbe"]  # the shared domain stays with the first asset
    assert cards["dw"]["aliases"] == ["Deutsche Welle"]
    assert "owner" not in cards["dw"]  # "Deutsche Welle (DW)" only restates the asset
    assert cards["golos-ameriki"]["country"] == "United States"
    assert cards["golos-ameriki"]["aliases"] == ["Voice of America in Russian"]
    wsj = cards["wall-street-journal"]  # two freebie rows, one card
    assert wsj["country"] == "United States" and wsj["src"] == "freebie"
    assert cards["france-24"]["name"] == "France 24"
    assert cards["el-pais"]["name"] == "El País"
    assert "country" not in cards["nowhere-post"]
    assert doc["reliability"] == {"dw.com": 1, "tass.com": -1, "wsj.com": 1}
    assert doc["sources"]["asd"]["label"] == ASD
    assert "rows" not in tass  # these inline rows carry no line numbers
    assert any("prensa-latina.cu" in line for line in log)
    assert any("'ZZ'" in line for line in log)


def test_build_is_deterministic_and_loads(build: ModuleType) -> None:
    first = build.dumps(build.build(ASD_ROWS, FREEBIE_ROWS, RSP, lambda _: None))
    second = build.dumps(build.build(list(ASD_ROWS), list(FREEBIE_ROWS), dict(RSP), print))
    assert first == second
    data = json.loads(first)
    assert data["cards"] and first.endswith("}\n")
    from bot.context.outlets import _cards_from_data

    small = OutletRegistry(_cards_from_data(data), reliability=data["reliability"])
    card = small.by_domain("https://tass.com/")
    assert card is not None and card.state_media == Fact("state-controlled", ASD)
    assert card.reliability.value == "generally unreliable"
    mixed = {
        "sources": {"asd": ASD, "freebie": FREEBIE},
        "cards": [
            {
                "id": "x",
                "name": "X",
                "country": "Cuba",
                "owner": "Y",
                "src": {"country": "freebie", "owner": "asd"},
            }
        ],
    }
    (x,) = _cards_from_data(mixed)
    assert x.country == Fact("Cuba", FREEBIE) and x.owner == Fact("Y", ASD)
    assert x.state_media == Fact(None)
