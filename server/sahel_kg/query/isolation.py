"""Query workers without a network: the SERVICE guard that does not read the query text.

pyoxigraph has no option to refuse SERVICE and no hook to handle it, so the
text check (:func:`sahel_kg.query.federation.check_service_calls`) is the first
guard, and this is the second. A worker process, before it opens the store,
moves itself into a new network namespace (Linux ``unshare(CLONE_NEWNET)``;
as an unprivileged user, together with ``CLONE_NEWUSER``). That namespace has
only a loopback interface, and it is down: every connection the engine tries
fails with "Network is unreachable", whatever address it names, the server's
own loopback and a cloud metadata address included. The worker talks to the
server over the pipes it was started with, which namespaces do not touch.

Used when federation is off (the default). With federation on, workers keep
the host's network, and the text check with its allow-list and address check
is the guard.
"""

from __future__ import annotations

import ctypes
import os
import socket
import sys

#: What :func:`isolate_network` reports when it worked.
ISOLATED = "isolated"
_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000


def isolate_network() -> str:
    """Move this process into an empty network namespace; :data:`ISOLATED`, or why not.

    Must run before the process starts threads (an unprivileged ``CLONE_NEWUSER``
    requires one thread). The result is checked by trying to connect to the
    loopback address, which must fail.
    """
    if not sys.platform.startswith("linux"):
        return f"not isolated: {sys.platform} has no network namespaces"
    libc = ctypes.CDLL(None, use_errno=True)
    errors = []
    for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return ISOLATED if _loopback_unreachable() else "not isolated: the loopback still answers"
        errors.append(os.strerror(ctypes.get_errno()))
    return f"not isolated: unshare failed ({'; '.join(errors)})"


def _loopback_unreachable() -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        try:
            probe.connect(("127.0.0.1", 9))
        except OSError as exc:
            return exc.errno == 101  # ENETUNREACH: no interface is up
    return False

