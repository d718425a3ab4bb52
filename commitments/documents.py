"""What each prepared document is made of: the PDF for Ministers (WeasyPrint), the large
downloads of the reports table, and the open data's zip and reports file when they hold the
reports (commitments.open_data). The background task (services.documents.prepare) calls
`build(kind, parameters, file)`; none of this needs a request.

Rendering never touches the network: WeasyPrint's URL fetcher here serves the app's own
static files from disk and refuses everything else, whatever the HTML holds.
"""

import datetime
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commitments import open_data
from commitments.exports import (
    csv_chunks,
    export_filename,
    reports_download,
    sorted_reports,
    write_xlsx,
)
from commitments.ministers import compile_for_ministers
from commitments.models import PreparedDocument

REPORT_TITLE = gettext_lazy("Results of the meetings of experts for Ministers")
REPORT_TEMPLATE = "commitments/ministerial_review/report.html"
PDF_FILENAME = "bali-followup-report-for-ministers-{:%Y-%m-%d}.pdf"
# Relative links in the report (its stylesheet, its mark) resolve against this; the fetcher
# maps them to files on disk, so the host is never asked.
BASE_URL = "http://tracker.invalid/"


class NothingToPrepare(Exception):
    """The document cannot be made from these parameters (no founding meeting, say)."""


# The report for Ministers ---------------------------------------------------------------------


def compile_report(as_of: datetime.date | None, today: datetime.date):
    report = compile_for_ministers(today, as_of=as_of, with_progress=True)
    if report is None:
        raise NothingToPrepare(
            _("No founding meeting is recorded, so there is nothing due for Ministers.")
        )
    return report


def document_context(report, *, for_pdf: bool) -> dict:
    return {
        "report": report,
        "title": REPORT_TITLE,
        "for_pdf": for_pdf,
        "tracker_name": settings.SITE_NAME,
    }


def ministers_pdf(parameters: dict) -> tuple[bytes, str]:
    """The PDF and its file name, from {"as_of": "YYYY-MM-DD" or "", "today": "YYYY-MM-DD",
    "language": the language of the page that asked for it (English if none)}."""
    as_of = datetime.date.fromisoformat(parameters["as_of"]) if parameters["as_of"] else None
    with translation.override(parameters.get("language") or settings.LANGUAGE_CODE):
        report = compile_report(as_of, datetime.date.fromisoformat(parameters["today"]))
        html = render_to_string(REPORT_TEMPLATE, document_context(report, for_pdf=True))
    return render_pdf(html, base_url=BASE_URL), PDF_FILENAME.format(report.matrix_as_of)


def static_files_only_fetcher(base_url: str):
    """A WeasyPrint URL fetcher that serves the app's own static files from disk (found by
    django.contrib.staticfiles.finders) and refuses everything else: no request ever leaves
    the machine while a report is rendered, whatever the HTML holds."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    static_prefix = urljoin(base_url, settings.STATIC_URL)
    static_path = urlsplit(static_prefix).path

    class StaticFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if not url.startswith(static_prefix) or parts.query or parts.fragment:
                raise ValueError(f"Refused {url}: a report uses only the app's own static files.")
            found = static_file(unquote(parts.path).removeprefix(static_path))
            if found is None:
                raise ValueError(f"Refused {url}: no such static file.")
            content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": content_type})

    return StaticFilesOnly()


def static_file(name: str) -> Path | None:
    """The file on disk behind a static name: from the apps' folders (finders), or, when the
    files are collected with hashed names (production), from STATIC_ROOT."""
    if not name or ".." in name.split("/"):
        return None
    try:
        found = finders.find(name)
        if not found and staticfiles_storage.exists(name):
            found = staticfiles_storage.path(name)
    except SuspiciousFileOperation:
        return None
    return Path(found) if found and Path(found).is_file() else None


def render_pdf(html: str, base_url: str) -> bytes:
    from weasyprint import HTML

    fetcher = static_files_only_fetcher(base_url)
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()


# The reports table's downloads ----------------------------------------------------------------


def reports_export(export_format: str, parameters: dict, file) -> tuple[int, str]:
    """Write the download to the binary `file`; return its rows and its file name."""
    query = QueryDict(mutable=True)
    for name, values in parameters["query"].items():
        query.setlist(name, values)
    reports = sorted_reports(query)
    if reports is None:
        raise NothingToPrepare(_("These filters are not valid: go back to the reports page."))
    download = reports_download(reports)
    download.rows = counted = Counted(download.rows)
    if export_format == "xlsx":
        write_xlsx(download, file)
    else:
        for chunk in csv_chunks(download):
            file.write(chunk.encode())
    return counted.rows, export_filename(export_format, download.name)


class Counted:
    """An iterable that counts what passes through it."""

    def __init__(self, rows):
        self._rows = rows
        self.rows = 0

    def __iter__(self):
        for row in self._rows:
            self.rows += 1
            yield row


# The open data ---------------------------------------------------------------------------------


def open_data_file(kind: str, parameters: dict, file) -> tuple[int, str]:
    """The zip of the package, or the reports file alone, as /data/ publishes them, from
    {"progress_public": bool, "demo": bool}; return its data rows and its file name."""
    progress_public = parameters["progress_public"]
    if kind == PreparedDocument.Kind.OPEN_DATA_ZIP:
        rows = open_data.write_package(
            file, progress_public=progress_public, demo=parameters["demo"]
        )
        return rows, open_data.ZIP_FILENAME
    resource = open_data.resource_named("reports", progress_public)
    if resource is None:
        raise NothingToPrepare(_("The progress reports are not published."))
    counter = [0]
    for chunk in open_data.csv_chunks(resource, open_data.counted(resource.values(True), counter)):
        file.write(chunk.encode())
    return counter[0], resource.filename
