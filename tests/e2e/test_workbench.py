"""The query workbench in a real browser: editor, views (map, timeline, chart), long queries, no outside origin.

Headless Chromium against our server (uvicorn) over the fixture store. Each
view is checked by counting what it drew against the rows the endpoint
returns for the same query, read independently with an HTTP client.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlparse

import httpx
import pytest

from sahel_kg.languages import answering_in
from sahel_kg.pages.examples import example_query
from sahel_kg.pages.render import script_words
from support.browsers import headless_chromium, require_chromium
from support.servers import sahel_server

pytestmark = pytest.mark.browser

require_chromium()

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

GEO_WKT = "http://www.opengis.net/ont/geosparql#wktLiteral"


@pytest.fixture(scope="module")
def base_url(store_pointer: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Our server over the fixture store, its short links in a temporary file."""
    links = tmp_path_factory.mktemp("links") / "short-links.sqlite"
    with sahel_server(store_pointer, ready_path="/", env={"SAHEL_KG_SHORT_LINKS": str(links)}) as (base, _):
        yield base


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    driver = headless_chromium(tmp_path_factory.mktemp("chromium-profile"), width=1280, height=1400)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def browser_without_js(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    driver = headless_chromium(tmp_path_factory.mktemp("chromium-nojs"), width=1280, height=1400,
                               flags=("--blink-settings=scriptEnabled=false",))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("workbench-screenshots")
    print(f"\nscreenshots in {folder}")
    return folder


def bindings(base: str, query: str) -> list[dict[str, dict[str, str]]]:
    """The query's rows as the endpoint gives them in SPARQL JSON."""
    response = httpx.post(base + "/sparql", data={"query": query},
                          headers={"accept": "application/sparql-results+json"}, timeout=30)
    assert response.status_code == 200, response.text
    rows: list[dict[str, dict[str, str]]] = response.json()["results"]["bindings"]
    return rows


def resources_loaded(driver: object) -> list[str]:
    """Every URL the page loaded: the document's and each resource's (scripts, styles, images, fetches)."""
    urls: list[str] = driver.execute_script(  # type: ignore[attr-defined]
        "return [location.href].concat(performance.getEntriesByType('resource').map(e => e.name));")
    return urls


def assert_same_origin(driver: object, base: str) -> None:
    origin = urlparse(base)
    foreign = [u for u in resources_loaded(driver) if urlparse(u)[:2] != origin[:2]]
    assert not foreign, f"requests left for another origin: {foreign}"
    logs = driver.get_log("browser")  # type: ignore[attr-defined]
    assert not [e for e in logs if "Content Security Policy" in e["message"]], logs


def open_example(driver: object, base: str, slug: str, **params: str) -> WebDriverWait:  # type: ignore[type-arg]
    driver.get(base + "/query?" + urlencode({"query": example_query(slug).sparql, **params}))  # type: ignore[attr-defined]
    return WebDriverWait(driver, 20)


def test_map_view_marks_every_row_with_coordinates(browser: object, base_url: str, shots: Path) -> None:
    rows = bindings(base_url, example_query("incidents-on-a-map").sparql)
    expected = [r for r in rows if r.get("wkt", {}).get("datatype") == GEO_WKT]
    assert expected, "the fixture has incidents with coordinates"
    wait = open_example(browser, base_url, "incidents-on-a-map")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".result-map .leaflet-marker-icon")) == len(expected))
    # the offline base map: Mali's and its neighbours' boundaries, drawn from the packaged GeoJSON
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".result-map .leaflet-overlay-pane path")) >= 9)
    assert browser.find_element(By.CSS_SELECTOR, "#results").get_attribute("data-view") == "map"  # type: ignore[attr-defined]
    assert not browser.find_element(By.CSS_SELECTOR, "#results .table-wrap").is_displayed()  # type: ignore[attr-defined]
    browser.save_screenshot(str(shots / "map.png"))  # type: ignore[attr-defined]
    assert_same_origin(browser, base_url)


def test_timeline_view_has_an_item_per_dated_row(browser: object, base_url: str, shots: Path) -> None:
    rows = bindings(base_url, example_query("incidents-through-time").sparql)
    dated = [r for r in rows if "begin" in r]
    wait = open_example(browser, base_url, "incidents-through-time")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".timeline .timeline-item")) == len(dated))
    shown = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".timeline-item .when")]  # type: ignore[attr-defined]
    assert [s[:10] for s in shown] == sorted(r["begin"]["value"] for r in dated), "earliest first"
    browser.save_screenshot(str(shots / "timeline.png"))  # type: ignore[attr-defined]
    assert_same_origin(browser, base_url)


