"""Account pages that add to Django's own: the login, refused for an address that has
failed too often across usernames; the password reset, throttled, its email queued."""

import datetime

from axes.models import AccessAttempt
from django.contrib import messages
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import LoginView, LogoutView, PasswordResetView
from django.db.models import Sum
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments import throttle
from commitments.access import client_address
from commitments.models import OutgoingEmail
from commitments.permissions import is_secretariat, official_participant
from commitments.services.mail import queue_email

# A burst of requests for one address sends at most this many emails an hour; one client may
# ask this many times an hour, for any addresses. Past either, the page answers as usual
# (so it tells no one whether an address has an account) and no email goes.
RESETS_PER_ADDRESS = 3
RESETS_PER_CLIENT = 10
HOUR = 3600
# django-axes locks one username from one address after a few failures; this stops one
# address trying a few passwords on each of many usernames ("spraying"). An office's shared
# address stays well below it with honest typing mistakes.
LOGIN_FAILURES_PER_ADDRESS = 30


def start_page(user) -> str:
    """Where a user lands after logging in (unless the login was asked for a page): the
    secretariat on its to-do page, an official on the country's workspace, others on the
    overview."""
    if is_secretariat(user):
        return reverse("secretariat_todo")
    if official_participant(user) is not None:
        return reverse("workspace")
    return reverse("home")


class GuardedLoginView(LoginView):
    def get_default_redirect_url(self):
        return start_page(self.request.user)

    def post(self, request, *args, **kwargs):
        if _failed_logins_within_the_hour(client_address(request)) >= LOGIN_FAILURES_PER_ADDRESS:
            return render(request, "registration/login_paused.html", status=429)
        return super().post(request, *args, **kwargs)


def _failed_logins_within_the_hour(address: str) -> int:
    """Failed logins from `address` in the last hour, across usernames, as django-axes
    recorded them (in the database, so every server process counts the same)."""
    since = timezone.now() - datetime.timedelta(seconds=HOUR)
    attempts = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


login = GuardedLoginView.as_view()


class LogoutWithMessageView(LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # After logout() flushed the session: the message goes in a new one.
        messages.info(request, _("You are logged out. Log in again to see progress data."))
        return response


logout = LogoutWithMessageView.as_view()


class ThrottledPasswordResetForm(PasswordResetForm):
    request = None  # set by the view

    def get_users(self, email):
        # Both are counted on every request, whichever refuses.
        for_address = throttle.allow(
            f"password-reset:{email.strip().lower()}", RESETS_PER_ADDRESS, HOUR
        )
        for_client = throttle.allow_request(self.request, "password-reset", RESETS_PER_CLIENT, HOUR)
        return super().get_users(email) if for_address and for_client else iter(())

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):  # fmt: skip
        """Queue the email for the worker rather than send it in the request: a slow mail
        server neither holds the page nor tells, by its delay, that the address has an
        account. The link is erased from the database once delivered."""
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        queue_email(kind=OutgoingEmail.Kind.PASSWORD_RESET, to=to_email, subject=subject,
                    body=body, private=True)  # fmt: skip


class ThrottledPasswordResetView(PasswordResetView):
    form_class = ThrottledPasswordResetForm

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.request = self.request
        return form


password_reset = ThrottledPasswordResetView.as_view()
