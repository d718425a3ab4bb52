"""Back up the whole database and the evidence files to a new folder (commitments.backups).

Run it from cron (the README suggests nightly): the folder it writes is complete only once
its manifest.json is there, so an interrupted run is never mistaken for a backup."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _

from commitments import backups


class Command(BaseCommand):
    # A property, in the active language: argparse needs a str, not a lazy one.
    @property
    def help(self):
        return _(
            "Write every row of every table (the history tables included; the sessions left "
            "out) and every file under MEDIA_ROOT to DIR, a new or empty folder, with a "
            "manifest.json of their SHA-256 checksums, the migrations, the engine and the rows "
            "per model. The manifest is written last: a folder without it is not a backup."
        )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help=_("A new or empty folder."))
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help=_("The database to back up (default %(default)s)."),
        )

    def handle(self, *args, directory, database, verbosity, **options):
        started = time.monotonic()
        try:
            manifest = backups.backup(directory, using=database)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        # On stderr whatever the verbosity, so that cron mails it.
        for name in manifest["missing_media_files"]:
            self.stderr.write(
                self.style.WARNING(
                    _("A row names %(name)s, which is not in MEDIA_ROOT (nor the backup).")
                    % {"name": name}
                )
            )
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Backed up %(summary)s to %(directory)s in %(seconds).1f s.")
                    % {
                        "summary": backups.summary(manifest),
                        "directory": directory,
                        "seconds": time.monotonic() - started,
                    }
                )
            )
