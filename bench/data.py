"""The benchmark's data, made fast in PostgreSQL with INSERT ... SELECT over generate_series.

Reports are spread over the tracked cells (participants x commitments) round-robin, so that
every cell holds about the same history; one report in a hundred is corrected (the
correction is a report of its own, as the app makes them), and one in twenty has a comment
from the secretariat. The dates a report speaks for step forward with the history, so that
the latest report of every cell is the newest one, as in real use.

None of this is demonstration data (`is_demo` is false): the notice's check is measured as it
runs on a real database.
"""

from django.db import connection

from commitments.caching import bump
from commitments.models import Commitment, Paragraph, Participant

FIRST_DAY = "2002-03-01"
# Dates stay in the past whatever the history's length: 8,000 days from March 2002.
DAYS = 8000
STATUSES = ["not_started", "limited", "substantial", "complete", "not_applicable"]
CORRECTION_EVERY = 100
COMMENT_EVERY = 20


def tracked_cells() -> tuple[list[int], list[int]]:
    participants = list(Participant.objects.tracked().order_by("pk").values_list("pk", flat=True))
    commitments = list(Commitment.objects.tracked().order_by("pk").values_list("pk", flat=True))
    return participants, commitments


def report_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM commitments_progressreport WHERE corrects_id IS NULL")
        return cursor.fetchone()[0]


def add_reports(target: int, author_id: int) -> None:
    """Top the history up to `target` original reports (corrections and comments on top)."""
    start = report_count()
    if start >= target:
        return
    participants, commitments = tracked_cells()
    cells = len(participants) * len(commitments)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO commitments_progressreport
                (participant_id, commitment_id, status, as_of, narrative, evidence_links,
                 source, confidence, state, created_at, updated_at, submitted_at, version,
                 is_demo, created_by_id, submitted_by_id)
            SELECT (%(participants)s::int[])[1 + g %% %(np)s],
                   (%(commitments)s::int[])[1 + (g / %(np)s) %% %(nc)s],
                   (%(statuses)s::text[])[1 + (g / %(cells)s) %% 5],
                   date %(first)s + ((g::bigint * %(days)s) / %(target)s)::int,
                   'Report ' || g || ': an inter-agency working group met and reviewed the '
                     || 'arrangements; the next steps are set out in the attached plan.',
                   'https://example.org/evidence/' || g,
                   'Benchmark data', 'medium', 'submitted',
                   ts, ts, ts, 1, false, %(author)s, %(author)s
            FROM generate_series(%(start)s, %(stop)s) AS g,
                 LATERAL (SELECT timestamptz %(first)s
                          + ((g::bigint * %(days)s) / %(target)s) * interval '1 day'
                          + interval '9 hours' AS ts) AS t
            """,
            {
                "participants": participants,
                "commitments": commitments,
                "statuses": STATUSES,
                "np": len(participants),
                "nc": len(commitments),
                "cells": cells,
                "first": FIRST_DAY,
                "days": DAYS,
                "target": target,
                "start": start,
                "stop": target - 1,
                "author": author_id,
            },
        )
        first_new = _first_id_of_last_batch(cursor, target - start)
        # Corrections: a new report pointing at the old one, submitted a day later.
        cursor.execute(
            """
            INSERT INTO commitments_progressreport
                (participant_id, commitment_id, status, as_of, narrative, evidence_links,
                 source, confidence, state, created_at, updated_at, submitted_at, version,
                 is_demo, created_by_id, submitted_by_id, corrects_id)
            SELECT participant_id, commitment_id, 'limited', as_of,
                   'Correction of report ' || id, '', 'Benchmark data', 'high', 'submitted',
                   submitted_at + interval '1 day', submitted_at + interval '1 day',
                   submitted_at + interval '1 day', 1, false, %(author)s, %(author)s, id
            FROM commitments_progressreport
            WHERE id >= %(first)s AND corrects_id IS NULL AND id %% %(every)s = 0
            """,
            {"first": first_new, "author": author_id, "every": CORRECTION_EVERY},
        )
        cursor.execute(
            """
            INSERT INTO commitments_comment (report_id, author_id, kind, body, created_at)
            SELECT id, %(author)s,
                   CASE WHEN id %% 2 = 0 THEN 'acknowledgement' ELSE 'question' END,
                   'Thank you for the report.', submitted_at + interval '2 days'
            FROM commitments_progressreport
            WHERE id >= %(first)s AND id %% %(every)s = 0
            """,
            {"first": first_new, "author": author_id, "every": COMMENT_EVERY},
        )
        cursor.execute("ANALYZE commitments_progressreport")
        cursor.execute("ANALYZE commitments_comment")
    bump()  # raw inserts send no signals: what the pages cached before is out of date


def _first_id_of_last_batch(cursor, count: int) -> int:
    cursor.execute("SELECT max(id) FROM commitments_progressreport")
    return cursor.fetchone()[0] - count + 1


def widen(participants: int, commitments: int) -> None:
    """Add tracked participants and commitments up to `participants` x `commitments` cells
    (the 200 x 20 case), named so that no one could take them for real ones."""
    have = Participant.objects.tracked().count()
    Participant.objects.bulk_create(
        Participant(
            name=f"Benchmark participant {n}",
            short_name=f"Bench {n}",
            # Codes from ISO 3166's user-assigned range (XAA to XZZ): no real country's.
            iso3=f"X{chr(65 + n // 26)}{chr(65 + n % 26)}",
            kind=Participant.Kind.ENTITY,
            role=Participant.Role.PARTICIPANT,
            statement_order=1000 + n,
        )
        for n in range(have, participants)
    )
    paragraph = Paragraph.objects.get(number=17)
    have = Commitment.objects.tracked().count()
    Commitment.objects.bulk_create(
        Commitment(
            paragraph=paragraph,
            code=f"b{n}",
            title=f"Benchmark commitment {n}",
            text="Generated for the benchmark.",
            is_tracked=True,
            display_order=100 + n,
        )
        for n in range(have, commitments)
    )
