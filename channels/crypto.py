"""Channel credentials encrypted at rest (Fernet, a key derived from CHANNELS_ENCRYPTION_KEY).

Without CHANNELS_ENCRYPTION_KEY the key is derived from SECRET_KEY, so changing SECRET_KEY
then makes stored credentials unreadable: set CHANNELS_ENCRYPTION_KEY in production
(docs/configuration.md).
"""

import base64
import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class UnreadableSecrets(Exception):
    pass


@cache
def _fernet(material: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"canhgiac channel credentials").derive(
        material.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _current() -> Fernet:
    return _fernet(settings.CHANNELS_ENCRYPTION_KEY or settings.SECRET_KEY)


def encrypt_json(values: dict[str, str]) -> str:
    return _current().encrypt(json.dumps(values, sort_keys=True).encode()).decode()


def decrypt_json(token: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        return json.loads(_current().decrypt(token.encode()))
    except InvalidToken:
        raise UnreadableSecrets("channel credentials cannot be decrypted with the current key") from None
