"""Tests of the outlet registry (bot/context/outlets.py) and its build script.

Registry tests run on the real package data (bot/data/outlets.json + outlet_overrides.yaml);
build-script tests feed its pure functions a few inline rows, so nothing here reads ../shared.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
import subprocess
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
from bot.settings import load_feeds_file

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
    icrt = "https://statemediamonitor.com/2023/08/instituto-cubano-de-radio-y-television-icrt/"
    assert card.state_media.source == icrt and card.owner.source == icrt  # ASD's ICRT profile
    assert card.country.source == "https://en.wikipedia.org/wiki/Radio_Havana_Cuba"


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


# ---------------------------------------------------------------- cards people can check

# (name a reader types, a host the outlet publishes on, card id, country): issue #12 item 7.
READ_OUTLETS = [
    ("Le Monde", "www.lemonde.fr", "le-monde", "France"),
    ("Kyiv Independent", "https://kyivindependent.com/x", "kyiv-independent", "Ukraine"),
    ("Meduza", "meduza.io/en/news", "meduza", "Latvia"),
    ("Novaya Gazeta", "novayagazeta.ru", "novaya-gazeta", "Russia"),
    ("Novaya Gazeta Europe", "novayagazeta.eu", "novaya-gazeta-europe", "Latvia"),
    ("Cubadebate", "www.cubadebate.cu", "cubadebate", "Cuba"),
    ("14ymedio", "www.14ymedio.com", "14ymedio", "Cuba"),
    ("CiberCuba", "www.cibercuba.com", "cibercuba", "Spain"),
    ("Diario de Cuba", "diariodecuba.com", "diario-de-cuba", "Spain"),
    ("MercoPress", "https://en.mercopress.com/rss/", "mercopress", "Uruguay"),
    ("Interfax", "www.interfax.ru", "interfax", "Russia"),
    ("Kommersant", "www.kommersant.ru", "kommersant", "Russia"),
    ("NBC News", "www.nbcnews.com", "nbc-news", "United States"),
    ("ABC News (US)", "abcnews.go.com", "abc-news", "United States"),
    ("Times of Israel", "www.timesofisrael.com", "times-of-israel", "Israel"),
    ("Dawn", "www.dawn.com", "dawn", "Pakistan"),
    ("Yonhap", "en.yna.co.kr", "yonhap-news-agency", "South Korea"),
    # owners that were "unknown"
    ("TASS", "tass.ru", "tass", "Russia"),
    ("BBC", "feeds.bbci.co.uk", "bbc", "United Kingdom"),
    ("AP", "apnews.com", "ap", "United States"),
    ("Xinhua", "english.news.cn", "xinhua", "China"),
    ("DW", "rss.dw.com", "dw", "Germany"),
    ("The Guardian", "www.theguardian.com", "the-guardian", "United Kingdom"),
    ("Fox News", "www.foxnews.com", "fox-news", "United States"),
    ("teleSUR", "www.telesurtv.net", "telesur", "Venezuela"),
    ("Prensa Latina", "www.plenglish.com", "prensa-latina", "Cuba"),
    ("El País", "english.elpais.com", "el-pais-spain", "Spain"),
    ("El Mundo", "www.elmundo.es", "el-mundo", "Spain"),
    ("Euronews", "fr.euronews.com", "euronews", "France"),
    ("Politico", "www.politico.eu", "politico", "United States"),
    ("Haaretz", "www.haaretz.com", "haaretz", "Israel"),
]
# Facts no checkable source states: left unknown on purpose (the overrides' notes say why).
UNSTATED = {
    ("mercopress", "owner"),
    ("novaya-gazeta-europe", "owner"),
    ("cubadebate", "state_media"),
}


def assert_checkable_facts(card: OutletCard) -> None:
    """Country, owner and state-media status each stated with a source a reader can open."""
    for name, fact in card.facts()[:3]:
        if (card.id, name) in UNSTATED:
            assert fact == Fact(None), (card.id, name)
            continue
        assert fact.value, (card.id, name)
        assert checkable(fact.source), (card.id, name, fact.source)
        assert "newsbot overrides" not in (fact.source or "")


@pytest.mark.parametrize(("name", "host", "outlet_id", "country"), READ_OUTLETS)
def test_read_outlets_resolve_by_name_and_domain_with_sourced_facts(
    registry: OutletRegistry, name: str, host: str, outlet_id: str, country: str
) -> None:
    card = registry.lookup(name)
    assert card is not None and card.id == outlet_id
    assert registry.by_domain(host) is card
    assert registry.lookup(host) is card
    assert card.country.value == country
    assert_checkable_facts(card)
    assert card.language  # "ru, en": the languages it publishes in


def test_every_feed_in_feeds_yaml_has_a_checkable_card(registry: OutletRegistry) -> None:
    config = load_feeds_file(FEEDS_FILE, lambda outlet_id: registry.get(outlet_id) is not None)
    assert len(config.feeds) >= 15
    # facts declared in the feeds file would be shown as sourced to "feeds file": none are
    for outlet in config.outlets:
        assert (outlet.country, outlet.owner, outlet.state_media) == (None, None, None)
    for feed in config.feeds:
        card = registry.get(feed.outlet) if feed.outlet else registry.by_domain(feed.url)
        assert card is not None, feed.url
        assert_checkable_facts(card)


@pytest.mark.parametrize(
    ("alias", "outlet_id"),
    [
        ("ТАСС", "tass"),
        ("ИТАР-ТАСС", "tass"),
        ("РИА Новости", "ria-novosti"),
        ("Коммерсантъ", "kommersant"),
        ("Коммерсант", "kommersant"),
        ("Интерфакс", "interfax"),
        ("Медуза", "meduza"),
        ("Новая газета", "novaya-gazeta"),
        ("PL", "prensa-latina"),
        ("Agencia EFE", "efe"),
        ("新华社", "xinhua"),
        ("연합뉴스", "yonhap-news-agency"),
        ("ABC España", "abc-spain"),
        ("ABC Australia", "abc"),
    ],
)
def test_aliases_in_other_scripts_and_languages(
    registry: OutletRegistry, alias: str, outlet_id: str
) -> None:
    card = registry.lookup(alias)
    assert card is not None and card.id == outlet_id


@pytest.mark.parametrize(
    ("host", "outlet_id"),
    [
        ("plenglish.com", "prensa-latina"),
        ("https://www.prensa-latina.cu/2024/06/04/x", "prensa-latina"),
        ("telesurenglish.net", "telesur"),
        ("https://www.telesurtv.net/news/", "telesur"),
        ("rss.dw.com", "dw"),
        ("arabic.rt.com", "rt-arabic"),  # an edition ASD lists as an outlet of its own
        ("https://www.rt.com/news/1-x/", "rt"),
        ("economia.elpais.com", "el-pais-spain"),
        ("abcnews.com", "abc-news"),
        ("www.abc.net.au", "abc"),
        ("www.abc.es", "abc-spain"),
        ("edition.cnn.com", "cnn"),
    ],
)
def test_subdomains_and_regional_editions(
    registry: OutletRegistry, host: str, outlet_id: str
) -> None:
    card = registry.by_domain(host)
    assert card is not None and card.id == outlet_id


def test_a_sister_agency_on_its_own_domain_is_not_interfax(registry: OutletRegistry) -> None:
    card = registry.by_domain("interfax.com.ua")  # Interfax-Ukraine, a separate agency
    assert card is None or card.id != "interfax"


def test_ambiguous_name_lists_candidates(registry: OutletRegistry) -> None:
    assert registry.lookup("ABC") is None  # two curated cards are called just "ABC"
    found = [card.id for card in registry.candidates("ABC")]
    assert found[:2] == ["abc", "abc-spain"]  # exact names first, curated cards first
    assert "abc-news" in found and found.index("abc-news") > 1  # then "ABC …" names
    for card in registry.candidates("abc"):
        names = [name_key(n) for n in (card.name, *card.aliases)]
        assert any(n == "abc" or n.startswith("abc ") for n in names), card.id
    assert len(registry.candidates("El", limit=3)) == 3
    novaya = [card.id for card in registry.candidates("Novaya")]
    assert novaya[:2] == ["novaya-gazeta", "novaya-gazeta-europe"]


@pytest.mark.parametrize("query", ["", "   ", "Nobody News", "zzzz"])
def test_candidates_of_nothing(registry: OutletRegistry, query: str) -> None:
    assert registry.candidates(query) == []


def test_candidates_of_a_domain(registry: OutletRegistry) -> None:
    assert [card.id for card in registry.candidates("https://tass.com/x")] == ["tass"]


@pytest.mark.parametrize(
    "text",
    [
        "Troops moved at dawn. Dawn raids followed.",  # the Pakistani daily is never "found"
        "PL title race: Arsenal lead",  # nor Prensa Latina's initials
    ],
)
def test_everyday_names_are_not_matched_in_text(registry: OutletRegistry, text: str) -> None:
    assert mentions(registry, text) == []


def test_cyrillic_aliases_are_found_in_text(registry: OutletRegistry) -> None:
    text = "МОСКВА, 3 декабря. /ТАСС/. Как сообщает «Коммерсантъ» со ссылкой на РИА Новости"
    assert mentions(registry, text) == [
        ("ТАСС", "tass"),
        ("Коммерсантъ", "kommersant"),
        ("РИА Новости", "ria-novosti"),
    ]


def test_data_facts_cite_their_dataset_row(registry: OutletRegistry) -> None:
    japan = registry.get("japan-today")
    assert japan is not None
    source = japan.country.source or ""
    assert source.startswith(f"{FREEBIE}, line ") and checkable(source)
    line = int(source.split("#L")[1])
    assert f"line {line}:" in source
    for card in registry:
        for _, fact in card.facts():
            assert fact.source is None or "newsbot overrides" not in fact.source, card.id


def test_build_records_the_line_of_each_row(build: ModuleType, tmp_path: Path) -> None:
    csv_path = tmp_path / "asd.csv"
    csv_path.write_text(
        "Country,Media company,Main assets,URL,Typology,Notes\n"
        'Russia,TASS,TASS,https://tass.com/,SC,"a note\nover two lines"\n'
        "Cuba,Granma,Granma,http://www.granma.cu/,SC,\n",
        encoding="utf-8",
    )
    rows = build.read_csv(csv_path)
    assert [row[build.LINE_KEY] for row in rows] == [2, 4]
    doc = build.build(rows, [], {}, lambda _: None)
    cards = {c["id"]: c for c in doc["cards"]}
    assert cards["granma"]["rows"] == {"asd": 4}
    from bot.context.outlets import _cards_from_data

    loaded = {card.id: card for card in _cards_from_data(json.loads(build.dumps(doc)))}
    assert loaded["granma"].state_media == Fact("state-controlled", asd_row(4))
    assert loaded["tass"].country == Fact("Russia", asd_row(2))


def test_cli_outlet_lists_candidates_and_finds_non_latin_aliases() -> None:
    def newsbot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "outlet", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    listed = newsbot("ABC")
    assert listed.returncode == 0 and "no outlet known" not in listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0] == "'ABC' may be any of:"
    assert any("ABC · Australia" in line and "[abc]" in line for line in lines)
    assert any("ABC · Spain · privately owned (Vocento)" in line for line in lines)
    assert any("ABC News · United States" in line for line in lines)
    as_json = json.loads(newsbot("ABC", "--json").stdout)
    assert [c["id"] for c in as_json["candidates"]][:2] == ["abc", "abc-spain"]
    tass = newsbot("ТАСС")
    assert tass.returncode == 0 and tass.stdout.startswith("TASS\n")
    assert "https://en.wikipedia.org/wiki/TASS" in tass.stdout
    unknown = newsbot("Nobody", "News")
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert unknown.stderr.strip() == "newsbot: no outlet known for 'Nobody News'"


@pytest.mark.parametrize(
    "host",
    [
        *("www.404media.co", "www.csmonitor.com", "www.boston.com", "www.cnet.com"),
        *("mashable.com", "www.vox.com", "www.ilmessaggero.it", "www.nbcnewyork.com"),
        *("www.cbsnews.com", "www.economist.com", "foreignpolicy.com", "www.newyorker.com"),
        *("www.wired.com", "www.spiegel.de", "www.ndtv.com", "www.businessinsider.com"),
        *("www.huffpost.com", "news.yahoo.com", "news.sky.com", "www.bild.de"),
        *("www.corriere.it", "www.hindustantimes.com", "www.japantimes.co.jp"),
        *("www.smh.com.au", "www.theglobeandmail.com", "www.clarin.com", "www.infobae.com"),
        *("www1.folha.uol.com.br", "oglobo.globo.com", "www.bloomberg.com", "www.axios.com"),
    ],
)
def test_widely_read_outlets_have_sourced_owners(registry: OutletRegistry, host: str) -> None:
    card = registry.by_domain(host)
    assert card is not None, host
    assert_checkable_facts(card)
