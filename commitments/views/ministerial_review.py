"""The 12-month review of paragraph 24: the review page, and the report for Ministers as a
print view and a PDF. All three show what commitments.ministers compiles; the print view and
the PDF are one template.

The review page is public (the meetings, their results and the recommendations are reference
data); its progress matrix needs the right to view progress. The print view and the PDF
include the matrix, so they need that right as a whole.
"""

import logging
import mimetypes
import time
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from commitments.access import can_view_progress, progress_view
from commitments.forms import AsOfForm
from commitments.ministers import compile_for_ministers
from commitments.models.progress import EARLIEST_AS_OF

logger = logging.getLogger(__name__)

REPORT_TITLE = "Results of the meetings of experts for Ministers"
REPORT_TEMPLATE = "commitments/ministerial_review/report.html"
PDF_FILENAME = "bali-followup-report-for-ministers-{:%Y-%m-%d}.pdf"


@require_safe
def ministerial_review(request):
    today = timezone.localdate()
    with_progress = can_view_progress(request.user)
    form = AsOfForm(request.GET) if with_progress else None
    as_of = form.cleaned_data["as_of"] if form is not None and form.is_valid() else None
    report = compile_for_ministers(today, as_of=as_of, with_progress=with_progress)
    context = {
        "report": report,
        "form": form,
        "as_of_query": f"?as_of={as_of:%Y-%m-%d}" if as_of else "",
        "earliest": EARLIEST_AS_OF,
        "today": today,
    }
    return render(request, "commitments/ministerial_review/review.html", context)


def compile_document(request):
    """The report for Ministers as of ?as_of (by default the due date), or a response that
    explains why not: a date that is not valid (400), no founding meeting (404)."""
    form = AsOfForm(request.GET)
    if not form.is_valid():
        response = render(
            request, "commitments/ministerial_review/bad_date.html", {"form": form}, status=400
        )
        return None, response
    today = timezone.localdate()
    report = compile_for_ministers(today, as_of=form.cleaned_data["as_of"], with_progress=True)
    if report is None:
        raise Http404("No founding meeting is recorded, so there is nothing due for Ministers.")
    return report, None


def document_context(report, *, for_pdf: bool) -> dict:
    return {"report": report, "title": REPORT_TITLE, "for_pdf": for_pdf}


@require_safe
@progress_view
@never_cache
def ministerial_review_print(request):
    report, refusal = compile_document(request)
    if refusal is not None:
        return refusal
    return render(request, REPORT_TEMPLATE, document_context(report, for_pdf=False))


@require_safe
@progress_view
@never_cache
def ministerial_review_pdf(request):
    report, refusal = compile_document(request)
    if refusal is not None:
        return refusal
    started = time.perf_counter()
    html = render_to_string(REPORT_TEMPLATE, document_context(report, for_pdf=True), request)
    pdf = render_pdf(html, base_url=request.build_absolute_uri("/"))
    elapsed = time.perf_counter() - started
    logger.info("Rendered the report for Ministers (%d bytes) in %.2f s", len(pdf), elapsed)
    filename = PDF_FILENAME.format(report.matrix_as_of)
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition_header(False, filename),
            "Server-Timing": f"pdf;dur={elapsed * 1000:.0f}",
        },
    )


# Rendering without the network ------------------------------------------------------------------


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