def test_chart_view_has_a_bar_per_row_sized_by_its_number(browser: object, base_url: str, shots: Path) -> None:
    rows = bindings(base_url, example_query("highest-toll-per-incident").sparql)
    wait = open_example(browser, base_url, "highest-toll-per-incident")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar")) == len(rows))
    widths = [float(b.get_attribute("width")) for b in browser.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar")]  # type: ignore[attr-defined]
    values = [float(r["highestKilled"]["value"]) for r in rows]
    assert widths.index(max(widths)) == values.index(max(values)), "the longest bar is the highest toll"
    browser.save_screenshot(str(shots / "chart.png"))  # type: ignore[attr-defined]
    # a line instead of bars, named in the URL
    browser.find_element(By.CSS_SELECTOR, "a.chart-kind").click()  # type: ignore[attr-defined]
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "svg.chart circle.point")) == len(rows))
    assert "chart=line" in browser.current_url and "view=chart" in browser.current_url  # type: ignore[attr-defined]
    browser.get(browser.current_url)  # type: ignore[attr-defined]  # the URL gives the line again
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "svg.chart circle.point")) == len(rows))
    browser.find_element(By.ID, "share").click()  # type: ignore[attr-defined]  # and so does its short link
    wait.until(lambda d: "/q/" in d.current_url)
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "svg.chart circle.point")) == len(rows))


def test_views_switch_and_the_url_names_the_view(browser: object, base_url: str) -> None:
    wait = open_example(browser, base_url, "incidents-on-a-map")
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".result-map")))
    browser.find_element(By.CSS_SELECTOR, ".view-switch a[data-view=table]").click()  # type: ignore[attr-defined]
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#results .table-wrap").is_displayed())
    assert "view=" not in browser.current_url  # type: ignore[attr-defined]
    browser.find_element(By.CSS_SELECTOR, ".view-switch a[data-view=map]").click()  # type: ignore[attr-defined]
    wait.until(lambda d: "view=map" in d.current_url)
    shared = browser.current_url  # type: ignore[attr-defined]
    browser.get(shared)  # type: ignore[attr-defined]
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".result-map .leaflet-marker-icon"))


def test_editor_completes_our_terms_and_adds_the_prefix(browser: object, base_url: str) -> None:
    browser.get(base_url + "/query")  # type: ignore[attr-defined]
    wait = WebDriverWait(browser, 20)
    content = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".cm-content")))
    browser.execute_script("SahelSparqlEditor.editors[0].setValue('SELECT ?i WHERE { ?i a ')")  # type: ignore[attr-defined]
    content.click()
    content.send_keys(Keys.CONTROL, Keys.END)
    content.send_keys("shg:Incid")
    content.send_keys(Keys.CONTROL, " ")
    option = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".cm-tooltip-autocomplete li")))
    assert "shg:Incident" in option.text
    content.send_keys(Keys.ENTER)
    text = browser.find_element(By.ID, "query").get_attribute("value")  # type: ignore[attr-defined]
    assert text.startswith("PREFIX shg: <https://w3id.org/sahel-harm/ontology/>\n"), text
    assert "?i a shg:Incident" in text
    assert not [u for u in resources_loaded(browser) if "leaflet" in u], "the map library waits for a map"


def test_parser_error_is_marked_at_its_line(browser: object, base_url: str) -> None:
    bad = "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER( \n}"
    browser.get(base_url + "/query?" + urlencode({"query": bad}))  # type: ignore[attr-defined]
    wait = WebDriverWait(browser, 20)
    mark = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".cm-content .cm-lintRange-error")))
    line = browser.execute_script(  # type: ignore[attr-defined]
        "const l = arguments[0].closest('.cm-line'); return [...l.parentNode.children].indexOf(l) + 1;", mark)
    expected = int(browser.find_element(By.CSS_SELECTOR, ".error-at").get_attribute("data-line"))  # type: ignore[attr-defined]
    assert line == expected == 4


