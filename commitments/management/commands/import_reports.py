"""Import reports from a CSV or Excel file in the reports download's format, as a user:
first what each row would do (nothing written), then, with --apply, the whole file or nothing.
The same preview and application as /reports/import/ (commitments.services.imports)."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from commitments.imports import ACTION_LABELS
from commitments.services.imports import import_apply, import_preview


class Command(BaseCommand):
    # A property, in the active language: argparse needs a str, not a lazy one.
    @property
    def help(self):
        return _(
            "Import progress reports from a .csv or .xlsx file in the columns of the reports "
            "download. Without --apply, print what each row would do and write no report."
        )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=_("The .csv or .xlsx file."))
        parser.add_argument(
            "--user", required=True, help=_("The username the reports are imported as.")
        )
        parser.add_argument(
            "--apply", action="store_true", help=_("Apply the file if no row has an error.")
        )

    def handle(self, *args, file: Path, user: str, apply: bool, **options):
        account = get_user_model().objects.filter(username=user, is_active=True).first()
        if account is None:
            raise CommandError(_("No user has the username %(username)r.") % {"username": user})
        content = self._read(file)
        try:
            batch = import_preview(user=account, name=file.name, content=content)
        except PermissionDenied as refused:
            raise CommandError(str(refused)) from None
        self._print_preview(batch)
        if not apply:
            self.stdout.write(_("Nothing was written. Run again with --apply to apply the file."))
            return
        if batch.file_error or batch.error_count:
            raise CommandError(
                _("%(count)s row(s) with errors: nothing was written.")
                % {"count": batch.error_count}
                if not batch.file_error
                else _("The file cannot be read: nothing was written.")
            )
        try:
            batch = import_apply(batch=batch, user=account)
        except ValidationError as refused:
            raise CommandError(refused.messages[0]) from None
        self.stdout.write(self.style.SUCCESS(
            _("Applied: %(new)s new report(s), %(corrections)s correction(s).")
            % {"new": batch.created_reports, "corrections": batch.corrections}
        ))  # fmt: skip

    def _read(self, file: Path) -> bytes:
        if not file.is_file():
            raise CommandError(_("%(file)s is not a file.") % {"file": file})
        if file.stat().st_size > settings.IMPORT_MAX_BYTES:
            raise CommandError(
                _(
                    "%(file)s has %(size)s bytes; an import takes at most %(most)s. Split it "
                    "into smaller files."
                )
                % {"file": file, "size": file.stat().st_size, "most": settings.IMPORT_MAX_BYTES}
            )
        return file.read_bytes()

    def _print_preview(self, batch) -> None:
        if batch.file_error:
            self.stdout.write(self.style.ERROR(batch.file_error))
            return
        counts = {key: batch.count(key) for key in ACTION_LABELS}
        self.stdout.write(
            _(
                "%(new)s new report(s), %(correction)s correction(s), %(unchanged)s unchanged, "
                "%(repeat)s repeated, %(error)s with errors (import %(import)s)."
            )
            % {**counts, "import": batch.pk}
        )
        for row in batch.rows:
            for column, message in row["errors"]:
                values = {"row": row["number"], "column": column, "message": message}
                if column:
                    # Translators: %(column)s is the file's column heading, in English.
                    line = _("row %(row)s, %(column)s: %(message)s") % values
                else:
                    line = _("row %(row)s: %(message)s") % values
                self.stdout.write(self.style.ERROR(line))
