"""Accounts: logging in and out, lockout after repeated failures and unlocking it, changing a
password, and resetting it by email without revealing which addresses have accounts."""

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.conftest import page_text

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new passphrase 2003"
LOGIN_URL = reverse("login")


def log_in(client, username="siti", password=PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def is_logged_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def fail_until_locked(client, username="siti", **extra):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        log_in(client, username, "wrong password", **extra)


# Logging in and out -----------------------------------------------------------------------------


def test_the_login_page_is_shown(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    text = page_text(response)
    assert "Log in" in text
    assert "Forgotten your password?" in text


def test_the_right_password_logs_the_official_in(client, official_of_indonesia):
    response = log_in(client)
    assert response.status_code == 302
    assert response.url == "/my/"  # an official's start page: the country's workspace
    assert is_logged_in_as(client, official_of_indonesia)


def test_logging_in_returns_to_the_page_asked_for(client, official_of_indonesia):
    response = client.post(LOGIN_URL, {"username": "siti", "password": PASSWORD, "next": "/my/"})
    assert response.url == "/my/"


def test_a_wrong_password_gets_a_message_and_no_login(client, official_of_indonesia):
    response = log_in(client, password="not the password")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in page_text(response)
    assert not is_logged_in_as(client, official_of_indonesia)


def test_logout_is_post_only(client, official_of_indonesia):
    client.force_login(official_of_indonesia)
    assert client.get(reverse("logout")).status_code == 405
    assert is_logged_in_as(client, official_of_indonesia)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_logout_without_the_csrf_token_is_refused(official_of_indonesia):
    client = Client(enforce_csrf_checks=True)
    client.force_login(official_of_indonesia)
    assert client.post(reverse("logout")).status_code == 403
    assert is_logged_in_as(client, official_of_indonesia)


# Lockout -----------------------------------------------------------------------------------------


def test_after_the_failure_limit_even_the_right_password_shows_the_lockout_page(
    client, official_of_indonesia
):
    assert django_settings.AXES_FAILURE_LIMIT == 5
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, password="wrong password").status_code == 200
    log_in(client, password="wrong password")

    response = log_in(client)
    assert response.status_code == 429
    text = page_text(response)
    assert "Too many failed logins" in text
    assert "locked after 5 failed attempts" in text
    assert "ask the secretariat to unlock it" in text
    assert not is_logged_in_as(client, official_of_indonesia)


def test_the_lockout_page_says_how_long_to_wait_in_words(client, official_of_indonesia):
    fail_until_locked(client)
    text = page_text(log_in(client))
    # AXES_COOLOFF_TIME is one hour: an official should read "1 hour", not "PT1H".
    assert "PT1H" not in text
    assert re.search(r"\b(1|one) hour\b", text)


def test_one_failure_short_of_the_limit_the_right_password_still_works(
    client, official_of_indonesia
):
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, password="wrong password")
    assert log_in(client).status_code == 302
    assert is_logged_in_as(client, official_of_indonesia)


def test_the_lockout_is_for_that_username_from_that_address(
    client, official_of_indonesia, second_official_of_indonesia
):
    fail_until_locked(client, REMOTE_ADDR="203.0.113.7")
    assert log_in(client, REMOTE_ADDR="203.0.113.7").status_code == 429
    # Another official at the same address, and the same official elsewhere, may log in.
    assert log_in(Client(), "budi", REMOTE_ADDR="203.0.113.7").status_code == 302
    assert log_in(Client(), "siti", REMOTE_ADDR="198.51.100.20").status_code == 302


def test_spraying_many_usernames_from_one_address_pauses_logins_from_it(
    client, official_of_indonesia
):
    from commitments.views.accounts import LOGIN_FAILURES_PER_ADDRESS

    sprayer = {"REMOTE_ADDR": "203.0.113.9"}
    # A few passwords on each of many usernames: under axes' limit for each one.
    for attempt in range(LOGIN_FAILURES_PER_ADDRESS):
        name = f"user{attempt // 3}"
        assert log_in(client, name, password="Summer2003!", **sprayer).status_code == 200
    response = log_in(client, "siti", **sprayer)  # even the right password
    assert response.status_code == 429
    assert "Logins from your network are paused" in page_text(response)
    assert not is_logged_in_as(client, official_of_indonesia)
    # Another address is not affected.
    assert log_in(Client(), "siti", REMOTE_ADDR="198.51.100.20").status_code == 302


def test_honest_mistakes_at_a_shared_office_address_do_not_pause_its_logins(
    client, official_of_indonesia, second_official_of_indonesia
):
    office = {"REMOTE_ADDR": "203.0.113.10"}
    for name in ["siti", "budi"] * 2:
        log_in(Client(), name, password="typo", **office)
    assert log_in(client, "siti", **office).status_code == 302