def test_long_query_is_posted_and_answers(browser: object, base_url: str) -> None:
    filters = " ".join(f"FILTER(?i != <https://example.org/not-an-incident/{n}>)" for n in range(400))
    long = f"PREFIX shg: <https://w3id.org/sahel-harm/ontology/>\nSELECT ?i WHERE {{ ?i a shg:Incident . {filters} }}"
    assert httpx.get(base_url + "/query", params={"query": long}).status_code == 414, "too long for a URL here"
    expected = len(bindings(base_url, long))
    browser.get(base_url + "/query")  # type: ignore[attr-defined]
    wait = WebDriverWait(browser, 20)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".cm-content")))
    browser.execute_script("SahelSparqlEditor.editors[0].setValue(arguments[0])", long)  # type: ignore[attr-defined]
    browser.find_element(By.CSS_SELECTOR, "#query-form button[type=submit]:not([formaction])").click()  # type: ignore[attr-defined]
    rows = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#results tbody tr"))
    assert len(rows) == expected > 0
    assert "query=" not in browser.current_url  # type: ignore[attr-defined]


def test_short_link_keeps_query_and_view(browser: object, base_url: str) -> None:
    wait = open_example(browser, base_url, "incidents-through-time", view="timeline")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".timeline-item"))
    browser.find_element(By.ID, "share").click()  # type: ignore[attr-defined]
    wait.until(lambda d: "/q/" in d.current_url)
    first = browser.current_url  # type: ignore[attr-defined]
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".timeline-item"))
    assert browser.find_element(By.ID, "query").get_attribute("value") == example_query("incidents-through-time").sparql  # type: ignore[attr-defined]
    browser.find_element(By.ID, "share").click()  # type: ignore[attr-defined]  # sharing it again: the same link
    wait.until(lambda d: d.current_url == first and d.find_elements(By.CSS_SELECTOR, ".timeline-item"))


def test_editor_is_a_plain_form_without_javascript(browser_without_js: object, base_url: str, shots: Path) -> None:
    driver = browser_without_js
    driver.get(base_url + "/query")  # type: ignore[attr-defined]
    area = driver.find_element(By.ID, "query")  # type: ignore[attr-defined]
    assert area.is_displayed() and not driver.find_elements(By.CSS_SELECTOR, ".cm-editor")  # type: ignore[attr-defined]
    area.clear()
    area.send_keys("SELECT ?i WHERE { ?i a shg:Incident }")
    driver.find_element(By.CSS_SELECTOR, "#query-form button[type=submit]:not([formaction])").click()  # type: ignore[attr-defined]
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#results tbody tr"))
    expected = bindings(base_url, "PREFIX shg: <https://w3id.org/sahel-harm/ontology/> SELECT ?i WHERE { ?i a shg:Incident }")
    assert len(driver.find_elements(By.CSS_SELECTOR, "#results tbody tr")) == len(expected)  # type: ignore[attr-defined]
    # a map view asked without JavaScript says so, and the table holds the rows
    driver.get(base_url + "/query?" + urlencode({"query": example_query("incidents-on-a-map").sparql, "view": "map"}))  # type: ignore[attr-defined]
    assert driver.find_element(By.CSS_SELECTOR, ".needs-js").is_displayed()  # type: ignore[attr-defined]
    assert driver.find_elements(By.CSS_SELECTOR, "#results tbody tr")  # type: ignore[attr-defined]
    driver.save_screenshot(str(shots / "no-js.png"))  # type: ignore[attr-defined]


def test_incident_map_box_draws_offline(browser: object, base_url: str, shots: Path) -> None:
    browser.get(base_url + "/id/incident/kossiba-market-killings")  # type: ignore[attr-defined]
    wait = WebDriverWait(browser, 20)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".map.enhanced .leaflet-marker-icon"))
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".map.enhanced .leaflet-overlay-pane path"))
    browser.save_screenshot(str(shots / "incident-map.png"))  # type: ignore[attr-defined]
    assert_same_origin(browser, base_url)


AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
AXE_WCAG = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]})
  .then(r => done(r.violations.map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).slice(0, 3).join(", "))))
  .catch(e => done(["axe failed: " + e]));
