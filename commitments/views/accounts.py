"""Account pages that add to Django's own: the password reset, throttled."""

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import PasswordResetView

from commitments import throttle

# A burst of requests for one address sends at most this many emails an hour; one client may
# ask this many times an hour, for any addresses. Past either, the page answers as usual
# (so it tells no one whether an address has an account) and no email goes.
RESETS_PER_ADDRESS = 3
RESETS_PER_CLIENT = 10
HOUR = 3600


class ThrottledPasswordResetForm(PasswordResetForm):
    request = None  # set by the view

    def get_users(self, email):
        # Both are counted on every request, whichever refuses.
        for_address = throttle.allow(
            f"password-reset:{email.strip().lower()}", RESETS_PER_ADDRESS, HOUR
        )
        for_client = throttle.allow_request(self.request, "password-reset", RESETS_PER_CLIENT, HOUR)
        return super().get_users(email) if for_address and for_client else iter(())


class ThrottledPasswordResetView(PasswordResetView):
    form_class = ThrottledPasswordResetForm

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.request = self.request
        return form


password_reset = ThrottledPasswordResetView.as_view()
