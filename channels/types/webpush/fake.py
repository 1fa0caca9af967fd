"""The fake push service, for the local fake provider server: it hands out subscriptions as a
browser's `PushManager.subscribe()` would (keeping the browser's private key), and accepts
pushes at POST /push/<token> only as a real push service does (RFC 8030/8291/8292): a VAPID JWT
signed ES256 by the key in `k=`, for this origin, not expired; a TTL; an aes128gcm body it can
decrypt. The decrypted payload is recorded as the request's `json` (`/_fake/received`).

`gone(endpoint, status)` makes an endpoint answer 404 or 410 from then on (the user revoked the
permission); `answer("webpush", status=429)` scripts the next answers as for the other fakes.
Control endpoint: POST /_fake/push_gone {endpoint, status}.
"""

import base64
import json
import secrets
import time

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from channels.fake_server import FakeServer, Received, Scripted


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class WebPushRefused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status


def check_vapid(authorization: str, origin: str, now: float | None = None) -> dict:
    """The JWT claims of a `vapid t=…, k=…` header, or WebPushRefused (RFC 8292)."""
    scheme, _space, params = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise WebPushRefused(401, "Authorization is not a vapid header")
    parts = dict(item.strip().split("=", 1) for item in params.split(",") if "=" in item)
    token, public = parts.get("t", ""), parts.get("k", "")
    try:
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unb64(public))
        header_b64, claims_b64, signature_b64 = token.split(".")
        header, claims = json.loads(_unb64(header_b64)), json.loads(_unb64(claims_b64))
        signature = _unb64(signature_b64)
    except ValueError as error:
        raise WebPushRefused(401, f"malformed VAPID token or key: {error}") from None
    if header.get("alg") != "ES256" or len(signature) != 64:
        raise WebPushRefused(401, "the VAPID token is not ES256")
    der = encode_dss_signature(int.from_bytes(signature[:32]), int.from_bytes(signature[32:]))
    try:
        key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise WebPushRefused(403, "the VAPID signature does not match k") from None
    now = time.time() if now is None else now
    if claims.get("aud") != origin:
        raise WebPushRefused(403, f"aud {claims.get('aud')!r} is not {origin!r}")
    if not isinstance(claims.get("exp"), int) or not now < claims["exp"] <= now + 24 * 3600:
        raise WebPushRefused(403, "exp is past or more than 24 hours ahead")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise WebPushRefused(403, "sub is not a mailto: or https: contact")
    return claims


class WebPushFake(FakeServer):
    base_url_settings: dict[str, str] = {}  # each subscription carries its endpoint URL

    def setup_webpush(self) -> None:
        self.push_keys: dict[str, tuple[ec.EllipticCurvePrivateKey, bytes, str]] = {}  # token → key, auth, vapid k
        self.push_gone: dict[str, int] = {}

    def new_subscription(self, application_server_key: str = "") -> dict:
        """What `subscription.toJSON()` gives in a browser subscribed at this push service."""
        token = secrets.token_urlsafe(24)
        private = ec.generate_private_key(ec.SECP256R1())
        auth = secrets.token_bytes(16)
        with self.lock:
            self.push_keys[token] = (private, auth, application_server_key)
        public = private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": f"{self.url}/push/{token}",
            "expirationTime": None,
            "keys": {"p256dh": _b64(public), "auth": _b64(auth)},
        }

    def gone(self, endpoint: str, status: int = 410) -> None:
        with self.lock:
            self.push_gone[endpoint.rstrip("/").rsplit("/", 1)[-1]] = status

    def pushes(self) -> list[Received]:
        """Accepted pushes, their decrypted payloads as `json`."""
        return [item for item in self.calls("webpush") if item.json is not None]

    def webpush_route(self, method: str, path: str, segments: list[str]):
        if method == "POST" and len(segments) == 2 and segments[0] == "push":
            return "webpush", self.push
        return None

    def push(self, received: Received, script: Scripted | None):
        token = received.path.rsplit("/", 1)[-1]
        with self.lock:
            keys, gone = self.push_keys.get(token), self.push_gone.get(token)
        headers = {name.lower(): value for name, value in received.headers.items()}
        try:
            check_vapid(headers.get("authorization", ""), self.url)
        except WebPushRefused as refused:
            return refused.status, {"error": str(refused)}
        if keys is None or gone:
            return gone or 404, {"error": "no such subscription"}
        if keys[2] and headers["authorization"].replace(" ", "").rsplit("k=", 1)[-1] != keys[2]:
            return 403, {"error": "signed with another key than the subscription's applicationServerKey"}
        if script is not None:
            # A busy push service says when to come back (RFC 8030 §8.4 lets it).
            return (script.error or script.status), {"error": script.description or "scripted", "retry_after": 120}
        if not headers.get("ttl", "").isdigit():
            return 400, {"error": "TTL header missing"}
        if headers.get("urgency", "normal") not in ("very-low", "low", "normal", "high"):
            return 400, {"error": "bad Urgency"}
        if headers.get("content-encoding") != "aes128gcm":
            return 415, {"error": "only aes128gcm"}
        try:
            plain = http_ece.decrypt(received.raw, private_key=keys[0], auth_secret=keys[1], version="aes128gcm")
            received.json = json.loads(plain)
        except Exception as error:
            return 400, {"error": f"cannot decrypt: {type(error).__name__}"}
        received.raw = b""
        return 201, {"location": f"{self.url}/message/{secrets.token_hex(8)}"}

    def control_push_gone(self, received: Received, script: Scripted | None):
        body = received.json or {}
        self.gone(str(body.get("endpoint", "")), int(body.get("status", 410)))
        return 200, {"ok": True}
