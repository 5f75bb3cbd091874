"""Server and build settings, read from ``SAHEL_KG_*`` environment variables.

Every field has a description; a test fails when one is missing.

>>> s = Settings(root=Path("/p"))
>>> s.store_path
PosixPath('/p/var/store')
>>> s.public_base_url
'http://localhost:8000/'
>>> Settings(root=Path("/p"), port=18200).public_base_url, Settings(host="10.0.0.5", port=80).public_base_url
('http://localhost:18200/', 'http://10.0.0.5:80/')
>>> s.local_url("https://w3id.org/sahel-harm/id/place/kidal")
'http://localhost:8000/id/place/kidal'
>>> s.local_url("http://www.w3.org/ns/prov#Entity")
'http://www.w3.org/ns/prov#Entity'
"""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from sahel_kg.links import Links
from sahel_kg.namespaces import BASE

#: Interfaces whose links are written with ``localhost``: loopback, and the wildcards (any interface).
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "0.0.0.0", "::")


class Settings(BaseSettings):
    """Everything the build and the server can be told, with its default."""

    model_config = SettingsConfigDict(env_prefix="SAHEL_KG_", extra="ignore")

    root: Path | None = Field(
        default=None,
        description="Project checkout holding ontology/, shapes/ and data/ttl/ "
        "(default: the checkout this package is installed from).",
    )
    store: Path | None = Field(
        default=None,
        description="Path of the store pointer: a symlink to the current built store "
        "directory (default: <root>/var/store).",
    )
    sources: Path = Field(
        default=Path("../shared/sources"),
        description="Folder of the captured source documents that shg:captureFile names; "
        "`sahel-kg validate` checks every quote against them. A relative path is taken "
        "from the project root.",
    )
    releases: Path | None = Field(
        default=None,
        description="Folder `sahel-kg release VERSION` writes each release into (VERSION/: its dumps, "
        "changelog and description) and the server lists at /releases (default: <root>/var/releases). "
        "A relative path is taken from the project root.",
    )
    license: str = Field(
        default="https://creativecommons.org/licenses/by/4.0/",
        description="IRI of the licence the data are published under (dcterms:license in VoID, the "
        "releases and the nanopublications).",
    )
    publisher_name: str = Field(
        default="Sahel Harm Graph maintainers",
        description="Who publishes this copy of the dataset (dcterms:publisher in VoID and the releases).",
    )
    publisher_url: str = Field(
        default="https://w3id.org/sahel-harm/",
        description="Home page of the publisher (foaf:homepage of dcterms:publisher).",
    )
    contact_name: str = Field(
        default="Sahel Harm Graph maintainers",
        description="Name of the contact point for questions and corrections (dcat:contactPoint, a vCard).",
    )
    contact_email: str = Field(
        default="",
        description="E-mail address of the contact point (vcard:hasEmail); empty: none is published, "
        "set it on a public deployment.",
    )
    contact_url: str = Field(
        default="",
        description="Web page of the contact point, e.g. an issue tracker (vcard:hasURL); empty: the "
        "server's own home page.",
    )
    issued: str = Field(
        default="",
        description="Date the dataset was first published, YYYY-MM-DD (dcterms:issued); empty: the "
        "date of the first release, else of the current build.",
    )
    host: str = Field(default="127.0.0.1", description="Interface the server listens on.")
    port: int = Field(default=8000, description="TCP port the server listens on.")
    public_base_url: str = Field(
        default="",
        description="Public URL of this server, ending in '/'. IRIs in the project "
        f"namespace {BASE} are linked to the same path under this URL. Default: the address "
        "the server listens on (http://localhost:<port>/ on a loopback or wildcard interface, "
        "http://<host>:<port>/ otherwise); set it behind a proxy or a domain name.",
    )
    update_token: SecretStr | None = Field(
        default=None,
        description="Bearer token that would authorise SPARQL updates. Without it every "
        "update answers 403; with it, 501, because the server's store is read-only "
        "(edit data/ttl/ and rebuild instead).",
    )
    query_workers: int = Field(
        default=8,
        description="Threads that run queries and serialize their results; also the "
        "number of queries evaluated at once (more wait their turn).",
    )
    chunk_bytes: int = Field(
        default=65536,
        description="Size of the chunks a streamed result is sent in; results smaller "
        "than this are sent in one response with a Content-Length.",
    )
    queue_chunks: int = Field(
        default=8,
        description="Chunks a query may serialize ahead of a slow client before it "
        "waits (bounds the memory one streamed result holds).",
    )
    html_row_limit: int = Field(
        default=1000,
        description="Rows shown in the HTML results table; the download links give all.",
    )
    worker_processes: int = Field(
        default=2,
        description="Worker processes that evaluate queries over an on-disk store, one "
        "query each at a time; a worker whose query passes query_timeout is killed and "
        "replaced. Each holds its own store caches (about 200 MB at 15M triples): about one "
        "per CPU core. (In-memory stores use query_workers threads instead.)",
    )
    worker_memory_bytes: int = Field(
        default=320 * 1024 * 1024,
        description="Resident memory past which a query worker process is replaced once its query is over "
        "(a large aggregate leaves a worker holding hundreds of MB it no longer needs); 0: never.",
    )
    page_timeout: float = Field(
        default=10.0,
        description="Seconds the server may spend on its own queries for one page (entity pages, lists, "
        "search, VoID); past it the page answers 503 and its work stops before its next query.",
    )
    response_cache_bytes: int = Field(
        default=64 << 20, ge=0,
        description="Bytes of answers (pages, small query results) kept in memory by entity tag over a "
        "built store and sent again without running their route; 0 turns the cache off. Answers over "
        "1 MiB are never kept.",
    )
    query_timeout: float = Field(
        default=30.0,
        description="Seconds a query may run, serialization included; past it the query "
        "is stopped and answered 503 (or its stream is cut if it had started).",
    )
    queue_limit: int = Field(
        default=64,
        description="Queries that may wait for a free worker; more at once are answered "
        "503 with Retry-After.",
    )
    queue_timeout: float = Field(
        default=10.0,
        description="Seconds a query may wait for a free worker before it is answered 503 "
        "with Retry-After.",
    )
    result_row_limit: int | None = Field(
        default=100_000,
        description="Most rows (solutions, or triples of a graph result) one response "
        "holds; a longer result is cut and carries the Sahel-Result-Truncated header. "
        "None for no cap.",
    )
    federation: bool = Field(
        default=False,
        description="Whether SERVICE clauses may call other endpoints at all; even then "
        "only those on service_allow_list that resolve to public addresses.",
    )
    service_allow_list: list[str] = Field(
        default_factory=list,
        description="Exact SPARQL endpoint URLs a SERVICE clause may call when federation "
        "is on (JSON list in the environment).",
    )
    max_query_tokens: int = Field(
        default=8192,
        description="Most tokens (words, names, literals, punctuation) one query may hold; longer ones are "
        "answered 400. The engine parses and plans recursively, and chains of about 10,000 operators, "
        "patterns or UNIONs overflow its stack.",
    )
    max_body_bytes: int = Field(
        default=1_048_576,
        description="Largest request body accepted; larger ones are answered 413.",
    )
    max_url_bytes: int = Field(
        default=16_384,
        description="Longest request target (path and query string) accepted; longer "
        "ones are answered 414 (POST long queries instead).",
    )
    max_header_bytes: int = Field(
        default=16_384,
        description="Largest total size of the request headers, and at most 100 of them; "
        "more is answered 431.",
    )

    store_url: str | None = Field(
        default=None,
        description="SPARQL 1.1 Query endpoint of an external store (e.g. Oxigraph server's "
        "http://host:7878/query, Virtuoso's http://host:8890/sparql). When set, the server "
        "serves that store instead of the embedded one, and `sahel-kg build` loads into it.",
    )
    store_update_url: str | None = Field(
        default=None,
        description="SPARQL 1.1 Update endpoint of the external store, used by the loader to "
        "drop graphs no longer in data/ttl/ (default: store_url with /query replaced by "
        "/update, else store_url itself).",
    )
    store_gsp_url: str | None = Field(
        default=None,
        description="Graph Store Protocol endpoint of the external store, where the loader PUTs "
        "each named graph (default: store_url with /query replaced by /store, as on Oxigraph "
        "server; Virtuoso: http://host:8890/sparql-graph-crud-auth).",
    )
    store_union: Literal["native", "parameter", "dataset"] = Field(
        default="native",
        description="How queries get the union of all named graphs as their default graph on "
        "the external store: 'native' when the engine already does that (Virtuoso, QLever, "
        "`oxigraph serve --union-default-graph`), 'parameter' to add Oxigraph's "
        "union-default-graph URL parameter, 'dataset' to name every graph with standard "
        "default-graph-uri / named-graph-uri parameters (any engine; up to a few thousand graphs).",
    )
    store_user: str | None = Field(
        default=None,
        description="User name for HTTP authentication to the external store (with store_password).",
    )
    store_password: SecretStr | None = Field(
        default=None,
        description="Password for HTTP authentication to the external store.",
    )
    store_auth_scheme: Literal["basic", "digest"] = Field(
        default="basic",
        description="HTTP authentication scheme used with store_user and store_password "
        "(Virtuoso's *-auth endpoints want 'digest').",
    )
    store_token: SecretStr | None = Field(
        default=None,
        description="Bearer token sent to the external store (instead of a user and password).",
    )
    store_connect_timeout: float = Field(
        default=5.0,
        description="Seconds to wait for a connection to the external store before answering "
        "504; a store that refuses connections is answered 502 at once.",
    )
    short_links: Path | None = Field(
        default=None,
        description="SQLite file of the query page's short links (/q/{id}); it sits beside the store "
        "pointer, not inside a built store, so links outlive restarts and rebuilds "
        "(default: short-links.sqlite in the store pointer's folder).",
    )
    online_tiles: bool = Field(
        default=False,
        description="Whether maps add OpenStreetMap tiles over the packaged offline base map of Mali "
        "(and the Content-Security-Policy lets images come from the tile host); off, maps load "
        "nothing from another origin.",
    )
    store_connections: int = Field(
        default=16,
        description="Most open HTTP connections to the external store (a pool, kept alive and reused).",
    )

    @field_validator("issued")
    @classmethod
    def _is_a_date(cls, value: str) -> str:
        if value:
            date.fromisoformat(value)  # ValueError names what is wrong
        return value

    @field_validator("public_base_url")
    @classmethod
    def _ends_with_slash(cls, value: str) -> str:
        return value if not value or value.endswith("/") else value + "/"

    @model_validator(mode="after")
    def _listening_address_by_default(self) -> Settings:
        """Without a public URL, links follow the address the server listens on."""
        if not self.public_base_url:
            host = "localhost" if self.host in LOCAL_HOSTS else self.host
            host = f"[{host}]" if ":" in host else host
            self.public_base_url = f"http://{host}:{self.port}/"
        return self

    @property
    def project_root(self) -> Path:
        """The project checkout, found from the package when not set."""
        if self.root is not None:
            return self.root
        from sahel_kg.project import project_root

        return project_root()

    @property
    def store_path(self) -> Path:
        """The store pointer path (a symlink to the current store directory)."""
        return self.store if self.store is not None else self.project_root / "var" / "store"

    @property
    def short_links_path(self) -> Path:
        """The short links' SQLite file: set, or beside the store pointer.

        >>> Settings(root=Path("/p")).short_links_path
        PosixPath('/p/var/short-links.sqlite')
        """
        return self.short_links if self.short_links is not None else self.store_path.parent / "short-links.sqlite"

    @property
    def sources_dir(self) -> Path:
        """The folder of captured source documents, relative paths taken from the project root.

        >>> Settings(root=Path("/p")).sources_dir
        PosixPath('/shared/sources')
        >>> Settings(root=Path("/p"), sources=Path("/captures")).sources_dir
        PosixPath('/captures')
        """
        return Path(os.path.normpath(self.project_root / self.sources))

    @property
    def releases_dir(self) -> Path:
        """The releases folder, relative paths taken from the project root.

        >>> Settings(root=Path("/p")).releases_dir
        PosixPath('/p/var/releases')
        """
        folder = self.releases if self.releases is not None else Path("var/releases")
        return Path(os.path.normpath(self.project_root / folder))

    def local_url(self, iri: str) -> str:
        """Where an IRI of the project namespace is served locally; others unchanged."""
        return Links(self.public_base_url).local_url(iri)


