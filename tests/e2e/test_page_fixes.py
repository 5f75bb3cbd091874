"""The page fixes of the research-workbench issue, in a real browser at a desktop and a phone width.

Headless Chromium against a real server over the fixture graph. What a page shows is
compared with what the graph says, read independently through the SPARQL endpoint:

- the incident chart says each toll's stance, and a speaker who disputes the victims'
  status in another claim is said to, under the toll; no speaker name is cut;
- the source page's claims table has an About column, linking what each claim is about;
- an actor page lists each of its denials once;
- the home page lists every incident (up to its limit), newest first, and its timeline
  text is legible on a phone;
- the browse region filter offers places only and fits a phone screen;
- no class's local name ("ContextEvent", "SOURCEDOCUMENT" once uppercased by CSS) and no
  curator's reference by number ("source 003") is shown on any page.

Skips like the other browser tests when Chromium is missing; CI requires it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from support.browsers import headless_chromium, require_chromium
from support.page_kinds import PAGES
from support.servers import sahel_server

pytestmark = pytest.mark.browser

require_chromium()

from selenium.webdriver.common.by import By  # noqa: E402

DESKTOP, PHONE = 1280, 390
WIDTHS = [DESKTOP, PHONE]
SHG = "https://w3id.org/sahel-harm/ontology/"
BASE = "https://w3id.org/sahel-harm/"
ID = BASE + "id/"


@pytest.fixture(scope="module")
def base_url(store_pointer: Path) -> Iterator[str]:
    with sahel_server(store_pointer, ready_path="/") as (base, _):
        yield base


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    browser = headless_chromium(tmp_path_factory.mktemp("chromium-profile"), width=DESKTOP, height=900,
                                flags=("--force-device-scale-factor=1", "--hide-scrollbars"))
    yield browser
    browser.quit()


def open_page(driver: object, url: str, width: int) -> None:
    """``url`` in a viewport ``width`` CSS pixels wide."""
    driver.set_window_size(width, 900)  # type: ignore[attr-defined]
    inner = driver.execute_script("return window.innerWidth")  # type: ignore[attr-defined]
    if inner != width:
        driver.set_window_size(width + (width - inner), 900)  # type: ignore[attr-defined]
    driver.get(url)  # type: ignore[attr-defined]
    assert driver.execute_script("return window.innerWidth") == width  # type: ignore[attr-defined]


def select(base_url: str, query: str) -> list[dict[str, str]]:
    """A SELECT's rows from the server's SPARQL endpoint, as plain strings."""
    response = httpx.get(base_url + "/sparql", params={"query": query},
                         headers={"Accept": "application/sparql-results+json"}, timeout=30)
    response.raise_for_status()
    return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]


def js(driver: object, script: str, *args: object) -> object:
    return driver.execute_script(script, *args)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- the incident chart

SHOWN_BARS = """
const svg = [...document.querySelectorAll("figure.range-chart svg")].find(s => s.getClientRects().length);
const box = svg.getBoundingClientRect();
return [...svg.querySelectorAll("g.bar")].map(g => {
  const name = g.querySelector(".bar-label"), note = g.querySelector(".bar-stance");
  const whole = t => { if (!t) return true; const r = t.getBoundingClientRect();
                       return r.left >= box.left - 0.5 && r.right <= box.right + 0.5; };
  const size = t => t ? parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a : 99;
  return {title: g.querySelector("title").textContent, name: name.textContent,
          lines: [...name.querySelectorAll("tspan")].map(s => s.textContent),
          note: note ? [...(note.querySelectorAll("tspan").length ? note.querySelectorAll("tspan") : [note])]
                         .map(s => s.textContent).join(" ") : "",
          whole: whole(name) && whole(note), size: Math.min(size(name), size(note)),
          href: g.parentElement.getAttribute("href")};
});
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_incident_chart_says_each_tolls_stance_and_what_its_speaker_disputes(driver: object, base_url: str,
                                                                              width: int) -> None:
    incident = "kossiba-market-killings"
    open_page(driver, f"{base_url}/id/incident/{incident}", width)
    bars = js(driver, SHOWN_BARS)
    assert bars, "the chart is shown"
    claims = select(base_url, f"""SELECT ?c ?speaker ?stance ?stanceLabel WHERE {{
      ?c <{SHG}about> <{ID}incident/{incident}> ; <http://www.w3.org/ns/prov#wasAttributedTo> ?speaker ;
         <{SHG}stance> ?stance . ?stance <http://www.w3.org/2004/02/skos/core#prefLabel> ?stanceLabel
      FILTER(LANG(?stanceLabel) = "en") }}""")
    by_claim = {r["c"].rsplit("/", 1)[-1]: r for r in claims}
    disputing = {r["speaker"]: r["stanceLabel"] for r in claims if r["stance"].endswith(("/disputes", "/denies"))}
    assert disputing, "the fixture has a speaker who disputes the victims' status"
    seen_dispute = False
    for bar in bars:
        claim = by_claim[bar["href"].removeprefix("#claim-")]
        assert bar["note"].startswith(claim["stanceLabel"]), (bar["note"], claim["stanceLabel"])
        if claim["speaker"] in disputing and not claim["stance"].endswith(("/disputes", "/denies")):
            assert disputing[claim["speaker"]] in bar["note"], f"{bar['name']}'s toll reads as agreement: {bar['note']}"
            seen_dispute = True
        assert bar["whole"] and bar["size"] >= 12 - 0.05, bar
    assert seen_dispute, "a toll whose speaker disputes the victims' status elsewhere is on the chart"


