"""Send the reminder emails that are due and were not sent before (commitments.reminders).

Safe to run from cron every hour: each reminder is recorded in SentReminder and never sent
twice."""

import argparse

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments.services import reminders
from commitments.status import DEFAULT_STALE_DAYS, stale_after_days


def days(minimum):
    def parse(value):
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(
                _("%(value)r is not a whole number of days") % {"value": value}
            ) from None
        if number < minimum:
            raise argparse.ArgumentTypeError(
                _("must be at least %(minimum)s") % {"minimum": minimum}
            )
        return number

    return parse


class Command(BaseCommand):
    # A property, in the active language: argparse needs a str, not a lazy one.
    @property
    def help(self):
        return _(
            "Email each focal point whose participant has tracked commitments with no recent "
            "progress report, and everyone concerned when the 12-month review deadline is "
            "near. A reminder already sent is never sent again."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-days",
            type=days(1),
            default=None,
            help=_(
                "Remind about commitments with no report for this many days (default: the "
                "FOLLOWUP_STALE_AFTER_DAYS setting, else %(stale_days)s)."
            )
            % {"stale_days": DEFAULT_STALE_DAYS},
        )
        parser.add_argument(
            "--deadline-days",
            type=days(0),
            default=reminders.DEFAULT_DEADLINE_DAYS,
            help=_(
                "Remind everyone once when the review deadline is this many days away or "
                "less (default %(default)s)."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Print the reminders that would be sent; send and record nothing."),
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
                    _("--- Would send %(key)s\nTo: %(recipient)s\nSubject: %(subject)s")
                    % {
                        "key": reminder.key,
                        "recipient": reminder.recipient,
                        "subject": reminder.subject,
                    }
                    + f"\n\n{reminder.body}"
                )
            self.stdout.write(
                _(
                    "Dry run: would send %(sent)s, would skip %(skipped)s already sent. "
                    "Nothing was sent or recorded."
                )
                % {"sent": len(outcome.sent), "skipped": len(outcome.skipped)}
            )
            return
        if verbosity >= 2:
            for reminder in outcome.sent:
                self.stdout.write(
                    _("Queued %(key)s to %(recipient)s")
                    % {"key": reminder.key, "recipient": reminder.recipient}
                )
        if verbosity >= 1:
            self.stdout.write(
                _("Queued %(sent)s for the mail worker, skipped %(skipped)s already sent.")
                % {"sent": len(outcome.sent), "skipped": len(outcome.skipped)}
            )
