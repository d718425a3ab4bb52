"""The focal-point official's workspace: the country's standing, drafts, reports, corrections.

Every object is fetched through commitments.permissions; every write is a POST that
redirects after success; bad input re-renders the form with its messages and writes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from commitments.forms import ReportForm
from commitments.models import Commitment, ProgressReport
from commitments.permissions import (
    check_participant_field,
    evidence_for_download,
    official_participant,
    own_participant,
    report_for_correction,
    report_for_edit,
)
from commitments.services.reports import (
    AlreadyCorrected,
    AlreadyReceived,
    DraftGone,
    EditConflict,
    correction_draft,
    report_delete_draft,
    report_save,
)
from commitments.todo import official_todo


@require_safe
@login_required
def workspace(request):
    participant = official_participant(request.user)
    if participant is None:
        return render(request, "commitments/my/no_participant.html")
    todo = official_todo(participant, timezone.localdate())
    return render(
        request, "commitments/my/workspace.html", {"participant": participant, "todo": todo}
    )


def _save_from_form(request, form, report, **save_options):
    """Save a valid form through the service; return the response (redirect or re-render)."""
    submit = "submit" in request.POST
    try:
        saved = report_save(
            report=form.instance,
            user=request.user,
            files=form.cleaned_data["evidence_files"],
            file_types=form.evidence_types,
            submit=submit,
            form_token=form.cleaned_data.get("form_token"),
            **save_options,
        )
    except AlreadyReceived as already:
        return _already_received(request, already.report)
    except DraftGone:
        # Deleted or submitted between this request's permission check and its save.
        if gone := _draft_gone_meanwhile(request, report.pk):
            return gone
        raise Http404("No report has that number.") from None
    except AlreadyCorrected as corrected:
        return _corrected_meanwhile(request, corrected.newer)
    except EditConflict as conflict:
        if not submit and _repeats_the_post_that_made(request, form, conflict.current):
            return _already_received(request, conflict.current)
        form.add_error(
            None,
            _(
                "Someone else saved this draft while you were editing it, so your changes were "
                "not saved. Your text is still below; compare it with the saved version, then "
                "save again to replace it."
            ),
        )
        form.data = form.data.copy()
        form.data["version"] = conflict.current.version
        _files_not_kept(request)
        return render(
            request,
            "commitments/my/report_form.html",
            {"form": form, "report": report, "conflict": conflict.current},
            status=409,
        )
    except ValidationError as error:
        if (
            report._state.adding is False
            and not ProgressReport.objects.filter(pk=report.pk).exists()
        ):
            # The transaction was rolled back: the new report was never stored.
            report.pk, report._state.adding = None, True
        form.add_error(None, error)
        _files_not_kept(request)
        return render(request, "commitments/my/report_form.html", {"form": form, "report": report})
    if submit:
        messages.success(request, _("Your report was submitted. Thank you."))
    else:
        messages.success(
            request, _("Your draft was saved. It is not visible to others until you submit it.")
        )
    return redirect("report_detail", pk=saved.pk)


def _made_by_this_form(request, report) -> bool:
    return report.form_token is not None and request.POST.get("form_token") == str(
        report.form_token
    )


def _posted_version(request) -> int | None:
    """The draft version the form was opened at, or None if the post has none that is a
    number (ASCII digits only: "²" is a digit to isdigit(), not to int())."""
    version = request.POST.get("version", "")
    return int(version) if version.isascii() and version.isdigit() else None


def _repeats_the_post_that_made(request, form, stored) -> bool:
    """Whether this post of the edit form is a repeat (a double click, a retry, the back
    button) of the user's own post that saved or submitted `stored`: the version that post
    made (the posted one plus one, as report_save bumps it), by this user, with this text.
    A colleague's save, or one's own from another page with other text, is not."""
    version = _posted_version(request)
    if version is None or stored.version != version + 1:
        return False
    if stored.is_submitted:
        saved_by = stored.submitted_by_id
    else:
        last = stored.history.order_by("-history_date", "-history_id").first()
        saved_by = last.history_user_id if last is not None else None
    if saved_by != request.user.pk:
        return False
    typed = getattr(form, "cleaned_data", {})
    return all(
        name in typed and typed[name] == getattr(stored, name) for name in ReportForm.Meta.fields
    )


def _already_received(request, report):
    messages.info(
        request,
        _(
            "This form had already been received (it was sent twice): the report below is the "
            "one it made, and nothing more was saved."
        ),
    )
    return redirect("report_detail", pk=report.pk)


def _files_not_kept(request):
    if request.FILES:
        messages.warning(request, _("The files you chose were not kept: attach them again."))


@require_http_methods(["GET", "POST"])
@login_required
def report_create(request):
    participant = own_participant(request.user)
    commitment = get_object_or_404(
        Commitment.objects.tracked(), code=request.GET.get("commitment", "")
    )
    report = ProgressReport(participant=participant, commitment=commitment)
    if request.method == "POST":
        check_participant_field(request.user, request.POST.get("participant"))
        form = ReportForm(request.POST, request.FILES, instance=report)
        if form.is_valid():
            return _save_from_form(request, form, report)
    else:
        form = ReportForm(instance=report, initial={"as_of": timezone.localdate()})
    return render(request, "commitments/my/report_form.html", {"form": form, "report": report})


@require_http_methods(["GET", "POST"])
@login_required
def report_edit(request, pk):
    try:
        report = report_for_edit(request.user, pk)
    except (PermissionDenied, Http404):
        if request.method == "POST" and (gone := _draft_gone_meanwhile(request, pk)):
            return gone
        raise
    if request.method == "POST":
        check_participant_field(request.user, request.POST.get("participant"))
        form = ReportForm(request.POST, request.FILES, instance=report)
        form.fields["version"].required = True  # an edit always says what it started from
        if form.is_valid():
            return _save_from_form(
                request, form, report, expected_version=form.cleaned_data["version"]
            )
        # The model's validation refuses a report stored as submitted: one submitted since
        # the permission check above is answered as any other submitted meanwhile.
        if (
            not ProgressReport.objects.drafts().filter(pk=pk).exists()
            and (gone := _draft_gone_meanwhile(request, pk)) is not None
        ):
            return gone
    else:
        form = ReportForm(instance=report, initial={"version": report.version})
    return render(request, "commitments/my/report_form.html", {"form": form, "report": report})


def _draft_gone_meanwhile(request, pk):
    """A colleague submitted or deleted the draft while this official was editing it: keep
    what he or she typed, say what happened, and offer the way on (a correction of the
    submitted report, or a new draft). The same form posted again after it submitted the
    draft is answered as already received. None when the draft was never the user's."""
    participant = official_participant(request.user)
    if participant is None:
        return None
    submitted = participant.reports.submitted().filter(pk=pk).first()
    if submitted is not None:
        report, action = correction_draft(submitted), reverse("report_correct", args=[pk])
        form = ReportForm(request.POST, instance=report)
        form.is_valid()  # to show the typed values; nothing is saved here
        if "submit" in request.POST and _repeats_the_post_that_made(request, form, submitted):
            return _already_received(request, submitted)
        if submitted.submitted_by_id == request.user.pk:
            message = _(
                "You submitted this draft from another page, so your changes were not saved. "
                "Your text is below: save it as a correction of the submitted report."
            )
        else:
            message = _(
                "A colleague submitted this draft while you were editing it, so your changes "
                "were not saved. Your text is below: save it as a correction of the submitted "
                "report."
            )
    else:
        deleted = _deleted_draft(participant, pk)
        if deleted is None:
            return None
        if deleted.history_user_id == request.user.pk:
            message = _(
                "You deleted this draft from another page, so your changes were not saved. "
                "Your text is below: save it as a new draft."
            )
        else:
            message = _(
                "A colleague deleted this draft while you were editing it, so your changes "
                "were not saved. Your text is below: save it as a new draft."
            )
        report = ProgressReport(participant=participant, commitment=deleted.commitment)
        action = reverse("report_create") + f"?commitment={deleted.commitment.code}"
        form = ReportForm(request.POST, instance=report)
        form.is_valid()
    form.add_error(None, message)
    _files_not_kept(request)
    context = {"form": form, "report": report, "form_action": action}
    return render(request, "commitments/my/report_form.html", context, status=409)


