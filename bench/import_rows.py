"""How long an import of 10,000 rows takes: the preview, the application (10,000 new reports,
submitted through the report services), the same file again (all unchanged), and the
reports download of those reports with every status changed (10,000 corrections).

    python3 -m uv run python bench/import_rows.py [--rows N] [--postgres] [--check]

Issue 12's target: a 10,000-row file previews and applies in under 30 s each. It works on a
database of its own (SQLite in a temporary folder, or the PostgreSQL database
`bench_import`, dropped first), never on the app's. With --check it exits non-zero when a
step takes 30 s or more.
"""

import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://tracker:tracker@127.0.0.1:5432/bench_import"
TARGET_SECONDS = 30


def setup_django(folder: Path, postgres: bool) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bali_followup.settings",
        MEDIA_ROOT=str(folder / "media"),
        SECRET_KEY="bench-only-secret-key",
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="WARNING",
        # Emails and documents are queued for a worker that does not run here.
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
    )
    if postgres:
        server = ["-h", "127.0.0.1", "-U", "tracker"]
        password = {**os.environ, "PGPASSWORD": "tracker"}
        subprocess.run(["dropdb", "--if-exists", *server, "bench_import"], check=True, env=password)
        subprocess.run(["createdb", *server, "bench_import"], check=True, env=password)
        os.environ["DATABASE_URL"] = PG
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = str(folder / "bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)


def new_rows_file(count: int) -> bytes:
    """`count` rows of new reports, over every tracked participant and commitment."""
    import datetime

    from commitments.models import Commitment, Participant

    participants = list(Participant.objects.tracked().values_list("iso3", flat=True))
    commitments = list(Commitment.objects.tracked().values_list("code", flat=True))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Participant code", "Commitment code", "Status", "As of", "Narrative",
                     "Source", "Confidence"])  # fmt: skip
    first_day = datetime.date(2002, 3, 1)
    for n in range(count):
        writer.writerow([
            participants[n % len(participants)],
            commitments[(n // len(participants)) % len(commitments)],
            "Limited",
            (first_day + datetime.timedelta(days=n % 6000)).isoformat(),
            f"Row {n}: an inter-agency working group met and agreed a plan of action.",
            "The ministry",
            "Medium",
        ])  # fmt: skip
    return out.getvalue().encode()


def timed(label: str, action, results: list):
    started = time.perf_counter()
    value = action()
    seconds = time.perf_counter() - started
    results.append((label, seconds))
    print(f"{label}: {seconds:.1f} s", flush=True)
    return value


def changed_export(secretariat) -> bytes:
    """The reports download (all of them), with every status changed to Substantial."""
    from django.test import Client

    client = Client()
    client.force_login(secretariat)
    response = client.get("/reports/?export=csv")
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    status = rows[0].index("Status")
    for row in rows[1:]:
        row[status] = "Substantial"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder), args.postgres)
        from django.conf import settings
        from django.contrib.auth.models import Group, User

        from commitments.models import ProgressReport
        from commitments.services.imports import import_apply, import_preview

        settings.IMPORT_MAX_ROWS = max(settings.IMPORT_MAX_ROWS, args.rows)
        settings.EXPORT_DIRECT_ROWS = max(settings.EXPORT_DIRECT_ROWS, args.rows)
        amir = User.objects.create_user("amir", "amir@example.org", "bench", is_staff=True)
        amir.groups.add(Group.objects.get(name="Secretariat"))
        database = "PostgreSQL" if args.postgres else "SQLite"
        print(f"{args.rows} rows, {database}", flush=True)
        results = []
        content = new_rows_file(args.rows)

        def preview(data):
            return import_preview(user=User.objects.get(pk=amir.pk), name="bench.csv",
                                  content=data)  # fmt: skip

        batch = timed("preview, new rows", lambda: preview(content), results)
        assert batch.count("new") == args.rows, batch.rows[:3]
        timed("apply, new rows", lambda: import_apply(batch=batch, user=amir), results)
        assert ProgressReport.objects.submitted().count() == args.rows
        again = timed("preview, the same file again", lambda: preview(content), results)
        assert again.count("unchanged") == args.rows
        export = changed_export(amir)
        changed = timed("preview, the export with every status changed", lambda: preview(export),
                        results)  # fmt: skip
        assert changed.count("correction") == args.rows, changed.rows[:3]
        timed("apply, corrections", lambda: import_apply(batch=changed, user=amir), results)
        assert ProgressReport.objects.submitted().count() == 2 * args.rows
    slow = [label for label, seconds in results if seconds >= TARGET_SECONDS]
    if args.check and slow:
        print(f"At or over {TARGET_SECONDS} s: {', '.join(slow)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
