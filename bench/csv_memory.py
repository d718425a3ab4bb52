"""How much memory the reports' CSV download takes at 10,000 and at 100,000 reports.

The download streams its rows, so the peak should stay about the same as the history grows
(held whole, 100,000 rows would need about ten times the memory of 10,000). This is a
measurement, not a test: it takes a minute or two, so it is kept out of the test suite, which
only checks that the download streams (tests/test_exports.py).

    python3 -m uv run python bench/csv_memory.py [--check]

It works on a fresh SQLite database in a temporary folder, never on the app's own. With
--check it exits non-zero when the peak at 100,000 reports is more than twice the peak at
10,000.
"""

import argparse
import datetime
import itertools
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path


def setup_django(folder: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bali_followup.settings",
        SQLITE_PATH=str(folder / "bench.sqlite3"),
        MEDIA_ROOT=str(folder / "media"),
        SECRET_KEY="bench-only-secret-key",
        ALLOWED_HOSTS="testserver",
        STATIC_FROM_SOURCE="true",
        LOG_LEVEL="WARNING",
        # Measured as a download made while the request waits (the site sends larger ones
        # through the worker: bench/run.py measures those).
        EXPORT_DIRECT_ROWS="1000000",
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def add_submitted_reports(count: int, start: int = 0) -> None:
    """Many submitted reports, fast: bulk_create skips save(), which only guards against
    rewriting a report that is already submitted."""
    from django.utils import timezone

    from commitments.models import Commitment, Participant, ProgressReport

    participants = list(Participant.objects.tracked())
    commitments = list(Commitment.objects.tracked())
    submitted_at = timezone.now()
    first_day = datetime.date(2002, 3, 1)
    reports = (
        ProgressReport(
            participant=participants[n % len(participants)],
            commitment=commitments[n % len(commitments)],
            status=ProgressReport.Status.LIMITED,
            as_of=first_day + datetime.timedelta(days=n % 3000),
            narrative=f"Report number {n}: an inter-agency working group met.",
            source="Generated for a memory measurement",
            state=ProgressReport.State.SUBMITTED,
            submitted_at=submitted_at,
        )
        for n in range(start, start + count)
    )
    while batch := list(itertools.islice(reports, 5000)):
        ProgressReport.objects.bulk_create(batch)


def peak_memory_of_csv_download(client) -> tuple[int, int, float]:
    """Download the CSV a chunk at a time, as a server sends it: the peak memory allocated
    meanwhile, the number of lines, and the seconds it took."""
    started = time.perf_counter()
    tracemalloc.start()
    try:
        response = client.get("/reports/?export=csv")
        assert response.streaming, "the CSV download is not streamed"
        lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, lines, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if memory grows with rows")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder))
        from django.contrib.auth.models import User
        from django.core.management import call_command
        from django.test import Client

        from commitments.management.commands.load_reference import load_reference_fixtures
        from commitments.models import Official, Participant

        call_command("migrate", verbosity=0)
        load_reference_fixtures()
        user = User.objects.create_user("bench", password=None)
        Official.objects.create(user=user, participant=Participant.objects.get(iso3="IDN"))
        client = Client()
        client.force_login(user)

        add_submitted_reports(10_000)
        peak_memory_of_csv_download(client)  # warms the caches the measured runs would count
        peak_10k, lines, seconds_10k = peak_memory_of_csv_download(client)
        assert lines == 10_001, lines
        add_submitted_reports(90_000, start=10_000)
        peak_100k, lines, seconds_100k = peak_memory_of_csv_download(client)
        assert lines == 100_001, lines
    print(
        f"CSV peak memory: {peak_10k / 1e6:.2f} MB for 10,000 reports ({seconds_10k:.1f} s), "
        f"{peak_100k / 1e6:.2f} MB for 100,000 ({seconds_100k:.1f} s)"
    )
    if args.check and peak_100k >= 2 * peak_10k:
        print("The peak grew with the number of rows: the download is not streamed.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
