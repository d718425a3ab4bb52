"""One report's page: the report, its evidence, what it corrects and what corrected it, its
history (who changed what, when), the comments, and what the viewer may do next."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from commitments.access import progress_view
from commitments.forms import CommentForm
from commitments.history import report_history
from commitments.permissions import (
    comment_kinds_for,
    is_secretariat,
    official_participant,
    report_for_view,
)


def report_detail_context(request, report, comment_form=None) -> dict:
    user = request.user
    participant = official_participant(user)
    is_own = participant is not None and participant.pk == report.participant_id
    kinds = comment_kinds_for(user, report)
    if comment_form is None and kinds:
        comment_form = CommentForm(kinds=kinds)
    # The follow-up between the country and the secretariat is theirs; the history is the
    # same for everyone (commitments.history: a draft's earlier wording is never shown).
    is_party = is_own or is_secretariat(user)
    comments = report.comments.select_related("author").order_by("created_at", "pk")
    return {
        "report": report,
        "correction": report.corrections.submitted().first() if report.is_submitted else None,
        "files": report.files.all(),
        "history": report_history(report),
        "comments": comments if is_party else None,
        "comment_form": comment_form,
        "may_edit": is_own and not report.is_submitted,
        "may_correct": is_own and report.is_submitted,
    }


@require_safe
@progress_view
def report_detail(request, pk):
    """Submitted reports are shown to whoever may view progress; drafts only to the officials
    of their participant (anyone else gets 404)."""
    report = report_for_view(request.user, pk)
    return render(request, "commitments/report_detail.html", report_detail_context(request, report))
