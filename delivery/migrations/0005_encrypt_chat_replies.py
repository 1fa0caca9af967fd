"""Encrypt the text of chat replies stored before it was encrypted (docs/privacy.md).

A chat reply names the reporter's report ("About your report CG-…") beside their delivery. Raw
SQL in batches (`core.crypto.encrypt_plain_values`), the same on SQLite and PostgreSQL; values
already encrypted are left as they are. Going back leaves them encrypted: the field before this
change read any text, and the keys still open them.
"""

from django.db import migrations

from core.crypto import encrypt_plain_values


def encrypt(apps, schema_editor):
    encrypt_plain_values("delivery_chatreply", ["text"], pk="delivery_id")


class Migration(migrations.Migration):
    dependencies = [("delivery", "0004_sealed_notices")]

    operations = [migrations.RunPython(encrypt, migrations.RunPython.noop)]
