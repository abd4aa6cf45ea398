#!/usr/bin/env python3
"""Build `bot/data/outlets.json`, the outlet registry's package data, from the shared datasets.

This script owns the translation of three public datasets into compact outlet cards:

* ASD State Media Matrix (MIT): country, owner ("Media company") and state-media typology;
  one card per asset ("Main assets") and country, holding every domain its rows list;
* freebie websources (MIT): name, ISO country and language per site; merged into the ASD card
  owning the same domain (ASD facts win), or added as a card of its own;
* Wikipedia perennial sources via idiap/News-Media-Reliability (CC BY-SA 4.0): domain →
  editors' reliability score, shipped as a table the registry applies at load time.

Each card records the CSV line of the row its ASD / freebie facts come from ("rows"), so the
registry cites that row's URL at the pinned commit. Precedence on conflicts: overrides (applied
at run time by `bot.context.outlets`), then ASD, then freebie. Conflicts are logged to stderr.
The output is deterministic (sorted keys, stable order, no timestamps), one card per line so
diffs stay readable.

Usage: python scripts/build_outlets.py [--data DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bot.context.outlets import is_public_suffix, name_key, normalize_host  # noqa: E402

ASD_FILE = "asd_state_media_matrix.csv"
FREEBIE_FILE = "freebie_websources.csv"
RSP_FILE = "wikipedia_rsp_domains_idiap.json"

# Each dataset's label and the URL of one line of the pinned file, so a reader can open the very
# row a fact comes from (GitHub shows line N of a CSV with "?plain=1#LN").
SOURCES: dict[str, dict[str, str]] = {
    "asd": {
        "label": "ASD State Media Matrix (MIT)",
        "row_url": "https://github.com/ASD-at-GMF/state-media-profiles/blob/d878fee1e0ae/"
        "State_Media_Matrix.csv?plain=1#L{line}",
    },
    "freebie": {
        "label": "freebie websources (MIT)",
        "row_url": "https://github.com/savkov/freebie/blob/ece4dd58b16e/"
        "freebie/websources.csv?plain=1#L{line}",
    },
}
LINE_KEY = "_line"  # read_csv's extra key: the file line a row starts on

# ASD / State Media Monitor typology codes in plain words.
TYPOLOGY: dict[str, str] = {
    "SC": "state-controlled",
    "CaPu": "captured public media",
    "CaPr": "captured private media",
    "ISFM": "independent but state-funded and state-managed",
    "ISF": "independent but state-funded",
    "ISM": "independent but state-managed",
    "IP": "independent public media",
}

# ASD country spellings made consistent with the ISO names below.
ASD_COUNTRIES: dict[str, str] = {
    "United States of America": "United States",
    "UAE": "United Arab Emirates",
    "Europen Union": "European Union",
    "Palestine territories": "Palestine",
}

# English short names (ASD's spelling where ASD has the country) for the ISO 3166-1 codes that
# freebie uses; "UK" is freebie's non-ISO spelling of GB.
ISO_COUNTRIES: dict[str, str] = {
    "AE": "United Arab Emirates", "AG": "Antigua and Barbuda", "AM": "Armenia",
    "AR": "Argentina", "AT": "Austria", "AU": "Australia", "AZ": "Azerbaijan",
    "BD": "Bangladesh", "BE": "Belgium", "BG": "Bulgaria", "BH": "Bahrain", "BM": "Bermuda",
    "BR": "Brazil", "BS": "Bahamas", "BW": "Botswana", "BY": "Belarus", "BZ": "Belize",
    "CA": "Canada", "CH": "Switzerland", "CM": "Cameroon", "CN": "China", "CO": "Colombia",
    "CR": "Costa Rica", "CU": "Cuba", "CY": "Cyprus", "CZ": "Czechia", "DE": "Germany",
    "DK": "Denmark", "DO": "Dominican Republic", "DZ": "Algeria", "EE": "Estonia",
    "EG": "Egypt", "ER": "Eritrea", "ES": "Spain", "FI": "Finland", "FR": "France",
    "GB": "United Kingdom", "GD": "Grenada", "GE": "Georgia", "GH": "Ghana",
    "GM": "The Gambia", "GR": "Greece", "GU": "Guam", "GY": "Guyana", "HK": "Hong Kong",
    "HT": "Haiti", "ID": "Indonesia", "IE": "Ireland", "IL": "Israel", "IN": "India",
    "IR": "Iran", "IS": "Iceland", "IT": "Italy", "JM": "Jamaica", "JO": "Jordan",
    "JP": "Japan", "KE": "Kenya", "KH": "Cambodia", "KN": "Saint Kitts and Nevis",
    "KR": "South Korea", "KW": "Kuwait", "KY": "Cayman Islands", "KZ": "Kazakhstan",
    "LB": "Lebanon", "LC": "Saint Lucia", "LK": "Sri Lanka", "LS": "Lesotho",
    "LU": "Luxembourg", "LY": "Libya", "MM": "Myanmar", "MO": "Macao", "MS": "Montserrat",
    "MT": "Malta", "MV": "Maldives", "MW": "Malawi", "MX": "Mexico", "MY": "Malaysia",
    "NG": "Nigeria", "NL": "Netherlands", "NO": "Norway", "NP": "Nepal",
    "NZ": "New Zealand", "PE": "Peru", "PH": "Philippines", "PK": "Pakistan",
    "PS": "Palestine", "PY": "Paraguay", "QA": "Qatar", "RO": "Romania", "RS": "Serbia",
    "RU": "Russia", "RW": "Rwanda", "SD": "Sudan", "SE": "Sweden", "SG": "Singapore",
    "SK": "Slovakia", "SL": "Sierra Leone", "SS": "South Sudan", "SY": "Syria",
    "SZ": "Eswatini", "TH": "Thailand", "TJ": "Tajikistan", "TL": "Timor-Leste",
    "TN": "Tunisia", "TO": "Tonga", "TR": "Turkey", "TW": "Taiwan", "TZ": "Tanzania",
    "UA": "Ukraine", "UG": "Uganda", "UK": "United Kingdom", "US": "United States",
    "UY": "Uruguay", "UZ": "Uzbekistan", "VC": "Saint Vincent and the Grenadines",
    "VE": "Venezuela", "VN": "Vietnam", "YE": "Yemen", "ZA": "South Africa",
    "ZM": "Zambia", "ZW": "Zimbabwe",
}  # fmt: skip

# freebie names whose accents were lost to a bad re-encoding upstream, spelled as the outlets do.
FREEBIE_NAME_FIXES: dict[str, str] = {
    "Cinco D\ufffd_as": "Cinco Días",
    "Expansi\ufffd_n": "Expansión",
    "Huffington Post Espa\u0331a": "Huffington Post España",
    "La Raz\ufffd_n Espa\u0331a": "La Razón España",
    "Clar\ufffd_n": "Clarín",
    "\ufffd_ltimas Noticias": "Últimas Noticias",
    "Exc\u0329lsior": "Excélsior",
    "El Pa\ufffd_s": "El País",
    "El Economista M\u0329xico": "El Economista México",
}
_BROKEN_RE = re.compile("[\ufffd\u0329\u0331]")

# "News agency: Prensa Latina" → "Prensa Latina".
_ASSET_PREFIX_RE = re.compile(
    r"^(?:print media|print|television|news agency|radio|online|news portals)\s*:\s*",
    re.IGNORECASE,
)
# Parentheses that qualify a name rather than give another name for it.
_QUALIFIER_RE = re.compile(
    r"^(?:english|chinese|french|spanish|japanese|russian|arabic|korean|german|portuguese"
    r"|en|es|fr|de|.*\bedition|control\b.*)$",
    re.IGNORECASE,
)

Log = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


@dataclass
class Draft:
    """A card under construction: values plus the source code of each fact."""

    id: str
    name: str
    domains: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    country: str | None = None
    owner: str | None = None
    state_media: str | None = None
    language: str | None = None
    src: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # source code → line of its row

    def set_fact(self, name: str, value: str | None, source: str, line: int | None = None) -> None:
        if value:
            setattr(self, name, value)
            self.src[name] = source
            if line is not None:
                self.rows.setdefault(source, line)

    def add_alias(self, alias: str) -> None:
        alias = alias.strip()
        key = name_key(alias)
        if alias and key != name_key(self.name) and all(name_key(a) != key for a in self.aliases):
            self.aliases.append(alias)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.domains:
            out["domains"] = self.domains
        if self.aliases:
            out["aliases"] = self.aliases
        for name in ("country", "owner", "state_media", "language"):
            value = getattr(self, name)
            if value:
                out[name] = value
        src = {k: v for k, v in self.src.items() if getattr(self, k)}
        if len(set(src.values())) == 1:  # the usual case: every fact from one dataset
            out["src"] = next(iter(src.values()))
        elif src:
            out["src"] = src
        rows = {code: line for code, line in self.rows.items() if code in src.values()}
        if rows:
            out["rows"] = rows
        return out


# ---------------------------------------------------------------- small pure helpers


def slugify(text: str) -> str:
    """ASCII slug: "Radio Habana Cuba" → "radio-habana-cuba"; "" when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def site_domain(url: str) -> str | None:
    """The registrable-looking host of a dataset URL, or None (no URL, or a public suffix)."""
    url = url.strip()
    if not url:
        return None
    host = normalize_host(url)
    if host is None or is_public_suffix(host) or "." not in host:
        return None
    return host


