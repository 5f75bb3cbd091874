"""Whether the served store is the build of the project's files as they are now.

``sahel-kg serve`` goes on serving the previous store when a new build is
refused or fails (a broken file must not take the site down), and files can
change while it runs. Either way the server is then *stale*, and says so:
``/-/health`` carries ``"data": {"current": false, "reason": …}`` (and stays
200, so that orchestrators do not restart a server that is doing its job),
and every page shows a banner (``base.html``).

A store directory is named after the hash of the inputs it was built from
(:func:`sahel_kg.store.ondisk.store_dir_name`), so comparing that with the hash of
the files now tells whether it is current. The files are hashed again only
when their sizes or modification times change, and looked at no more than
once every few seconds — or, on a large project, no more often than every 50
times the last look's duration (the look holds the interpreter while it lists
the files), whether a page or ``/-/health`` asks.

A request never waits for that look: :meth:`DataStatus.latest` answers what
the last look found and starts the next one on a thread of its own when due;
only ``/-/health`` (on a thread) and tests wait, with :meth:`DataStatus.summary`.

>>> DataStatus(root=None, store_dir=None).summary()["current"] is None
True
"""

from __future__ import annotations

import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sahel_kg.project import InputStat, build_input_stats, build_inputs
from sahel_kg.store.ondisk import inputs_hash, inputs_hash_of, inputs_stamp, kept_stamp

Summary = dict[str, Any]
#: The data status of the app serving the current request (set by the edge middleware).
CURRENT: ContextVar["DataStatus | None"] = ContextVar("sahel_kg_data_status", default=None)


@dataclass
class DataStatus:
    """Compares a built store with the project files under ``root``.

    ``note`` is what the last build attempt said when it did not build (a
    refused or failed build), for the reason shown while the store is stale.
    """

    root: Path | None  # None: the checkout this package is installed from, if any
    store_dir: Path | None
    note: str | None = None
    interval: float = 5.0
    _checked_at: float = field(default=-1e9, repr=False)
    _fingerprint: tuple[InputStat, ...] | None = field(default=None, repr=False)
    _summary: Summary | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _looking: bool = field(default=False, repr=False)
    _look_seconds: float = field(default=0.0, repr=False)

    def latest(self) -> Summary:
        """What the last look found, without waiting; starts the next look in the background when due.

        ``current`` is None (cannot tell yet) until the first look has ended.
        """
        with self._lock:
            found, due = self._summary, self._due()
            if due and not self._looking:
                self._looking = True
                threading.Thread(target=self._look_in_background, name="data-status", daemon=True).start()
        if found is not None:
            return dict(found)
        return _unknown(self.store_dir, "the project files are being compared with the served store")

    def _look_in_background(self) -> None:
        try:
            self.summary()
        finally:
            with self._lock:
                self._looking = False

    def _due(self) -> bool:
        """Whether the files should be looked at again (call holding the lock): at most every
        ``interval`` seconds, and never more often than every 50 times the last look's duration (a look
        holds the interpreter while it lists the files: at 1/50 of the time, the requests beside it
        hardly notice)."""
        wait = max(self.interval, 50 * self._look_seconds)
        return self._summary is None or time.monotonic() - self._checked_at >= wait

    def summary(self) -> Summary:
        """``{"current": True|False|None, "reason": str|None, "store": name|None}``; None: cannot tell."""
        store_dir = self.store_dir
        built_from = inputs_hash_of(store_dir) if store_dir is not None else None
        if store_dir is None or built_from is None:
            return _unknown(store_dir, "this store was not built from project files by `sahel-kg build`")
        root = self.root = self.root or _installed_root()
        if root is None or not (root / "data" / "ttl").is_dir():
            return _unknown(store_dir, f"the project files are not at {root or 'a known place'}")
        with self._lock:
            # /-/health too: a polled health check must not bring a long look back every interval
            if self._summary is None or self._due():
                started = time.monotonic()
                self._summary = self._compare(built_from, root, store_dir)
                self._checked_at = time.monotonic()
                self._look_seconds = self._checked_at - started
            return dict(self._summary)

    def _compare(self, built_from: str, root: Path, store_dir: Path) -> Summary:
        fingerprint = build_input_stats(root)
        if fingerprint == self._fingerprint and self._summary is not None:
            return self._summary
        if kept_stamp(store_dir) == inputs_stamp(fingerprint):  # the build's own quick stamp: no file touched
            self._fingerprint = fingerprint
            return {"current": True, "reason": None, "store": store_dir.name}
        try:
            current = inputs_hash(root, build_inputs(root))[:16] == built_from
        except (OSError, ValueError) as exc:  # gone since the walk, unreadable, or a link out of the project
            # the fingerprint is not kept, so that the next look hashes again instead of reusing this answer
            return _unknown(store_dir, f"cannot read the project's input files ({exc}); the next look tries again")
        self._fingerprint = fingerprint
        return {"current": current, "reason": None if current else self._reason(store_dir), "store": store_dir.name}

    def _reason(self, store_dir: Path) -> str:
        why = f"the project's Turtle files have changed since {store_dir.name} was built"
        if self.note:
            why += f"; the last build did not replace it: {self.note}"
        return why + "; run `sahel-kg validate`, fix what it reports, then `sahel-kg build` (or restart `sahel-kg serve`)."


def _installed_root() -> Path | None:
    from sahel_kg.project import project_root

    try:
        return project_root()
    except FileNotFoundError:
        return None


def _unknown(store_dir: Path | None, reason: str) -> Summary:
    return {"current": None, "reason": reason, "store": store_dir.name if store_dir else None}


def current_summary() -> Summary | None:
    """The data status of the app serving this request, for templates (None outside a request); never waits."""
    status = CURRENT.get()
    return status.latest() if status is not None else None
