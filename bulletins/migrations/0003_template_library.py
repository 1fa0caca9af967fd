from django.db import migrations


def seed(apps, schema_editor):
    from bulletins.library import TEMPLATES  # plain data, no model imports

    BulletinTemplate = apps.get_model("bulletins", "BulletinTemplate")
    for category, title, body in TEMPLATES:
        BulletinTemplate.objects.get_or_create(title=title, unit=None, defaults={"category": category, "body_html": body})


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0002_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
