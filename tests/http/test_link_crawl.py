"""Every internal link works: a crawl from the home page, on both backends.

Breadth-first from ``/`` over same-origin links (``a``, ``link``, ``script``,
``img``, ``form``), fetched as a browser would (HTML asked for where a person
follows a link, the declared type where a page names one). No link may answer
4xx or 5xx, but for 410 at an IRI the data retires without replacement (its
page says it is gone), and every HTML page must be built on the site layout.
"""

from __future__ import annotations

from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

pytestmark = pytest.mark.slow

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
#: Bound on the pages fetched: the crawl must end even if pages generate endless links.
MAX_PAGES = 5000
ORIGIN = "http://testserver"


def internal(href: str, base: str) -> str | None:
    """The path (and query) of a same-origin link, or None for another origin, a fragment or a scheme we skip."""
    if not href or href.startswith(("#", "mailto:", "javascript:", "data:")):
        return None
    url = urljoin(ORIGIN + base, href)
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" not in (ORIGIN, "http://localhost:8000"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def links(page: BeautifulSoup, base: str) -> list[tuple[str, str | None]]:
    """(link, the media type to ask for) of every link on a page."""
    found: list[tuple[str, str | None]] = []
    for tag, attr in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
        for node in page.find_all(tag):
            target = internal(node.get(attr, ""), base)
            if target is not None:
                found.append((target, node.get("type") or (BROWSER if tag == "a" else None)))
    for form in page.find_all("form"):
        if (form.get("method") or "get").lower() == "get":
            target = internal(form.get("action") or base, base)
            if target is not None:
                found.append((target, BROWSER))
    return found


def crawl(client: TestClient) -> tuple[dict[str, int], list[str], list[str]]:
    """Status of every page reached, the broken links (with the page linking), the HTML pages off-layout."""
    queue: deque[tuple[str, str | None, str]] = deque([("/", BROWSER, "(start)")])
    seen: dict[str, int] = {}
    broken, unstyled = [], []
    while queue and len(seen) < MAX_PAGES:
        path, accept, referrer = queue.popleft()
        key = f"{path} [{accept}]"
        if key in seen:
            continue
        response = client.get(path, headers={"accept": accept} if accept else {}, follow_redirects=False)
        seen[key] = response.status_code
        if response.status_code >= 400 and not (response.status_code == 410 and retired(client, path)):
            broken.append(f"{path} ({response.status_code}, linked from {referrer})")
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            target = internal(response.headers["location"], path)
            if target is not None:
                queue.append((target, accept, path))
            continue
        if response.headers.get("content-type", "").startswith("text/html"):
            page = BeautifulSoup(response.text, "html.parser")
            if page.select_one("header.site") is None or page.select_one('link[href="/static/style.css"]') is None:
                unstyled.append(path)
            queue.extend((target, media, path) for target, media in links(page, path))
    return seen, broken, unstyled


def retired(client: TestClient, path: str) -> bool:
    """Whether the served data withdraws the IRI of this path (``owl:deprecated true``)."""
    iri = "https://w3id.org/sahel-harm" + path.split("?", 1)[0]
    query = f"ASK {{ <{iri}> <http://www.w3.org/2002/07/owl#deprecated> true }}"
    return client.get("/sparql", params={"query": query, "format": "json"}).json()["boolean"] is True


def test_every_internal_link_answers_and_every_page_has_the_layout(client: TestClient) -> None:
    seen, broken, unstyled = crawl(client)
    assert len(seen) < MAX_PAGES, "the crawl did not end: some page generates endless links"
    assert len(seen) > 50, "the crawl found too little to mean anything"
    assert broken == []
    assert unstyled == []