def _deleted_draft(participant, pk):
    """The history row that says the participant's draft `pk` was deleted, or None."""
    return (
        ProgressReport.history.filter(id=pk, participant=participant, history_type="-")
        .select_related("commitment")
        .first()
    )


def _delete_of_a_draft_gone(request, pk):
    """The draft to delete was submitted or deleted since the page showed it (by a
    colleague, or by this same form sent twice): say so and go on. None when it was never
    the user's draft."""
    participant = official_participant(request.user)
    if participant is None:
        return None
    submitted = participant.reports.submitted().filter(pk=pk).first()
    if submitted is not None:
        if submitted.submitted_by_id == request.user.pk:
            message = _(
                "You submitted this draft before it could be deleted, so it was not deleted: "
                "a submitted report stays. Record a correction if it needs one."
            )
        else:
            message = _(
                "A colleague submitted this draft before it could be deleted, so it was not "
                "deleted: a submitted report stays. Record a correction if it needs one."
            )
        messages.error(request, message)
        return redirect("report_detail", pk=pk)
    deleted = _deleted_draft(participant, pk)
    if deleted is None:
        return None
    if deleted.history_user_id == request.user.pk:
        messages.info(
            request,
            _(
                "The draft on %(commitment)s was already deleted (the form was sent twice); "
                "nothing more was done."
            )
            % {"commitment": deleted.commitment.code},
        )
    else:
        messages.info(
            request,
            _("A colleague deleted this draft before you did: the draft on %(commitment)s is gone.")
            % {"commitment": deleted.commitment.code},
        )
    return redirect("workspace")


