"""Counters and latency histograms in the Prometheus text format, shared by the query runners and the web layer.

The runners count timeouts and worker restarts; the web layer counts
requests and serves ``/-/metrics``. Plain Python: no web framework here.
"""

from __future__ import annotations

import threading
from collections import defaultdict

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


HELP = {
    "sahel_requests_total": "HTTP requests answered, by route and status.",
    "sahel_request_duration_seconds": "Time to the end of the response, by route.",
    "sahel_query_timeouts_total": "Queries stopped at their time limit.",
    "sahel_rejections_total": "Requests refused by a limit, by reason.",
    "sahel_service_refusals_total": "Queries refused because they call a SERVICE.",
    "sahel_worker_restarts_total": "Query worker processes started to replace one that was stopped.",
    "sahel_worker_memory_retirements_total": "Query workers replaced because they held more than worker_memory_bytes.",
}


#: Counters that appear (as 0) before anything happens, so dashboards see them.
ALWAYS = ("sahel_query_timeouts_total", "sahel_service_refusals_total", "sahel_worker_restarts_total")


def _labels(labels: tuple[tuple[str, str], ...]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in labels) + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class Metrics:
    """Counters and one histogram, safe to update from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[str, dict[tuple[tuple[str, str], ...], int]] = defaultdict(dict)
        self._hist: dict[str, list[float]] = {}  # route -> bucket counts + [sum, count]

    def inc(self, name: str, **labels: str) -> None:
        """Add one to a counter."""
        key = tuple(sorted(labels.items()))
        with self._lock:
            series = self._counters[name]
            series[key] = series.get(key, 0) + 1

    def value(self, name: str, **labels: str) -> int:
        """A counter's current value (0 when never incremented)."""
        with self._lock:
            return self._counters.get(name, {}).get(tuple(sorted(labels.items())), 0)

    def observe(self, route: str, seconds: float) -> None:
        """Record one request's duration."""
        with self._lock:
            h = self._hist.setdefault(route, [0.0] * (len(BUCKETS) + 2))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    h[i] += 1
            h[-2] += seconds
            h[-1] += 1

    def render(self) -> str:
        """Everything in the Prometheus text exposition format."""
        with self._lock:
            lines: list[str] = []
            names = sorted(set(self._counters) | set(ALWAYS))
            for name in names:
                lines += [f"# HELP {name} {HELP.get(name, name)}", f"# TYPE {name} counter"]
                series = self._counters.get(name) or {(): 0}
                lines += [f"{name}{_labels(k)} {v}" for k, v in sorted(series.items())]
            lines += self._render_histogram()
        return "\n".join(lines) + "\n"

    def _render_histogram(self) -> list[str]:
        name = "sahel_request_duration_seconds"
        lines = [f"# HELP {name} {HELP[name]}", f"# TYPE {name} histogram"]
        for route, h in sorted(self._hist.items()):
            for bound, count in zip(BUCKETS, h):
                lines.append(f'{name}_bucket{{route="{_escape(route)}",le="{bound:g}"}} {int(count)}')
            lines.append(f'{name}_bucket{{route="{_escape(route)}",le="+Inf"}} {int(h[-1])}')
            lines.append(f'{name}_sum{{route="{_escape(route)}"}} {h[-2]:.6f}')
            lines.append(f'{name}_count{{route="{_escape(route)}"}} {int(h[-1])}')
        return lines
