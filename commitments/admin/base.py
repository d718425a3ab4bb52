"""What every admin page of the app shares: the site's titles, the history pages (shown, never
restored), read-only and log admins, and a paginator that never counts a whole table."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from simple_history.admin import SimpleHistoryAdmin

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Data entry"

SOURCE_FIELDSET = ("Source", {"fields": ["source", "source_url", "confidence"]})


class HistoryAdmin(SimpleHistoryAdmin):
    """Every admin page links to the record's history: who changed what, and when.

    A past version is shown, never restored: restoring would overwrite later changes (and
    could rewrite a submitted report or a comment). SIMPLE_HISTORY_REVERT_DISABLED only hides
    the button, so the version page refuses POST here."""

    save_on_top = True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("Past versions are shown, never restored.")
        if not self._in_queryset(request, object_id):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        # django-simple-history's history pages look the object up without get_queryset():
        # an object this user may not see in the admin has no history to show either.
        if not self._in_queryset(request, object_id):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_view(request, object_id, extra_context)

    def _in_queryset(self, request, object_id) -> bool:
        return self.get_queryset(request).filter(pk=unquote(object_id)).exists()


class CappedCountPaginator(Paginator):
    """Counts at most CAP rows (SELECT COUNT(*) FROM (... LIMIT CAP+1)), so a page load never
    counts the whole reports table; past the cap the last pages are reached by filtering."""

    CAP = 10_000

    @cached_property
    def count(self):
        return self.object_list[: self.CAP + 1].count()


class ReadOnlyAdmin(HistoryAdmin):
    """Records written only by the site's own workflow: shown, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LogAdmin(admin.ModelAdmin):
    """Logs written by the app itself (they are their own history): shown, never changed."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
