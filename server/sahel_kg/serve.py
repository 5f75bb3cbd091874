"""``sahel-kg serve``: build the store when its inputs changed, then serve it.

For ``uvicorn --factory sahel_kg.serve:app_from_env`` (configuration from
``SAHEL_KG_*`` variables only), see :func:`app_from_env`. With ``--store-url``
(or ``SAHEL_KG_STORE_URL``) nothing is built: the server sits on that external
SPARQL store, loaded beforehand with ``sahel-kg build --store-url``.
"""

from __future__ import annotations

import argparse
import sys

from fastapi import FastAPI

from sahel_kg.app import create_app
from sahel_kg.curation.build import EXIT_STATUS, build_store
from sahel_kg.settings import Settings, settings_of
from sahel_kg.store.ondisk import current_store_dir, is_read_only, open_read_only
from sahel_kg.store.remote import RemoteStore
from sahel_kg.web.observability import configure_access_log


def settings_from_args(args: argparse.Namespace) -> Settings:
    """The settings every command reads (:func:`sahel_kg.settings.settings_of`)."""
    return settings_of(args)


def app_over_built_store(settings: Settings, *, build_note: str | None = None) -> FastAPI:
    """An app over the built store the settings name, opened read-only here and in
    every query worker process (the server never opens its store for writing).

    ``build_note``: why the last build did not replace this store, shown while it is stale.
    """
    store_dir = current_store_dir(settings.store_path)
    store = open_read_only(settings.store_path)
    assert is_read_only(store), "the served store must be opened read-only"
    configure_access_log()
    app = create_app(settings, store, store_dir=store_dir)
    app.state.data_status.note = build_note
    return app


def app_over_remote_store(settings: Settings) -> FastAPI:
    """An app over the external SPARQL store ``settings.store_url`` names (nothing connects yet)."""
    configure_access_log()
    return create_app(settings, RemoteStore(settings))


def app_from_env() -> FastAPI:
    """An app over the already-built store named by the environment's settings, or over
    the external store ``SAHEL_KG_STORE_URL`` names."""
    settings = Settings()
    return app_over_remote_store(settings) if settings.store_url else app_over_built_store(settings)


def run_serve(args: argparse.Namespace) -> int:
    """Entry point of ``sahel-kg serve``."""
    import uvicorn

    settings = settings_from_args(args)
    if settings.store_url:  # the data lives in the external store: load it with `build --store-url`
        uvicorn.run(app_over_remote_store(settings), host=settings.host, port=settings.port, proxy_headers=True,
                    access_log=False,  # ours is the JSON access log (observability.AccessLog)
                    timeout_graceful_shutdown=int(settings.query_timeout) + 5)
        return 0
    result = build_store(settings.project_root, settings.store_path, force=getattr(args, "force", False),
                         log=lambda m: print(m, file=sys.stderr), sources_dir=settings.sources_dir)
    print(result.message, file=sys.stderr)
    not_built = result.status in ("refused", "failed")
    if not_built and current_store_dir(settings.store_path) is None:
        return EXIT_STATUS[result.status]
    if not_built:
        print("serving the previous store; /-/health and every page say it is not the build of the files",
              file=sys.stderr)
    app = app_over_built_store(settings, build_note=result.message if not_built else None)
    uvicorn.run(app, host=settings.host, port=settings.port, proxy_headers=True, access_log=False,  # ours is JSON
                timeout_graceful_shutdown=int(settings.query_timeout) + 5)
    return 0
