from django.db import migrations

from commitments.roles import SECRETARIAT, ensure_secretariat_group


def create_secretariat(apps, schema_editor):
    ensure_secretariat_group(apps)


def remove_secretariat(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=SECRETARIAT).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("commitments", "0002_progressreport_is_demo"),
    ]

    operations = [migrations.RunPython(create_secretariat, remove_secretariat)]
