"""What every admin page of the app shares: the site's titles, the history pages (shown, never
restored), read-only and log admins, and a paginator that never counts a whole table."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from simple_history.admin import SimpleHistoryAdmin

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Data entry"

SOURCE_FIELDSET = ("Source", {"fields": ["source", "source_url", "confidence"]})


class SafeAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete, which shows a posted value that is no id ("abc") as no
    choice (the form then says "Select a valid choice") instead of failing to look it up."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if self._is_id(v)], attr)

    def _is_id(self, value) -> bool:
        try:
            self.field.target_field.to_python(value)
        except ValidationError:
            return False
        return True


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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        """The admin prefills an add form from the query (?commitment=3); a value that is no
        id of the related model ("abc") is dropped, rather than fail as the page renders."""
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.is_relation and field.many_to_one:
                try:
                    field.target_field.to_python(value)
                except ValidationError:
                    del initial[name]
        return initial

    def _in_queryset(self, request, object_id) -> bool:
        # get_object answers None for an id of the wrong kind ("abc"), as the change page does.
        return self.get_object(request, unquote(object_id)) is not None


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
