"""One page of each kind the site serves as HTML, on the fixture graph: what the accessibility tests visit."""

from __future__ import annotations

from urllib.parse import quote

from sahel_kg.pages.examples import example_query

QUERY = "SELECT ?incident ?label WHERE { ?incident a shg:Incident ; rdfs:label ?label } ORDER BY ?label LIMIT 5"
#: One page of each kind the site serves as HTML, on the fixture graph (errors included: a browser gets a page).
PAGES: dict[str, str] = {
    "home": "/",
    "browse index": "/browse",
    "browse list": "/browse/incidents",
    "browse claims": "/browse/claims",
    "search with results": "/search?q=kossiba",
    "query editor": "/query",
    "query results": "/query?query=" + quote(QUERY),
    "query error": "/query?query=" + quote("SELECT nonsense"),
    "query results as a map": "/query?query=" + quote(example_query("incidents-on-a-map").sparql),
    "query results as a timeline": "/query?query=" + quote(example_query("incidents-through-time").sparql),
    "query results as a chart": "/query?query=" + quote(example_query("highest-toll-per-incident").sparql),
    "incident": "/id/incident/aghazar-killings",
    "incident with an approximate figure": "/id/incident/kossiba-market-killings",
    "event series": "/id/event/alleged-abuses-by-zembaran-forces",
    "claim": "/id/claim/ko-aghazar-chief-spokesman-46-executed",
    "actor": "/id/actor/zembaran-armed-forces",
    "place": "/id/place/kossiba",
    "source": "/id/source/tessoura-rights-observatory-drone-report",
    "ontology": "/ontology",
    "class": "/ontology/Claim",
    "property": "/ontology/about",
    "concept scheme": "/vocab/stance",
    "concept": "/vocab/stance/alleges",
    "shape": "/shapes/Claim",
    "unknown path (404)": "/nope",
    "unknown IRI (404)": "/id/place/nowhere",
    "unknown list (404)": "/browse/nothing",
    "non-canonical path (404)": "/id/place/kossiba%2Fmarket",
    "malformed path (400)": "/id/place/kossiba%ZZ",
    "invalid parameters (422)": "/browse/incidents?page=0",
    "retired IRI (410)": "/id/place/tessoura-plateau",
    "dumps": "/dumps",
    "releases": "/releases",
    "triples (named graph)": "/graph/sources/kossiba-observer-aghazar-killings",
    "dataset description": "/.well-known/void",
}
#: What a browser sends as ``Accept`` with a navigation.
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
