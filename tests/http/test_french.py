"""The interface in French: chosen by ``?lang=`` or Accept-Language, kept in links, labels from the data in French.

Pages are fetched as a browser would fetch them (TestClient, the fixture graph), in
both languages, and read with BeautifulSoup. The check that a French page has no
untranslated interface string compares its visible text with the English catalogue
(every ``msgid`` whose French differs): the same check run on the English page must
find them, so it cannot pass by finding nothing. A second check needs no catalogue:
it compares the French page with the English page of the same URL, text node by text
node, so English that was never wrapped in gettext is caught too.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from sahel_kg.namespaces import BASE
from sahel_kg.pages.i18n import po_path
from support.page_kinds import BROWSER_ACCEPT, PAGES

STATUS = {"unknown path (404)": 404, "unknown IRI (404)": 404, "unknown list (404)": 404,
          "non-canonical path (404)": 404, "malformed path (400)": 400, "invalid parameters (422)": 422,
          "retired IRI (410)": 410, "query error": 400}
#: Every page kind, and the pages that are not in PAGES because the accessibility tests reach them otherwise.
FRENCH_PAGES = {**PAGES, "exports": "/exports"}
PLACEHOLDER_OR_TAG = re.compile(r"%\(\w+\)[sd]|<[^>]+>")
#: What is data, not interface: names and labels (links, headings, chart labels), quotes, notes, identifiers,
#: the raw statements table; a French page shows these in English where the data has no French.
DATA = ("a", "blockquote", "code", "h1", "title", "script", "style", ".comment", ".reasoning", ".statements",
        ".iri", ".quote", ".message", ".bar-label", ".span-label", "table.list td", "table.list th", ".asked", "dd.definition",
        "p.definition", "dl.terms dd", "ol.results small.matched", ".examples-list small", "option", "textarea",
        "pre.error", ".prefixes", "#results td")
#: Fewest words a text node shown alike in English and French needs to count as an untranslated sentence
#: (fewer: a name, a number with its unit, a label such as "SPARQL").
SENTENCE_WORDS = 4


def get(client: TestClient, path: str, *, status: int = 200, lang: str | None = None,
        accept_language: str | None = None) -> BeautifulSoup:
    if lang:
        path += ("&" if "?" in path else "?") + f"lang={lang}"
    headers = {"Accept": BROWSER_ACCEPT, **({"Accept-Language": accept_language} if accept_language else {})}
    response = client.get(path, headers=headers, follow_redirects=False)
    assert response.status_code == status, (path, response.status_code, response.text[:300])
    return BeautifulSoup(response.text, "html.parser")


def without_data(soup: BeautifulSoup) -> BeautifulSoup:
    """The page less what is data (see DATA), and less what it marks as written in another language than its own
    (WCAG 3.1.2: an English name or quote on a French page says ``lang="en"``)."""
    for node in soup.select(", ".join(DATA)):
        node.decompose()
    page_lang = soup.html.get("lang") if soup.html else None
    for node in soup.select("body [lang]"):
        if not node.decomposed and node.get("lang") != page_lang:
            node.decompose()
    return soup


def interface_text(soup: BeautifulSoup) -> str:
    """The page's interface text: what is shown, less what is data, plus the labels shown from attributes."""
    return re.sub(r"\s+", " ", " ".join(interface_pieces(soup)))


def interface_pieces(soup: BeautifulSoup) -> list[str]:
    """Each text node and each shown label attribute of the page's interface, spaces folded."""
    without_data(soup)
    shown = [str(s) for s in soup.body.find_all(string=True)] if soup.body else []
    for attr in ("aria-label", "placeholder", "data-label"):
        shown += [str(el[attr]) for el in soup.select(f"[{attr}]")]
    return [folded for piece in shown if (folded := re.sub(r"\s+", " ", piece).strip())]


def sentences_alike(english: list[str], french: list[str]) -> list[str]:
    """Text shown the same in both languages that reads as a sentence (SENTENCE_WORDS words or more)."""
    return sorted({piece for piece in set(french) & set(english)
                   if sum(bool(re.fullmatch(r"\W*[A-Za-z][A-Za-z'’-]*\W*", word)) for word in piece.split())
                   >= SENTENCE_WORDS})


