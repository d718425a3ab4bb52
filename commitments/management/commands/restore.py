"""Restore a backup made by `manage.py backup` into a new database (commitments.backups).

It refuses rather than mixes: every check (checksums, migrations, an empty MEDIA_ROOT, an
empty database) passes before anything is written, and the rows load in one transaction."""

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
            "Restore the backup in DIR into this database and MEDIA_ROOT. First run `manage.py "
            "migrate` on a new database (the same migrations as the backup's: the restore "
            "checks). It refuses if a file does not match its checksum, if MEDIA_ROOT holds any "
            "file, or if the database holds any row beyond what `migrate` makes: "
            "%(migration_made)s. Those few it replaces by the backup's own, with their ids. All "
            "rows load in one transaction, with their ids, and no history row is written; the "
            "copied files are checked against their checksums. Nothing is written when any "
            "check fails."
        ) % {"migration_made": backups.MIGRATION_MADE}

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help=_("A folder made by `backup`."))
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help=_("The database to restore into (default %(default)s)."),
        )

    def handle(self, *args, directory, database, verbosity, **options):
        started = time.monotonic()
        try:
            manifest = backups.restore(directory, using=database)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Restored %(summary)s from the backup of %(created_at)s in %(seconds).1f s.")
                    % {
                        "summary": backups.summary(manifest),
                        "created_at": manifest["created_at"],
                        "seconds": time.monotonic() - started,
                    }
                )
            )