@pytest.mark.parametrize("width", WIDTHS)
def test_incident_chart_speaker_names_are_whole(driver: object, base_url: str, width: int) -> None:
    """Every speaker's name is drawn whole, on as many lines as it needs: the same words as the bar's tooltip."""
    for incident in ("kossiba-market-killings", "aghazar-killings"):
        open_page(driver, f"{base_url}/id/incident/{incident}", width)
        for bar in js(driver, SHOWN_BARS):
            drawn = " ".join(bar["lines"]) if bar["lines"] else bar["name"]
            assert "…" not in drawn and bar["title"].startswith(drawn + ":"), (drawn, bar["title"])
            assert bar["whole"], bar
        assert js(driver, "return document.documentElement.scrollWidth") <= width


# ---------------------------------------------------------------- the source page

@pytest.mark.parametrize("width", WIDTHS)
def test_source_claims_table_has_an_about_column(driver: object, base_url: str, width: int) -> None:
    source = "kossiba-observer-aghazar-killings"
    open_page(driver, f"{base_url}/id/source/{source}", width)
    headers = [th.get_attribute("textContent").strip() for th in driver.find_elements(By.CSS_SELECTOR, "table.claims thead th")]  # type: ignore[attr-defined]
    assert "About" in headers
    about = select(base_url, f"""SELECT ?c ?a WHERE {{ ?c <http://www.w3.org/ns/prov#wasDerivedFrom> <{ID}source/{source}> ;
                                   a <{SHG}Claim> ; <{SHG}about> ?a }}""")
    expected: dict[str, set[str]] = {}
    for r in about:
        expected.setdefault(r["c"].rsplit("/", 1)[-1], set()).add(r["a"].removeprefix(BASE))
    rows = js(driver, """return [...document.querySelectorAll("table.claims tbody tr")].map(tr => {
        const cell = tr.querySelector("td[data-label=About]");
        return {claim: tr.querySelector(".claim-link a").getAttribute("href"), shown: cell.getClientRects().length > 0,
                label: getComputedStyle(cell.querySelector(".cell-label"), "::before").content,
                about: [...cell.querySelectorAll("a")].map(a => new URL(a.href).pathname.slice(1))};
      });""")
    assert rows and len(rows) == len(expected)
    for row in rows:
        slug = row["claim"].split("?")[0].rsplit("/", 1)[-1]
        assert set(row["about"]) == expected[slug] and row["shown"], row
        if width == PHONE:  # the rows are cards: each cell says its column's name
            assert "About" in row["label"], row