def split_name(raw: str) -> tuple[str, list[str]]:
    """A dataset name cleaned into (name, aliases).

    "China Central Television (CCTV)" → ("China Central Television", ["CCTV"]);
    "News agency: Prensa Latina" → ("Prensa Latina", []); "People's Daily (English)" stays
    whole; "France 24 (en)" → ("France 24", []).
    """
    text = re.sub(r"\s+", " ", raw.replace("*", "")).strip()
    text = _ASSET_PREFIX_RE.sub("", text)
    match = re.match(r"^(?P<base>[^()]+?)\s*\((?P<inner>[^()]*)\)?\s*$", text)
    if not match:
        return text, []
    base, inner = match["base"].strip(), _ASSET_PREFIX_RE.sub("", match["inner"].strip())
    if not inner:
        return base, []
    if re.fullmatch(r"en|es|fr|de|ar|zh", inner, re.IGNORECASE):
        return base, []
    if _QUALIFIER_RE.match(inner):
        return f"{base} ({inner})", []
    return base, [inner]


def typology_words(code: str) -> str | None:
    """ASD typology code in plain words; "ISFM?" (marked uncertain in ASD) says so."""
    code = code.strip()
    if code.endswith("?") and code[:-1] in TYPOLOGY:
        return f"{TYPOLOGY[code[:-1]]} (uncertain in source)"
    return TYPOLOGY.get(code)


