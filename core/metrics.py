"""Prometheus metrics at /metrics (docs/deployment.md, "Metrics").

Figures that live in the database (queue depth, deliveries, sends, acknowledgements) are read
when Prometheus scrapes, by collectors that apps register here (`register_collector` from their
AppConfig.ready), so every web process answers the same whatever process did the work. Request
latency is measured in each process; with several uvicorn workers set PROMETHEUS_MULTIPROC_DIR
so the processes share their histograms (prometheus_client's multiprocess mode).
"""

import ipaddress
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils.crypto import constant_time_compare
from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import Metric
from prometheus_client.registry import REGISTRY, Collector

from core.env import env_str

REQUEST_SECONDS = Histogram(
    "canhgiac_request_seconds",
    "Time to answer an HTTP request, by the URL pattern's name",
    ["view", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

_collectors: list[Callable[[], Iterable[Metric]]] = []


class _DatabaseCollector(Collector):
    def collect(self) -> Iterable[Metric]:
        for collect in _collectors:
            yield from collect()


def register_collector(collect: Callable[[], Iterable[Metric]]) -> None:
    """An app's function yielding metric families read from the database at scrape time."""
    if collect not in _collectors:
        _collectors.append(collect)


def exposition() -> bytes:
    registry = CollectorRegistry()
    if env_str("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in (REQUEST_SECONDS,):
            registry.register(collector)
    registry.register(_DatabaseCollector())
    return generate_latest(registry)


def may_read_metrics(remote_addr: str, authorization: str) -> bool:
    """Loopback (METRICS_ALLOWED_IPS) or `Authorization: Bearer <METRICS_TOKEN>`."""
    token = settings.METRICS_TOKEN
    if token and constant_time_compare(authorization, f"Bearer {token}"):
        return True
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(allowed, strict=False) for allowed in settings.METRICS_ALLOWED_IPS)


class RequestTimingMiddleware:
    """Observes every request's duration under its URL pattern's name (never the raw path)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or "unnamed") if match else "unmatched"
        REQUEST_SECONDS.labels(view=view, method=request.method).observe(time.perf_counter() - started)
        return response


__all__ = ["REGISTRY", "exposition", "may_read_metrics", "register_collector"]
