"""The Secretariat group: enters and corrects data in the admin, creates officials' accounts
and unlocks locked-out logins.

`ensure_secretariat_group` is additive and tolerant: it grants what exists in the registry it
is given, so a migration that adds models or apps calls it again (0003, 0005), and tests
call it wherever a database was emptied."""

from django.apps import apps as installed_apps
from django.contrib.auth.management import create_permissions

SECRETARIAT = "Secretariat"
# Submitted reports cannot be deleted whatever the permission says (the model refuses it);
# `delete` lets the secretariat remove drafts and mistaken reference records.
APP_ACTIONS = ["add", "change", "delete", "view"]
OTHER_PERMISSIONS = [
    ("auth", "user", ["add", "change", "view"]),
    ("auth", "group", ["view"]),
    # Unlocking a locked-out login is deleting its access attempts.
    ("axes", "accessattempt", ["view", "delete"]),
    ("axes", "accessfailurelog", ["view"]),
]


def ensure_secretariat_group(apps=installed_apps):
    """Create the group with its permissions; `apps` is a migration's app registry, or the
    installed apps. Permissions are created first: on a new database Django creates them only
    after all migrations have run."""
    for app_config in apps.get_app_configs():
        # create_permissions skips an app whose models_module is unset, as it is on the
        # stand-in app configs of a migration.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=SECRETARIAT)
    permissions = list(
        Permission.objects.filter(
            content_type__app_label="commitments",
            codename__regex=rf"^({'|'.join(APP_ACTIONS)})_",
        )
        # The history tables are written by django-simple-history, never by hand.
        .exclude(content_type__model__startswith="historical")
    )
    for app_label, model, actions in OTHER_PERMISSIONS:
        permissions += Permission.objects.filter(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    group.permissions.add(*permissions)
    return group
