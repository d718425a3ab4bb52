from django.conf import settings
from django.db import migrations

# "Review" named two things (the ministerial review of paragraph 24, and the secretariat's
# comments on submitted reports): the comments are now Comment. Django renames the content
# types with the models; the permissions' codenames and names follow here, so that the
# Secretariat group keeps its rights on comments and nothing is created twice.
RENAMES = [("reviewcomment", "comment", "review comment", "comment")]


def rename_permissions(apps, schema_editor, backwards=False):
    Permission = apps.get_model("auth", "Permission")
    for old, new, old_name, new_name in RENAMES:
        for prefix, name_prefix in (("", ""), ("historical", "historical ")):
            source, target = (new, old) if backwards else (old, new)
            source_name, target_name = (new_name, old_name) if backwards else (old_name, new_name)
            for action in ("add", "change", "delete", "view"):
                Permission.objects.filter(
                    content_type__app_label="commitments",
                    codename=f"{action}_{prefix}{source}",
                ).update(
                    codename=f"{action}_{prefix}{target}",
                    name=f"Can {action} {name_prefix}{target_name}",
                )


def rename_permissions_back(apps, schema_editor):
    rename_permissions(apps, schema_editor, backwards=True)


class Migration(migrations.Migration):

    dependencies = [
        ('commitments', '0009_meeting_documents'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(
            old_name='ReviewComment',
            new_name='Comment',
        ),
        migrations.RenameModel(
            old_name='HistoricalReviewComment',
            new_name='HistoricalComment',
        ),
        migrations.AlterModelOptions(
            name='historicalcomment',
            options={'get_latest_by': ('history_date', 'history_id'), 'ordering': ('-history_date', '-history_id'), 'verbose_name': 'historical comment', 'verbose_name_plural': 'historical comments'},
        ),
        migrations.RunPython(rename_permissions, rename_permissions_back),
    ]