# ---------------------------------------------------------------- the actor page

@pytest.mark.parametrize("width", WIDTHS)
def test_actor_page_lists_each_denial_once(driver: object, base_url: str, width: int) -> None:
    """Every denial or dispute by the actor, by someone affiliated with it, or spoken for it, is listed once on
    its page, whichever of its lists it belongs to; a list that leaves one out for that says so."""
    actor = "zembaran-armed-forces"
    open_page(driver, f"{base_url}/id/actor/{actor}", width)
    listed = js(driver, """return [...document.querySelectorAll("section")].filter(s => s.querySelector("ul.claim-list, p.note"))
        .map(s => ({heading: s.querySelector("h2").textContent, note: (s.querySelector("p.note") || {}).textContent || "",
                    claims: [...s.querySelectorAll("ul.claim-list > li > a")].map(a => a.getAttribute("href"))}));""")
    prov = "http://www.w3.org/ns/prov#"
    denials = select(base_url, f"""SELECT DISTINCT ?c WHERE {{
        {{ ?c <{prov}wasAttributedTo> <{ID}actor/{actor}> }}
        UNION {{ ?c <{prov}wasAttributedTo> ?m . ?m <https://schema.org/affiliation> <{ID}actor/{actor}> }}
        UNION {{ ?c <{prov}qualifiedInfluence>|<{prov}qualifiedAttribution> ?q . ?q <{prov}agent> <{ID}actor/{actor}> }}
        ?c <{SHG}stance> ?s FILTER(?s IN (<https://w3id.org/sahel-harm/vocab/stance/denies>,
                                          <https://w3id.org/sahel-harm/vocab/stance/disputes>)) }}""")
    assert len(denials) >= 2, "the fixture's army made denials, and its people spoke for it"
    shown = [href.rsplit("/", 1)[-1] for s in listed for href in s["claims"]]
    assert len(shown) == len(set(shown)), f"listed twice: {sorted(h for h in shown if shown.count(h) > 1)}"
    for denial in denials:
        assert shown.count(denial["c"].rsplit("/", 1)[-1]) == 1, denial
    assert any("listed above" in s["note"] for s in listed), "a list that leaves a claim out says so"


# ---------------------------------------------------------------- the home page

@pytest.mark.parametrize("width", WIDTHS)
def test_home_lists_every_latest_incident_newest_first(driver: object, base_url: str, width: int) -> None:
    open_page(driver, base_url + "/", width)
    listed = js(driver, """return [...document.querySelectorAll("ol.incident-list > li > a")]
                             .map(a => new URL(a.href).pathname.slice(1));""")
    incidents = select(base_url, f"""SELECT ?i ?start ?end WHERE {{ ?i a <{SHG}Incident>
        OPTIONAL {{ ?i <http://semanticweb.cs.vu.nl/2009/11/sem/hasEarliestBeginTimeStamp> ?start }}
        OPTIONAL {{ ?i <http://semanticweb.cs.vu.nl/2009/11/sem/hasLatestEndTimeStamp> ?end }} }}""")
    # newest first: by start date; then those known only as "no later than" a date, latest first; then the undated
    when = {r["i"].removeprefix(BASE): ("start" in r, date.fromisoformat(r.get("start") or r.get("end") or "0001-01-01"))
            for r in incidents}
    assert set(listed) == set(when) and len(listed) == len(when), "every incident of the graph, and nothing else"
    order = [when[i] for i in listed]
    assert order == sorted(order, reverse=True), listed
    spans = js(driver, """const svg = [...document.querySelectorAll("figure.timeline svg")].find(s => s.getClientRects().length);
        return [...svg.querySelectorAll("text")].map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);""")
    assert spans and min(spans) >= 12 - 0.05, f"timeline text at {min(spans):.1f} px"
    labels = js(driver, """const svg = [...document.querySelectorAll("figure.timeline svg")].find(s => s.getClientRects().length);
        const box = svg.getBoundingClientRect();
        return [...svg.querySelectorAll("g.span")].map(g => { const t = g.querySelector(".span-label"), r = t.getBoundingClientRect();
          return {title: g.querySelector("title").textContent, inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5,
                  drawn: t.querySelectorAll("tspan").length ? [...t.querySelectorAll("tspan")].map(s => s.textContent).join(" ")
                                                             : t.textContent}; });""")
    for label in labels:  # each incident's name whole, on as many lines as it needs
        assert label["inside"] and label["title"].startswith(label["drawn"] + " — "), label


