"""Django's user admin, with the participant an official reports for; only a superuser grants
powers."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commitments.admin.progress import SuperuserWritesMixin
from commitments.models import Official


class OfficialUserInline(SuperuserWritesMixin, admin.StackedInline):
    model = Official
    can_delete = True
    autocomplete_fields = ["participant"]
    verbose_name = _("focal-point official for")


admin.site.unregister(User)


@admin.register(User)
class FollowupUserAdmin(UserAdmin):
    """Django's user admin, with the participant an official reports for."""

    inlines = [OfficialUserInline]
    list_display = [*UserAdmin.list_display, "reports_for"]
    list_select_related = ["official__participant"]
    # Only a superuser grants powers: the secretariat creates accounts and edits their names,
    # but cannot make anyone (itself included) staff, superuser or a member of a group, nor
    # change an existing account's email (a password reset goes to that address: changing it
    # would hand the secretariat the account).
    PRIVILEGE_FIELDS = ["is_staff", "is_superuser", "groups", "user_permissions"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += self.PRIVILEGE_FIELDS
            if obj is not None:
                readonly.append("email")
        return readonly

    def has_change_permission(self, request, obj=None):
        # Staff accounts (the secretariat's own included) are changed by a superuser only;
        # one's own password is changed at /accounts/password_change/.
        if obj is not None and self._is_privileged(obj) and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self._is_privileged(obj) and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    @staticmethod
    def _is_privileged(user) -> bool:
        return user.is_staff or user.is_superuser

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password would let the secretariat sign in as that official and
        # write for that country: an official who forgot it resets it by email.
        if not request.user.is_superuser:
            raise PermissionDenied(gettext("Officials reset their own passwords by email."))
        return super().user_change_password(request, id, form_url)

    @admin.display(description=_("Reports for"), ordering="official__participant__short_name")
    def reports_for(self, user):
        official = getattr(user, "official", None)
        return official.participant if official else "–"
