"""Curators' notes as readers see them: a source document named by its capture's number ("source 003") or a
claim by its identifier ("claim ab-cd") is shown by its title, linked; what names nothing of the graph stays.

A small store of its own (the fixture graph's notes name no capture numbers), served by the app and read
from its HTML pages as a browser gets them, in English and in French.
"""

from __future__ import annotations

import re

import pyoxigraph
import pytest
from bs4 import BeautifulSoup

from support.apps import make_client
from support.page_kinds import BROWSER_ACCEPT

ID = "https://w3id.org/sahel-harm/id/"
NOTE = ("Source 003 gives the long name, source 004 the short one; see claim zz-army-denies-it, "
        "and source 999, which is not in the graph.")
DATA = f"""
@prefix shg: <https://w3id.org/sahel-harm/ontology/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<{ID}source/long> a shg:SourceDocument ; dcterms:title "The Long Report" ; shg:captureFile "003_abc.txt" .
<{ID}source/short> a shg:SourceDocument ; dcterms:title "The Short Note" ; shg:captureFile "004_def.txt" .
<{ID}claim/zz-army-denies-it> a shg:Claim ; rdfs:label "The army denies it"@en .
<{ID}actor/coalition> a shg:Organisation ; rdfs:label "A coalition"@en ; rdfs:comment "{NOTE}"@en .
"""


@pytest.fixture(scope="module")
def store() -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.load(DATA.encode(), format=pyoxigraph.RdfFormat.TURTLE)
    return store


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_note_names_documents_and_claims_by_their_titles(store: pyoxigraph.Store, lang: str) -> None:
    with make_client(store) as client:
        html = client.get(f"/id/actor/coalition?lang={lang}", headers={"Accept": BROWSER_ACCEPT}).text
    comment = BeautifulSoup(html, "html.parser").select_one("p.comment")
    links = {a.get_text(): a["href"].split("?")[0] for a in comment.select("a")}
    text = comment.get_text()
    assert not re.search(r"\bsource 00[34]\b|\bclaim zz-", text, re.I), text
    titles = {"The Long Report": "source/long", "The Short Note": "source/short", "The army denies it": "claim/zz-army-denies-it"}
    for title, path in titles.items():
        shown = next(words for words in links if title in words)
        assert links[shown].endswith(path), (title, links)
    assert "source 999" in text  # names nothing of the graph: left as the curator wrote it
    # the rest of the note is kept, word for word
    assert "gives the long name" in text and "the short one; see" in text and "which is not in the graph." in text


def test_the_data_keeps_the_note_as_written(store: pyoxigraph.Store) -> None:
    """The data is not rewritten: its formats hold the note as the curator wrote it."""
    with make_client(store) as client:
        turtle = client.get("/id/actor/coalition", headers={"Accept": "text/turtle"}).text
    assert "Source 003 gives the long name" in turtle