def english_phrases() -> dict[str, str]:
    """Each English phrase of the catalogue whose French differs (two words or more, placeholders and tags cut
    out), with the msgid it comes from."""
    with po_path("fr").open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    phrases = {}
    for message in catalog:
        if not message.id:
            continue
        forms = (message.id,) if isinstance(message.id, str) else message.id
        strings = (message.string,) if isinstance(message.string, str) else message.string
        for english, french in zip(forms, strings):
            if english == french:
                continue
            for piece in PLACEHOLDER_OR_TAG.split(english):
                piece = piece.strip(" ,.;:()“”")
                if len(re.findall(r"[A-Za-z']+", piece)) >= 2 and piece not in french:
                    phrases[piece] = english
    return phrases


def untranslated(text: str, phrases: dict[str, str]) -> list[str]:
    return [f"{phrase!r} (from {msgid!r})" for phrase, msgid in phrases.items()
            if re.search(r"(?<![A-Za-z])" + re.escape(phrase) + r"(?![A-Za-z])", text)]


@pytest.mark.parametrize("kind", list(FRENCH_PAGES))
def test_a_french_page_has_no_untranslated_interface_string(client: TestClient, kind: str) -> None:
    phrases = english_phrases()
    status = STATUS.get(kind, 200)
    french = interface_text(get(client, FRENCH_PAGES[kind], status=status, lang="fr"))
    assert not untranslated(french, phrases), f"{kind} in French shows English: {untranslated(french, phrases)}"


@pytest.mark.parametrize("kind", list(FRENCH_PAGES))
def test_a_french_page_shows_no_sentence_of_its_english_page(client: TestClient, kind: str) -> None:
    """English the catalogue does not know (a string never wrapped in gettext) is caught by comparing the page
    in both languages: interface text shown alike in both, a sentence long, is untranslated."""
    status = STATUS.get(kind, 200)
    english = interface_pieces(get(client, FRENCH_PAGES[kind], status=status, lang="en"))
    french = interface_pieces(get(client, FRENCH_PAGES[kind], status=status, lang="fr"))
    assert english and french
    assert not sentences_alike(english, french), f"{kind} in French shows English: {sentences_alike(english, french)}"


def test_the_comparison_finds_a_sentence_left_in_english() -> None:
    """The comparison is not vacuous: a paragraph shown alike is found; names, numbers and marked quotes are not."""
    def page(lang: str, paragraph: str) -> BeautifulSoup:
        return BeautifulSoup(f'<html lang="{lang}"><body><h1>Kossiba</h1><p>{paragraph}</p><p>12 killed</p>'
                             '<p lang="en">Quoted words of a speaker, in English.</p></body></html>', "html.parser")

    english = interface_pieces(page("en", "Each release is a fixed version of the data."))
    assert sentences_alike(english, interface_pieces(page("fr", "Each release is a fixed version of the data."))) \
        == ["Each release is a fixed version of the data."]
    assert sentences_alike(english, interface_pieces(page("fr", "Chaque version publiée est figée."))) == []


def test_the_check_finds_english_in_english_pages(client: TestClient) -> None:
    """The comparison above is not vacuous: on the English pages it finds the catalogue's phrases."""
    phrases = english_phrases()
    for kind in ("home", "incident", "actor", "source", "browse list"):
        english = interface_text(get(client, FRENCH_PAGES[kind]))
        assert len(untranslated(english, phrases)) >= 3, kind


def test_language_from_the_header_and_the_parameter(client: TestClient) -> None:
    def answer(path: str, **headers: str) -> tuple[str, str, str]:
        response = client.get(path, headers={"Accept": BROWSER_ACCEPT, **headers})
        return (BeautifulSoup(response.text, "html.parser").html["lang"], response.headers["content-language"],
                response.headers["vary"])

    assert answer("/", **{"Accept-Language": "fr-ML, fr;q=0.9, en;q=0.5"})[:2] == ("fr", "fr")
    assert answer("/", **{"Accept-Language": "de, en;q=0.5"})[:2] == ("en", "en")
    assert answer("/", **{"Accept-Language": "fr;q=0, en;q=0.1"})[:2] == ("en", "en")
    assert answer("/?lang=en", **{"Accept-Language": "fr"})[:2] == ("en", "en")  # the switch wins
    assert answer("/?lang=xx", **{"Accept-Language": "fr"})[:2] == ("fr", "fr")  # unknown: the header decides
    lang, _, vary = answer("/id/incident/aghazar-killings", **{"Accept-Language": "fr"})
    assert lang == "fr" and {"Accept", "Accept-Language"} <= {v.strip() for v in vary.split(",")}


