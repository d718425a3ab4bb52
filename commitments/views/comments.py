"""The secretariat's follow-up: the comment queue, and comments on submitted reports."""

import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from commitments.filters import CommentQueueFilter
from commitments.forms import CommentForm
from commitments.models import Comment, ProgressReport
from commitments.paging import CappedPaginator
from commitments.permissions import comment_kinds_for, report_for_comment, require_secretariat
from commitments.services.comments import CommentAlreadyReceived, comment_add
from commitments.tables import CommentQueueTable
from commitments.views.report import report_detail_context


@require_safe
@login_required
def comment_queue(request):
    require_secretariat(request.user)
    # The comments are counted by subqueries in the select list, so only for the page's
    # rows: a COUNT joined over every report would read the whole history before paging.
    comments = Comment.objects.filter(report=OuterRef("pk"))
    reports = (
        ProgressReport.objects.submitted()
        .select_related("participant", "commitment")
        .annotate(
            comment_count=Coalesce(
                Subquery(comments.values("report").annotate(n=Count("pk")).values("n")), 0
            ),
            acknowledged=Exists(comments.filter(kind=Comment.Kind.ACKNOWLEDGEMENT)),
        )
    )
    filterset = CommentQueueFilter(request.GET, queryset=reports)
    table = CommentQueueTable(filterset.qs if filterset.is_valid() else reports.none())
    paginate = {"per_page": 25, "paginator_class": CappedPaginator}
    tables.RequestConfig(request, paginate=paginate).configure(table)
    return render(request, "commitments/comments/queue.html", {"filter": filterset, "table": table})


@require_POST
@login_required
def comment_create(request, pk):
    report = report_for_comment(request.user, pk)
    form = CommentForm(request.POST, kinds=comment_kinds_for(request.user, report))
    if form.is_valid():
        try:
            comment_add(
                report=report,
                user=request.user,
                kind=form.cleaned_data["kind"],
                body=form.cleaned_data["body"],
                form_token=form.cleaned_data["form_token"],
            )
        except CommentAlreadyReceived:
            messages.info(request, _("This comment had already been received (it was sent "
                          "twice); it was added once."))  # fmt: skip
        else:
            messages.success(
                request, _("Your comment was added; the people concerned are emailed.")
            )
        return redirect("report_detail", pk=report.pk)
    context = report_detail_context(request, report, comment_form=form)
    return render(request, "commitments/report_detail.html", context, status=200)