"""


@pytest.mark.parametrize(("slug", "drawn"), [("incidents-on-a-map", ".result-map .leaflet-marker-icon"),
                                             ("incidents-through-time", ".timeline-item"),
                                             ("highest-toll-per-incident", "svg.chart rect.bar")])
def test_each_drawn_view_passes_wcag_checks(browser: object, base_url: str, slug: str, drawn: str) -> None:
    """axe-core (WCAG 2.1 A and AA) on the page once the view is drawn, not before."""
    wait = open_example(browser, base_url, slug)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, drawn))
    browser.execute_script(AXE.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    violations = browser.execute_async_script(AXE_WCAG)  # type: ignore[attr-defined]
    assert violations == [], violations


def script_pieces(words: dict[str, str]) -> set[str]:
    """The fixed words of each phrase the scripts show (the text around its {slots}), two words or more."""
    return {piece.strip(" .:,()") for phrase in words.values() for piece in re.split(r"\{\w+\}", phrase)
            if len(piece.split()) >= 2}


@pytest.mark.parametrize(("slug", "drawn"), [("incidents-on-a-map", ".result-map .leaflet-marker-icon"),
                                             ("incidents-through-time", ".timeline-item"),
                                             ("highest-toll-per-incident", "svg.chart rect.bar")])
def test_each_view_draws_in_french(browser: object, base_url: str, shots: Path, slug: str, drawn: str) -> None:
    """With ?lang=fr the view is drawn, and what the script writes (notes, labels, titles) is the page's French,
    none of its English."""
    wait = open_example(browser, base_url, slug, lang="fr")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, drawn))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"  # type: ignore[attr-defined]
    shown: str = browser.execute_script(  # type: ignore[attr-defined]
        "const v = document.getElementById('result-view');"
        "return [v.innerText].concat(Array.from(v.querySelectorAll('[aria-label], [title]'),"
        " e => (e.getAttribute('aria-label') || '') + ' ' + (e.getAttribute('title') || ''))).join(' ');")
    english = script_words()
    with answering_in("fr"):
        french = script_words()
    assert not [p for p in script_pieces(english) if p in shown], shown
    assert [p for p in script_pieces(french) if p in shown], shown
    if "map" in slug:
        zoom = browser.find_element(By.CSS_SELECTOR, ".result-map .leaflet-control-zoom-in")  # type: ignore[attr-defined]
        assert zoom.get_attribute("title") == french["zoomIn"]
    browser.save_screenshot(str(shots / f"{slug}-fr.png"))  # type: ignore[attr-defined]
    assert_same_origin(browser, base_url)


def open_query(driver: object, base: str, query: str, view: str) -> WebDriverWait:  # type: ignore[type-arg]
    driver.get(base + "/query?" + urlencode({"query": query, "view": view}))  # type: ignore[attr-defined]
    return WebDriverWait(driver, 20)


def test_chart_leaves_out_numbers_it_cannot_draw(browser: object, base_url: str) -> None:
    double = "<http://www.w3.org/2001/XMLSchema#double>"
    query = (f'SELECT ?label ?n WHERE {{ VALUES (?label ?n) {{ ("four" 4) ("two" 2) ("inf" "INF"^^{double}) '
             f'("nan" "NaN"^^{double}) ("huge" "1e400"^^{double}) }} }}')
    wait = open_query(browser, base_url, query, "chart")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar"))
    bars = browser.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar")  # type: ignore[attr-defined]
    widths = [float(b.get_attribute("width")) for b in bars]
    assert len(widths) == 2, "only the finite numbers are drawn"
    assert widths[0] == pytest.approx(2 * widths[1]), "4 is drawn twice as long as 2"


def test_map_places_no_point_off_the_globe(browser: object, base_url: str) -> None:
    query = ('SELECT ?label ?lat ?long WHERE { VALUES (?label ?lat ?long) { ("Kidal" 18.44 1.41) '
             '("swapped" 1.41 181.5) ("past the pole" 95 2) } }')
    wait = open_query(browser, base_url, query, "map")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".result-map .leaflet-marker-icon"))
    markers = browser.find_elements(By.CSS_SELECTOR, ".result-map .leaflet-marker-icon")  # type: ignore[attr-defined]
    assert [m.get_attribute("title") for m in markers] == ["Kidal"]
    note = browser.find_element(By.CSS_SELECTOR, "#result-view .view-note").text  # type: ignore[attr-defined]
    assert "1 of 3" in note, note  # one of the three rows is placed