def load_settings(**given: Any) -> Settings:
    """The settings every command reads: the ``given`` values (command-line options;
    ``None`` means not given), then ``SAHEL_KG_*`` environment variables, then the
    project root's ``.env`` file, then the defaults.

    Raises FileNotFoundError when no root is given and none can be found.

    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = (Path(d) / ".env").write_text("SAHEL_KG_SOURCES=captures\\n")
    ...     load_settings(root=Path(d), port=None).sources_dir == Path(d) / "captures"
    True
    """
    values = {name: value for name, value in given.items() if value is not None}
    settings = Settings(**values)
    dotenv = settings.project_root / ".env"
    if not dotenv.is_file():
        return settings
    return Settings(_env_file=dotenv, **values)


#: Command-line options that override a setting of the same name.
OPTION_SETTINGS = ("root", "sources", "store", "host", "port", "store_url", "store_update_url", "store_gsp_url")


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings a command runs with: those the CLI loaded into ``args.settings``, or
    else :func:`load_settings` over the options ``args`` has (for callers other than the CLI).

    >>> settings_of(argparse.Namespace(root=Path("/p"), port=8001)).port
    8001
    """
    loaded = getattr(args, "settings", None)
    if isinstance(loaded, Settings):
        return loaded
    return load_settings(**{name: getattr(args, name, None) for name in OPTION_SETTINGS})
