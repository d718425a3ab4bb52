"""The outgoing emails: what was sent, what waits, and what could not be sent."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commitments.admin.base import LogAdmin
from commitments.models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(LogAdmin):
    list_display = ["created_at", "kind", "to", "subject", "state", "attempts", "last_error"]
    list_filter = ["state", "kind"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    fields = ["kind", "to", "subject", "message", "state", "attempts", "last_error",
              "created_at", "sent_at"]  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("Message"))
    def message(self, email):
        # A password reset's link is a key to an account: no one reads it here.
        if email.private:
            return gettext("(Not shown: it holds a password reset link.)")
        return email.body
