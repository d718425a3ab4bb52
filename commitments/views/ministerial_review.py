"""The 12-month review of paragraph 24: the review page, and the report for Ministers as a
print view and a PDF. All three show what commitments.ministers compiles; the print view and
the PDF are one template.

The review page is public (the meetings, their results and the recommendations are reference
data); its progress matrix needs the right to view progress. The print view and the PDF
include the matrix, so they need that right as a whole.
"""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from commitments.access import can_view_progress, progress_view
from commitments.documents import (
    REPORT_TEMPLATE,
    NothingToPrepare,
    compile_report,
    document_context,
)
from commitments.forms import AsOfForm
from commitments.ministers import compile_for_ministers
from commitments.models import MinisterialMeeting, PreparedDocument
from commitments.models.progress import EARLIEST_AS_OF
from commitments.services.documents import request_document
from commitments.views.prepared import document_response


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
    as_of, refusal = document_date(request)
    if refusal is not None:
        return None, refusal
    try:
        return compile_report(as_of, timezone.localdate()), None
    except NothingToPrepare as error:
        raise Http404(str(error)) from None


def document_date(request):
    """?as_of as a date (None: the due date), or the 400 page that explains why not."""
    form = AsOfForm(request.GET)
    if not form.is_valid():
        response = render(
            request, "commitments/ministerial_review/bad_date.html", {"form": form}, status=400
        )
        return None, response
    return form.cleaned_data["as_of"], None


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
    """The PDF is made by the background worker (6 to 10 s of WeasyPrint would hold a server
    process), once per data version, date and day; this answers with it when it is ready."""
    as_of, refusal = document_date(request)
    if refusal is not None:
        return refusal
    if MinisterialMeeting.objects.founding() is None:
        raise Http404("No founding meeting is recorded, so there is nothing due for Ministers.")
    # In the page's language: one document per language (the worker has no request to ask).
    parameters = {
        "as_of": as_of.isoformat() if as_of else "",
        "today": str(timezone.localdate()),
        "language": translation.get_language(),
    }
    document = request_document(
        kind=PreparedDocument.Kind.MINISTERS_PDF, parameters=parameters, user=request.user
    )
    return document_response(request, document, back_url=reverse("ministerial_review"), inline=True)