def test_the_secretariat_unlocks_a_login_by_deleting_its_access_attempt_in_the_admin(
    client, official_of_indonesia, secretariat_user
):
    fail_until_locked(client)
    assert log_in(client).status_code == 429
    attempt = AccessAttempt.objects.get(username="siti")

    admin = Client()
    admin.force_login(secretariat_user)
    assert admin.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
    delete_url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin.get(delete_url).status_code == 200
    response = admin.post(delete_url, {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="siti").exists()

    assert log_in(client).status_code == 302
    assert is_logged_in_as(client, official_of_indonesia)


def test_a_locked_login_is_unlocked_with_the_axes_reset_username_command(
    client, official_of_indonesia
):
    fail_until_locked(client)
    assert log_in(client).status_code == 429
    call_command("axes_reset_username", "siti")
    assert log_in(client).status_code == 302
    assert is_logged_in_as(client, official_of_indonesia)


def test_an_official_cannot_unlock_logins_in_the_admin(client, official_of_indonesia):
    fail_until_locked(Client())
    attempt = AccessAttempt.objects.get(username="siti")
    # Officials are not staff: the admin sends them to its login page.
    other = Client()
    other.force_login(official_of_indonesia)
    delete_url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    response = other.post(delete_url, {"post": "yes"})
    assert response.status_code == 302
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


# Changing a password ----------------------------------------------------------------------------


def test_a_logged_in_user_changes_the_password(client, official_of_indonesia):
    client.force_login(official_of_indonesia)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    official_of_indonesia.refresh_from_db()
    assert official_of_indonesia.check_password(NEW_PASSWORD)
    assert is_logged_in_as(client, official_of_indonesia)  # the session survives the change
    assert "Password changed" in page_text(client.get(response.url))
    assert log_in(Client(), password=NEW_PASSWORD).status_code == 302


def test_a_wrong_old_password_gets_a_message_and_changes_nothing(client, official_of_indonesia):
    client.force_login(official_of_indonesia)
    response = client.post(
        reverse("password_change"),
        {"old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Your old password was entered incorrectly" in text
    assert "Your password was not changed" in text
    official_of_indonesia.refresh_from_db()
    assert official_of_indonesia.check_password(PASSWORD)


def test_changing_the_password_needs_a_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(django_settings.LOGIN_URL)


# Resetting a password by email ------------------------------------------------------------------


def reset_link(email) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", email.body)
    assert match, email.body
    return match.group(1)


def test_a_reset_request_for_a_known_address_sends_one_email_with_a_link(
    client, official_of_indonesia, mailoutbox
):
    response = client.post(reverse("password_reset"), {"email": "siti@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["siti@example.org"]
    assert "siti" in email.body
    assert reset_link(email).startswith("/accounts/reset/")
    assert "Check your email" in page_text(client.get(response.url))


def test_following_the_reset_link_lets_the_user_choose_a_new_password(
    client, official_of_indonesia, mailoutbox
):
    client.post(reverse("password_reset"), {"email": "siti@example.org"})
    response = client.get(reset_link(mailoutbox[0]), follow=True)
    assert response.status_code == 200
    assert response.context["validlink"] is True
    set_password_url = response.redirect_chain[-1][0]
    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")
    official_of_indonesia.refresh_from_db()
    assert official_of_indonesia.check_password(NEW_PASSWORD)
    assert log_in(Client(), password=NEW_PASSWORD).status_code == 302
    assert log_in(Client(), password=PASSWORD).status_code == 200


def test_a_reset_link_works_only_once(client, official_of_indonesia, mailoutbox):
    client.post(reverse("password_reset"), {"email": "siti@example.org"})
    link = reset_link(mailoutbox[0])
    response = client.get(link, follow=True)
    client.post(
        response.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    again = Client().get(link, follow=True)
    assert again.context["validlink"] is False
    assert "already been used or has expired" in page_text(again)


def test_a_reset_request_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client, official_of_indonesia, mailoutbox
):
    known = client.post(reverse("password_reset"), {"email": "siti@example.org"}, follow=True)
    mailoutbox.clear()
    unknown = client.post(
        reverse("password_reset"), {"email": "nobody-here@example.org"}, follow=True
    )
    assert unknown.redirect_chain == known.redirect_chain
    assert unknown.status_code == known.status_code == 200
    assert page_text(unknown) == page_text(known)
    assert "Check your email" in page_text(unknown)
    assert mailoutbox == []


@pytest.mark.parametrize(
    "url",
    ["/accounts/login/", "/accounts/password_change/", "/accounts/password_reset/",
     "/accounts/logout/"],
)  # fmt: skip
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_account_pages_refuse_other_methods(client, official_of_indonesia, url, method):
    client.force_login(official_of_indonesia)
    assert getattr(client, method)(url).status_code == 405


def test_a_burst_of_reset_requests_for_one_address_sends_a_few_emails(
    client, official_of_indonesia, mailoutbox
):
    for _ in range(50):
        response = client.post("/accounts/password_reset/", {"email": "siti@example.org"})
        assert response.status_code == 302  # the same answer every time: nothing is revealed
    assert len(mailoutbox) == 3


def test_one_client_asking_for_many_addresses_is_slowed(client, db, mailoutbox):
    for n in range(30):
        User.objects.create_user(f"user{n}", f"user{n}@example.org", "x")
    for n in range(30):
        client.post("/accounts/password_reset/", {"email": f"user{n}@example.org"})
    assert len(mailoutbox) == 10


def test_the_reset_limits_are_per_address_and_per_client(client, official_of_indonesia, mailoutbox):
    other = Client(REMOTE_ADDR="127.0.0.2")
    for _ in range(3):
        client.post("/accounts/password_reset/", {"email": "siti@example.org"})
    other.post("/accounts/password_reset/", {"email": "siti@example.org"})
    assert len(mailoutbox) == 3  # the address's limit holds from any client
