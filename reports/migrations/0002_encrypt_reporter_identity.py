# Reporters' identities encrypted at rest; rows filed before are encrypted in place (core/crypto.py).

import core.crypto
from django.db import migrations


def encrypt_existing_identities(apps, schema_editor):
    core.crypto.encrypt_plain_values("reports_report", ["reporter_name", "reporter_phone", "reporter_contact"])


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='report',
            name='reporter_contact',
            field=core.crypto.EncryptedTextField(blank=True, max_length=300, verbose_name="reporter's address or other contact"),
        ),
        migrations.AlterField(
            model_name='report',
            name='reporter_name',
            field=core.crypto.EncryptedTextField(blank=True, max_length=150, verbose_name="reporter's name"),
        ),
        migrations.AlterField(
            model_name='report',
            name='reporter_phone',
            field=core.crypto.EncryptedTextField(blank=True, max_length=20, verbose_name="reporter's phone"),
        ),
        migrations.RunPython(encrypt_existing_identities, migrations.RunPython.noop, elidable=True),
    ]
