"""Existing databases: the English source copied to the English field of each translated
column (django-modeltranslation reads the page's language's field), and the translations of
the reference data (fixtures/) filled in where empty. A new database gets both from
`load_reference`, which runs after the migrations."""

import json
from pathlib import Path

from django.db import migrations

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures"
TRANSLATED = {
    # model: (fixture, natural key field, translated fields)
    "Commitment": ("commitments.json", "code", ["title"]),
    "Mechanism": ("mechanisms.json", "slug", ["name", "short_name"]),
}
LANGUAGE_SUFFIXES = ["ind", "fr", "zh_hans"]


def fill(apps, schema_editor):
    for model_name, (fixture, key, fields) in TRANSLATED.items():
        model = apps.get_model("commitments", model_name)
        path = FIXTURES / fixture
        entries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
        given = {
            entry["fields"][key]: entry["fields"]
            for entry in entries
            if entry["model"] == f"commitments.{model_name.lower()}"
        }
        for row in model.objects.all():
            for name in fields:
                if not getattr(row, f"{name}_en"):
                    setattr(row, f"{name}_en", getattr(row, name))
                for suffix in LANGUAGE_SUFFIXES:
                    translated = given.get(getattr(row, key), {}).get(f"{name}_{suffix}")
                    if translated and not getattr(row, f"{name}_{suffix}"):
                        setattr(row, f"{name}_{suffix}", translated)
            row.save()


class Migration(migrations.Migration):
    dependencies = [("commitments", "0024_translated_reference_data")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
