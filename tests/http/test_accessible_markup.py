"""The markup every page kind owes assistive technology, checked without a browser (the fast lane).

``test_accessibility.py`` runs axe-core and a keyboard walk in Chromium; these
check the same promises in the HTML itself, so that a template change that
breaks one fails in the development lane too: a language and a title, a skip
link first to the one ``main``, landmarks named apart, charts hidden from
assistive technology with their links out of the tab order, short row headers
and aria-hidden column names in the claims table, no ``dt`` twice in a ``dl``,
and HTML error pages for browsers (JSON or plain text for other clients).
"""

from __future__ import annotations

from collections import Counter

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from support.page_kinds import BROWSER_ACCEPT, PAGES

STATUS = {"unknown path (404)": 404, "unknown IRI (404)": 404, "unknown list (404)": 404,
          "non-canonical path (404)": 404, "malformed path (400)": 400, "invalid parameters (422)": 422,
          "retired IRI (410)": 410, "query error": 400}


def browse(client: TestClient, path: str, status: int = 200) -> BeautifulSoup:
    response = client.get(path, headers={"Accept": BROWSER_ACCEPT}, follow_redirects=False)
    assert response.status_code == status, (path, response.status_code, response.text[:200])
    assert response.headers["content-type"].startswith("text/html"), (path, response.headers["content-type"])
    return BeautifulSoup(response.text, "html.parser")


def _name(soup: BeautifulSoup, element: object) -> str:
    """A landmark's accessible name from aria-label or aria-labelledby (all the pages use)."""
    label = element.get("aria-label")  # type: ignore[attr-defined]
    if label:
        return str(label)
    ids = str(element.get("aria-labelledby") or "").split()  # type: ignore[attr-defined]
    return " ".join(soup.find(id=i).get_text(" ", strip=True) for i in ids if soup.find(id=i))


@pytest.mark.parametrize("kind", list(PAGES))
def test_every_page_has_language_title_skip_link_and_one_main(client: TestClient, kind: str) -> None:
    soup = browse(client, PAGES[kind], STATUS.get(kind, 200))
    assert soup.html.get("lang") == "en"
    assert soup.title and soup.title.get_text(strip=True).endswith("Sahel Harm Graph")
    mains = soup.find_all("main") + soup.find_all(attrs={"role": "main"})
    assert len(mains) == 1 and mains[0].get("id") == "main"
    first = soup.body.find(["a", "button", "input", "select", "textarea", "summary"])
    assert first.name == "a" and first.get("href") == "#main" and "skip" in first.get_text().lower()
    assert len(soup.find_all("h1")) == 1


@pytest.mark.parametrize("kind", list(PAGES))
def test_landmarks_of_one_kind_have_names_apart(client: TestClient, kind: str) -> None:
    soup = browse(client, PAGES[kind], STATUS.get(kind, 200))
    landmarks = [("search", _name(soup, f)) for f in soup.find_all(attrs={"role": "search"})]
    landmarks += [("navigation", _name(soup, n)) for n in soup.find_all("nav")]
    landmarks += [("region", _name(soup, s)) for s in soup.find_all("section") if _name(soup, s)]
    landmarks += [("complementary", _name(soup, a)) for a in soup.find_all("aside") if not a.find_parent(["article", "section"])]
    kinds = Counter(k for k, _ in landmarks)
    for landmark, name in landmarks:
        if kinds[landmark] > 1:
            assert name, f"an unnamed {landmark} landmark beside another on {kind}"
    assert len(set(landmarks)) == len(landmarks), f"landmarks of one kind and name on {kind}: {landmarks}"


@pytest.mark.parametrize("kind", list(PAGES))
def test_no_term_twice_in_a_description_list(client: TestClient, kind: str) -> None:
    soup = browse(client, PAGES[kind], STATUS.get(kind, 200))
    for dl in soup.find_all("dl"):
        terms = [dt.get_text(" ", strip=True) for dt in dl.find_all("dt", recursive=False)]
        assert len(terms) == len(set(terms)), f"{kind}: {terms}"