def country_name(iso_code: str) -> str | None:
    """English name for an ISO 3166-1 alpha-2 code as freebie writes it (any case, "UK")."""
    return ISO_COUNTRIES.get(iso_code.strip().upper())


def _compact(text: str) -> str:
    """Letters and digits only, accents dropped: "Página 12" → "pagina12"."""
    folded = unicodedata.normalize("NFKD", name_key(text).casefold())
    return re.sub(r"[\W_]+", "", "".join(c for c in folded if not unicodedata.combining(c)))


def _initials(text: str) -> str:
    return "".join(w[0] for w in re.findall(r"\w+", name_key(text).casefold()))


def names_match(a: str, b: str) -> bool:
    """Whether two dataset names plausibly name the same outlet ("Deutsche Welle" ~ "DW")."""
    ca, cb = _compact(a), _compact(b)
    if not ca or not cb:
        return False
    if ca == cb or (min(len(ca), len(cb)) >= 3 and (ca in cb or cb in ca)):
        return True
    return _initials(a) == cb or _initials(b) == ca


def owner_of(company: str, asset: str) -> str | None:
    """ASD "Media company" as owner, unless it just restates the asset ("TASS", "RT" → "RT…")."""
    company = re.sub(r"\s+", " ", company.replace("*", "")).strip()
    if not company:
        return None
    base, aliases = split_name(company)
    asset_key = _compact(asset)
    for form in (company, base, *aliases):
        key = _compact(form)
        if key and (key == asset_key or asset_key.startswith(key)):
            return None
    return company


# ---------------------------------------------------------------- dataset readers


def read_csv(path: Path) -> list[dict[str, Any]]:
    """Rows as dicts, each with LINE_KEY: the line it starts on (quoted fields may span lines)."""
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        start = 2  # line 1 is the header
        for row in reader:
            rows.append({**row, LINE_KEY: start})
            start = reader.reader.line_num + 1
    return rows


def _line(row: Mapping[str, Any]) -> int | None:
    line = row.get(LINE_KEY)
    return line if isinstance(line, int) else None


