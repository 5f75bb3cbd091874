"""In-process clients of the application over a given store: threads, or worker processes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph
from fastapi.testclient import TestClient

from sahel_kg.app import create_app
from sahel_kg.settings import Settings
from sahel_kg.store.ondisk import current_store_dir, open_read_only
from support.project_data import ROOT


def make_client(store: pyoxigraph.Store, **overrides: object) -> TestClient:
    """A client of an app over any store, with settings overridden (enter it with ``with``)."""
    return TestClient(create_app(Settings(root=ROOT, **overrides), store))  # type: ignore[arg-type]


def remote_settings(url: str, **overrides: object) -> Settings:
    """Settings of an app over the external store at ``url``."""
    return Settings(root=ROOT, store_url=url, **{"store_union": "parameter", **overrides})  # type: ignore[arg-type]


@contextmanager
def process_client(pointer: Path, **overrides: object) -> Iterator[TestClient]:
    """A client of an app whose queries run in worker processes over the store at ``pointer``."""
    settings = Settings(root=ROOT, store=pointer, **overrides)  # type: ignore[arg-type]
    app = create_app(settings, open_read_only(pointer), store_dir=current_store_dir(pointer))
    with TestClient(app) as client:
        assert app.state.runner.wait_ready(), "the query workers did not start"
        yield client
