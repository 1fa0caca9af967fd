"""Zalo OAuth v4 access tokens, with the single-use refresh token kept safe across workers.

Every refresh returns a new pair and burns the old refresh token, so two workers refreshing at
once with the same refresh token would lose the channel (the second gets an error, and the first
pair may be overwritten). The refresh therefore runs inside a transaction holding the config row:
SELECT … FOR UPDATE on PostgreSQL, the database write lock on SQLite (IMMEDIATE transactions,
canhgiac/settings.py). The new pair is stored before the access token is used. A worker that
waited for the lock finds a token newer than the one that failed and uses it without refreshing.
"""

import base64
import hashlib
import secrets as random
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from channels import http
from channels.base import TransportError
from channels.models import ChannelConfig
from channels.timing import after_seconds

REFRESH_MARGIN = timedelta(minutes=5)


def token_endpoint() -> str:
    return f"{settings.ZALO_OAUTH_URL.rstrip('/')}/v4/oa/access_token"


def _fresh(secrets: dict[str, str]) -> bool:
    expires = parse_datetime(secrets.get("access_token_expires_at", "") or "")
    return bool(secrets.get("access_token")) and (expires is None or expires - REFRESH_MARGIN > timezone.now())


def access_token(config: ChannelConfig) -> str:
    """A usable access token for the config, refreshing it first when missing or about to expire."""
    secrets = config.secrets
    if _fresh(secrets):
        return secrets["access_token"]
    return refresh(config, stale_token=secrets.get("access_token", ""))


def refresh(config: ChannelConfig, *, stale_token: str) -> str:
    """Trade the stored refresh token for a new pair, unless another worker already did."""
    with transaction.atomic():
        locked = ChannelConfig.objects.select_for_update().get(pk=config.pk)
        secrets = locked.secrets
        if secrets.get("access_token") and secrets["access_token"] != stale_token and _fresh(secrets):
            config.secrets_encrypted = locked.secrets_encrypted
            return secrets["access_token"]
        refresh_token, app_secret = secrets.get("refresh_token", ""), secrets.get("app_secret", "")
        if not refresh_token:
            raise TransportError("zalo: no refresh token stored; authorise the OA again", code="no_refresh_token")
        response = http.call(
            "zalo_oauth",
            "POST",
            token_endpoint(),
            secrets=[refresh_token, app_secret],
            headers={"secret_key": app_secret},
            data={
                "refresh_token": refresh_token,
                "app_id": locked.settings.get("app_id", ""),
                "grant_type": "refresh_token",
            },
        )
        body = http.json_answer("zalo_oauth", response)
        if not body.get("access_token") or not body.get("refresh_token"):
            reason = body.get("error_reason") or body.get("error_description") or body.get("message") or "no token"
            raise TransportError(
                f"zalo: token refresh refused ({body.get('error', '')} {reason})",
                code=f"oauth_{body.get('error', '')}",
                retry_after=after_seconds(15 * 60),
            )
        _store_pair(locked, body)
    config.secrets_encrypted = locked.secrets_encrypted
    return locked.secrets["access_token"]


def _store_pair(locked: ChannelConfig, body: dict) -> None:
    """Keep a new token pair (inside the transaction holding the row) before anyone uses it."""
    secrets = locked.secrets
    expires_in = int(body.get("expires_in") or 90000)  # a string in Zalo's answers
    secrets.update(
        access_token=body["access_token"],
        refresh_token=body["refresh_token"],
        access_token_expires_at=(timezone.now() + timedelta(seconds=expires_in)).isoformat(),
    )
    locked.secrets = secrets
    locked.save(update_fields=["secrets_encrypted", "updated_at"])


# The first grant: OAuth v4 authorization code with PKCE (S256), started from the admin.


def pkce_pair() -> tuple[str, str]:
    """A code verifier (kept by us) and its S256 challenge (sent to Zalo)."""
    verifier = random.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def permission_url(config: ChannelConfig, *, redirect_uri: str, code_challenge: str, state: str) -> str:
    """Where the OA's administrator grants the app access to the OA."""
    query = urlencode(
        {
            "app_id": config.settings.get("app_id", ""),
            "redirect_uri": redirect_uri,
            "code_challenge": code_challenge,
            "state": state,
        }
    )
    return f"{settings.ZALO_OAUTH_URL.rstrip('/')}/v4/oa/permission?{query}"


def authorize(config: ChannelConfig, *, code: str, code_verifier: str) -> None:
    """Trade the authorization code Zalo sent back for the first token pair, and store it."""
    with transaction.atomic():
        locked = ChannelConfig.objects.select_for_update().get(pk=config.pk)
        app_secret = locked.secrets.get("app_secret", "")
        if not app_secret:
            raise TransportError("zalo: store the app secret before authorising", permanent=True, code="no_app_secret")
        response = http.call(
            "zalo_oauth",
            "POST",
            token_endpoint(),
            secrets=[code, code_verifier, app_secret],
            headers={"secret_key": app_secret},
            data={
                "code": code,
                "app_id": locked.settings.get("app_id", ""),
                "grant_type": "authorization_code",
                "code_verifier": code_verifier,
            },
        )
        body = http.json_answer("zalo_oauth", response)
        if not body.get("access_token") or not body.get("refresh_token"):
            reason = body.get("error_reason") or body.get("error_name") or body.get("message") or "no token"
            raise TransportError(
                f"zalo: authorisation refused ({body.get('error', '')} {reason})",
                permanent=True,
                code=f"oauth_{body.get('error', '')}",
            )
        _store_pair(locked, body)
    config.secrets_encrypted = locked.secrets_encrypted
