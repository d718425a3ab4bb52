"""Comments on submitted reports: written on the site, shown here."""

from django.contrib import admin

from commitments.admin.base import ReadOnlyAdmin
from commitments.models import (
    Comment,
)


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["report", "kind", "author", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["report__participant", "report__commitment", "author"]
    search_fields = ["body", "report__participant__name", "author__username"]

    def has_delete_permission(self, request, obj=None):
        return False
