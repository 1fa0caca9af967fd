"""The server's VAPID key pair (RFC 8292): the private key from WEBPUSH_VAPID_PRIVATE_KEY, the
public key derived from it. Browsers subscribe with the public key (`applicationServerKey`), and
a push service accepts a push only when it is signed with the matching private key."""

import base64
from functools import cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from py_vapid import Vapid


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate_private_key() -> str:
    """A new private key as WEBPUSH_VAPID_PRIVATE_KEY takes it: the raw 32-byte scalar, base64url."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


@cache
def vapid_from(private_key: str) -> Vapid:
    return Vapid.from_string(private_key)


def vapid() -> Vapid | None:
    """The signer, or None when no key is configured (Web Push is then off)."""
    private_key = settings.WEBPUSH_VAPID_PRIVATE_KEY
    return vapid_from(private_key) if private_key else None


def public_key_of(signer: Vapid) -> str:
    """The public key as browsers take it: the uncompressed P-256 point, base64url."""
    raw = signer.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url(raw)


def public_key() -> str:
    signer = vapid()
    return public_key_of(signer) if signer else ""