# ---------------------------------------------------------------- the browse filter

@pytest.mark.parametrize("width", WIDTHS)
def test_region_filter_offers_places_only_and_fits_the_screen(driver: object, base_url: str, width: int) -> None:
    open_page(driver, base_url + "/browse/incidents", width)
    values = js(driver, """return [...document.querySelectorAll("select[name=region] option")]
                             .map(o => o.value).filter(v => v);""")
    places = {r["p"].removeprefix(ID + "place/") for r in select(base_url, f"SELECT ?p WHERE {{ ?p a <{SHG}Place> }}")}
    assert values and set(values) <= places, set(values) - places
    right = js(driver, "return Math.max(...[...document.querySelectorAll('form.filters, form.filters *')]"
                       ".map(e => e.getBoundingClientRect().right))")
    assert right <= width + 1 and js(driver, "return document.documentElement.scrollWidth") <= width


# ---------------------------------------------------------------- code in public text

SHOWN_TEXT = """
const hidden = [...document.querySelectorAll("code, .iri")];
hidden.forEach(el => el.style.display = "none");  // identifiers are shown as such, on purpose
const text = document.body.innerText;  // as rendered: CSS text-transform applied
hidden.forEach(el => el.style.display = "");
return text;
"""
PUBLIC = [kind for kind in PAGES if not kind.startswith("query")]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_class_names_or_curators_references_in_public_text(driver: object, base_url: str, width: int) -> None:
    classes = {r["c"].removeprefix(SHG) for r in select(base_url, f"""SELECT ?c WHERE {{
        ?c a <http://www.w3.org/2002/07/owl#Class> FILTER(STRSTARTS(STR(?c), "{SHG}")) }}""")}
    code_names = sorted(c for c in classes if re.fullmatch(r"[A-Z][a-z]+(?:[A-Z][a-z]+)+", c))
    assert "ContextEvent" in code_names and "SourceDocument" in code_names
    # a prefixed name ("shg:SourceDocument", in a shape's message) is an identifier written as such, like code
    pattern = re.compile(r"(?<![:\w])(?i:" + "|".join(code_names) + r"|sources? \d{3})\b"
                         r"|\bclaim [a-z0-9]+(-[a-z0-9]+)+\b")
    found = {}
    for kind in PUBLIC:
        open_page(driver, base_url + PAGES[kind].replace("%ZZ", quote("%ZZ")) if "%ZZ" in PAGES[kind]
                  else base_url + PAGES[kind], width)
        shown = str(js(driver, SHOWN_TEXT))
        hits = sorted({m.group(0) for m in pattern.finditer(shown)})
        if hits:
            found[kind] = hits
    assert not found, found


# ---------------------------------------------------------------- French on a phone

@pytest.mark.parametrize("kind", ["home", "browse list", "incident", "actor", "source", "place", "claim"])
def test_french_pages_fit_a_phone(driver: object, base_url: str, kind: str) -> None:
    """French runs longer than English: no French page scrolls sideways at 390 px (a table scrolls in its box),
    and its chart text stays whole and legible."""
    open_page(driver, base_url + PAGES[kind] + ("&" if "?" in PAGES[kind] else "?") + "lang=fr", PHONE)
    assert js(driver, "return document.documentElement.lang") == "fr"
    assert js(driver, "return document.documentElement.scrollWidth") <= PHONE
    if kind == "incident":
        for bar in js(driver, SHOWN_BARS):
            assert bar["whole"] and bar["size"] >= 12 - 0.05, bar