@require_POST
@login_required
def report_delete(request, pk):
    version = _posted_version(request)
    try:
        report = report_for_edit(request.user, pk)
    except (PermissionDenied, Http404):
        # Only a delete that says which version it saw was posted from the draft's page.
        if version is not None and (gone := _delete_of_a_draft_gone(request, pk)):
            return gone
        raise
    if version is None:
        # Every delete says which version it saw, so that it cannot remove a colleague's
        # later work unseen.
        messages.error(request, _("The page was out of date, so nothing was deleted: look at "
                       "the draft again before deleting it."))  # fmt: skip
        return redirect("report_detail", pk=report.pk)
    try:
        report_delete_draft(report=report, user=request.user, expected_version=version)
    except DraftGone:
        # Submitted or deleted between this request's permission check and its delete.
        if gone := _delete_of_a_draft_gone(request, pk):
            return gone
        raise Http404("No report has that number.") from None
    except EditConflict:
        messages.error(
            request,
            _(
                "A colleague changed this draft after you opened it, so it was not deleted. "
                "Look at it again before deleting it."
            ),
        )
        return redirect("report_detail", pk=report.pk)
    messages.success(
        request,
        _("The draft on %(commitment)s was deleted.") % {"commitment": report.commitment.code},
    )
    return redirect("workspace")


@require_http_methods(["GET", "POST"])
@login_required
def report_correct(request, pk):
    original = report_for_correction(request.user, pk)
    newer = original.corrections.submitted().first()
    if newer is not None and request.method == "POST" and _made_by_this_form(request, newer):
        return _already_received(request, newer)
    if newer is not None and request.method == "POST":
        return _corrected_meanwhile(request, newer)
    if newer is not None:
        messages.error(
            request, _("This report has already been corrected; correct the newest one.")
        )
        return redirect("report_detail", pk=newer.pk)
    correction = correction_draft(original)
    if request.method == "POST":
        check_participant_field(request.user, request.POST.get("participant"))
        form = ReportForm(request.POST, request.FILES, instance=correction)
        if form.is_valid():
            return _save_from_form(request, form, correction, copy_files_from=original)
    else:
        form = ReportForm(instance=correction)
    context = {"form": form, "report": correction, "original": original}
    return render(request, "commitments/my/report_form.html", context)


def _corrected_meanwhile(request, newer):
    """Someone corrected the report while this official was writing a correction of it (or
    editing a draft correction): keep the text, point the form at the newest report."""
    form = ReportForm(request.POST, instance=correction_draft(newer))
    form.is_valid()  # to show the typed values; nothing is saved here
    if newer.submitted_by_id == request.user.pk:
        message = _(
            "You corrected this report from another page, so nothing was saved. Your text is "
            "below: save it as a correction of the newest report."
        )
    else:
        message = _(
            "A colleague corrected this report while you were writing, so nothing was saved. "
            "Your text is below: save it as a correction of the newest report."
        )
    form.add_error(None, message)
    _files_not_kept(request)
    context = {
        "form": form,
        "report": form.instance,
        "original": newer,
        "form_action": reverse("report_correct", args=[newer.pk]),
    }
    return render(request, "commitments/my/report_form.html", context, status=409)


@require_safe
@login_required
def evidence_download(request, pk):
    evidence = evidence_for_download(request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from the server's storage.") from None
    # Always a download, never shown inline: an uploaded file is not trusted to render.
    return FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