def test_data_does_not_vary_by_language(client: TestClient) -> None:
    english = client.get("/id/incident/aghazar-killings", headers={"Accept": "text/turtle"})
    french = client.get("/id/incident/aghazar-killings", headers={"Accept": "text/turtle", "Accept-Language": "fr"})
    assert english.content == french.content
    assert "accept-language" not in french.headers.get("vary", "").lower() and "content-language" not in french.headers


def test_canonical_and_data_links_are_the_same_in_every_language(client: TestClient) -> None:
    def head(soup: BeautifulSoup) -> list[str]:
        return [str(link["href"]) for link in soup.select("link[rel=canonical], link[rel=alternate]")]

    english = get(client, "/id/incident/aghazar-killings")
    french = get(client, "/id/incident/aghazar-killings", lang="fr")
    assert head(english) == head(french) and head(french)
    assert all("lang=" not in href for href in head(french))
    assert [a["href"] for a in french.select("a[rel=alternate]")] == [a["href"] for a in english.select("a[rel=alternate]")]


def _page_links(soup: BeautifulSoup) -> list[str]:
    """Links to the site's own pages (not data, files or the endpoint, not in-page anchors)."""
    found = []
    for a in soup.select("a[href]:not([hreflang])"):  # not the language switch
        href = str(a["href"])
        path = urlsplit(href).path
        if href.startswith("#") or "://" in href and not href.startswith("http://testserver/") or a.get("rel") == ["alternate"]:
            continue
        if re.search(r"^/(static|sparql|\.well-known|dumps/)|\.(ttl|jsonld|nt|rdf)$", path) or a.has_attr("download"):
            continue
        if "openstreetmap" not in href and not href.startswith("mailto:"):
            found.append(href)
    return found


@pytest.mark.parametrize("kind", ["home", "incident", "actor", "browse list", "search with results", "source"])
def test_a_chosen_language_is_kept_in_links_and_forms(client: TestClient, kind: str) -> None:
    french = get(client, PAGES[kind], lang="fr")
    links = _page_links(french)
    assert links and all(parse_qs(urlsplit(h).query).get("lang") == ["fr"] for h in links), \
        [h for h in links if "lang=fr" not in h][:5]
    for form in french.select("form[method=get]"):
        assert form.select_one("input[type=hidden][name=lang]")["value"] == "fr"
    # a language from the header needs no help: the links stay as they are
    by_header = get(client, PAGES[kind], accept_language="fr")
    assert by_header.html["lang"] == "fr" and all("lang=" not in h for h in _page_links(by_header))


def test_following_french_links_stays_french(client: TestClient) -> None:
    """Three clicks from the home page, each page still French, through the browse list and its filter form."""
    soup = get(client, "/", lang="fr")
    browse = soup.select_one('a[href^="/browse/incidents"]')["href"]
    listed = client.get(browse, headers={"Accept": BROWSER_ACCEPT})
    page = BeautifulSoup(listed.text, "html.parser")
    assert page.html["lang"] == "fr" and "Filtrer" in page.get_text()
    first = page.select_one("table.list tbody th a")["href"]
    incident = BeautifulSoup(client.get(first, headers={"Accept": BROWSER_ACCEPT}).text, "html.parser")
    assert incident.html["lang"] == "fr" and "Ce que dit chaque source" in incident.get_text()


@pytest.mark.parametrize("kind", ["home", "incident", "search with results", "browse claims"])
def test_the_switch_offers_this_page_in_each_language(client: TestClient, kind: str) -> None:
    soup = get(client, PAGES[kind], lang="fr")
    switch = {a["hreflang"]: a for a in soup.select("nav.languages a")}
    assert set(switch) == {"en", "fr"} and switch["fr"].get("aria-current") == "true"
    english = urlsplit(switch["en"]["href"])
    asked = urlsplit(PAGES[kind])
    assert english.path == asked.path
    assert {k: v for k, v in parse_qs(english.query).items() if k != "lang"} == parse_qs(asked.query)
    assert parse_qs(english.query)["lang"] == ["en"]


