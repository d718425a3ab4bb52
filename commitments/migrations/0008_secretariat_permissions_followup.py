from django.db import migrations

from commitments.roles import ensure_secretariat_group


def grant(apps, schema_editor):
    # Handovers, recommendation moves and sent reminders came after 0005.
    ensure_secretariat_group(apps)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0007_followup_chain")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