def asd_drafts(rows: Iterable[Mapping[str, Any]], log: Log = _stderr) -> list[Draft]:
    """One draft per (country, asset name); a domain listed for two assets stays with the first."""
    groups: dict[tuple[str, str], Draft] = {}
    domain_owner: dict[str, tuple[str, str]] = {}
    for row in rows:
        raw_name = (row.get("Main assets") or "").strip()
        country = (row.get("Country") or "").strip()
        if not raw_name or not country:
            continue
        name, aliases = split_name(raw_name)
        country = ASD_COUNTRIES.get(country, country)
        key = (country, name_key(name))
        draft = groups.get(key)
        status = typology_words(row.get("Typology") or "")
        owner = owner_of(row.get("Media company") or "", name)
        if draft is None:
            draft = Draft(id="", name=name)
            draft.set_fact("country", country, "asd", _line(row))
            draft.set_fact("state_media", status, "asd", _line(row))
            draft.set_fact("owner", owner, "asd", _line(row))
            groups[key] = draft
        else:
            if status and draft.state_media and status != draft.state_media:
                log(f"asd: {name} ({country}): typology {status!r} vs {draft.state_media!r}")
            if owner and draft.owner and owner != draft.owner:
                log(f"asd: {name} ({country}): owner {owner!r} vs {draft.owner!r}, kept first")
        for alias in aliases:
            draft.add_alias(alias)
        domain = site_domain(row.get("URL") or "")
        if domain is None:
            continue
        holder = domain_owner.setdefault(domain, key)
        if holder != key:
            log(f"asd: domain {domain} listed for {name!r} and {groups[holder].name!r}: kept first")
        elif domain not in draft.domains:
            draft.domains.append(domain)
    return list(groups.values())


def _resolve(domain: str, index: Mapping[str, Draft]) -> Draft | None:
    """The draft holding `domain` or its nearest parent domain."""
    labels = domain.split(".")
    for i in range(len(labels) - 1):
        parent = ".".join(labels[i:])
        if is_public_suffix(parent):
            break
        if parent in index:
            return index[parent]
    return None


def merge_freebie(
    drafts: list[Draft], rows: Iterable[Mapping[str, Any]], log: Log = _stderr
) -> list[Draft]:
    """freebie sites merged into `drafts` by domain (ASD facts win) or added as new drafts."""
    by_domain = {d: draft for draft in drafts for d in draft.domains}
    by_name: dict[tuple[str | None, str], list[Draft]] = {}
    for draft in drafts:
        by_name.setdefault((draft.country, name_key(draft.name)), []).append(draft)
    out = list(drafts)
    for row in rows:
        raw_name = (row.get("name") or "").strip()
        name, aliases = split_name(FREEBIE_NAME_FIXES.get(raw_name, raw_name))
        if not name:
            continue
        if _BROKEN_RE.search(name):
            log(f"freebie: {name!r}: broken characters, add it to FREEBIE_NAME_FIXES")
        domain = site_domain(row.get("url") or "")
        code = (row.get("cca") or "").strip()
        country = country_name(code) if code else None
        if code and country is None:
            log(f"freebie: {name}: unknown country code {code!r}")
        language = (row.get("language") or "").strip().lower() or None
        target = _resolve(domain, by_domain) if domain else None
        same = target is not None and (
            names_match(name, target.name) or any(names_match(name, a) for a in target.aliases)
        )
        if target is not None and not same:
            if domain in by_domain:  # the very same site: the earlier (ASD) name stands
                log(f"freebie: {name!r} at {domain} differs from {target.name!r}: kept the latter")
            else:  # a subdomain of another outlet's site: a card of its own
                target = None
        if target is None and domain not in by_domain:
            same_name = by_name.get((country, name_key(name)), [])
            if len(same_name) == 1:  # same name, same country, no site conflict
                target, same = same_name[0], True
                if domain:
                    target.domains.append(domain)
                    by_domain[domain] = target
        if target is not None:
            if same:
                target.add_alias(name)
                for alias in aliases:
                    target.add_alias(alias)
            if country and target.country and country != target.country:
                log(f"freebie: {name}: country {country} vs {target.country}: kept the latter")
            if not target.country:
                target.set_fact("country", country, "freebie", _line(row))
            if not target.language:
                target.language = language
            continue
        draft = Draft(id="", name=name, domains=[domain] if domain else [])
        for alias in aliases:
            draft.add_alias(alias)
        draft.set_fact("country", country, "freebie", _line(row))
        draft.language = language
        out.append(draft)
        if domain:
            by_domain[domain] = draft
        by_name.setdefault((country, name_key(name)), []).append(draft)
    return out


