"""The open data (/data/): the page that explains it, each file as CSV, the package's
descriptor and the zip. What is published, and how each file reads, is declared in
commitments.open_data; these views only choose how to answer.

The data is the same for everyone who opens it (public, like the pages it comes from): a
signed-in user gets the same files as an anonymous visitor, the reports included only when
progress is public. Small files are made while the request waits; the zip that holds the
reports, and a reports file past EXPORT_DIRECT_ROWS, are prepared by the worker
(services.documents) and kept until the data changes.
"""

import tempfile

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from commitments import open_data
from commitments.access import progress_is_public
from commitments.demo import demo_data_present
from commitments.models import CONFIDENCE_MEANINGS, Confidence, PreparedDocument
from commitments.services.documents import request_document
from commitments.views.prepared import document_response

Kind = PreparedDocument.Kind


@require_safe
def index(request):
    progress_public = progress_is_public()
    resources = open_data.published(progress_public)
    context = {
        "resources": resources,
        # Lazy: counted only when the cached table (keyed on the data version) is missing.
        "summary": SimpleLazyObject(lambda: open_data.build_summary(progress_public)),
        "progress_public": progress_public,
        "license": open_data.LICENSE,
        "confidences": [(level, CONFIDENCE_MEANINGS[level]) for level in Confidence],
        "zip_filename": open_data.ZIP_FILENAME,
    }
    return render(request, "commitments/open_data/index.html", context)


@require_safe
def resource_csv(request, resource):
    progress_public = progress_is_public()
    found = open_data.resource_named(resource, progress_public)
    if found is None:
        raise Http404("No such file is published here.")
    if found.progress and _many_reports(progress_public):
        return _prepared(request, Kind.OPEN_DATA_REPORTS, progress_public)
    return StreamingHttpResponse(
        open_data.csv_chunks(found, found.values(progress_public)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{found.filename}"'},
    )


@require_safe
def datapackage(request):
    return HttpResponse(
        open_data.descriptor_json(progress_is_public()),
        content_type="application/json; charset=utf-8",
    )


@require_safe
def package_zip(request):
    progress_public = progress_is_public()
    if progress_public:
        return _prepared(request, Kind.OPEN_DATA_ZIP, progress_public)
    # Reference data only: a few hundred rows, made while the request waits, on disk (the
    # response closes the file, which has no name once open).
    file = tempfile.TemporaryFile()  # noqa: SIM115
    open_data.write_package(file, progress_public=False, demo=False)
    file.seek(0)
    return FileResponse(
        file, as_attachment=True, filename=open_data.ZIP_FILENAME, content_type="application/zip"
    )


def _many_reports(progress_public: bool) -> bool:
    """A count that stops at the limit: at most EXPORT_DIRECT_ROWS + 1 rows are counted,
    whatever the history, as on the reports page."""
    limit = settings.EXPORT_DIRECT_ROWS
    return open_data.REPORTS.rows(progress_public)[: limit + 1].count() > limit


def _prepared(request, kind: str, progress_public: bool):
    """The document the worker made from this version of the data (or a page that says it is
    being prepared). The parameters are the same for everyone, so everyone shares one."""
    document = request_document(
        kind=kind,
        parameters={"progress_public": progress_public, "demo": demo_data_present()},
        user=request.user,
    )
    return document_response(request, document, back_url=reverse("open_data"))
