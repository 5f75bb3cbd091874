"""Where things are served: every link a page writes is made by a :class:`Links`.

Views depend on ``(backend, links)``, never on the settings: the one thing
they need of the configuration is the public base URL, and the paths of the
site's own pages are written here once (like datasette's ``Urls``).

>>> links = Links("http://localhost:8000/")
>>> links.local_url("https://w3id.org/sahel-harm/id/place/kidal")
'http://localhost:8000/id/place/kidal'
>>> links.local_url("http://www.w3.org/ns/prov#Entity")
'http://www.w3.org/ns/prov#Entity'
>>> links.browse("incidents", place="gao", page=2)
'/browse/incidents?place=gao&page=2'
>>> links.page("/browse")
'http://localhost:8000/browse'
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from sahel_kg.namespaces import BASE

BROWSE = "/browse"
QUERY = "/query"
SEARCH = "/search"
DUMPS = "/dumps"
RELEASES = "/releases"


@dataclass(frozen=True)
class Links:
    """Links from a server whose public base URL (ending in ``/``) is ``public_base_url``."""

    public_base_url: str

    def local_url(self, iri: str) -> str:
        """Where an IRI of the project namespace is served; other IRIs unchanged."""
        if iri.startswith(BASE):
            return self.public_base_url + iri[len(BASE):]
        return iri

    def page(self, path: str) -> str:
        """The absolute URL of one of the site's own paths (``/browse`` → ``http://…/browse``)."""
        return self.public_base_url + path.lstrip("/")

    def browse(self, name: str | None = None, **params: object) -> str:
        """A browse list (``/browse/{name}``, its query parameters in order), or the list of lists."""
        path = f"{BROWSE}/{name}" if name else BROWSE
        return f"{path}?{urlencode(params)}" if params else path

    def query(self, sparql: str | None = None) -> str:
        """The query page, holding ``sparql`` when given."""
        return f"{QUERY}?{urlencode({'query': sparql})}" if sparql is not None else QUERY

    def search(self, q: str | None = None) -> str:
        """The search page, for ``q`` when given."""
        return f"{SEARCH}?{urlencode({'q': q})}" if q else SEARCH

    def dumps(self, name: str | None = None) -> str:
        """The dumps page, or one dump file."""
        return f"{DUMPS}/{name}" if name else DUMPS

    def releases(self, version: str | None = None, name: str | None = None) -> str:
        """The list of releases, one release's page, or one of its files.

        >>> Links("http://h/").releases("0.2.0", "sahel-harm-0.2.0.nq.gz")
        '/releases/0.2.0/sahel-harm-0.2.0.nq.gz'
        """
        path = f"{RELEASES}/{version}" if version else RELEASES
        return f"{path}/{name}" if name else path
