"""One permission class per rule of commitments.access: reference data is public, as its pages
are; progress data (reports, the matrix, the handover register) follows can_view_progress."""

from rest_framework import exceptions, permissions

from commitments.access import can_view_progress

PROGRESS_MESSAGE = (
    "Progress data needs a login: send a personal API token (made on /accounts/tokens/)."
)


class ReferenceData(permissions.BasePermission):
    """The statement, its participants, the meetings, groups and mechanisms: public."""

    def has_permission(self, request, view):
        return True


class ProgressData(permissions.BasePermission):
    """Reports, the matrix, handovers: as their pages. Anyone logged in may view progress, so
    a refusal is always "log in" (401 with the message), never 403."""

    def has_permission(self, request, view):
        if not can_view_progress(request.user):
            raise exceptions.NotAuthenticated(PROGRESS_MESSAGE)
        return True
