"""Personal data encrypted at rest: the identity keys and the field that uses them.

IDENTITY_ENCRYPTION_KEYS is a comma-separated list of key materials. The first one encrypts
every new value; all of them decrypt, so a key is rotated by putting a new one first, running
`manage.py rotate_identity_key` (which re-encrypts every value with the first key) and then
dropping the old one (docs/privacy.md). Each material is stretched to a Fernet key (AES-128-CBC
with HMAC-SHA256) by HKDF-SHA256.

Without keys, one is derived from SECRET_KEY with a warning, so the demo and the tests run with
no setup; `manage.py check --deploy` refuses that (core/checks.py).
"""

import base64
import logging
from collections.abc import Callable
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction

logger = logging.getLogger(__name__)

# Every token Fernet makes starts with its version byte 0x80, "gAAAAA" once encoded.
TOKEN_PREFIX = "gAAAAA"  # noqa: S105 (a format marker, not a secret)


class UnreadableIdentity(Exception):
    """A stored value that none of the configured keys opens."""


@cache
def _fernet(material: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"canhgiac identity").derive(material.encode())
    return Fernet(base64.urlsafe_b64encode(key))


@cache
def _warn_development_key() -> None:
    logger.warning(
        "IDENTITY_ENCRYPTION_KEYS is not set: reporters' identities are encrypted with a key derived "
        "from SECRET_KEY. Set IDENTITY_ENCRYPTION_KEYS in production (docs/privacy.md)."
    )


def key_materials() -> list[str]:
    keys: list[str] = list(settings.IDENTITY_ENCRYPTION_KEYS)
    if keys:
        return keys
    _warn_development_key()
    return [settings.SECRET_KEY]


def keyring() -> MultiFernet:
    return MultiFernet([_fernet(material) for material in key_materials()])


def encrypt(value: str) -> str:
    return keyring().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return keyring().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableIdentity("an identity value cannot be decrypted with IDENTITY_ENCRYPTION_KEYS") from None


def reencrypt(token: str) -> str:
    """The same value under the first key (MultiFernet.rotate); empty stays empty."""
    if not token:
        return ""
    try:
        return keyring().rotate(token.encode()).decode()
    except InvalidToken:
        raise UnreadableIdentity("an identity value cannot be decrypted with IDENTITY_ENCRYPTION_KEYS") from None


class EncryptedTextField(models.TextField):
    """Text stored encrypted with the identity keys; read back as plain text.

    The ciphertext is random, so the column cannot be searched or compared: use it for what is
    only ever shown (a reporter's name, phone, contact). `max_length` limits the plain text in
    forms and validation, not the column.
    """

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value


def encrypted_columns(app_registry=apps) -> list[tuple[str, str, list[str]]]:
    """(table, primary key column, [columns]) of every model with encrypted fields."""
    found = []
    for model in app_registry.get_models():
        columns = [
            field.column
            for field in model._meta.concrete_fields
            if isinstance(field, EncryptedTextField) and field.column
        ]
        if columns and not model._meta.proxy:
            found.append((model._meta.db_table, model._meta.pk.column, columns))
    return found


def _rewrite(table: str, columns: list[str], change: Callable[[str], str], pk: str = "id", batch: int = 500) -> int:
    """Apply `change` to every non-empty value of the columns, in raw SQL (no decryption on read)."""
    quote = connection.ops.quote_name
    key = quote(pk)
    changed = 0
    last_id = 0
    selected = ", ".join(quote(c) for c in columns)
    assignments = ", ".join(f"{quote(c)} = %s" for c in columns)
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {key}, {selected} FROM {quote(table)} WHERE {key} > %s ORDER BY {key} LIMIT %s",  # noqa: S608 (quoted names from models)
                [last_id, batch],
            )
            rows = cursor.fetchall()
            for row_id, *values in rows:
                new = [change(value) if value else value for value in values]
                if new != list(values):
                    cursor.execute(f"UPDATE {quote(table)} SET {assignments} WHERE {key} = %s", [*new, row_id])  # noqa: S608
                    changed += 1
        if len(rows) < batch:
            return changed
        last_id = rows[-1][0]


def encrypt_plain_values(table: str, columns: list[str], pk: str = "id") -> int:
    """Encrypt values stored before their field was encrypted (a data migration); the rows changed."""
    return _rewrite(table, columns, lambda value: value if value.startswith(TOKEN_PREFIX) else encrypt(value), pk)


def rotate_all(app_registry=apps) -> dict[str, int]:
    """Re-encrypt every encrypted value with the first key; rows changed per table."""
    return {table: _rewrite(table, columns, reencrypt, pk) for table, pk, columns in encrypted_columns(app_registry)}