def assign_ids(drafts: list[Draft]) -> None:
    """Stable slugs: the name, then name + country, then name + domain, then a number."""
    taken: set[str] = set()
    for draft in drafts:
        base = slugify(draft.name) or slugify(draft.domains[0] if draft.domains else "") or "outlet"
        candidates = [
            base,
            f"{base}-{slugify(draft.country or '')}".strip("-"),
            f"{base}-{slugify(draft.domains[0])}" if draft.domains else base,
        ]
        chosen = next((c for c in candidates if c not in taken), None)
        number = 2
        while chosen is None:
            if f"{base}-{number}" not in taken:
                chosen = f"{base}-{number}"
            number += 1
        draft.id = chosen
        taken.add(chosen)


def log_ambiguous_names(drafts: Iterable[Draft], log: Log = _stderr) -> None:
    """Names or aliases two cards share: the registry resolves them to nothing."""
    holders: dict[str, set[str]] = {}
    for draft in drafts:
        for text in (draft.name, *draft.aliases):
            holders.setdefault(name_key(text), set()).add(draft.id)
    for key, ids in sorted(holders.items()):
        if len(ids) > 1:
            log(f"ambiguous name {key!r}: {', '.join(sorted(ids))}")


def reliability_table(data: Mapping[str, Any], log: Log = _stderr) -> dict[str, int]:
    """Wikipedia perennial-sources scores by normalised domain (only -2, -1, 0, 1)."""
    table: dict[str, int] = {}
    for raw, score in data.items():
        host = normalize_host(str(raw))
        if host is None or not isinstance(score, int) or score not in (-2, -1, 0, 1):
            log(f"rsp: skipped {raw!r}: {score!r}")
            continue
        if host in table and table[host] != score:
            log(f"rsp: {host} scored {table[host]} and {score}: kept first")
            continue
        table.setdefault(host, score)
    return table


def build(
    asd_rows: Iterable[Mapping[str, Any]],
    freebie_rows: Iterable[Mapping[str, Any]],
    rsp: Mapping[str, Any],
    log: Log = _stderr,
) -> dict[str, Any]:
    """The outlets.json document from the rows of each dataset."""
    drafts = merge_freebie(asd_drafts(asd_rows, log), freebie_rows, log)
    assign_ids(drafts)
    log_ambiguous_names(drafts, log)
    return {
        "format": 2,
        "generated_by": "scripts/build_outlets.py; licences in bot/data/ATTRIBUTION.md",
        "sources": dict(SOURCES),
        "cards": sorted((d.to_json() for d in drafts), key=lambda c: c["id"]),
        "reliability": dict(sorted(reliability_table(rsp, log).items())),
    }


def dumps(document: Mapping[str, Any]) -> str:
    """Deterministic JSON: sorted keys, one card per line."""
    head = {k: v for k, v in document.items() if k not in ("cards", "reliability")}
    lines = ["{"]
    for key, value in sorted(head.items()):
        lines.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False, sort_keys=True)},")
    lines.append('"cards": [')
    cards = [json.dumps(c, ensure_ascii=False, sort_keys=True) for c in document["cards"]]
    lines.append(",\n".join(cards))
    lines.append("],")
    reliability = json.dumps(document["reliability"], sort_keys=True, separators=(",", ":"))
    lines.append(f'"reliability": {reliability}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "outlets")
    parser.add_argument("--out", type=Path, default=REPO / "bot" / "data" / "outlets.json")
    args = parser.parse_args(argv)
    data_dir: Path = args.data
    rsp = json.loads((data_dir / RSP_FILE).read_text(encoding="utf-8"))
    document = build(read_csv(data_dir / ASD_FILE), read_csv(data_dir / FREEBIE_FILE), rsp)
    text = dumps(document)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(
        f"wrote {args.out}: {len(document['cards'])} cards, "
        f"{len(document['reliability'])} reliability domains, {len(text.encode())} bytes",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