def _pref_labels(client: TestClient, concept: str) -> dict[str, str]:
    query = f"SELECT ?l WHERE {{ <{concept}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }}"
    rows = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    return {b["l"].get("xml:lang", ""): b["l"]["value"] for b in rows.json()["results"]["bindings"]}


def test_labels_in_french_where_the_data_has_them(client: TestClient) -> None:
    """Each claim's stance on the incident page is the stance concept's @fr label (its @en one in English)."""
    for lang in ("fr", "en"):
        soup = get(client, "/id/incident/kossiba-market-killings", lang=lang)
        rows = soup.select("table.claims tbody tr")
        assert rows
        for row in rows:
            claim = row.select_one(".claim-link a")["href"].split("?")[0]
            slug = claim.rsplit("/", 1)[-1]
            query = f"SELECT ?s WHERE {{ <{BASE}id/claim/{slug}> <{BASE}ontology/stance> ?s }}"
            found = client.get("/sparql", params={"query": query},
                               headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
            labels = _pref_labels(client, found[0]["s"]["value"])
            expected = labels.get(lang) or labels.get("en")
            assert row.select_one("span.stance").get_text(strip=True) == expected, (lang, slug, labels)


def test_search_finds_either_language_and_names_things_in_the_readers(client: TestClient) -> None:
    """A French label finds its concept; the result is named in French for a French reader, in English otherwise;
    and the English label finds it for a French reader too."""
    query = ("SELECT ?c ?en ?fr WHERE { ?c a <http://www.w3.org/2004/02/skos/core#Concept> ; "
             "<http://www.w3.org/2004/02/skos/core#prefLabel> ?en, ?fr "
             "FILTER(LANG(?en) = 'en' && LANG(?fr) = 'fr' && LCASE(?en) != LCASE(?fr) && !CONTAINS(?fr, ' ')) } "
             "ORDER BY ?c LIMIT 3")
    rows = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    found = rows.json()["results"]["bindings"]
    assert found, "the vocabularies have French labels"
    for row in found:
        english, french = row["en"]["value"], row["fr"]["value"]
        for lang, words, expected in (("fr", french, french), ("en", french, english), ("fr", english, french)):
            soup = get(client, "/search?q=" + words, lang=lang)
            names = [a.get_text(strip=True) for a in soup.select("ol.results li > a")]
            assert expected in names, (lang, words, names)


def test_browse_lists_name_things_in_the_readers_language(client: TestClient) -> None:
    """The places list's kind column links each precision concept by its label in the reader's language, and the
    actors list names each actor's categories so; both read against the concepts' labels through /sparql."""
    for lang in ("fr", "en"):
        places = get(client, "/browse/places?per_page=200", lang=lang)
        kinds = [row.select("td")[0] for row in places.select("table.list tbody tr")]
        linked = [(cell.a["href"].split("?")[0], cell.get_text(strip=True)) for cell in kinds if cell.a]
        assert linked
        for href, shown in linked:
            labels = _pref_labels(client, BASE + urlsplit(href).path.lstrip("/"))
            assert shown == (labels.get(lang) or labels["en"]), (lang, href, shown, labels)
        actors = get(client, "/browse/actors?per_page=200", lang=lang)
        header = [th.get_text(strip=True) for th in actors.select("table.list thead th")]
        column = 2
        assert header[column] == ("Catégorie" if lang == "fr" else "Category")
        query = (f"SELECT ?a ?c WHERE {{ ?a <{BASE}ontology/actorCategory> ?c }}")
        rows = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
        categories: dict[str, list[str]] = {}
        for b in rows.json()["results"]["bindings"]:
            labels = _pref_labels(client, b["c"]["value"])
            categories.setdefault(b["a"]["value"], []).append(labels.get(lang) or labels["en"])
        checked = 0
        for row in actors.select("table.list tbody tr"):
            iri = BASE + urlsplit(row.th.a["href"]).path.lstrip("/")
            if iri in categories:
                expected = ", ".join(sorted(categories[iri], key=str.casefold))
                assert row.select("td")[column - 1].get_text(strip=True) == expected, (lang, iri)
                checked += 1
        assert checked


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_quotes_and_notes_say_their_own_language(client: TestClient, lang: str) -> None:
    """WCAG 3.1.2: a quote carries its source document's language, a curator's note its literal's, whatever the page's."""
    soup = get(client, "/id/incident/kossiba-market-killings", lang=lang)
    query = (f"SELECT ?c ?l WHERE {{ ?c <{BASE}ontology/about> <{BASE}id/incident/kossiba-market-killings> ; "
             f"<http://www.w3.org/ns/prov#wasDerivedFrom>/<http://purl.org/dc/terms/language> ?l }}")
    rows = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    language = {b["c"]["value"].rsplit("/", 1)[-1]: b["l"]["value"] for b in rows.json()["results"]["bindings"]}
    assert "fr" in language.values(), "the fixture quotes a French source"
    for row in soup.select("table.claims tbody tr"):
        claim = row.select_one(".claim-link a")["href"].split("?")[0].rsplit("/", 1)[-1]
        for quote in row.select("blockquote.quote"):
            assert quote.get("lang") == language[claim], (claim, quote.get("lang"))
    note = soup.select_one("p.comment")
    if note is not None:
        assert note.get("lang") == "en"  # the fixture's notes are written in English


def test_english_names_on_a_french_page_say_so(client: TestClient) -> None:
    """WCAG 3.1.2: where the data has no French, the English name shown on a French page is marked lang="en"
    (the heading, the links to actors); a French label is not, and the English page marks neither."""
    query = (f"SELECT ?a (SAMPLE(?l) AS ?fr) WHERE {{ ?c <{BASE}ontology/about> <{BASE}id/incident/kossiba-market-killings> ; "
             f"<http://www.w3.org/ns/prov#wasAttributedTo> ?a . "
             "OPTIONAL { ?a <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(LANG(?l) = 'fr') } } GROUP BY ?a")
    rows = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    speakers = {b["a"]["value"].removeprefix(BASE): "fr" in b for b in rows.json()["results"]["bindings"]}
    french = get(client, "/id/incident/kossiba-market-killings", lang="fr")
    assert french.h1.get("lang") == "en"
    checked = 0
    for a in french.select("table.claims th[scope=row] a"):
        path = urlsplit(a["href"]).path.lstrip("/")
        if path in speakers:
            assert a.get("lang") == (None if speakers[path] else "en"), (path, a.get("lang"))
            checked += 1
    assert checked
    english = get(client, "/id/incident/kossiba-market-killings", lang="en")
    assert english.h1.get("lang") is None and not english.select("table.claims th[scope=row] a[lang]")


def test_a_release_page_in_french_shows_no_sentence_of_its_english_page() -> None:
    """One release's page (the fixture has no release, so it is rendered from a release record as the route
    renders it): the same comparison, and the changelog's headings in French."""
    from sahel_kg.languages import answering_in
    from sahel_kg.linked_data.releases import Release, ReleaseDump
    from sahel_kg.links import Links
    from sahel_kg.pages.releases import release_context
    from sahel_kg.pages.render import render

    release = Release("0.2.0", "2026-11-29T10:00:00+00:00", "store-ab-1", "ab", "0.1.0",
                      [ReleaseDump("sahel-kg-0.2.0.nq.gz", "application/n-quads", 123_456, 900)],
                      added=[f"{BASE}id/place/gao"], changed=[f"{BASE}id/place/kossiba"],
                      retracted=[f"{BASE}id/place/tessoura-plateau"], entities=1234)

    def page(lang: str) -> BeautifulSoup:
        with answering_in(lang):
            html = render("release.html", **release_context(Links("http://testserver/"), release, release))
        return BeautifulSoup(html, "html.parser")

    english, french = page("en"), page("fr")
    assert french.html["lang"] == "fr"
    assert [h.get_text(strip=True) for h in french.select("section h2")] == \
        ["Ajoutées (1)", "Modifiées (1)", "Retirées (1)"]
    assert "121 Kio" in french.get_text() and "121 KiB" in english.get_text()
    assert not sentences_alike(interface_pieces(english), interface_pieces(french))
