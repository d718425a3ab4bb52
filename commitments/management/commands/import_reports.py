"""Import reports from a CSV or Excel file in the reports download's format, as a user:
first what each row would do (nothing written), then, with --apply, the whole file or nothing.
The same preview and application as /reports/import/ (commitments.services.imports)."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from commitments.imports import ACTION_LABELS
from commitments.services.imports import import_apply, import_preview


class Command(BaseCommand):
    help = (
        "Import progress reports from a .csv or .xlsx file in the columns of the reports "
        "download. Without --apply, print what each row would do and write no report."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The .csv or .xlsx file.")
        parser.add_argument(
            "--user", required=True, help="The username the reports are imported as."
        )
        parser.add_argument(
            "--apply", action="store_true", help="Apply the file if no row has an error."
        )

    def handle(self, *args, file: Path, user: str, apply: bool, **options):
        account = get_user_model().objects.filter(username=user, is_active=True).first()
        if account is None:
            raise CommandError(f"No user has the username {user!r}.")
        content = self._read(file)
        try:
            batch = import_preview(user=account, name=file.name, content=content)
        except PermissionDenied as refused:
            raise CommandError(str(refused)) from None
        self._print_preview(batch)
        if not apply:
            self.stdout.write("Nothing was written. Run again with --apply to apply the file.")
            return
        if batch.file_error or batch.error_count:
            raise CommandError(
                f"{batch.error_count} row(s) with errors: nothing was written."
                if not batch.file_error
                else "The file cannot be read: nothing was written."
            )
        try:
            batch = import_apply(batch=batch, user=account)
        except ValidationError as refused:
            raise CommandError(refused.messages[0]) from None
        self.stdout.write(self.style.SUCCESS(
            f"Applied: {batch.created_reports} new report(s), {batch.corrections} correction(s)."
        ))  # fmt: skip

    def _read(self, file: Path) -> bytes:
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        if file.stat().st_size > settings.IMPORT_MAX_BYTES:
            raise CommandError(
                f"{file} has {file.stat().st_size} bytes; an import takes at most "
                f"{settings.IMPORT_MAX_BYTES}. Split it into smaller files."
            )
        return file.read_bytes()

    def _print_preview(self, batch) -> None:
        if batch.file_error:
            self.stdout.write(self.style.ERROR(batch.file_error))
            return
        counts = {key: batch.count(key) for key in ACTION_LABELS}
        self.stdout.write(
            f"{counts['new']} new report(s), {counts['correction']} correction(s), "
            f"{counts['unchanged']} unchanged, {counts['repeat']} repeated, "
            f"{counts['error']} with errors (import {batch.pk})."
        )
        for row in batch.rows:
            for column, message in row["errors"]:
                where = f"row {row['number']}" + (f", {column}" if column else "")
                self.stdout.write(self.style.ERROR(f"{where}: {message}"))
