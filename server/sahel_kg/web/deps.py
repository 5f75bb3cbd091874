"""The FastAPI dependencies: what a route may ask of the app, each read from a slot ``create_app`` made.

Every ``app.state`` slot is created in :func:`sahel_kg.app.create_app`; routes
reach them through these aliases, never through ``request.app.state``. Starlette's
``State`` holds untyped attributes: each function here says what its slot holds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from sahel_kg.linked_data.releases import Edition, Release, edition_of, list_releases
from sahel_kg.links import Links
from sahel_kg.query.runners import Runner
from sahel_kg.settings import Settings
from sahel_kg.store.backend import GraphBackend
from sahel_kg.store.ondisk import ServedStore, inputs_hash_of


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_store(request: Request) -> ServedStore:
    """The app's store: embedded, or a :class:`~sahel_kg.store.remote.RemoteStore`."""
    store: ServedStore = request.app.state.store
    return store


def get_backend(request: Request) -> GraphBackend:
    """The app's backend, which pages and descriptions query."""
    backend: GraphBackend = request.app.state.backend
    return backend


def get_runner(request: Request) -> Runner:
    """The app's query runner (worker processes, threads, or forwarding)."""
    runner: Runner = request.app.state.runner
    return runner


def get_links(request: Request) -> Links:
    """Where the app's pages link to."""
    links: Links = request.app.state.links
    return links


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[ServedStore, Depends(get_store)]
BackendDep = Annotated[GraphBackend, Depends(get_backend)]
RunnerDep = Annotated[Runner, Depends(get_runner)]
LinksDep = Annotated[Links, Depends(get_links)]


def current_releases(request: Request) -> list[Release]:
    """The releases in the folder the settings name (oldest first), read again only when the folder changed
    (slot ``releases``: the folder's path and modification time, and what was read)."""
    settings = get_settings(request)
    try:
        folder = settings.releases_dir
        stamp = (folder, folder.stat().st_mtime_ns)
    except OSError:  # no folder: no release yet (FileNotFoundError: no project root either)
        return []
    cached = request.app.state.releases
    if cached is not None and cached[0] == stamp:
        found: list[Release] = cached[1]
        return found
    found = list_releases(folder)
    request.app.state.releases = (stamp, found)
    return found


def current_edition(request: Request) -> Edition:
    """Which release the served data is (the newest made from a store with the same inputs hash), and the
    latest release: for citing a page (slot ``store_dir``: where the served store was built)."""
    store_dir: Path | None = request.app.state.store_dir
    return edition_of(current_releases(request), inputs_hash_of(store_dir) if store_dir else None)
