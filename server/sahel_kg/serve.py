"""``sahel-kg serve``: build the store when its inputs changed, then serve it.

For ``uvicorn --factory sahel_kg.serve:app_from_env`` (configuration from
``SAHEL_KG_*`` variables only), see :func:`app_from_env`.
"""

from __future__ import annotations

import argparse
import sys

from fastapi import FastAPI

from .app import create_app
from .build import build_store
from .settings import Settings
from .store import current_store_dir, open_read_only


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Environment settings, overridden by whatever the command line gives."""
    given = {k: getattr(args, k, None) for k in ("root", "store", "host", "port")}
    return Settings(**{k: v for k, v in given.items() if v is not None})


def app_from_env() -> FastAPI:
    """An app over the already-built store named by the environment's settings."""
    settings = Settings()
    return create_app(settings, open_read_only(settings.store_path))


def run_serve(args: argparse.Namespace) -> int:
    """Entry point of ``sahel-kg serve``."""
    import uvicorn

    settings = settings_from_args(args)
    result = build_store(settings.project_root, settings.store_path, force=getattr(args, "force", False),
                         log=lambda m: print(m, file=sys.stderr))
    print(result.message, file=sys.stderr)
    if result.status == "refused" and current_store_dir(settings.store_path) is None:
        return 1
    if result.status == "refused":
        print("serving the previous store", file=sys.stderr)
    app = create_app(settings, open_read_only(settings.store_path))
    uvicorn.run(app, host=settings.host, port=settings.port, proxy_headers=True)
    return 0
