"""Load the reference data of the 2002 statement and the known history of its follow-up.

Idempotent and non-destructive: each record is matched by its natural key; a record that is
already in the database is left as it is, so corrections the secretariat made in the admin
are never overwritten by a re-run. New records get a history row saying where they came from.
"""

from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

# Dependency order: each file refers only to records of the files before it.
REFERENCE_FIXTURES = [
    "paragraphs.json",
    "participants.json",
    "commitments.json",
    "meetings.json",
    "mechanisms.json",
]
# Stored in the history rows (data, not a message): in English.
HISTORY_REASON = "Loaded from the reference data"


def fixtures_dir() -> Path:
    return Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    # A property, in the active language: argparse needs a str, not a lazy one.
    @property
    def help(self):
        return _("Load the statement, its participants and commitments, and the known history.")

    def handle(self, *args, **options):
        created, kept = load_reference_fixtures()
        self.stdout.write(
            self.style.SUCCESS(
                _("Reference data: %(created)s records added, %(kept)s already present and kept.")
                % {"created": created, "kept": kept}
            )
        )


@transaction.atomic
def load_reference_fixtures() -> tuple[int, int]:
    created_total = kept_total = 0
    for name in REFERENCE_FIXTURES:
        created, kept = _load_file(fixtures_dir() / name)
        created_total += created
        kept_total += kept
    return created_total, kept_total


def _load_file(path: Path) -> tuple[int, int]:
    new_objects = []
    kept = 0
    with path.open(encoding="utf-8") as stream:
        for deserialized in serializers.deserialize("json", stream):
            instance = deserialized.object
            # The deserializer fills in the primary key when the natural key already exists.
            if instance.pk is not None and type(instance).objects.filter(pk=instance.pk).exists():
                kept += 1
                continue
            deserialized.save()
            new_objects.append(instance)
    _record_history(new_objects)
    return len(new_objects), kept


def _record_history(objects) -> None:
    """Fixture saves are raw and skip django-simple-history's signals: write the rows here."""
    by_model = {}
    for instance in objects:
        by_model.setdefault(type(instance), []).append(instance)
    for model, instances in by_model.items():
        model.history.bulk_history_create(instances, default_change_reason=HISTORY_REASON)
