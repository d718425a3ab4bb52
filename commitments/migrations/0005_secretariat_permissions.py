from django.db import migrations

from commitments.roles import ensure_secretariat_group


def grant(apps, schema_editor):
    # The evidence files, comments and the login lockouts came after 0003.
    ensure_secretariat_group(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("axes", "0010_accessattemptexpiration"),
        ("commitments", "0004_evidence_comments_version"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