@pytest.mark.parametrize("kind", ["home", "incident", "incident with an approximate figure"])
def test_charts_are_hidden_drawings_whose_links_follow_as_text(client: TestClient, kind: str) -> None:
    soup = browse(client, PAGES[kind])
    figure = soup.find("figure", class_=["range-chart", "timeline"])
    svgs = figure.find_all("svg")
    assert [s["class"] for s in svgs] == [["chart-wide"], ["chart-narrow"]]
    assert all(s.get("aria-hidden") == "true" and not s.get("role") for s in svgs)
    links = [a for s in svgs for a in s.find_all("a")]
    assert links and all(a.get("tabindex") == "-1" for a in links)
    assert figure.find("figcaption").find(class_="summary").get_text(strip=True)
    # the same links, as text, after the chart
    after = {a["href"] for a in figure.find_all_next("a")}
    assert {a["href"] for a in links} <= after
    assert not soup.select("[role=img] a, [role=img] button")


def test_claims_table_row_headers_are_short_and_column_names_hidden(client: TestClient) -> None:
    soup = browse(client, PAGES["incident"])
    table = soup.find("table", class_="claims")
    headers = [th.get_text(" ", strip=True) for th in table.select("tbody th[scope=row]")]
    assert headers and max(len(h) for h in headers) <= 80, headers
    for td in table.select("tbody td"):
        label = td.find(class_="cell-label")
        assert label is not None and label.get("aria-hidden") == "true" and label.get("data-label") == td["data-label"]
        assert not label.get_text(strip=True), "the name is drawn from data-label, not written in the cell"


def test_query_editor_says_how_to_leave_and_indent(client: TestClient) -> None:
    soup = browse(client, PAGES["query editor"])
    area = soup.find("textarea", id="query")
    hint = soup.find(id=area["aria-describedby"])
    assert "Tab moves on" in hint.get_text(" ", strip=True) and "Escape" in hint.get_text(" ", strip=True)
    assert soup.find("input", id="tab-indents", type="checkbox") and soup.find("label", attrs={"for": "tab-indents"})


def test_region_filter_offers_places_only(client: TestClient) -> None:
    soup = browse(client, PAGES["browse list"])
    options = {o["value"] for o in soup.select("select[name=region] option") if o["value"]}
    assert "tessoura-region" in options and "zembara" in options
    assert not {o for o in options if "drone-strike" in o or "coup" in o or "investigation" in o or "abuses" in o}


@pytest.mark.parametrize(("path", "method", "status"), [
    ("/nope", "GET", 404), ("/browse/nothing", "GET", 404), ("/browse", "POST", 405), ("/", "DELETE", 405),
    ("/browse/incidents?page=0", "GET", 422), ("/id/place/kossiba%2Fmarket", "GET", 404),
    ("/id/place/kossiba%ZZ", "GET", 400), ("/dumps/nothing.nq.gz", "GET", 404),
])
def test_errors_are_pages_for_browsers_and_data_for_others(client: TestClient, path: str, method: str,
                                                           status: int) -> None:
    page = client.request(method, path, headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == status and page.headers["content-type"].startswith("text/html")
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.html["lang"] == "en" and soup.title.get_text(strip=True) and len(soup.find_all("main")) == 1
    if status == 405:
        allowed = [m.strip() for m in page.headers["allow"].split(",")]
        assert allowed and all(m in soup.find("main").get_text(" ") for m in allowed)  # every method it takes
    other = client.request(method, path, headers={"Accept": "application/json"})
    assert other.status_code == status and not other.headers["content-type"].startswith("text/html")
    if path in ("/nope", "/browse/nothing", "/browse/incidents?page=0") or status == 405:
        assert "detail" in other.json()  # FastAPI's JSON, as before
