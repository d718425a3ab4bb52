"""What every admin page of the app shares: the site's titles, the history pages (shown, never
restored), read-only and log admins, a paginator that never counts a whole table, and the
guard on what the admin looks up from a request (`SafeLookupsAdminMixin`, on every admin of
the site, Django's and other apps' included)."""

import functools

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from commitments.paging import CountCappedPaginator

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = _("Data entry")

# Translators: the admin's group of a record's fields that say where it comes from.
SOURCE_FIELDSET = (_("Source"), {"fields": ["source", "source_url", "confidence"]})


# What the admin looks up from a request ---------------------------------------------------------
#
# Django's admin looks some values of a request up without checking them first: the ids of an
# action's selected rows, of a many-to-many field and of an autocomplete's choices, a past
# version's id, a date hierarchy's year. "abc" (or "1.5", or "²", a digit that int() refuses)
# then raises ValueError, and 30 digits OverflowError (SQLite's driver, and Python's dates):
# a server error. Here each is checked first, and answered as the admin answers a wrong
# value: a form error, "no items selected", 404, or the changelist's "incorrect lookup" page.


def is_lookup_value(field, value) -> bool:
    """Whether `value` can be looked up in `field`: of the field's type ("abc" is no id) and
    within what the database stores (Django's range validators of integer fields)."""
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


class SafeAutocompleteMixin:
    """The admin's autocomplete widgets show a value that is no id ("abc", 30 digits) as no
    choice (the form then says "Select a valid choice") instead of failing to look it up."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        return super().optgroups(name, [v for v in value if is_lookup_value(target, v)], attr)


class SafeAutocompleteSelect(SafeAutocompleteMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(SafeAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A many-to-many field whose posted ids are checked before they are looked up together
    (Django checks each for its type only, not its range)."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        opts = self.queryset.model._meta
        field = opts.pk if key == "pk" else opts.get_field(key)
        for pk in value:  # a list or a tuple (clean() checked)
            if not is_lookup_value(field, pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class SafeChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as error:  # a date hierarchy's year of 30 digits
            raise IncorrectLookupParameters(error) from error


@functools.cache
def safe_changelist(changelist):
    """The changelist class (Django's, or an admin's own) with SafeChangeList's guard."""
    if issubclass(changelist, SafeChangeList):
        return changelist
    return type(changelist.__name__, (SafeChangeList, changelist), {})


class SafeLookupsMixin:
    """Form fields (of admins and their inlines) that check the ids they look up."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", SafeModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@functools.cache
def guarded(admin_class):
    """The admin (or inline) class with SafeLookupsMixin, unless it has it already."""
    if issubclass(admin_class, SafeLookupsMixin):
        return admin_class
    mixin = SafeLookupsAdminMixin if issubclass(admin_class, admin.ModelAdmin) else SafeLookupsMixin
    attrs = {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__}
    return type(admin_class.__name__, (mixin, admin_class), attrs)


class SafeLookupsAdminMixin(SafeLookupsMixin):
    """A model admin that checks the ids and dates it looks up, and its inlines too."""

    def get_inlines(self, request, obj):
        return [guarded(inline) for inline in super().get_inlines(request, obj)]

    def get_changelist(self, request, **kwargs):
        return safe_changelist(super().get_changelist(request, **kwargs))

    def response_action(self, request, queryset, *args, **kwargs):
        # Selected rows whose ids are no ids are not selected: with none left, the admin says
        # "Items must be selected" and changes nothing.
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        valid = [pk for pk in selected if is_lookup_value(self.opts.pk, pk)]
        if valid != selected:
            request.POST = request.POST.copy()
            request.POST.setlist(helpers.ACTION_CHECKBOX_NAME, valid)
        return super().response_action(request, queryset, *args, **kwargs)


def guard_every_admin(site) -> None:
    """Give every admin registered on the site (Django's users and groups, axes' logs, any
    other app's) SafeLookupsAdminMixin: they read requests through the same admin code."""
    for model, model_admin in list(site._registry.items()):
        if not isinstance(model_admin, SafeLookupsAdminMixin):
            site.unregister(model)
            site.register(model, guarded(type(model_admin)))


class BoundedListMixin:
    """No COUNT(*) over a whole table on a page load: the full count is not shown and the
    paginator counts at most COUNT_CAP rows (commitments.paging)."""

    show_full_result_count = False
    paginator = CountCappedPaginator


class HistoryAdmin(BoundedListMixin, SafeLookupsAdminMixin, SimpleHistoryAdmin):
    """Every admin page links to the record's history: who changed what, and when.

    A past version is shown, never restored: restoring would overwrite later changes (and
    could rewrite a submitted report or a comment). SIMPLE_HISTORY_REVERT_DISABLED only hides
    the button, so the version page refuses POST here."""

    save_on_top = True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied(gettext("Past versions are shown, never restored."))
        if not is_lookup_value(self.model.history.model._meta.pk, unquote(version_id)):
            raise Http404(gettext("No version has that number."))
        if not self._in_queryset(request, object_id):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        # django-simple-history's history pages look the object up without get_queryset():
        # an object this user may not see in the admin has no history to show either.
        if not self._in_queryset(request, object_id):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_view(request, object_id, extra_context)

    def get_changeform_initial_data(self, request):
        """The admin prefills an add form from the query (?commitment=3); a value that is no
        id of the related model ("abc") is dropped, rather than fail as the page renders."""
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.many_to_one and not is_lookup_value(field.target_field, value):
                del initial[name]
        return initial

    def _in_queryset(self, request, object_id) -> bool:
        # get_object answers None for an id of the wrong kind ("abc"), as the change page does.
        return self.get_object(request, unquote(object_id)) is not None


class ReadOnlyAdmin(HistoryAdmin):
    """Records written only by the site's own workflow: shown, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LogAdmin(BoundedListMixin, SafeLookupsAdminMixin, admin.ModelAdmin):
    """Logs written by the app itself (they are their own history): shown, never changed."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
