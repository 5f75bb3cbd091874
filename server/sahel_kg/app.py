"""The web application: :func:`create_app` wires settings, store and routes.

No I/O happens at import or in the factory; the caller opens the store.

>>> import pyoxigraph
>>> app = create_app(Settings(root=Path("/nowhere")), pyoxigraph.Store())
>>> app.url_path_for("sparql"), app.url_path_for("query_page")
('/sparql', '/query')
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pyoxigraph
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from . import hardening, query_page, sparql_protocol
from . import dereference, discovery
from . import pages
from .backend import EmbeddedBackend
from .settings import Settings

STATIC_DIR = Path(__file__).parent / "static"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.runner.start()
    yield
    app.state.runner.close()


def create_app(settings: Settings, store: pyoxigraph.Store, *, store_dir: Path | None = None) -> FastAPI:
    """A new application serving ``store`` as configured by ``settings``.

    ``store_dir`` is where ``store`` lives on disk: given, queries run in worker
    processes that open it read-only and are killed on their time limit;
    omitted (in-memory stores), on threads. See :mod:`sahel_kg.hardening`.
    """
    app = FastAPI(
        title="Sahel Harm Graph",
        description="Alleged harm to civilians in the Sahel, every contested fact attributed.",
        lifespan=_lifespan, docs_url=None, redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.backend = EmbeddedBackend(store)
    hardening.install(app, settings, store_dir=store_dir)
    app.add_middleware(
        CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["*"], max_age=86400,
    )
    app.include_router(sparql_protocol.router)
    app.include_router(query_page.router)
    app.include_router(dereference.router)
    app.include_router(discovery.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
