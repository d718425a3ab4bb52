"""Writes that touch more than one row: each validates fully and runs in one transaction."""

from django.db import transaction
from django.utils import timezone

from commitments.models import ProgressReport

# The fields a correction copies from the report it corrects, as a starting point to edit.
CORRECTION_COPIED_FIELDS = [
    "participant",
    "commitment",
    "status",
    "as_of",
    "narrative",
    "evidence_links",
    "source",
    "confidence",
]


@transaction.atomic
def report_submit(*, report: ProgressReport, user) -> ProgressReport:
    """Submit a draft. From then on it is immutable; a submitted correction supersedes the
    report it corrects (the old one stays, and the unique constraint on `corrects` makes a
    second, concurrent correction of the same report fail rather than fork the history)."""
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    report.state = ProgressReport.State.SUBMITTED
    report.submitted_by = user
    report.submitted_at = timezone.now()
    # Validated as submitted, so that the constraints on submitted reports apply.
    report.full_clean()
    report.save()
    return report


def report_start_correction(*, original: ProgressReport, user, **changes) -> ProgressReport:
    """Create a draft correction of a submitted report, copied from it with `changes` applied."""
    fields = {name: getattr(original, name) for name in CORRECTION_COPIED_FIELDS}
    fields.update(changes)
    correction = ProgressReport(corrects=original, created_by=user, **fields)
    correction.full_clean()
    correction.save()
    return correction
