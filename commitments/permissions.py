"""Who may see and change what, checked on the server for every object, in one helper per
kind of object. Each helper fetches the object for the current user and answers 404 when the
user may not see it, 403 when the user may see it but not do this to it.

- Submitted reports: seen by whoever may view progress; never changed (corrected instead).
- Drafts: seen, edited, submitted and deleted only by the officials of their participant.
- Corrections: started only by the officials of the report's participant.
- Comments: the secretariat acknowledges or asks; the participant's officials reply.
- Evidence files: downloaded by logged-in users who may see the report they belong to.
- Volunteering and attendance: an official, for his or her own participant only.
- Recommendations' moves and handovers: the secretariat.
- Imports of reports: the secretariat for any participant, an official for his or her own;
  an uploaded file is seen and applied only by whoever uploaded it.
- API tokens: seen and revoked by the user who made them only.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commitments.access import can_view_progress
from commitments.models import (
    ApiToken,
    Comment,
    EvidenceFile,
    ExpertMeeting,
    Official,
    Participant,
    ProgressReport,
    Recommendation,
    ReportImport,
)
from commitments.roles import SECRETARIAT


def official_participant(user) -> Participant | None:
    """The participant this user reports for, or None (not an official, or logged out)."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_official_participant"):  # asked several times per page: one query
        official = Official.objects.select_related("participant").filter(user=user).first()
        user._official_participant = official.participant if official else None
    return user._official_participant


NOT_AN_OFFICIAL_MESSAGE = gettext_lazy(
    "Your account is not linked to a participant: only the focal-point officials of a "
    "participating state or entity can do this."
)


def own_participant(user) -> Participant:
    """The tracked participant this user reports for and acts for (volunteering, attendance,
    reports); PermissionDenied for anyone who is not its focal-point official."""
    participant = official_participant(user)
    if participant is None or not participant.is_tracked:
        raise PermissionDenied(NOT_AN_OFFICIAL_MESSAGE)
    return participant


def is_own(user, participant_id) -> bool:
    """Whether the user is a focal-point official of this participant."""
    participant = official_participant(user)
    return participant is not None and participant.pk == participant_id


def is_secretariat(user) -> bool:
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_is_secretariat"):  # asked several times per page: one query
        user._is_secretariat = user.is_superuser or user.groups.filter(name=SECRETARIAT).exists()
    return user._is_secretariat


def _may_see(user, report) -> bool:
    if report.is_submitted:
        return can_view_progress(user)
    return is_own(user, report.participant_id)


def _report(pk, queryset=None) -> ProgressReport:
    queryset = queryset if queryset is not None else ProgressReport.objects.all()
    report = queryset.select_related("participant", "commitment").filter(pk=pk).first()
    if report is None:
        raise Http404("No report has that number.")
    return report


def report_for_view(user, pk, queryset=None) -> ProgressReport:
    report = _report(pk, queryset)
    if not _may_see(user, report):
        raise Http404("No report has that number.")
    return report


def report_for_edit(user, pk) -> ProgressReport:
    """A draft the user may edit, submit or delete: one of his or her own participant's."""
    report = report_for_view(user, pk)
    if report.is_submitted:
        raise PermissionDenied(_("A submitted report cannot be changed; record a correction."))
    return report  # a draft the user can see is one of his or her own participant's


def report_for_correction(user, pk) -> ProgressReport:
    """A submitted report of the user's own participant, to correct."""
    report = report_for_view(user, pk)
    if not is_own(user, report.participant_id):
        raise PermissionDenied(_("Only the officials of this participant can correct its reports."))
    if not report.is_submitted:
        raise PermissionDenied(_("A draft is edited, not corrected."))
    return report


def comment_kinds_for(user, report) -> list[str]:
    """The kinds of comment this user may add to this (submitted) report; empty: none."""
    if not report.is_submitted:
        return []
    if is_secretariat(user):
        return [Comment.Kind.ACKNOWLEDGEMENT, Comment.Kind.QUESTION]
    if is_own(user, report.participant_id):
        return [Comment.Kind.REPLY]
    return []


def report_for_comment(user, pk) -> ProgressReport:
    report = report_for_view(user, pk)
    if not comment_kinds_for(user, report):
        raise PermissionDenied(_("You cannot comment on this report."))
    return report


def evidence_for_download(user, pk) -> EvidenceFile:
    """Evidence files need a login even where progress is public: they are documents that
    officials uploaded, not published data."""
    evidence = EvidenceFile.objects.select_related("report").filter(pk=pk).first()
    if evidence is None or not user.is_authenticated or not _may_see(user, evidence.report):
        raise Http404("No file has that number.")
    return evidence


def require_secretariat(user) -> None:
    if not is_secretariat(user):
        raise PermissionDenied(_("This page is for the secretariat."))


def check_participant_field(user, submitted_value) -> None:
    """A form posts for the user's own participant; any other identifier in the data is an
    attempt to write for another participant, refused outright rather than ignored."""
    participant = official_participant(user)
    if submitted_value not in (None, "") and (
        participant is None or str(submitted_value).upper() != participant.iso3
    ):
        raise PermissionDenied(_("You can only report for your own participant."))


def meeting_for_attendance(user, slug) -> tuple[ExpertMeeting, Participant]:
    """An expert meeting, and the participant whose attendance the user may record at it."""
    meeting = get_object_or_404(ExpertMeeting, slug=slug)
    return meeting, own_participant(user)


def recommendation_for_move(user, pk) -> Recommendation:
    """A recommendation the user may move on (to Ministers, to closure, to a mechanism)."""
    recommendation = get_object_or_404(Recommendation.objects.select_related("meeting"), pk=pk)
    require_secretariat(user)
    return recommendation


IMPORT_REFUSED_MESSAGE = gettext_lazy(
    "Only the secretariat and the focal-point officials of participants can import reports."
)


def import_scope(user) -> Participant | None:
    """Whose reports the user may import: None for any participant (the secretariat), or the
    official's own participant; PermissionDenied for anyone else."""
    if is_secretariat(user):
        return None
    participant = official_participant(user)
    if participant is None or not participant.is_tracked:
        raise PermissionDenied(IMPORT_REFUSED_MESSAGE)
    return participant


def may_import(user) -> bool:
    """Whether import_scope lets the user in (the navigation's link follows it)."""
    try:
        import_scope(user)
    except PermissionDenied:
        return False
    return True


def import_for_user(user, pk) -> ReportImport:
    """An uploaded file, for whoever uploaded it (and may still import): 404 for anyone
    else, so that nobody learns of another's file."""
    import_scope(user)
    batch = ReportImport.objects.filter(pk=pk, uploaded_by_id=user.pk).first()
    if batch is None:
        raise Http404("No import has that number.")
    return batch


def token_for_revoke(user, pk) -> ApiToken:
    """One of the user's own active tokens; anyone else's, or a revoked one, is not found."""
    token = (
        ApiToken.objects.active().filter(pk=pk, user=user).first()
        if user.is_authenticated
        else None
    )
    if token is None:
        raise Http404("You have no active token with that number.")
    return token
