"""Send the reminder emails that are due and were not sent before (commitments.reminders).

Safe to run from cron every hour: each reminder is recorded in SentReminder and never sent
twice."""

import argparse

from django.core.management.base import BaseCommand
from django.utils import timezone

from commitments.services import reminders
from commitments.status import DEFAULT_STALE_DAYS, stale_after_days


def days(minimum):
    def parse(value):
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of days") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return number

    return parse


class Command(BaseCommand):
    help = (
        "Email each focal point whose participant has tracked commitments with no recent "
        "progress report, and everyone concerned when the 12-month review deadline is near. "
        "A reminder already sent is never sent again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-days",
            type=days(1),
            default=None,
            help="Remind about commitments with no report for this many days (default: the "
            f"FOLLOWUP_STALE_AFTER_DAYS setting, else {DEFAULT_STALE_DAYS}).",
        )
        parser.add_argument(
            "--deadline-days",
            type=days(0),
            default=reminders.DEFAULT_DEADLINE_DAYS,
            help="Remind everyone once when the review deadline is this many days away or "
            "less (default %(default)s).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the reminders that would be sent; send and record nothing.",
        )

    def handle(self, *args, stale_days, deadline_days, dry_run, verbosity, **options):
        outcome = reminders.send_reminders(
            timezone.localdate(),
            stale_days=stale_days if stale_days is not None else stale_after_days(),
            deadline_days=deadline_days,
            dry_run=dry_run,
        )
        if dry_run:
            for reminder in outcome.sent:
                self.stdout.write(
                    f"--- Would send {reminder.key}\nTo: {reminder.recipient}\n"
                    f"Subject: {reminder.subject}\n\n{reminder.body}"
                )
            self.stdout.write(
                f"Dry run: would send {len(outcome.sent)}, would skip {len(outcome.skipped)} "
                "already sent. Nothing was sent or recorded."
            )
            return
        if verbosity >= 2:
            for reminder in outcome.sent:
                self.stdout.write(f"Queued {reminder.key} to {reminder.recipient}")
        if verbosity >= 1:
            self.stdout.write(
                f"Queued {len(outcome.sent)} for the mail worker, skipped "
                f"{len(outcome.skipped)} already sent."
            )
