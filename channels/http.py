"""The one way out to providers: every outbound HTTP call of every channel goes through `call`.

It applies the timeout, logs each call without secrets (bot tokens travel in URL paths, access
tokens in headers), and turns network failures into retryable `TransportError`s. Reading the
answer body is each client's job: providers report errors with HTTP 200 (docs/channels.md).
"""

import logging
import threading
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.utils import timezone

from channels.base import TransportError

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_shared: httpx.Client | None = None
# Connections kept open per process: enough for every sender thread of a worker
# (DELIVERY_CONCURRENCY) to reach its provider without opening a new connection.
POOL_SIZE = 100


def warm() -> None:
    """Build the shared client now (loading the TLS certificates takes a moment), not in the
    middle of a timed send."""
    _client()


def _client() -> httpx.Client:
    """One pooled client per process, shared by its threads (httpx clients are thread-safe):
    sender threads reuse each other's keep-alive connections and TLS setup."""
    global _shared
    if _shared is None:
        with _lock:
            if _shared is None:
                _shared = httpx.Client(
                    follow_redirects=False,
                    headers={"User-Agent": "CanhGiac/1"},
                    limits=httpx.Limits(max_connections=POOL_SIZE, max_keepalive_connections=POOL_SIZE),
                )
    return _shared


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def call(
    provider: str,
    method: str,
    url: str,
    *,
    secrets: Iterable[str] = (),
    timeout: float | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """Send one request; raise a retryable TransportError when no answer came back."""
    secrets = [s for s in secrets if s]
    shown_url = redact(url, secrets)
    started = time.monotonic()
    try:
        response = _client().request(method, url, timeout=timeout or settings.CHANNELS_HTTP_TIMEOUT_SECONDS, **kwargs)
    except httpx.TimeoutException:
        logger.warning("%s %s %s timed out", provider, method, shown_url)
        raise TransportError(f"{provider}: no answer in time", code="timeout") from None
    except httpx.HTTPError as error:
        logger.warning("%s %s %s failed: %s", provider, method, shown_url, type(error).__name__)
        raise TransportError(f"{provider}: {type(error).__name__}", code="network") from None
    logger.info(
        "%s %s %s -> %s in %d ms",
        provider,
        method,
        shown_url,
        response.status_code,
        (time.monotonic() - started) * 1000,
    )
    return response


def json_answer(provider: str, response: httpx.Response) -> dict:
    """The JSON object of an answer; a server error or a non-JSON answer becomes a TransportError."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        return body
    if response.status_code == 429:
        raise TransportError(f"{provider}: rate limited", code="http_429", retry_after=retry_after_header(response))
    if response.status_code >= 500:
        raise TransportError(f"{provider}: server error {response.status_code}", code=f"http_{response.status_code}")
    raise TransportError(
        f"{provider}: unexpected answer (HTTP {response.status_code})",
        permanent=response.status_code < 500,
        code=f"http_{response.status_code}",
    )


def retry_after_header(response: httpx.Response):
    value = response.headers.get("Retry-After", "")
    if value.isdigit():
        return timezone.now() + timedelta(seconds=int(value))
    return None


def download(provider: str, url: str, *, max_bytes: int, content_types: tuple[str, ...]) -> tuple[bytes, str]:
    """Fetch a file a user sent (an image in a chat): http(s) only, no redirects, a content type
    among `content_types`, at most `max_bytes` read, within the usual timeout.

    Refusals are permanent TransportErrors; no answer is a retryable one, as for `call`."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise TransportError(f"{provider}: not a downloadable address", permanent=True, code="bad_url")
    started = time.monotonic()
    try:
        with _client().stream("GET", url, timeout=settings.CHANNELS_HTTP_TIMEOUT_SECONDS) as response:
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if response.status_code != 200:
                raise TransportError(
                    f"{provider}: download answered HTTP {response.status_code}",
                    permanent=response.status_code < 500,
                    code=f"http_{response.status_code}",
                )
            if not content_type.startswith(content_types):
                raise TransportError(f"{provider}: unexpected {content_type or 'content'}", permanent=True, code="type")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise TransportError(f"{provider}: file too large", permanent=True, code="too_large")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                if time.monotonic() - started > settings.CHANNELS_HTTP_TIMEOUT_SECONDS:
                    raise TransportError(f"{provider}: download too slow", code="timeout")
                size += len(chunk)
                if size > max_bytes:
                    raise TransportError(f"{provider}: file too large", permanent=True, code="too_large")
                chunks.append(chunk)
    except httpx.TimeoutException:
        logger.warning("%s download timed out", provider)
        raise TransportError(f"{provider}: no answer in time", code="timeout") from None
    except httpx.HTTPError as error:
        logger.warning("%s download failed: %s", provider, type(error).__name__)
        raise TransportError(f"{provider}: {type(error).__name__}", code="network") from None
    logger.info("%s download of %d bytes in %d ms", provider, size, (time.monotonic() - started) * 1000)
    return b"".join(chunks), content_type
